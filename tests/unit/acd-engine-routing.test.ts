// The ACD decision core, driven with explicit `now` values: no timers, no sockets, no sleeps.
// Routing, ring timeouts and callers leaving while rung.
import { describe, expect, it } from 'vitest';
import { RING, bringOnline, cancels, engine, offers, stateOf, transitions } from './acd-engine-fixtures.js';

describe('AcdEngine routing', () => {
  it('given two available agents with registered devices, when a call is queued, then the longest-idle agent gets the offer', () => {
    const e = engine();
    bringOnline(e, 'b', 1_000);
    bringOnline(e, 'a', 2_000); // 'a' sorts first by id but has been idle for less time
    const out = e.handle({ type: 'call_queued', callId: 'c1' }, 5_000);
    const [offer] = offers(out);
    expect(offers(out)).toHaveLength(1);
    expect(offer).toMatchObject({ callId: 'c1', agentId: 'b', waitedMs: 0 });
    expect(stateOf(e, 'b')).toBe('reserved');
    expect(stateOf(e, 'a')).toBe('available');
    expect(transitions(out, 'b')).toEqual([{ agentId: 'b', from: 'available', to: 'reserved', cause: 'offer', reason: null, at: 5_000, until: null }]);
  });

  it('given the longest-idle available agent whose device is offline, when a call is queued, then that agent is skipped', () => {
    const e = engine();
    bringOnline(e, 'a', 1_000);
    // 'a' is rung, loses their phone while ringing, then the caller hangs up: 'a' is put back among the
    // idle agents (keeping the oldest idle time) but has no registered device.
    e.handle({ type: 'call_queued', callId: 'c0' }, 1_500);
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 1_600);
    e.handle({ type: 'caller_gone', callId: 'c0' }, 1_700);
    expect(e.agentView('a')?.deviceOnline).toBe(false);
    bringOnline(e, 'b', 2_000);
    const out = e.handle({ type: 'call_queued', callId: 'c1' }, 5_000);
    expect(offers(out)).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'b' })]);
    expect(e.agentView('a')?.state).not.toBe('reserved');
  });

  it('given two agents idle since the same instant, when a call is queued, then the tie is broken by agent id', () => {
    const e = engine();
    bringOnline(e, 'zed', 1_000);
    bringOnline(e, 'amy', 1_000);
    bringOnline(e, 'max', 1_000);
    const out = e.handle({ type: 'call_queued', callId: 'c1' }, 2_000);
    expect(offers(out)).toEqual([expect.objectContaining({ agentId: 'amy' })]);
  });

  it('given an available agent with no registered device at all, when a call is queued, then no offer is made and the call waits', () => {
    const e = engine();
    e.handle({ type: 'device_changed', agentId: 'a', online: true }, 0);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 0);
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 10);
    const out = e.handle({ type: 'call_queued', callId: 'c1' }, 20);
    expect(offers(out)).toEqual([]);
    expect(e.queueView().waiting).toEqual(['c1']);
  });

  it('given several calls waiting and no agent, when an agent becomes available, then the longest-waiting call is served first (FIFO)', () => {
    const e = engine();
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'c2' }, 2_000);
    e.handle({ type: 'call_queued', callId: 'c3' }, 3_000);
    expect(e.queueView().waiting).toEqual(['c1', 'c2', 'c3']);

    const out1 = bringOnline(e, 'a', 10_000);
    expect(offers(out1)).toEqual([
      { type: 'offer', callId: 'c1', agentId: 'a', offerId: expect.any(String), waitedMs: 9_000, queueId: 'general', priority: 'normal' },
    ]);
    const out2 = bringOnline(e, 'b', 11_000);
    expect(offers(out2)).toEqual([expect.objectContaining({ callId: 'c2', agentId: 'b', waitedMs: 9_000 })]);
    expect(e.queueView().waiting).toEqual(['c3']);
  });

  it('given a call already waiting, when the same call is queued again, then it is not duplicated', () => {
    const e = engine();
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'c1' }, 2_000);
    expect(e.queueView().waiting).toEqual(['c1']);
  });
});

describe('AcdEngine ring timeout', () => {
  it('given an offer, when nothing happens, then nextDeadline() is the offer deadline (now + ringTimeoutMs)', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    expect(e.nextDeadline()).toBeNull();
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.nextDeadline()).toBe(1_000 + RING);
  });

  it('given an offer, when a tick comes before the deadline, then nothing happens', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.handle({ type: 'tick' }, 1_000 + RING - 1)).toEqual([]);
    expect(stateOf(e, 'a')).toBe('reserved');
  });

  it('given an offer to the longest-idle agent, when a tick comes at the deadline, then the offer is cancelled (ring_timeout), the agent is missed and the call goes to the next agent', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    bringOnline(e, 'b', 100);
    const first = offers(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000))[0]!;
    expect(first.agentId).toBe('a');

    const out = e.handle({ type: 'tick' }, 1_000 + RING);
    expect(cancels(out)).toEqual([{ type: 'cancel_offer', callId: 'c1', agentId: 'a', offerId: first.offerId, reason: 'ring_timeout' }]);
    expect(transitions(out, 'a')).toEqual([
      { agentId: 'a', from: 'reserved', to: 'missed', cause: 'ring_timeout', reason: null, at: 1_000 + RING, until: null },
    ]);
    expect(stateOf(e, 'a')).toBe('missed');
    const again = offers(out);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ callId: 'c1', agentId: 'b', waitedMs: RING });
    expect(again[0]!.offerId).not.toBe(first.offerId);
    expect(e.nextDeadline()).toBe(1_000 + 2 * RING);
  });

  it('given a timed-out call and a later call waiting, when an agent frees up, then the timed-out call keeps its place ahead of the later one', () => {
    const e = engine({ wrapUpMs: 0 });
    bringOnline(e, 'a', 0);
    bringOnline(e, 'b', 10);
    expect(offers(e.handle({ type: 'call_queued', callId: 'c1' }, 100))[0]?.agentId).toBe('a');
    expect(offers(e.handle({ type: 'call_queued', callId: 'c2' }, 200))[0]?.agentId).toBe('b');
    e.handle({ type: 'offer_answered', callId: 'c2' }, 300);
    e.handle({ type: 'call_queued', callId: 'c3' }, 400);
    expect(e.queueView().waiting).toEqual(['c3']);

    const timeout = e.handle({ type: 'tick' }, 100 + RING);
    expect(cancels(timeout)).toEqual([expect.objectContaining({ callId: 'c1', reason: 'ring_timeout' })]);
    expect(offers(timeout)).toEqual([]); // nobody available: 'a' missed, 'b' on a call
    expect(e.queueView().waiting).toEqual(['c1', 'c3']);

    const freed = e.handle({ type: 'call_finished', callId: 'c2' }, 20_000);
    expect(offers(freed)).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'b', waitedMs: 20_000 - 100 })]);
    expect(e.queueView().waiting).toEqual(['c3']);
  });

  it('given a missed agent, when the agent asks to be available again, then they can be offered calls again', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'tick' }, 1_000 + RING);
    expect(stateOf(e, 'a')).toBe('missed');
    const out = e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 20_000);
    expect(offers(out)).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'a' })]);
  });
});

describe('AcdEngine caller hangs up while ringing', () => {
  it('given an offer ringing, when the caller hangs up, then cancel_offer (caller_gone) and the agent is available again', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    const offer = offers(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000))[0]!;
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 2_000);
    expect(cancels(out)).toEqual([{ type: 'cancel_offer', callId: 'c1', agentId: 'a', offerId: offer.offerId, reason: 'caller_gone' }]);
    expect(transitions(out, 'a')).toEqual([{ agentId: 'a', from: 'reserved', to: 'available', cause: 'caller_gone', reason: null, at: 2_000, until: null }]);
    expect(stateOf(e, 'a')).toBe('available');
    expect(e.queueView()).toEqual({ waiting: [], offered: [], connected: 0 });
    expect(e.nextDeadline()).toBeNull();
  });

  it('given an offer ringing, when the caller hangs up, then the agent keeps their previous idle position and is still the longest idle', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    bringOnline(e, 'b', 500);
    expect(offers(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000))[0]?.agentId).toBe('a');
    e.handle({ type: 'caller_gone', callId: 'c1' }, 2_000);
    expect(e.agentView('a')?.idleSince).toBe(0);
    const out = e.handle({ type: 'call_queued', callId: 'c2' }, 3_000);
    expect(offers(out)).toEqual([expect.objectContaining({ callId: 'c2', agentId: 'a' })]);
  });

  it('given a call waiting (not yet offered), when the caller hangs up, then it leaves the queue with no commands', () => {
    const e = engine();
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.handle({ type: 'caller_gone', callId: 'c1' }, 2_000)).toEqual([]);
    expect(e.queueView().waiting).toEqual([]);
  });
});
