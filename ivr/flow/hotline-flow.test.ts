import { describe, expect, it } from 'vitest';
import { PROMPT_NAMES } from '../../telephony/prompts.js';
import { FLOW_PROMPT_TEXTS } from './flow-prompts.js';
import { buildHotlineFlow, DEFAULT_LANGUAGES, HOTLINE_STEPS as S, type HotlineFlowOptions } from './hotline-flow.js';
import { driveFlow, ofType, plays, reports, says, types } from './testing.js';
import type { IvrCommand, LookupResult } from './types.js';
import { validateFlow } from './validate.js';

const PROMPTS = [...PROMPT_NAMES, ...Object.keys(FLOW_PROMPT_TEXTS)];
const WITH_MENU: HotlineFlowOptions = { languageMenu: { enabled: true } };
const FOUND: LookupResult = { found: true, stateLabelZh: '办理中', expectedDateZh: '十一月二十八日' };
const STATUS = '您查询的工单当前状态为：办理中，预计办结日期：十一月二十八日。';

function call(options: HotlineFlowOptions = {}) {
  const d = driveFlow(buildHotlineFlow(options));
  d.send({ type: 'started' });
  return d;
}

/** A caller who got through greeting and hint into the queue (menu off). */
function queuedCall() {
  const d = call();
  d.playThrough();
  d.send({ type: 'queued' });
  return d;
}

/** A caller in the language menu, waiting for a key after its prompts. */
function atLanguageMenu() {
  const d = call(WITH_MENU);
  d.finish();
  d.finish();
  return d;
}

describe('hotline flow definition', () => {
  it.each<[string, HotlineFlowOptions]>([
    ['without language menu', {}],
    ['with the language menu', WITH_MENU],
    [
      'with a dialect seat',
      { languageMenu: { enabled: true, languages: [...DEFAULT_LANGUAGES, { id: 'yue', labelZh: '粤语', digit: '4', skillHint: 'cantonese', prompt: 'greeting' }] } },
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

describe('hotline flow: language menu', () => {
  it('given the menu is on, when the hint has played, then the menu prompt and each language option are played in turn', () => {
    const d = call(WITH_MENU);
    d.finish();
    expect(plays(d.finish())).toEqual(['language-menu']);
    expect(plays(d.finish())).toEqual(['language-mandarin']);
    expect(plays(d.finish())).toEqual(['language-english']);
    expect(types(d.finish())).toEqual(['start_timer']);
  });

  it.each([
    ['2', null, 'zh'],
    ['3', 'english', 'en'],
  ])('given the menu, when the caller presses %s, then the call is queued with skill hint %s', (key, skillHint, language) => {
    const d = atLanguageMenu();
    d.playThrough();
    const cmds = d.press(key);
    expect(cmds).toEqual([
      { type: 'cancel_timer', timerId: 'id6' },
      { type: 'enqueue', queue: 'general', skillHint },
      { type: 'report', outcome: { kind: 'queued', queue: 'general', skillHint, language } },
    ]);
  });

  it('given a dialect seat, when the caller presses its key, then its skill hint is used', () => {
    const yue = { id: 'yue', labelZh: '粤语', digit: '4', skillHint: 'cantonese', prompt: 'language-cantonese' };
    const d = call({ languageMenu: { enabled: true, languages: [...DEFAULT_LANGUAGES, yue] } });
    d.finish();
    d.finish();
    expect(plays(d.playThrough())).toEqual(['language-mandarin', 'language-english', 'language-cantonese']);
    expect(ofType(d.press('4'), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'cantonese' }]);
  });

  it('given a key pressed during the menu prompt, when it is a valid choice, then the prompt is stopped and the choice taken', () => {
    const d = atLanguageMenu();
    expect(d.state.playbackId).toBe('id3');
    expect(d.press('3')).toEqual([
      { type: 'stop_playback', playbackId: 'id3' },
      { type: 'enqueue', queue: 'general', skillHint: 'english' },
      { type: 'report', outcome: { kind: 'queued', queue: 'general', skillHint: 'english', language: 'en' } },
    ]);
  });

  it('given a key typed ahead during the greeting, when the menu comes, then it is taken without playing the menu', () => {
    const d = call(WITH_MENU);
    d.press('3');
    d.finish();
    const cmds = d.finish();
    expect(plays(cmds)).toEqual([]);
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'english' }]);
  });

  it('given a key pressed before the call started, when the menu comes, then it is taken as typed ahead', () => {
    const d = driveFlow(buildHotlineFlow(WITH_MENU));
    d.press('3');
    d.send({ type: 'started' });
    expect(ofType(d.playThrough(), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'english' }]);
  });

  it('given an invalid key, when pressed, then "input invalid" and the menu are played again', () => {
    const d = atLanguageMenu();
    d.playThrough();
    const cmds = d.press('9');
    expect(types(cmds)).toEqual(['cancel_timer', 'play']);
    expect(plays(cmds)).toEqual(['ivr-invalid-input']);
    expect(plays(d.playThrough())).toEqual(['language-menu', 'language-mandarin', 'language-english']);
    expect(d.state.tries).toBe(1);
  });

  it('given invalid keys three times, when the third comes, then the caller goes to an agent', () => {
    const d = atLanguageMenu();
    d.press('9');
    d.press('8');
    const cmds = d.press('7');
    expect(reports(cmds)).toEqual([
      { kind: 'no_valid_input', step: S.language },
      { kind: 'queued', queue: 'general', skillHint: null, language: null },
    ]);
    expect(ofType(cmds, 'enqueue')).toHaveLength(1);
    expect(plays(d.log).filter((p) => p === 'ivr-invalid-input')).toHaveLength(2);
  });

  it('given no input, when the caller stays silent three times, then the menu is re-prompted twice and the caller goes to an agent', () => {
    const d = atLanguageMenu();
    d.playThrough();
    expect(plays(d.expire())).toEqual(['language-menu']); // no "invalid" for silence
    d.playThrough();
    expect(plays(d.expire())).toEqual(['language-menu']);
    d.playThrough();
    const cmds = d.expire();
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: null }]);
    expect(ofType(d.log, 'start_timer')).toHaveLength(3);
    expect(d.state.status).toBe('queued');
  });

  it('given a wrong key then a right one typed ahead, when the menu comes, then the typed-ahead keys after the wrong one are dropped', () => {
    const d = call(WITH_MENU);
    d.press('93');
    d.finish();
    const cmds = d.finish();
    expect(plays(cmds)).toEqual(['ivr-invalid-input']);
    expect(ofType(cmds, 'enqueue')).toEqual([]);
    expect(d.state.typedAhead).toEqual([]);
  });
});

describe('hotline flow: press 1 for the progress query', () => {
  function enterCode(d: ReturnType<typeof call>, keys = '20261123000123#') {
    return d.press(keys);
  }

  it('given the greeting plays, when 1 is pressed, then the greeting stops and the caller is asked for the order code', () => {
    const d = call();
    expect(d.press('1')).toEqual([
      { type: 'stop_playback', playbackId: 'id1' },
      { type: 'play', media: { prompt: 'query-enter-code' }, playbackId: 'id2' },
    ]);
    expect(d.state).toMatchObject({ stepId: S.queryCode, returnTo: S.greeting });
  });

  it('given the code prompt, when the 14 digits and # are typed, then the order is looked up and its status read out', () => {
    const d = call();
    d.press('1');
    const typing = enterCode(d);
    expect(typing[0]).toEqual({ type: 'stop_playback', playbackId: 'id2' });
    expect(ofType(typing, 'lookup_order')).toEqual([{ type: 'lookup_order', code: 'GD20261123-000123', lookupId: expect.any(String) }]);
    expect(d.state.stepId).toBe(S.queryLookup);
    const result = d.lookupAnswers(FOUND);
    expect(reports(result)).toEqual([{ kind: 'order_query', orderCode: 'GD20261123-000123', result: 'found' }]);
    expect(says(result)).toEqual([STATUS]);
  });

  it('given 1 pressed during the greeting, when the status has been read out, then the flow goes on after the greeting', () => {
    const d = call();
    d.press('1');
    enterCode(d);
    d.lookupAnswers(FOUND);
    const back = d.finish();
    expect(plays(back)).toEqual(['query-hint']);
    expect(ofType(d.playThrough(), 'enqueue')).toHaveLength(1);
  });

  it('given the code was complete at 14 digits, when # follows, then the # is swallowed and not taken by the next menu', () => {
    const d = call(WITH_MENU);
    d.finish(); // greeting
    d.finish(); // hint
    d.press('1');
    enterCode(d);
    expect(d.state.swallow).toBeNull();
    d.lookupAnswers(FOUND);
    // back at the menu: its prompts play, no "invalid input" for the #
    expect(plays([...d.finish(), ...d.playThrough()])).toEqual(['language-menu', 'language-mandarin', 'language-english']);
    expect(d.state.tries).toBe(0);
  });

  it('given the language menu, when 1 is pressed, then the query runs and the caller comes back to the menu', () => {
    const d = atLanguageMenu();
    d.press('9'); // one failed attempt before
    const cmds = d.press('1');
    expect(cmds[0]).toMatchObject({ type: 'stop_playback' });
    expect(plays(cmds)).toEqual(['query-enter-code']);
    expect(d.state.returnTo).toBe(S.language);
    enterCode(d, '20261123123#');
    expect(plays(d.lookupAnswers({ found: false }))).toEqual(['query-not-found']);
    const back = d.finish();
    expect(plays(back)).toEqual(['language-menu']);
    expect(d.state).toMatchObject({ stepId: S.language, tries: 0, returnTo: null });
    d.playThrough();
    expect(ofType(d.press('2'), 'enqueue')).toHaveLength(1);
  });

  it('given a queued caller, when 1 is pressed, then the queue is paused and the query starts', () => {
    const d = queuedCall();
    expect(d.press('1')).toEqual([{ type: 'pause_queue' }, { type: 'play', media: { prompt: 'query-enter-code' }, playbackId: 'id3' }]);
    expect(d.state.status).toBe('running');
  });

  it('given a queued caller in the query, when the status has been read out, then the caller goes back to the queue with resume_queue', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    d.lookupAnswers(FOUND);
    expect(d.finish()).toEqual([{ type: 'resume_queue' }]);
    expect(d.state).toMatchObject({ status: 'queued', stepId: S.queue, queue: 'confirmed', returnTo: null });
    expect(ofType(d.log, 'enqueue')).toHaveLength(1);
  });

  it('given a queued caller, when 1 is pressed again later, then a second query works the same way', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    d.lookupAnswers(FOUND);
    d.finish();
    expect(types(d.press('1'))).toEqual(['pause_queue', 'play']);
    enterCode(d);
    d.lookupAnswers({ found: false });
    expect(d.finish()).toEqual([{ type: 'resume_queue' }]);
  });

  it('given the status being read out, when 1 is pressed, then the query starts again and still returns to the queue', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    d.lookupAnswers({ found: false });
    const again = d.press('1');
    expect(types(again)).toEqual(['stop_playback', 'play']); // no second pause_queue
    expect(plays(again)).toEqual(['query-enter-code']);
    enterCode(d);
    d.lookupAnswers(FOUND);
    expect(d.finish()).toEqual([{ type: 'resume_queue' }]);
  });

  it('given an order without expected date, when found, then only its state is read out', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    const cmds = d.lookupAnswers({ found: true, stateLabelZh: '已办结', expectedDateZh: null });
    expect(says(cmds)).toEqual(['您查询的工单当前状态为：已办结。']);
  });

  it('given the look-up fails, when the adapter says so, then the caller hears that the query is unavailable and goes back', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    const cmds = d.lookupAnswers({ found: false, failed: true });
    expect(reports(cmds)).toEqual([{ kind: 'order_query', orderCode: 'GD20261123-000123', result: 'failed' }]);
    expect(plays(cmds)).toEqual(['query-unavailable']);
    expect(d.finish()).toEqual([{ type: 'resume_queue' }]);
  });

  it('given the look-up never answers, when its timer expires, then it counts as failed and a late result is ignored', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    const lookupId = d.state.lookupId!;
    const cmds = d.expire();
    expect(reports(cmds)).toEqual([{ kind: 'order_query', orderCode: 'GD20261123-000123', result: 'failed' }]);
    expect(plays(cmds)).toEqual(['query-unavailable']);
    expect(d.send({ type: 'lookup_result', lookupId, result: FOUND })).toEqual([]);
  });

  it('given the look-up answers, when the result comes, then its timer is cancelled', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    const timerId = d.state.timerId!;
    expect(d.lookupAnswers(FOUND)[0]).toEqual({ type: 'cancel_timer', timerId });
  });

  it('given a short code, when typed with #, then the sequence is padded', () => {
    const d = queuedCall();
    d.press('1');
    expect(ofType(d.press('20261123123#'), 'lookup_order')[0]?.code).toBe('GD20261123-000123');
  });

  it('given a short code without #, when the inter-digit timeout passes, then the digits typed so far are taken', () => {
    const d = queuedCall();
    d.press('1');
    d.press('202611237');
    expect(ofType(d.expire(), 'lookup_order')[0]?.code).toBe('GD20261123-000007');
  });

  it('given digits being typed, when each digit comes, then the inter-digit timer is restarted', () => {
    const d = queuedCall();
    d.press('1');
    d.finish();
    const first = d.state.timerId!;
    expect(d.press('2')).toEqual([
      { type: 'cancel_timer', timerId: first },
      { type: 'start_timer', timerId: expect.any(String), ms: 5_000 },
    ]);
  });

  it('given the code prompt has played, when no digit comes, then it is re-prompted after the first-digit timeout', () => {
    const d = queuedCall();
    d.press('1');
    expect(d.finish()).toEqual([{ type: 'start_timer', timerId: expect.any(String), ms: 10_000 }]);
    expect(plays(d.expire())).toEqual(['query-enter-code']);
  });

  it('given an impossible date, when typed, then the caller hears "input invalid" and the code prompt again', () => {
    const d = queuedCall();
    d.press('1');
    expect(plays(d.press('20261399000123'))).toEqual(['ivr-invalid-input']);
    expect(plays(d.finish())).toEqual(['query-enter-code']);
    expect(d.state.tries).toBe(1);
  });

  it.each([
    ['too few digits', '2026112#'],
    ['only #', '#'],
    ['a star', '2026*'],
    ['sequence zero', '20261123000000'],
  ])('given %s, when entered, then it is an invalid attempt', (_, keys) => {
    const d = queuedCall();
    d.press('1');
    d.finish();
    const cmds = d.press(keys);
    expect(plays(cmds)).toEqual(['ivr-invalid-input']);
    expect(ofType(cmds, 'lookup_order')).toEqual([]);
  });

  it('given a queued caller, when the code is invalid three times, then the caller goes back to the queue (an agent), not a second enqueue', () => {
    const d = queuedCall();
    d.press('1');
    d.press('1#');
    d.press('1#');
    const cmds = d.press('1#');
    expect(reports(cmds)).toEqual([{ kind: 'no_valid_input', step: S.queryCode }]);
    expect(cmds.at(-1)).toEqual({ type: 'resume_queue' });
    expect(ofType(d.log, 'enqueue')).toHaveLength(1);
    expect(d.state.status).toBe('queued');
  });

  it('given the greeting, when the caller presses 1 and then stays silent three times, then the call goes to an agent', () => {
    const d = call();
    d.press('1');
    d.finish();
    d.expire();
    d.finish();
    d.expire();
    d.finish();
    const cmds = d.expire();
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: null }]);
    expect(reports(cmds)[0]).toEqual({ kind: 'no_valid_input', step: S.queryCode });
  });

  it('given 1 and the code typed ahead during the greeting, when they arrive quickly, then the code prompt is cut short and the code taken', () => {
    const d = call();
    const cmds = d.press('120261123000123#');
    expect(ofType(cmds, 'lookup_order')).toHaveLength(1);
    expect(ofType(cmds, 'stop_playback').map((c) => c.playbackId)).toEqual(['id1', 'id2']);
  });

  it('given the query, when the readout cannot be synthesised, then the flow returns as if it had played', () => {
    const d = queuedCall();
    d.press('1');
    enterCode(d);
    d.lookupAnswers(FOUND);
    expect(d.failPlayback()).toEqual([{ type: 'resume_queue' }]);
  });

  it('given keys pressed during the look-up, when the caller is back at the language menu, then they are taken there', () => {
    const d = atLanguageMenu();
    d.press('1');
    enterCode(d);
    d.press('3');
    d.lookupAnswers(FOUND);
    expect(ofType(d.finish(), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'english' }]);
  });
});

describe('hotline flow: hang-up and hand-over', () => {
  const reach: [string, () => ReturnType<typeof call>][] = [
    [S.greeting, () => call()],
    [S.queryHint, () => { const d = call(); d.finish(); return d; }],
    [S.language, () => atLanguageMenu()],
    [S.queue, () => queuedCall()],
    [S.queryCode, () => { const d = queuedCall(); d.press('1'); d.finish(); d.press('2026'); return d; }],
    [S.queryLookup, () => { const d = queuedCall(); d.press('120261123000123#'); return d; }],
    [S.queryStatus, () => { const d = queuedCall(); d.press('120261123000123#'); d.lookupAnswers(FOUND); return d; }],
    [S.queryStatusNoDate, () => { const d = queuedCall(); d.press('120261123000123#'); d.lookupAnswers({ found: true, stateLabelZh: '已办结', expectedDateZh: null }); return d; }],
    [S.queryNotFound, () => { const d = queuedCall(); d.press('120261123000123#'); d.lookupAnswers({ found: false }); return d; }],
    [S.queryUnavailable, () => { const d = queuedCall(); d.press('120261123000123#'); d.lookupAnswers({ found: false, failed: true }); return d; }],
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
