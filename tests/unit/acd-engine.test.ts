// The ACD decision core, driven with explicit `now` values: no timers, no sockets, no sleeps.
import { describe, expect, it } from 'vitest';
import { AcdEngine, DeviceOfflineError, IllegalTransitionError, type AcdCommand } from '../../acd/engine.js';
import {
  canTransition,
  IllegalTransitionError as MachineIllegalTransitionError,
  newAgent,
  transition,
  type AgentTransition,
} from '../../acd/agent-machine.js';

const RING = 15_000;
const WRAP = 30_000;

function engine(settings: { ringTimeoutMs?: number; wrapUpMs?: number } = {}): AcdEngine {
  return new AcdEngine({ ringTimeoutMs: settings.ringTimeoutMs ?? RING, wrapUpMs: settings.wrapUpMs ?? WRAP });
}

/** Registers the agent's device and makes the agent available at `now`. */
function bringOnline(e: AcdEngine, agentId: string, now: number): AcdCommand[] {
  return [
    ...e.handle({ type: 'device_changed', agentId, online: true }, now),
    ...e.handle({ type: 'agent_request', agentId, state: 'available' }, now),
  ];
}

function offers(cmds: AcdCommand[]): Extract<AcdCommand, { type: 'offer' }>[] {
  return cmds.filter((c): c is Extract<AcdCommand, { type: 'offer' }> => c.type === 'offer');
}

function cancels(cmds: AcdCommand[]): Extract<AcdCommand, { type: 'cancel_offer' }>[] {
  return cmds.filter((c): c is Extract<AcdCommand, { type: 'cancel_offer' }> => c.type === 'cancel_offer');
}

function transitions(cmds: AcdCommand[], agentId?: string): AgentTransition[] {
  return cmds
    .filter((c): c is Extract<AcdCommand, { type: 'agent_state' }> => c.type === 'agent_state')
    .map((c) => c.transition)
    .filter((t) => agentId === undefined || t.agentId === agentId);
}

function stateOf(e: AcdEngine, agentId: string): string | undefined {
  return e.agentView(agentId)?.state;
}

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
    expect(transitions(out, 'b')).toEqual([
      { agentId: 'b', from: 'available', to: 'reserved', cause: 'offer', reason: null, at: 5_000, until: null },
    ]);
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
    expect(cancels(out)).toEqual([
      { type: 'cancel_offer', callId: 'c1', agentId: 'a', offerId: first.offerId, reason: 'ring_timeout' },
    ]);
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
    expect(cancels(out)).toEqual([
      { type: 'cancel_offer', callId: 'c1', agentId: 'a', offerId: offer.offerId, reason: 'caller_gone' },
    ]);
    expect(transitions(out, 'a')).toEqual([
      { agentId: 'a', from: 'reserved', to: 'available', cause: 'caller_gone', reason: null, at: 2_000, until: null },
    ]);
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

describe('AcdEngine answer, hang-up and wrap-up', () => {
  it('given an offer, when the agent answers, then a connect command is issued and the agent is on_call', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    const offer = offers(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000))[0]!;
    const out = e.handle({ type: 'offer_answered', callId: 'c1' }, 3_000);
    expect(out).toContainEqual({ type: 'connect', callId: 'c1', agentId: 'a', offerId: offer.offerId });
    expect(transitions(out, 'a')).toEqual([
      { agentId: 'a', from: 'reserved', to: 'on_call', cause: 'answered', reason: null, at: 3_000, until: null },
    ]);
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
    expect(transitions(out, 'a').map((t) => `${t.from}>${t.to}:${t.cause}`)).toEqual([
      'reserved>available:caller_gone',
      'available>break:pending_request',
    ]);
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

describe('AcdEngine refusals', () => {
  it('given an agent with no registered device, when they ask to be available, then DeviceOfflineError is thrown and the agent stays offline', () => {
    const e = engine();
    e.handle({ type: 'agent_known', agentId: 'a' }, 0);
    expect(() => e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 1_000)).toThrow(DeviceOfflineError);
    try {
      e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 1_000);
    } catch (err) {
      expect(err).toBeInstanceOf(DeviceOfflineError);
      expect((err as DeviceOfflineError).agentId).toBe('a');
      expect((err as Error).name).toBe('DeviceOfflineError');
    }
    expect(stateOf(e, 'a')).toBe('offline');
  });

  it('given an offline agent record, when agent-machine transition() is asked to go straight to on_call, then IllegalTransitionError is thrown and the record is unchanged', () => {
    const a = newAgent('a', 0);
    expect(canTransition('offline', 'on_call')).toBe(false);
    expect(() => transition(a, 'on_call', 'answered', 1_000)).toThrow(IllegalTransitionError);
    expect(() => transition(a, 'on_call', 'answered', 1_000)).toThrow('agent cannot go from offline to on_call');
    try {
      transition(a, 'on_call', 'answered', 1_000);
    } catch (err) {
      expect(err).toBeInstanceOf(MachineIllegalTransitionError);
      expect(err).toMatchObject({ from: 'offline', to: 'on_call', name: 'IllegalTransitionError' });
    }
    expect(a).toMatchObject({ state: 'offline', since: 0 });
  });

  it('given the agent-machine table, when illegal moves are tried, then each is refused', () => {
    const illegal: [Parameters<typeof canTransition>[0], Parameters<typeof canTransition>[1]][] = [
      ['offline', 'reserved'],
      ['available', 'on_call'],
      ['on_call', 'available'],
      ['wrap_up', 'on_call'],
      ['break', 'reserved'],
      ['missed', 'on_call'],
    ];
    for (const [from, to] of illegal) {
      const a = newAgent('a', 0);
      a.state = from;
      expect(() => transition(a, to, 'agent_request', 1)).toThrow(IllegalTransitionError);
    }
  });

  it('given a legal move, when transition() runs, then it returns from/to/cause/at and sets break reason and wrap-up end', () => {
    const a = newAgent('a', 0);
    expect(transition(a, 'break', 'agent_request', 5)).toEqual({
      agentId: 'a', from: 'offline', to: 'break', cause: 'agent_request', reason: 'other', at: 5, until: null,
    });
    transition(a, 'available', 'agent_request', 6);
    expect(a.idleSince).toBe(6);
    transition(a, 'reserved', 'offer', 7);
    transition(a, 'on_call', 'answered', 8);
    expect(transition(a, 'wrap_up', 'call_ended', 9, { until: 99 })).toMatchObject({ to: 'wrap_up', until: 99 });
    expect(a.wrapUpUntil).toBe(99);
  });
});

describe('AcdEngine device changes', () => {
  it('given an available agent, when their device goes offline, then the agent goes offline (device_offline)', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    const out = e.handle({ type: 'device_changed', agentId: 'a', online: false }, 5_000);
    expect(transitions(out, 'a')).toEqual([
      { agentId: 'a', from: 'available', to: 'offline', cause: 'device_offline', reason: null, at: 5_000, until: null },
    ]);
    expect(stateOf(e, 'a')).toBe('offline');
    // and is no longer offered calls
    expect(offers(e.handle({ type: 'call_queued', callId: 'c1' }, 6_000))).toEqual([]);
  });
});

describe('AcdEngine agent_state commands', () => {
  it('given a full call cycle, when commands are collected, then every agent_state command carries from, to, cause and at', () => {
    const e = engine();
    const all: AcdCommand[] = [];
    let now = 0;
    const run = (ev: Parameters<AcdEngine['handle']>[0]) => all.push(...e.handle(ev, (now += 1_000)));
    run({ type: 'device_changed', agentId: 'a', online: true });
    run({ type: 'agent_request', agentId: 'a', state: 'available' });
    run({ type: 'device_changed', agentId: 'b', online: true });
    run({ type: 'agent_request', agentId: 'b', state: 'available' });
    run({ type: 'call_queued', callId: 'c1' });
    now += RING;
    run({ type: 'tick' }); // a misses, b gets the call
    run({ type: 'offer_answered', callId: 'c1' });
    run({ type: 'agent_request', agentId: 'b', state: 'break', reason: 'rest' });
    run({ type: 'call_finished', callId: 'c1' });
    now += WRAP;
    run({ type: 'tick' });
    run({ type: 'device_changed', agentId: 'a', online: false });

    const states = all.filter((c) => c.type === 'agent_state');
    expect(states.length).toBeGreaterThanOrEqual(8);
    for (const c of states) {
      if (c.type !== 'agent_state') continue;
      expect(typeof c.transition.from).toBe('string');
      expect(typeof c.transition.to).toBe('string');
      expect(typeof c.transition.cause).toBe('string');
      expect(typeof c.transition.at).toBe('number');
      expect(c.transition.from).not.toBe(c.transition.to);
      expect(typeof c.transition.agentId).toBe('string');
    }
    expect(transitions(all).map((t) => `${t.agentId}:${t.from}>${t.to}:${t.cause}`)).toEqual([
      'a:offline>available:agent_request',
      'b:offline>available:agent_request',
      'a:available>reserved:offer',
      'a:reserved>missed:ring_timeout',
      'b:available>reserved:offer',
      'b:reserved>on_call:answered',
      'b:on_call>wrap_up:call_ended',
      'b:wrap_up>break:pending_request',
      'a:missed>offline:device_offline',
    ]);
    // `at` is the `now` the event was handled at, never a clock reading
    const ats = transitions(all).map((t) => t.at);
    expect(ats).toEqual([...ats].sort((x, y) => x - y));
    expect(ats[0]).toBe(2_000);
  });
});

describe('AcdEngine queue of 3 calls and 2 agents', () => {
  it('given 2 available agents, when 3 calls queue, then exactly 2 offers are made and the third waits until one call finishes and wrap-up ends', () => {
    const e = engine();
    bringOnline(e, 'a', 0);
    bringOnline(e, 'b', 10);
    const queued = [
      ...e.handle({ type: 'call_queued', callId: 'c1' }, 1_000),
      ...e.handle({ type: 'call_queued', callId: 'c2' }, 1_100),
      ...e.handle({ type: 'call_queued', callId: 'c3' }, 1_200),
    ];
    expect(offers(queued).map((o) => [o.callId, o.agentId])).toEqual([
      ['c1', 'a'],
      ['c2', 'b'],
    ]);
    expect(e.queueView()).toEqual({ waiting: ['c3'], offered: ['c1', 'c2'], connected: 0 });

    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    e.handle({ type: 'offer_answered', callId: 'c2' }, 2_100);
    expect(e.queueView()).toEqual({ waiting: ['c3'], offered: [], connected: 2 });

    const finished = e.handle({ type: 'call_finished', callId: 'c2' }, 30_000);
    expect(offers(finished)).toEqual([]);
    expect(stateOf(e, 'b')).toBe('wrap_up');
    expect(e.queueView().waiting).toEqual(['c3']);
    expect(e.nextDeadline()).toBe(30_000 + WRAP);

    expect(offers(e.handle({ type: 'tick' }, 30_000 + WRAP - 1))).toEqual([]);
    const afterWrap = e.handle({ type: 'tick' }, 30_000 + WRAP);
    expect(offers(afterWrap)).toEqual([
      expect.objectContaining({ callId: 'c3', agentId: 'b', waitedMs: 30_000 + WRAP - 1_200 }),
    ]);
    expect(transitions(afterWrap, 'b').map((t) => t.to)).toEqual(['available', 'reserved']);
    expect(e.queueView()).toEqual({ waiting: [], offered: ['c3'], connected: 1 });
    expect(stateOf(e, 'a')).toBe('on_call');
  });
});
