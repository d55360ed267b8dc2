// The 12345 hotline flow: its definition, greeting into the queue, hang-up and hand-over.
import { describe, expect, it } from 'vitest';
import { PROMPT_NAMES } from '../../telephony/prompts.js';
import { buildHotlineFlow, DEFAULT_LANGUAGES, HOTLINE_STEPS as S, type HotlineFlowOptions } from './hotline-flow.js';
import { driveFlow, ofType, plays } from './testing.js';
import type { IvrCommand } from './types.js';
import { validateFlow } from './validate.js';
import { FOUND, PROMPTS, WITH_MENU, atLanguageMenu, call, queuedCall } from './hotline-flow-testing.js';

describe('hotline flow definition', () => {
  it.each<[string, HotlineFlowOptions]>([
    ['without language menu', {}],
    ['with the language menu', WITH_MENU],
    [
      'with a dialect seat',
      {
        languageMenu: {
          enabled: true,
          languages: [...DEFAULT_LANGUAGES, { id: 'yue', labelZh: '粤语', digit: '4', skillHint: 'cantonese', prompt: 'greeting' }],
        },
      },
    ],
  ])('given the standard flow %s, when validated against the prompt set, then it has no problems', (_, options) => {
    expect(validateFlow(buildHotlineFlow(options), PROMPTS)).toEqual([]);
  });

  it('given the generated prompt set, when the default flow is validated, then it is complete', () => {
    expect(validateFlow(buildHotlineFlow(), PROMPT_NAMES)).toEqual([]);
  });

  it('given the language menu, when validated against the generated prompts only, then the missing language prompts are named', () => {
    const problems = validateFlow(buildHotlineFlow(WITH_MENU), PROMPT_NAMES);
    expect(problems).toContain('step "language": option 3 prompt "language-english" is not in the prompt set');
  });

  it('given a language on key 1, when validated, then the clash with the progress-query hot key is refused', () => {
    const flow = buildHotlineFlow({ languageMenu: { enabled: true, languages: [{ ...DEFAULT_LANGUAGES[0]!, digit: '1' }] } });
    expect(validateFlow(flow, PROMPTS)).toEqual([expect.stringMatching(/^step "language": option 1 is also the hot key 1/)]);
  });
});

describe('hotline flow: greeting → queue', () => {
  it('given a new call, when greeting and hint have played, then the call is answered and queued in general without skill hint', () => {
    const d = call();
    d.playThrough();
    expect(d.log).toEqual([
      { type: 'answer' },
      { type: 'play', media: { prompt: 'greeting' }, playbackId: 'id1' },
      { type: 'play', media: { prompt: 'query-hint' }, playbackId: 'id2' },
      { type: 'enqueue', queue: 'general', skillHint: null },
      { type: 'report', outcome: { kind: 'queued', queue: 'general', skillHint: null, language: null } },
    ]);
    expect(d.state).toMatchObject({ status: 'queued', stepId: S.queue, queue: 'requested' });
    d.send({ type: 'queued' });
    expect(d.state.queue).toBe('confirmed');
  });

  it('given a configured queue, when the call is queued, then that queue is used', () => {
    const d = call({ queue: 'hotline-main' });
    expect(ofType(d.playThrough(), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'hotline-main', skillHint: null }]);
  });

  it('given the greeting cannot be played, when the adapter reports the failure, then the flow goes on', () => {
    const d = call();
    expect(plays(d.failPlayback())).toEqual(['query-hint']);
  });

  it('given an already answered channel, when the flow starts with answered, then no answer command is sent', () => {
    const d = driveFlow(buildHotlineFlow());
    expect(d.send({ type: 'answered' })).toEqual([{ type: 'play', media: { prompt: 'greeting' }, playbackId: 'id1' }]);
  });

  it('given a queued caller, when keys other than 1 are pressed, then they are ignored', () => {
    const d = queuedCall();
    expect(d.press('2345#*0')).toEqual([]);
    expect(d.state.status).toBe('queued');
  });

  it('given stale playback and timer events, when they arrive, then nothing happens', () => {
    const d = call();
    expect(d.send({ type: 'playback_finished', playbackId: 'other' })).toEqual([]);
    expect(d.send({ type: 'timeout', timerId: 'other' })).toEqual([]);
    expect(d.state.stepId).toBe(S.greeting);
  });

  it('given a second started event, when it arrives, then it is ignored', () => {
    const d = call();
    expect(d.send({ type: 'started' })).toEqual([]);
  });
});

describe('hotline flow: hang-up and hand-over', () => {
  const reach: [string, () => ReturnType<typeof call>][] = [
    [S.greeting, () => call()],
    [
      S.queryHint,
      () => {
        const d = call();
        d.finish();
        return d;
      },
    ],
    [S.language, () => atLanguageMenu()],
    [S.queue, () => queuedCall()],
    [
      S.queryCode,
      () => {
        const d = queuedCall();
        d.press('1');
        d.finish();
        d.press('2026');
        return d;
      },
    ],
    [
      S.queryLookup,
      () => {
        const d = queuedCall();
        d.press('120261123000123#');
        return d;
      },
    ],
    [
      S.queryStatus,
      () => {
        const d = queuedCall();
        d.press('120261123000123#');
        d.lookupAnswers(FOUND);
        return d;
      },
    ],
    [
      S.queryStatusNoDate,
      () => {
        const d = queuedCall();
        d.press('120261123000123#');
        d.lookupAnswers({ found: true, stateLabelZh: '已办结', expectedDateZh: null });
        return d;
      },
    ],
    [
      S.queryNotFound,
      () => {
        const d = queuedCall();
        d.press('120261123000123#');
        d.lookupAnswers({ found: false });
        return d;
      },
    ],
    [
      S.queryUnavailable,
      () => {
        const d = queuedCall();
        d.press('120261123000123#');
        d.lookupAnswers({ found: false, failed: true });
        return d;
      },
    ],
  ];

  it.each(reach)('given the caller is at step %s, when they hang up, then only the hang-up is reported and nothing follows', (step, at) => {
    const d = at();
    expect(d.state.stepId).toBe(step);
    const inQueue = d.state.queue !== 'none';
    expect(d.send({ type: 'hung_up' })).toEqual([{ type: 'report', outcome: { kind: 'caller_hung_up', step, inQueue } }]);
    expect(d.state.status).toBe('ended');
    const after: IvrCommand[] = [
      ...d.press('1'),
      ...d.send({ type: 'playback_finished', playbackId: 'id1' }),
      ...d.send({ type: 'timeout', timerId: 'id2' }),
      ...d.send({ type: 'lookup_result', lookupId: 'id3', result: FOUND }),
      ...d.send({ type: 'queued' }),
      ...d.send({ type: 'hung_up' }),
    ];
    expect(after).toEqual([]);
  });

  it('given a caller hangs up before the flow started, when it is reported, then the step is null', () => {
    const d = driveFlow(buildHotlineFlow());
    expect(d.send({ type: 'hung_up' })).toEqual([{ type: 'report', outcome: { kind: 'caller_hung_up', step: null, inQueue: false } }]);
  });

  it('given a queued caller in the query, when an agent is connected, then the prompt is stopped, the timer cancelled and the flow ends', () => {
    const d = queuedCall();
    d.press('1');
    d.finish();
    d.press('2026');
    const { timerId } = d.state;
    expect(d.send({ type: 'connected' })).toEqual([{ type: 'cancel_timer', timerId }]);
    expect(d.state.status).toBe('ended');
    expect(d.press('1')).toEqual([]);
  });
});
