// The 12345 hotline flow: press 1 to hear the progress of a work order.
import { describe, expect, it } from 'vitest';
import { HOTLINE_STEPS as S } from './hotline-flow.js';
import { ofType, plays, reports, says, types } from './testing.js';
import { FOUND, STATUS, WITH_MENU, atLanguageMenu, call, queuedCall } from './hotline-flow-testing.js';

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
