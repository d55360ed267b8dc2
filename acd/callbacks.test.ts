// Callbacks: the virtual entry keeps the caller's place, one pending callback per number, the agent is reserved
// before the number is dialled, retries by policy, abandoned after the last attempt.
import { describe, expect, it } from 'vitest';
import type { AcdEngine } from './engine.js';
import { engineWith, moveLines, offered, ofType, online } from './testing.js';

const POLICY = { maxAttempts: 3, retryDelayMs: 120_000, dialTimeoutMs: 60_000 };

/** Three callers waiting, c1 first; c1 asks for a callback. */
function threeWaitingC1Callback(): AcdEngine {
  const e = engineWith({ callbacks: POLICY, wrapUpMs: 0 });
  e.handle({ type: 'call_queued', callId: 'c1', number: '13800138001' }, 1_000);
  e.handle({ type: 'call_queued', callId: 'c2', number: '13800138002' }, 2_000);
  e.handle({ type: 'call_queued', callId: 'c3', number: '13800138003' }, 3_000);
  const out = e.handle({ type: 'callback_requested', callId: 'c1', number: '138 0013 8001' }, 60_000);
  expect(out).toEqual([{ type: 'callback_accepted', callbackId: expect.any(String), callId: 'c1', number: '13800138001', position: 1 }]);
  return e;
}

function dialFirst(e: AcdEngine, agentId: string, now: number) {
  const out = online(e, agentId, now);
  const place = ofType(out, 'place_callback')[0]!;
  return { out, place };
}

describe('a callback keeps its place', () => {
  it('given three waiting callers, when the first asks for a callback, then it leaves the live queue but is still served first', () => {
    const e = threeWaitingC1Callback();
    expect(e.queueView().waiting).toEqual(['c2', 'c3']);
    expect(e.callbackView()).toEqual([
      { callbackId: expect.any(String), callId: 'c1', number: '13800138001', queueId: 'general', state: 'waiting', attempts: 0, dueAt: null },
    ]);
    // the citizen hangs up after choosing the callback: expected, changes nothing
    expect(e.handle({ type: 'caller_gone', callId: 'c1' }, 61_000)).toEqual([]);
    const { out } = dialFirst(e, 'a', 70_000);
    expect(offered(out)).toEqual([]);
    expect(ofType(out, 'place_callback')).toEqual([
      { type: 'place_callback', callbackId: expect.any(String), callId: 'c1', agentId: 'a', number: '13800138001', attempt: 1, attemptId: expect.any(String) },
    ]);
    expect(e.queueView().waiting).toEqual(['c2', 'c3']);
  });

  it('given a callback entry, when its turn comes, then the agent is reserved first and only then the number is dialled', () => {
    const e = threeWaitingC1Callback();
    const { out } = dialFirst(e, 'a', 70_000);
    const types = out.map((c) => (c.type === 'agent_state' ? `${c.transition.from}>${c.transition.to}:${c.transition.cause}` : c.type));
    expect(types).toEqual(['offline>available:agent_request', 'available>reserved:callback_reserved', 'place_callback']);
    expect(e.agentView('a')?.state).toBe('reserved');
    expect(e.callbackView()[0]?.state).toBe('dialing');
    expect(e.nextDeadline()).toBe(70_000 + POLICY.dialTimeoutMs);
  });

  it('given the citizen accepts the callback, when callback_connected arrives, then the agent is on the call and it finishes like any call', () => {
    const e = threeWaitingC1Callback();
    const { place } = dialFirst(e, 'a', 70_000);
    const out = e.handle({ type: 'callback_connected', callbackId: place.callbackId }, 80_000);
    expect(moveLines(out, 'a')).toEqual(['a:reserved>on_call:answered']);
    expect(ofType(out, 'connect')).toEqual([{ type: 'connect', callId: 'c1', agentId: 'a', offerId: place.attemptId, callbackId: place.callbackId }]);
    expect(e.callbackView()).toEqual([]);
    expect(e.queueView().connected).toBe(1);
    const end = e.handle({ type: 'call_finished', callId: place.callbackId }, 200_000);
    expect(moveLines(end, 'a')).toEqual(['a:on_call>wrap_up:call_ended', 'a:wrap_up>available:call_ended', 'a:available>reserved:offer']);
    expect(offered(end)).toEqual([['c2', 'a']]);
  });
});

describe('one pending callback per number', () => {
  it('given a pending callback for a number, when the same number (written differently) asks again from another call, then it is refused with the pending id and that call stays live', () => {
    const e = threeWaitingC1Callback();
    const pendingId = e.callbackView()[0]!.callbackId;
    e.handle({ type: 'call_queued', callId: 'again', number: '+86 138-0013-8001' }, 65_000);
    const out = e.handle({ type: 'callback_requested', callId: 'again', number: '+86 138-0013-8001' }, 66_000);
    expect(out).toEqual([{ type: 'callback_refused', callId: 'again', number: '13800138001', reason: 'already_pending', pendingCallbackId: pendingId }]);
    expect(e.queueView().waiting).toEqual(['c2', 'c3', 'again']);
    expect(e.callbackView()).toHaveLength(1);
  });

  it('given the same call asking twice, when the second request arrives, then it is refused as already pending', () => {
    const e = threeWaitingC1Callback();
    expect(ofType(e.handle({ type: 'callback_requested', callId: 'c1', number: '13900000000' }, 61_000), 'callback_refused')[0]).toMatchObject({
      reason: 'already_pending',
    });
  });

  it('given a callback that was completed, when the number asks for a new one, then it is accepted', () => {
    const e = threeWaitingC1Callback();
    const { place } = dialFirst(e, 'a', 70_000);
    e.handle({ type: 'callback_connected', callbackId: place.callbackId }, 80_000);
    e.handle({ type: 'call_queued', callId: 'c9', number: '13800138001' }, 90_000);
    expect(ofType(e.handle({ type: 'callback_requested', callId: 'c9', number: '13800138001' }, 91_000), 'callback_accepted')).toHaveLength(1);
  });

  it('given bad requests, when they arrive, then each is refused with a typed reason', () => {
    const e = engineWith({ callbacks: POLICY });
    expect(e.handle({ type: 'callback_requested', callId: 'nope', number: '13800138000' }, 0)).toEqual([
      { type: 'callback_refused', callId: 'nope', number: '13800138000', reason: 'unknown_call' },
    ]);
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    expect(ofType(e.handle({ type: 'callback_requested', callId: 'c1', number: 'anonymous' }, 1), 'callback_refused')[0]?.reason).toBe('invalid_number');
    online(e, 'a', 2); // c1 now rings a
    expect(ofType(e.handle({ type: 'callback_requested', callId: 'c1', number: '13800138000' }, 3), 'callback_refused')[0]?.reason).toBe('not_waiting');
  });
});

describe('retry policy', () => {
  it('given a failed attempt, when the agent is freed, then they serve the next live call meanwhile and the entry is due again after the delay', () => {
    const e = threeWaitingC1Callback();
    const { place } = dialFirst(e, 'b', 65_000);
    expect(e.agentView('b')?.state).toBe('reserved');
    const fail = e.handle({ type: 'callback_failed', callbackId: place.callbackId, reason: 'busy' }, 70_000);
    expect(moveLines(fail, 'b')).toEqual(['b:reserved>available:callback_failed', 'b:available>reserved:offer']);
    expect(ofType(fail, 'callback_retry_scheduled')).toEqual([
      { type: 'callback_retry_scheduled', callbackId: place.callbackId, attempt: 2, dueAt: 190_000, lastReason: 'busy' },
    ]);
    expect(offered(fail)).toEqual([['c2', 'b']]);
    expect(e.callbackView()[0]).toMatchObject({ state: 'retry_wait', attempts: 1, dueAt: 190_000 });
    expect(e.callView('c1')?.priority).toBe('callback_due');
  });

  it('given a freed agent after a failed callback, when compared with a later idle agent, then they keep their earlier idle position', () => {
    const e = engineWith({ callbacks: POLICY });
    online(e, 'early', 1_000);
    online(e, 'late', 2_000);
    e.handle({ type: 'agent_request', agentId: 'late', state: 'break', reason: 'rest' }, 2_500);
    e.handle({ type: 'call_queued', callId: 'c1' }, 3_000); // rings early
    e.handle({ type: 'caller_gone', callId: 'c1' }, 3_100);
    e.handle({ type: 'agent_request', agentId: 'early', state: 'break', reason: 'rest' }, 3_200);
    e.handle({ type: 'call_queued', callId: 'c2' }, 4_000);
    e.handle({ type: 'callback_requested', callId: 'c2', number: '13800000002' }, 5_000);
    e.handle({ type: 'agent_request', agentId: 'early', state: 'available' }, 6_000); // dials c2
    const cb = e.callbackView()[0]!;
    expect(cb.state).toBe('dialing');
    e.handle({ type: 'agent_request', agentId: 'late', state: 'available' }, 7_000);
    e.handle({ type: 'callback_failed', callbackId: cb.callbackId, reason: 'no_answer' }, 8_000);
    expect(e.agentView('early')?.idleSince).toBe(6_000);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c3' }, 9_000))).toEqual([['c3', 'early']]);
  });

  it('given a retry due, when it comes back, then it goes ahead of normal calls of a heavier queue (priority line "callback due")', () => {
    const e = engineWith({ callbacks: POLICY, queues: [{ id: 'general' }, { id: 'vip', weight: 5 }] });
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 10_000);
    online(e, 'a', 20_000);
    const cbId = e.callbackView()[0]!.callbackId;
    e.handle({ type: 'callback_failed', callbackId: cbId, reason: 'machine' }, 25_000);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'rest' }, 25_001);
    e.handle({ type: 'call_queued', callId: 'v1', queueId: 'vip' }, 30_000);
    expect(e.nextDeadline()).toBe(145_000);
    e.handle({ type: 'tick' }, 145_000);
    expect(e.callbackView()[0]).toMatchObject({ state: 'waiting', attempts: 1 });
    expect(e.callView('c1')?.priority).toBe('callback_due');
    const out = e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 150_000);
    expect(ofType(out, 'place_callback')).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'a', attempt: 2 })]);
  });

  it('given three failed attempts, when the last one fails, then callback_abandoned is issued, the agent is freed and the number may ask again', () => {
    const e = engineWith({ callbacks: { ...POLICY, retryDelayMs: 1_000 } });
    online(e, 'a', 0);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'rest' }, 1);
    e.handle({ type: 'call_queued', callId: 'c1' }, 10);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 20);
    const cbId = e.callbackView()[0]!.callbackId;
    const reasons = ['no_answer', 'busy', 'rejected'] as const;
    let now = 100;
    const all = [];
    for (const [i, reason] of reasons.entries()) {
      now += 2_000;
      const dial = e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, now);
      expect(ofType(dial, 'place_callback')).toEqual([expect.objectContaining({ attempt: i + 1 })]);
      const fail = e.handle({ type: 'callback_failed', callbackId: cbId, reason }, now + 10);
      all.push(...fail);
      e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'rest' }, now + 20);
    }
    expect(ofType(all, 'callback_retry_scheduled').map((c) => c.attempt)).toEqual([2, 3]);
    expect(ofType(all, 'callback_abandoned')).toEqual([
      { type: 'callback_abandoned', callbackId: cbId, callId: 'c1', number: '13800000001', attempts: 3, lastReason: 'rejected' },
    ]);
    expect(e.callbackView()).toEqual([]);
    expect(e.callView('c1')).toBeUndefined();
    e.handle({ type: 'call_queued', callId: 'c2' }, now + 100);
    expect(ofType(e.handle({ type: 'callback_requested', callId: 'c2', number: '13800000001' }, now + 101), 'callback_accepted')).toHaveLength(1);
  });

  it('given the adapter never reports the dial result, when the dial timeout passes, then the attempt is cancelled and counted as no_answer', () => {
    const e = threeWaitingC1Callback();
    const { place } = dialFirst(e, 'a', 70_000);
    const out = e.handle({ type: 'tick' }, 70_000 + POLICY.dialTimeoutMs);
    expect(out[0]).toEqual({ type: 'cancel_callback', callbackId: place.callbackId, agentId: 'a', attemptId: place.attemptId, reason: 'dial_timeout' });
    expect(ofType(out, 'callback_retry_scheduled')).toEqual([expect.objectContaining({ lastReason: 'no_answer', attempt: 2 })]);
    expect(e.handle({ type: 'callback_connected', callbackId: place.callbackId }, 131_000)).toEqual([
      { type: 'ignored', event: 'callback_connected', reason: 'unknown_callback', callbackId: place.callbackId },
    ]);
  });

  it('given an agent asking for a break while their callback is dialled, when it fails, then they go to break', () => {
    const e = threeWaitingC1Callback();
    const { place } = dialFirst(e, 'a', 70_000);
    expect(e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'meal' }, 71_000)).toEqual([]);
    const out = e.handle({ type: 'callback_failed', callbackId: place.callbackId, reason: 'no_answer' }, 72_000);
    expect(moveLines(out, 'a')).toEqual(['a:reserved>available:callback_failed', 'a:available>break:pending_request']);
  });

  it('given a virtual entry in a queue with overflow, when it waits, then it still widens (keeping its place)', () => {
    const e = engineWith({
      callbacks: POLICY,
      queues: [
        {
          id: 'fund',
          requires: [{ skill: 'housing_fund', minLevel: 5 }],
          overflow: [{ afterMs: 60_000, action: 'widen', requires: [{ skill: 'housing_fund' }] }],
        },
      ],
    });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 0);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 10_000);
    online(e, 'junior', 20_000, { housing_fund: 1 });
    const out = e.handle({ type: 'tick' }, 60_000);
    expect(ofType(out, 'place_callback')).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'junior' })]);
  });
});

describe('a pending callback restored after a restart', () => {
  const restore = (e: AcdEngine, callId: string, number: string, queuedAt: number, attempts = 0, now = 500_000) =>
    e.handle({ type: 'callback_restored', callId, number, queueId: 'general', queuedAt, attempts, lastReason: attempts ? 'busy' : null }, now);

  it('given callers waiting after a restart, when an older callback is restored, then it keeps its place ahead of them and is dialled first', () => {
    const e = engineWith({ callbacks: POLICY, wrapUpMs: 0 });
    e.handle({ type: 'call_queued', callId: 'c2', number: '13800138002', queuedAt: 300_000 }, 500_000);
    expect(restore(e, 'c1', '138 0013 8001', 100_000)).toEqual([]);
    expect(e.callbackView()).toEqual([expect.objectContaining({ callId: 'c1', number: '13800138001', state: 'waiting', attempts: 0 })]);
    const { place } = dialFirst(e, 'a', 501_000);
    expect(place).toMatchObject({ callId: 'c1', number: '13800138001', attempt: 1 });
    expect(e.queueView().waiting).toEqual(['c2']);
  });

  it('given callers taken back after a restart, when one was offered a callback before it, then only the other is offered one', () => {
    const e = engineWith({ callbacks: { ...POLICY, offerAfterMs: 30_000 }, wrapUpMs: 0 });
    const out = [
      ...e.handle({ type: 'call_queued', callId: 'c1', number: '13800138001', queuedAt: 100_000, callbackOffered: true }, 500_000),
      ...e.handle({ type: 'call_queued', callId: 'c2', number: '13800138002', queuedAt: 200_000 }, 500_000),
      ...e.handle({ type: 'tick' }, 500_100),
    ];
    expect(ofType(out, 'offer_callback').map((c) => c.callId)).toEqual(['c2']);
    expect(ofType(e.handle({ type: 'tick' }, 600_000), 'offer_callback')).toEqual([]);
  });

  it('given a callback tried twice before the restart, when restored, then the next try is the third and the last', () => {
    const e = engineWith({ callbacks: POLICY, wrapUpMs: 0 });
    restore(e, 'c1', '13800138001', 100_000, 2);
    const { place } = dialFirst(e, 'a', 501_000);
    expect(place.attempt).toBe(3);
    const out = e.handle({ type: 'callback_failed', callbackId: place.callbackId, reason: 'no_answer' }, 510_000);
    expect(ofType(out, 'callback_abandoned')).toEqual([expect.objectContaining({ callId: 'c1', attempts: 3 })]);
  });

  it('given a number that already has a pending callback, or a call routed already, when restored, then it is ignored', () => {
    const e = engineWith({ callbacks: POLICY, wrapUpMs: 0 });
    restore(e, 'c1', '13800138001', 100_000);
    expect(ofType(restore(e, 'c9', '13800138001', 120_000), 'ignored')).toEqual([expect.objectContaining({ event: 'callback_restored', callId: 'c9' })]);
    e.handle({ type: 'call_queued', callId: 'c3', number: '13800138003' }, 500_000);
    expect(ofType(restore(e, 'c3', '13800138003', 100_000), 'ignored')).toHaveLength(1);
    expect(e.callbackView().map((c) => c.callId)).toEqual(['c1']);
  });
});
