// A conversation survives a server restart (issue 14): the memo of who answered round-trips on the caller's
// channel, and the engine given an adopted call puts the agent back on it (no state change recorded), wraps them
// up when it ends, and offers them nothing meanwhile; a busy agent or a call it knows already is left alone.
import { describe, expect, it } from 'vitest';
import { decodeAnsweredMemo, encodeAnsweredMemo, type AnsweredMemo } from './answered-memo.js';
import type { AcdEngine } from './engine.js';
import { engineWith, moveLines, offered, online, ofType } from './testing.js';

const phoneUp = (e: AcdEngine, agentId: string, now: number) => e.handle({ type: 'device_changed', agentId, online: true }, now);
const adopt = (e: AcdEngine, callId: string, agentId: string, answeredAt: number, now: number) =>
  e.handle({ type: 'call_adopted', callId, agentId, queueId: 'general', answeredAt }, now);

describe('the answered memo', () => {
  const memo: AnsweredMemo = { agentId: '1002', legChannelId: 'leg-5f0c', offerId: 'o-17', answeredAt: 1_765_000_000_000, released: false };

  it('given a memo, when it is encoded and decoded, then every field comes back', () => {
    expect(decodeAnsweredMemo(encodeAnsweredMemo(memo))).toEqual(memo);
    expect(decodeAnsweredMemo(encodeAnsweredMemo({ ...memo, released: true }))).toEqual({ ...memo, released: true });
  });

  it('given what is not a memo (cleared, junk, another version, a wrong field), then nothing is decoded', () => {
    const good = JSON.parse(encodeAnsweredMemo(memo)) as unknown[];
    const withField = (i: number, v: unknown) => JSON.stringify(good.map((x, j) => (j === i ? v : x)));
    for (const value of [
      null,
      '',
      'x',
      '[2' + JSON.stringify(good).slice(2),
      JSON.stringify(good.slice(0, 4)),
      withField(1, ''),
      withField(4, -5),
      withField(4, '1'),
    ])
      expect(decodeAnsweredMemo(value), String(value)).toBeNull();
  });
});

describe('a connected call adopted after a restart', () => {
  it('given an offline agent, when their call is adopted, then they are on the call since the answer, are offered nothing, and wrap up when it ends', () => {
    const e = engineWith({ wrapUpMs: 5_000 });
    phoneUp(e, 'a1', 100_000);
    expect(moveLines(adopt(e, 'c1', 'a1', 40_000, 100_000))).toEqual([]);
    expect(e.agentView('a1')).toMatchObject({ state: 'on_call', since: 40_000 });
    expect(e.queueView().connected).toBe(1);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c2' }, 101_000))).toEqual([]);

    const end = e.handle({ type: 'call_finished', callId: 'c1' }, 130_000);
    expect(moveLines(end)).toEqual(['a1:on_call>wrap_up:call_ended']);
    expect(e.agentView('a1')).toMatchObject({ state: 'wrap_up', wrapUpUntil: 135_000 });
    // after the wrap-up the agent takes the caller who waited meanwhile
    expect(offered(e.handle({ type: 'tick' }, 135_000))).toEqual([['c2', 'a1']]);
  });

  it('given an agent restored to 小休 whose call is adopted, then the call wins: they are on it', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a1', state: 'break', reason: 'rest', since: 1_000 }, 10_000);
    adopt(e, 'c1', 'a1', 8_000, 10_000);
    expect(e.agentView('a1')).toMatchObject({ state: 'on_call', reason: null });
  });

  it('given an agent already talking, or a call the engine knows, when adopted, then it is ignored with why and nothing changes', () => {
    const e = engineWith();
    online(e, 'a1', 1_000);
    e.handle({ type: 'call_queued', callId: 'c1' }, 2_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 3_000);
    const busy = adopt(e, 'c9', 'a1', 2_500, 4_000);
    expect(ofType(busy, 'ignored')).toEqual([{ type: 'ignored', event: 'call_adopted', reason: 'agent_busy', callId: 'c9', agentId: 'a1' }]);
    const known = adopt(e, 'c1', 'a2', 2_500, 4_000);
    expect(ofType(known, 'ignored')[0]).toMatchObject({ reason: 'already_connected', callId: 'c1' });
    expect(e.agentView('a2')?.state ?? 'offline').toBe('offline');
    expect(e.queueView().connected).toBe(1);
  });

  it('given an answer time after now (a skewed clock), then on_call counts from now', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    adopt(e, 'c1', 'a1', 99_000, 10_000);
    expect(e.agentView('a1')).toMatchObject({ state: 'on_call', since: 10_000 });
  });
});
