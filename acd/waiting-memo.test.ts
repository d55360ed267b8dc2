// A waiting caller's place survives a server restart (issue 14): the memo kept on the channel round-trips and
// rejects what is not one, callers are taken back in the order they first queued, and the engine given the
// original time serves them by it and reports the wait they really had.
import { describe, expect, it } from 'vitest';
import { engineWith, offered, online } from './testing.js';
import { decodeWaitingMemo, encodeWaitingMemo, inQueueOrder, type WaitingMemo } from './waiting-memo.js';

const memo = (callId: string, queuedAt: number): WaitingMemo => ({
  callId,
  queueId: 'general',
  priority: 'normal',
  queuedAt,
  arrivedAt: queuedAt - 11_000,
  dialed: '12345',
});

describe('the waiting memo', () => {
  it('given a memo, when it is encoded and decoded, then every field comes back', () => {
    const m: WaitingMemo = { ...memo('0b0e-1', 1_765_000_000_000), priority: 'elderly', queueId: 'fund', dialed: '12329' };
    expect(decodeWaitingMemo(encodeWaitingMemo(m))).toEqual(m);
  });

  it('given what is not a memo (unset, junk, another version, a wrong priority or time), then nothing is decoded', () => {
    const good = JSON.parse(encodeWaitingMemo(memo('c1', 5_000))) as unknown[];
    const bad = [null, '', 'c1', '{"callId":"c1"}', '[2' + JSON.stringify(good).slice(2), JSON.stringify(good.slice(0, 6))];
    const withField = (i: number, v: unknown) => JSON.stringify(good.map((x, j) => (j === i ? v : x)));
    bad.push(withField(3, 'vip'), withField(4, -1), withField(4, '5000'), withField(1, ''), withField(6, 12345));
    for (const value of bad) expect(decodeWaitingMemo(value), String(value)).toBeNull();
  });

  it('given callers found in any order, then they are taken back in the order they first queued', () => {
    const found = [memo('b', 3_000), memo('a', 1_000), memo('c', 3_000), memo('d', 2_000)].map((m) => ({ channelId: `ch-${m.callId}`, memo: m }));
    expect(inQueueOrder(found).map((f) => f.memo.callId)).toEqual(['a', 'd', 'b', 'c']);
  });
});

describe('the engine takes a caller back with the time they first queued', () => {
  it('given a new caller queued while the server restarted, when a caller who waited longer is taken back, then the first agent gets the one taken back', () => {
    const e = engineWith({});
    expect(offered(e.handle({ type: 'call_queued', callId: 'new', queueId: 'general' }, 100_000))).toEqual([]);
    e.handle({ type: 'call_queued', callId: 'back', queueId: 'general', queuedAt: 60_000 }, 100_500);
    expect(e.queueView().waiting).toEqual(['back', 'new']);
    expect(e.callView('back')?.arrivedAt).toBe(60_000);
    expect(offered(online(e, 'a1', 101_000))).toEqual([['back', 'a1']]);
    expect(offered(online(e, 'a2', 101_500))).toEqual([['new', 'a2']]);
  });

  it('given a time after now (a skewed clock), then the caller is queued as of now', () => {
    const e = engineWith({});
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'general', queuedAt: 9_999_999 }, 5_000);
    expect(e.callView('c1')?.arrivedAt).toBe(5_000);
    const [offer] = online(e, 'a1', 6_000).filter((c) => c.type === 'offer');
    expect(offer).toMatchObject({ callId: 'c1', waitedMs: 1_000 });
  });

  it('given a caller taken back after waiting 50 s, then the offer says they waited 50 s and more', () => {
    const e = engineWith({});
    e.handle({ type: 'call_queued', callId: 'back', queueId: 'general', queuedAt: 10_000 }, 60_000);
    const [offer] = online(e, 'a1', 61_000).filter((c) => c.type === 'offer');
    expect(offer).toMatchObject({ callId: 'back', waitedMs: 51_000 });
  });
});
