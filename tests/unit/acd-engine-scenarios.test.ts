// The ACD decision core, driven with explicit `now` values: no timers, no sockets, no sleeps.
// Whole call cycles across several agents and calls.
import { describe, expect, it } from 'vitest';
import { AcdEngine, type AcdCommand } from '../../acd/engine.js';
import { RING, WRAP, bringOnline, engine, offers, stateOf, transitions } from './acd-engine-fixtures.js';

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
    expect(offers(afterWrap)).toEqual([expect.objectContaining({ callId: 'c3', agentId: 'b', waitedMs: 30_000 + WRAP - 1_200 })]);
    expect(transitions(afterWrap, 'b').map((t) => t.to)).toEqual(['available', 'reserved']);
    expect(e.queueView()).toEqual({ waiting: [], offered: ['c3'], connected: 1 });
    expect(stateOf(e, 'a')).toBe('on_call');
  });
});
