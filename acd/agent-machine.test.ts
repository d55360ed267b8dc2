// The agent state machine: the full legal table, every other move refused, and the engine never emitting a
// move the table forbids (checked over long random event sequences).
import { describe, expect, it } from 'vitest';
import { AGENT_STATES, type AgentState } from '../contracts/agent-state.js';
import { canTransition, IllegalTransitionError, newAgent, transition } from './agent-machine.js';
import { DeviceOfflineError, type AcdEvent } from './engine.js';
import { engineWith, moves, ofType } from './testing.js';

const LEGAL: [AgentState, AgentState][] = [
  ['offline', 'available'],
  ['offline', 'break'],
  ['available', 'reserved'],
  ['available', 'break'],
  ['available', 'offline'],
  ['reserved', 'on_call'],
  ['reserved', 'missed'],
  ['reserved', 'available'],
  ['reserved', 'offline'],
  ['on_call', 'wrap_up'],
  ['on_call', 'offline'],
  ['wrap_up', 'available'],
  ['wrap_up', 'break'],
  ['wrap_up', 'offline'],
  ['break', 'available'],
  ['break', 'offline'],
  ['missed', 'available'],
  ['missed', 'break'],
  ['missed', 'offline'],
];

describe('agent state machine table', () => {
  it('given every (from, to) pair, when checked, then exactly the documented moves are legal and the rest throw without touching the record', () => {
    let refused = 0;
    for (const from of AGENT_STATES) {
      for (const to of AGENT_STATES) {
        const legal = LEGAL.some(([f, t]) => f === from && t === to);
        expect(canTransition(from, to), `${from} → ${to}`).toBe(legal);
        const a = newAgent('a', 0);
        a.state = from;
        if (legal) {
          expect(transition(a, to, 'agent_request', 5)).toMatchObject({ from, to, at: 5 });
        } else {
          const before = { ...a };
          expect(() => transition(a, to, 'agent_request', 5), `${from} → ${to}`).toThrow(IllegalTransitionError);
          expect(a).toEqual(before);
          refused++;
        }
      }
    }
    expect(refused).toBe(AGENT_STATES.length * AGENT_STATES.length - LEGAL.length);
  });

  it('given an agent without a registered phone, when they ask for available or break, then both are refused and offline is fine', () => {
    const e = engineWith();
    e.handle({ type: 'agent_known', agentId: 'a' }, 0);
    expect(() => e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 1)).toThrow(DeviceOfflineError);
    expect(() => e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'training' }, 2)).toThrow(DeviceOfflineError);
    expect(e.handle({ type: 'agent_request', agentId: 'a', state: 'offline' }, 3)).toEqual([]);
    expect(e.agentView('a')?.state).toBe('offline');
  });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('the engine only makes legal moves', () => {
  for (const seed of [11, 12, 13, 14]) {
    it(`given a random stream of agent, call and callback events (seed ${seed}), when handled, then every agent_state is legal, chained and stamped with now`, () => {
      const r = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
      const e = engineWith({
        wrapUpMs: 5_000,
        callbacks: { maxAttempts: 2, retryDelayMs: 3_000, dialTimeoutMs: 20_000, offerAfterMs: 30_000 },
        queues: [
          { id: 'general', maxWait: { afterMs: 60_000, action: 'fallback_queue', toQueue: 'fund' }, maxWrapUpMs: 20_000 },
          {
            id: 'fund',
            requires: [{ skill: 'housing_fund', minLevel: 3 }],
            overflow: [{ afterMs: 20_000, action: 'widen', requires: [{ skill: 'housing_fund' }] }],
            maxWrapUpMs: 20_000,
          },
        ],
      });
      const agents = ['a', 'b', 'c', 'd'];
      agents.forEach((id, i) => e.handle({ type: 'agent_known', agentId: id, skills: { housing_fund: 1 + i } }, 0));
      const last = new Map<string, AgentState>(agents.map((a) => [a, 'offline']));
      const calls: string[] = [];
      const callbacks: string[] = [];
      let now = 0;
      let n = 0;
      let transitions = 0;
      const kinds = new Set<string>();
      for (let i = 0; i < 3_000; i++) {
        now += Math.floor(r() * 4_000);
        const a = pick(agents);
        const options: (() => AcdEvent)[] = [
          () => ({ type: 'device_changed', agentId: a, online: r() < 0.8 }),
          () => ({ type: 'agent_request', agentId: a, state: pick(['available', 'available', 'break', 'offline'] as const), reason: 'rest' }),
          () => ({ type: 'agent_logout', agentId: a }),
          () => {
            const callId = `c${++n}`;
            calls.push(callId);
            return { type: 'call_queued', callId, queueId: pick(['general', 'fund']), priority: pick(['normal', 'urgent', 'elderly'] as const) };
          },
          () => ({ type: 'caller_gone', callId: pick(calls.length ? calls : ['none']) }),
          () => ({ type: 'offer_answered', callId: pick(e.queueView().offered.length ? e.queueView().offered : ['none']) }),
          () => ({ type: 'offer_failed', callId: pick(calls.length ? calls : ['none']) }),
          () => ({ type: 'call_finished', callId: pick(calls.length ? calls : ['none']) }),
          () => ({ type: 'wrap_up_done', agentId: a }),
          () => ({ type: 'wrap_up_extend', agentId: pick(agents.filter((x) => e.agentView(x)?.state === 'wrap_up').concat(a)), byMs: 10_000 }),
          () => ({ type: 'callback_requested', callId: pick(calls.length ? calls : ['none']), number: `1380000000${Math.floor(r() * 5)}` }),
          () => ({
            type: 'callback_connected',
            callbackId: pick(
              e
                .callbackView()
                .filter((c) => c.state === 'dialing')
                .map((c) => c.callbackId)
                .concat(callbacks.slice(-1)),
            ),
          }),
          () => ({
            type: 'callback_failed',
            callbackId: pick(callbacks.length ? callbacks : ['none']),
            reason: pick(['no_answer', 'busy', 'machine', 'rejected'] as const),
          }),
          () => ({ type: 'tick' }),
        ];
        const ev = pick(options)();
        let out;
        try {
          out = e.handle(ev, now);
        } catch (err) {
          expect(err).toBeInstanceOf(DeviceOfflineError); // the only refusal these events may meet
          continue;
        }
        for (const c of ofType(out, 'callback_accepted')) callbacks.push(c.callbackId);
        for (const c of out) kinds.add(c.type);
        for (const t of moves(out)) {
          expect(canTransition(t.from, t.to), `${t.from} → ${t.to} (${t.cause})`).toBe(true);
          expect(t.from).toBe(last.get(t.agentId));
          expect(t.at).toBe(now);
          last.set(t.agentId, t.to);
          transitions++;
        }
        for (const id of agents) expect(e.agentView(id)?.state).toBe(last.get(id));
        // an agent who is reserved is ringing or dialling exactly one thing; nobody unregistered is reserved anew
        const ringing = e.queueView().offered.length + e.callbackView().filter((c) => c.state === 'dialing').length;
        expect(agents.filter((id) => e.agentView(id)?.state === 'reserved').length).toBe(ringing);
        for (const o of ofType(out, 'offer')) expect(e.agentView(o.agentId)?.deviceOnline).toBe(true);
      }
      expect(transitions).toBeGreaterThan(100);
      // the stream reached the interesting paths
      for (const k of ['offer', 'connect', 'place_callback', 'callback_accepted', 'overflow', 'max_wait_reached']) expect(kinds).toContain(k);
    });
  }
});
