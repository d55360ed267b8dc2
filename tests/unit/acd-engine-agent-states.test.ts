// The ACD decision core, driven with explicit `now` values: no timers, no sockets, no sleeps.
// Answer, wrap-up, pending requests and device changes.
import { describe, expect, it } from 'vitest';
import { RING, WRAP, bringOnline, cancels, engine, offers, stateOf, transitions } from './acd-engine-fixtures.js';

describe('AcdEngine answer, hang-up and wrap-up', () => {
  it('given an offer, when the agent answers, then a connect command is issued and the agent is on_call', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    const offer = offers(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000))[0]!;
    const out = e.handle({ type: 'offer_answered', callId: 'c1' }, 3_000);
    expect(out).toContainEqual({ type: 'connect', callId: 'c1', agentId: 'a', offerId: offer.offerId });
    expect(transitions(out, 'a')).toEqual([{ agentId: 'a', from: 'reserved', to: 'on_call', cause: 'answered', reason: null, at: 3_000, until: null }]);
    expect(stateOf(e, 'a')).toBe('on_call');
    expect(e.queueView()).toEqual({ waiting: [], offered: [], connected: 1 });
    expect(e.nextDeadline()).toBeNull(); // the ring timer is gone once answered
    // a tick well past the old ring deadline does not disturb the call
    expect(e.handle({ type: 'tick' }, 1_000 + RING * 10)).toEqual([]);
    expect(stateOf(e, 'a')).toBe('on_call');
  });

  it('given a connected call, when it finishes, then the agent goes to wrap_up until now + wrapUpMs, and a tick after that makes them available', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    const out = e.handle({ type: 'call_finished', callId: 'c1' }, 60_000);
    expect(transitions(out, 'a')).toEqual([
      { agentId: 'a', from: 'on_call', to: 'wrap_up', cause: 'call_ended', reason: null, at: 60_000, until: 60_000 + WRAP },
    ]);
    expect(stateOf(e, 'a')).toBe('wrap_up');
    expect(e.nextDeadline()).toBe(60_000 + WRAP);
    expect(e.queueView().connected).toBe(0);

    expect(e.handle({ type: 'tick' }, 60_000 + WRAP - 1)).toEqual([]);
    expect(stateOf(e, 'a')).toBe('wrap_up');

    const end = e.handle({ type: 'tick' }, 60_000 + WRAP);
    expect(transitions(end, 'a')).toEqual([
      { agentId: 'a', from: 'wrap_up', to: 'available', cause: 'wrap_up_ended', reason: null, at: 60_000 + WRAP, until: null },
    ]);
    expect(stateOf(e, 'a')).toBe('available');
    expect(e.agentView('a')?.idleSince).toBe(60_000 + WRAP);
    expect(e.nextDeadline()).toBeNull();
  });

  it('given wrapUpMs 0, when a connected call finishes, then the agent passes through wrap_up straight to available', () => {
    const e = engine({ wrapUpMs: 0 });
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    const out = e.handle({ type: 'call_finished', callId: 'c1' }, 9_000);
    const moves = transitions(out, 'a').map((t) => [t.from, t.to]);
    expect(moves).toEqual([
      ['on_call', 'wrap_up'],
      ['wrap_up', 'available'],
    ]);
    expect(transitions(out, 'a')[0]).toMatchObject({ until: 9_000, at: 9_000 });
    expect(stateOf(e, 'a')).toBe('available');
    expect(e.nextDeadline()).toBeNull();
  });

  it('given the caller hangs up during a connected call, when caller_gone arrives, then the agent goes to wrap_up like a finished call', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 5_000);
    expect(cancels(out)).toEqual([]);
    expect(transitions(out, 'a')).toEqual([expect.objectContaining({ from: 'on_call', to: 'wrap_up', until: 5_000 + WRAP })]);
  });
});

describe('AcdEngine pending agent requests', () => {
  it('given an agent on a call, when they ask for break, then they stay on_call and go to break once wrap-up ends', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);

    const asked = e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'meal' }, 3_000);
    expect(asked).toEqual([]);
    expect(stateOf(e, 'a')).toBe('on_call');
    expect(e.agentView('a')?.pending).toEqual({ state: 'break', reason: 'meal' });

    const finished = e.handle({ type: 'call_finished', callId: 'c1' }, 10_000);
    expect(transitions(finished, 'a').map((t) => t.to)).toEqual(['wrap_up']);

    const end = e.handle({ type: 'tick' }, 10_000 + WRAP);
    expect(transitions(end, 'a')).toEqual([
      { agentId: 'a', from: 'wrap_up', to: 'break', cause: 'pending_request', reason: 'meal', at: 10_000 + WRAP, until: null },
    ]);
    expect(stateOf(e, 'a')).toBe('break');
    expect(e.agentView('a')?.reason).toBe('meal');
    expect(e.agentView('a')?.pending).toBeNull();

    // on break: a new call is not offered to the agent
    expect(offers(e.handle({ type: 'call_queued', callId: 'c2' }, 50_000))).toEqual([]);
  });

  it('given wrapUpMs 0 and an agent on a call asking for break, when the call finishes, then they go through wrap_up to break', () => {
    const e = engine({ wrapUpMs: 0 });
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break' }, 3_000);
    const out = e.handle({ type: 'call_finished', callId: 'c1' }, 4_000);
    expect(transitions(out, 'a').map((t) => [t.from, t.to, t.cause])).toEqual([
      ['on_call', 'wrap_up', 'call_ended'],
      ['wrap_up', 'break', 'pending_request'],
    ]);
    expect(stateOf(e, 'a')).toBe('break');
  });
});

describe('AcdEngine requests made while the phone rings', () => {
  it('given an agent asks for break while ringing, when the caller hangs up, then the agent goes to break and gets no new offer', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'meal' }, 2_000);
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 3_000);
    expect(transitions(out, 'a').map((t) => `${t.from}>${t.to}:${t.cause}`)).toEqual(['reserved>available:caller_gone', 'available>break:pending_request']);
    expect(e.agentView('a')?.reason).toBe('meal');
    expect(offers(e.handle({ type: 'call_queued', callId: 'c2' }, 4_000))).toHaveLength(0);
  });

  it('given an agent asks for break while ringing, when the ring times out, then the agent goes from missed to break', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'rest' }, 2_000);
    const out = e.handle({ type: 'tick' }, 1_000 + RING);
    expect(transitions(out, 'a').map((t) => t.to)).toEqual(['missed', 'break']);
    expect(stateOf(e, 'a')).toBe('break');
  });

  it('given a ringing agent whose phone unregisters, when the caller hangs up, then the agent is offline, not available', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 2_000);
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 3_000);
    expect(transitions(out, 'a').map((t) => `${t.from}>${t.to}`)).toEqual(['reserved>offline']);
  });
});

describe('AcdEngine device changes', () => {
  it('given an available agent, when their device goes offline, then the agent goes offline (device_offline)', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    const out = e.handle({ type: 'device_changed', agentId: 'a', online: false }, 5_000);
    expect(transitions(out, 'a')).toEqual([{ agentId: 'a', from: 'available', to: 'offline', cause: 'device_offline', reason: null, at: 5_000, until: null }]);
    expect(stateOf(e, 'a')).toBe('offline');
    // and is no longer offered calls
    expect(offers(e.handle({ type: 'call_queued', callId: 'c1' }, 6_000))).toEqual([]);
  });
});
