import { describe, expect, it } from 'vitest';
import { FlowRuntimeError, initialIvrState, ivrStep } from './interpreter.js';
import { driveFlow, ofType, plays, reports, says, types } from './testing.js';
import type { FlowDefinition, FlowStep } from './types.js';

/** A flow starting at `start` with the given steps plus an `agent` queue step. */
function flow(steps: Record<string, FlowStep>, extra: Partial<FlowDefinition> = {}): FlowDefinition {
  return { start: 'start', steps: { agent: { kind: 'enqueue', queue: 'general' }, ...steps }, ...extra };
}

function started(f: FlowDefinition) {
  const d = driveFlow(f);
  d.send({ type: 'answered' });
  return d;
}

const pick: FlowStep = {
  kind: 'menu',
  prompt: 'pick',
  options: [
    { digit: '5', next: 'agent', set: { skillHint: 'five' } },
    { digit: '9', next: 'bye' },
  ],
  onFail: 'agent',
};

describe('play step', () => {
  it('given an audio source, when entered, then the media URI is played as is', () => {
    const d = started(flow({ start: { kind: 'play', audio: 'sound:/srv/notice', next: 'agent' } }));
    expect(d.log).toEqual([{ type: 'play', media: { audio: 'sound:/srv/notice' }, playbackId: 'id1' }]);
  });

  it('given a play without barge-in, when a key is pressed, then the prompt goes on and the key waits for the next step', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'notice', next: 'menu' }, menu: pick, bye: { kind: 'hangup' } }));
    expect(d.press('5')).toEqual([]);
    expect(d.state.typedAhead).toEqual(['5']);
    expect(ofType(d.finish(), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'five' }]);
  });

  it('given a play with barge-in, when a key is pressed, then the prompt stops and the next step takes the key', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'notice', bargeIn: true, next: 'menu' }, menu: pick, bye: { kind: 'hangup' } }));
    const cmds = d.press('9');
    expect(cmds).toEqual([{ type: 'stop_playback', playbackId: 'id1' }, { type: 'hangup' }, { type: 'report', outcome: { kind: 'flow_hangup', step: 'bye' } }]);
    expect(d.state.status).toBe('ended');
  });
});

describe('say step', () => {
  it('given variables set by a menu, when the say step runs, then its text is filled in and spoken', () => {
    const d = started(
      flow({
        start: { kind: 'menu', prompt: 'pick', options: [{ digit: '2', next: 'say', set: { who: '市民' } }], onFail: 'agent' },
        say: { kind: 'say', text: '{who}您好，{missing}再见。', next: 'agent' },
      }),
    );
    const cmds = d.press('2');
    expect(cmds).toEqual([
      { type: 'stop_playback', playbackId: 'id1' },
      { type: 'say', text: '市民您好，再见。', playbackId: 'id2' },
    ]);
    expect(types(d.finish())).toEqual(['enqueue', 'report']);
  });
});

describe('menu step', () => {
  it('given a menu with option prompts, when a key is pressed during the second prompt, then that prompt is stopped and the rest dropped', () => {
    const d = started(
      flow({
        start: {
          kind: 'menu',
          prompt: 'pick',
          options: [
            { digit: '2', prompt: 'two', next: 'agent' },
            { digit: '3', prompt: 'three', next: 'agent' },
          ],
          onFail: 'agent',
        },
      }),
    );
    d.finish();
    expect(d.state.playbackId).toBe('id2');
    expect(types(d.press('2'))).toEqual(['stop_playback', 'enqueue', 'report']);
    expect(plays(d.log)).toEqual(['pick', 'two']);
  });

  it('given maxAttempts 1, when the key is wrong, then the menu fails at once without re-prompt', () => {
    const d = started(flow({ start: { ...pick, maxAttempts: 1 }, bye: { kind: 'hangup' } }));
    const cmds = d.press('7');
    expect(plays(cmds)).toEqual([]);
    expect(reports(cmds)[0]).toEqual({ kind: 'no_valid_input', step: 'start' });
  });

  it('given a custom timeout, when the prompt has played, then the timer uses it', () => {
    const d = started(flow({ start: { ...pick, timeoutMs: 1234 }, bye: { kind: 'hangup' } }));
    expect(d.finish()).toEqual([{ type: 'start_timer', timerId: 'id2', ms: 1234 }]);
  });

  it('given a menu without invalidPrompt, when the key is wrong, then only the menu is replayed', () => {
    const d = started(flow({ start: pick, bye: { kind: 'hangup' } }));
    expect(plays(d.press('7'))).toEqual(['pick']);
  });
});

describe('hot keys', () => {
  const withHotkey = (start: FlowStep) =>
    flow({ start, help: { kind: 'play', prompt: 'help', next: '@return' }, bye: { kind: 'hangup' } }, { hotkeys: { '0': 'help' } });

  it('given a step with hot keys switched off, when the hot key is pressed, then the step gets the key', () => {
    const d = started(withHotkey({ kind: 'menu', prompt: 'pick', options: [{ digit: '0', next: 'agent' }], hotkeys: false, onFail: 'agent' }));
    expect(types(d.press('0'))).toEqual(['stop_playback', 'enqueue', 'report']);
  });

  it('given a gather, when the hot-key digit is typed, then it is part of the input', () => {
    const d = started(withHotkey({ kind: 'gather', prompt: 'code', minDigits: 2, maxDigits: 2, saveAs: 'x', next: 'agent', onFail: 'agent' }));
    d.press('00');
    expect(d.state.vars.x).toBe('00');
  });

  it('given a play step, when the hot key is pressed and the sub-flow returns, then the flow goes on after the interrupted play', () => {
    const d = started(withHotkey({ kind: 'play', prompt: 'notice', next: 'bye' }));
    expect(plays(d.press('0'))).toEqual(['help']);
    expect(d.finish()).toEqual([{ type: 'hangup' }, { type: 'report', outcome: { kind: 'flow_hangup', step: 'bye' } }]);
  });

  it('given a key that is not DTMF, when it arrives, then it is ignored', () => {
    const d = started(withHotkey({ kind: 'play', prompt: 'notice', next: 'bye' }));
    expect(d.send({ type: 'digit', digit: 'x' })).toEqual([]);
    expect(d.send({ type: 'digit', digit: '12' })).toEqual([]);
    expect(d.state.typedAhead).toEqual([]);
  });
});

describe('gather step', () => {
  const code: FlowStep = { kind: 'gather', prompt: 'code', minDigits: 3, maxDigits: 4, saveAs: 'code', next: 'menu', onFail: 'agent' };

  it('given digits typed ahead during a play, when the gather starts, then it takes them without its prompt', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'notice', next: 'code' }, code, menu: pick, bye: { kind: 'hangup' } }));
    d.press('12');
    const cmds = d.finish();
    expect(plays(cmds)).toEqual([]);
    expect(cmds).toEqual([
      { type: 'start_timer', timerId: 'id2', ms: 5_000 },
      { type: 'cancel_timer', timerId: 'id2' },
      { type: 'start_timer', timerId: 'id3', ms: 5_000 },
    ]);
    expect(d.state).toMatchObject({ stepId: 'code', digits: '12', phase: 'collecting' });
    d.press('3#');
    expect(d.state.vars.code).toBe('123');
  });

  it('given more keys typed ahead than the gather needs, when it completes, then the rest goes to the next step', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'notice', next: 'code' }, code, menu: pick, bye: { kind: 'hangup' } }));
    d.press('123#5');
    const cmds = d.finish();
    expect(d.state.vars.code).toBe('123');
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'five' }]);
  });

  it('given a gather complete at maxDigits with # typed ahead, when it completes, then the # is dropped', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'notice', next: 'code' }, code, menu: pick, bye: { kind: 'hangup' } }));
    d.press('1234#');
    const cmds = d.finish();
    expect(d.state.vars.code).toBe('1234');
    expect(plays(cmds)).toEqual(['pick']);
    expect(d.state.swallow).toBeNull();
  });

  it('given a gather complete at maxDigits, when the next key is not the terminator, then it is handled normally', () => {
    const d = started(flow({ start: code, menu: pick, bye: { kind: 'hangup' } }));
    d.press('1234');
    expect(d.state.swallow).toBe('#');
    expect(types(d.press('9'))).toEqual(['stop_playback', 'hangup', 'report']);
  });

  it('given no terminator, when # is pressed, then it is an invalid attempt', () => {
    const d = started(flow({ start: { ...code, terminator: null, invalidPrompt: 'oops' }, menu: pick, bye: { kind: 'hangup' } }));
    expect(plays(d.press('12#'))).toEqual(['oops']);
  });

  it('given * as terminator, when * is pressed, then the input ends', () => {
    const d = started(flow({ start: { ...code, terminator: '*' }, menu: pick, bye: { kind: 'hangup' } }));
    d.press('123*');
    expect(d.state.vars.code).toBe('123');
  });

  it('given custom timeouts, when used, then the timers carry them', () => {
    const d = started(flow({ start: { ...code, firstDigitTimeoutMs: 111, interDigitTimeoutMs: 222 }, menu: pick, bye: { kind: 'hangup' } }));
    expect(d.finish()).toEqual([{ type: 'start_timer', timerId: 'id2', ms: 111 }]);
    expect(ofType(d.press('1'), 'start_timer')).toEqual([{ type: 'start_timer', timerId: 'id3', ms: 222 }]);
  });

  it('given too few digits, when the inter-digit timeout passes, then it is an invalid attempt', () => {
    const d = started(flow({ start: code, menu: pick, bye: { kind: 'hangup' } }));
    d.press('12');
    expect(plays(d.expire())).toEqual(['code']);
    expect(d.state).toMatchObject({ tries: 1, digits: '' });
  });
});

describe('lookup step', () => {
  const query = (lookup: Partial<Extract<FlowStep, { kind: 'lookup' }>> = {}) =>
    flow({
      start: { kind: 'gather', prompt: 'code', minDigits: 1, maxDigits: 3, saveAs: 'orderCode', next: 'lookup', onFail: 'agent' },
      lookup: { kind: 'lookup', next: 'found', notFound: 'nope', ...lookup },
      found: { kind: 'say', text: '状态{orderState}日期{expectedDate}', next: 'agent' },
      nope: { kind: 'play', prompt: 'nope', next: 'agent' },
    });

  it('given no failed branch, when the look-up fails, then the notFound branch is taken', () => {
    const d = started(query());
    d.press('123');
    expect(plays(d.lookupAnswers({ found: false, failed: true }))).toEqual(['nope']);
  });

  it('given no noDate branch, when the order has no date, then next is taken with an empty date', () => {
    const d = started(query());
    d.press('123');
    expect(says(d.lookupAnswers({ found: true, stateLabelZh: '已办结', expectedDateZh: null }))).toEqual(['状态已办结日期']);
  });

  it('given a custom timeout, when the look-up starts, then its timer uses it', () => {
    const d = started(query({ timeoutMs: 3000 }));
    expect(d.press('123')).toContainEqual({ type: 'start_timer', timerId: expect.any(String), ms: 3000 });
  });

  it('given an unvalidated flow whose code variable is unset, when the look-up starts, then it goes to the failure branch', () => {
    const d = started(query({ codeVar: 'nothing' }));
    const cmds = d.press('123');
    expect(ofType(cmds, 'lookup_order')).toEqual([]);
    expect(plays(cmds)).toEqual(['nope']);
  });

  it('given a result for another look-up, when it arrives, then it is ignored', () => {
    const d = started(query());
    d.press('123');
    expect(d.send({ type: 'lookup_result', lookupId: 'other', result: { found: false } })).toEqual([]);
  });
});

describe('enqueue, transfer and hangup steps', () => {
  it('given an enqueue step with a default skill hint, when no language was chosen, then the default is used', () => {
    const d = started(flow({ start: { kind: 'enqueue', queue: 'complaints', skillHint: 'mandarin' } }));
    expect(d.log[0]).toEqual({ type: 'enqueue', queue: 'complaints', skillHint: 'mandarin' });
  });

  it('given a menu option to a transfer, when chosen, then the transfer is commanded and reported and the flow ends', () => {
    const d = started(
      flow({
        start: { kind: 'menu', prompt: 'pick', options: [{ digit: '9', next: 'police' }], onFail: 'agent' },
        police: { kind: 'transfer', number: '110' },
      }),
    );
    d.finish();
    expect(d.press('9')).toEqual([
      { type: 'cancel_timer', timerId: 'id2' },
      { type: 'transfer', number: '110' },
      { type: 'report', outcome: { kind: 'transferred', number: '110' } },
    ]);
    expect(d.state.status).toBe('ended');
    expect(d.send({ type: 'hung_up' })).toEqual([]);
  });

  it('given a goodbye then a hangup, when the goodbye has played, then the call is hung up', () => {
    const d = started(flow({ start: { kind: 'play', prompt: 'goodbye', next: 'bye' }, bye: { kind: 'hangup' } }));
    expect(d.finish()).toEqual([{ type: 'hangup' }, { type: 'report', outcome: { kind: 'flow_hangup', step: 'bye' } }]);
  });
});

describe('interpreter guards', () => {
  it('given a flow whose next is unknown, when the step is reached, then a FlowRuntimeError names it', () => {
    const f = flow({ start: { kind: 'play', prompt: 'x', next: 'nowhere' } });
    const d = started(f);
    expect(() => d.finish()).toThrowError(new FlowRuntimeError('unknown step "nowhere"'));
  });

  it('given an unknown step kind, when reached, then a FlowRuntimeError names the kind', () => {
    const f = { start: 'start', steps: { start: { kind: 'dance' } } } as unknown as FlowDefinition;
    expect(() => ivrStep(f, initialIvrState(), { type: 'started' }, () => 'id')).toThrowError(/unknown step kind "dance"/);
  });

  it('given the state is not mutated, when a step runs, then the previous state object is unchanged', () => {
    const f = flow({ start: { kind: 'play', prompt: 'x', next: 'agent' } });
    const s0 = initialIvrState();
    const frozen = JSON.stringify(s0);
    ivrStep(f, s0, { type: 'started' }, () => 'id');
    expect(JSON.stringify(s0)).toBe(frozen);
  });
});
