// The queue's legs when the caller leaves at an unlucky moment (issue 14, ghost calls): an offer the engine makes
// for a caller already gone is withdrawn at once (the agent is not left reserved until a ring timeout marks them
// 未接), and a hang-up while caller and agent are being bridged leaves no bridge behind.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CallEvents } from '../contracts/call-events.js';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import { TelephonyUnavailableError, type CallControl, type OriginateRequest } from '../telephony/call-control.js';
import { testLiveCall, testQueueService } from '../testkit/queue-fixture.js';
import { LiveCalls } from './live-calls.js';

function setup(opts: { available?: boolean } = {}) {
  const originated: OriginateRequest[] = [];
  const ops: string[] = [];
  const gates: { moh: Promise<void>; bridge: Promise<void>; originate: Promise<void> } = {
    moh: Promise.resolve(),
    bridge: Promise.resolve(),
    originate: Promise.resolve(),
  };
  const fake: Partial<CallControl> = {
    originate: async (req) => {
      originated.push(req);
      await gates.originate;
      ops.push(`originated ${req.channelId}`);
    },
    hangup: async (id) => void ops.push(`hangup ${id}`),
    startMusicOnHold: () => gates.moh,
    createBridge: async (id) => {
      await gates.bridge;
      ops.push(`create ${id}`);
    },
    addToBridge: async () => {
      throw new Error('addChannel: channel not found');
    },
    destroyBridge: async (id) => void ops.push(`destroy ${id}`),
  };
  const telephony = new Proxy(fake as CallControl, { get: (t, name) => (name in t ? t[name as keyof CallControl] : async () => undefined) });
  const bus = createCallEventBus(pino({ level: 'silent' }));
  const events: string[] = [];
  for (const name of ['call.queued', 'call.offered', 'call.offer_closed', 'call.answered', 'call.ended'] as (keyof CallEvents)[]) {
    bus.on(name, (e) => void events.push('result' in e ? `${name}:${e.result}` : name));
  }
  const states: string[] = [];
  const warnings: string[] = [];
  const calls = new LiveCalls();
  const queue = testQueueService({
    telephony,
    calls,
    bus,
    log: pino({ level: 'warn' }, { write: (s: string) => void warnings.push((JSON.parse(s) as { msg: string }).msg) }),
    notifier: { agentState: (_a, p) => void states.push(p.state) },
  });
  queue.agentKnown('u-1001');
  queue.handleTelephony({ type: 'device_state', device: '1001', online: true, at: new Date() });
  if (opts.available !== false) queue.requestState('u-1001', 'available', undefined);
  const call = testLiveCall({ callId: 'c1' });
  calls.add(call);
  const hangUp = (channelId: string) => queue.handleTelephony({ type: 'channel_gone', channelId, cause: 16, causeText: 'Normal Clearing', at: new Date() });
  const settle = () => new Promise((r) => setTimeout(r, 0));
  return { queue, call, calls, originated, ops, gates, events, states, warnings, hangUp, settle };
}

describe('CallLegs and callers who leave at unlucky moments', () => {
  it('given the engine offers a call whose caller has already gone, then nothing rings and the agent is free again at once, not 未接', async () => {
    const s = setup({ available: false });
    await s.queue.enqueue(s.call, 'general');
    // the live calls lost the call without the engine hearing of it (a ghost, issue 14); then the agent frees up
    s.calls.remove(s.call);
    s.queue.requestState('u-1001', 'available', undefined);
    await s.settle();
    expect(s.originated).toEqual([]);
    expect(s.warnings).toContain('the engine offered a call that has already ended');
    expect(s.queue.queueView()).toMatchObject({ waiting: [], offered: [] });
    expect(s.states.slice(-2)).toEqual(['reserved', 'available']);
    expect(s.queue.agentPush('u-1001').state).toBe('available');
    s.queue.stop();
  });

  it('given the caller hangs up while caller and agent are being bridged, then the bridge made afterwards is destroyed and the call is not announced answered', async () => {
    const s = setup();
    let bridged!: () => void;
    s.gates.bridge = new Promise<void>((r) => (bridged = r));
    await s.queue.enqueue(s.call, 'general');
    const leg = s.originated[0]!;
    s.queue.handleTelephony({ type: 'leg_answered', channelId: leg.channelId, tag: leg.tag, at: new Date() });
    await s.settle();
    s.hangUp(s.call.channelId);
    bridged();
    await s.settle();
    await s.settle();
    const bridge = 'hotline-call-c1';
    expect(s.ops.filter((o) => o.endsWith(bridge)).at(-1)).toBe(`destroy ${bridge}`);
    expect(s.ops.indexOf(`create ${bridge}`)).toBeLessThan(s.ops.lastIndexOf(`destroy ${bridge}`));
    expect(s.events).not.toContain('call.answered');
    expect(s.events).toContain('call.offer_closed:caller_gone');
    expect(s.events.filter((e) => e === 'call.ended')).toHaveLength(1);
    expect(s.calls.all()).toEqual([]);
    s.queue.stop();
  });

  it('given the caller hangs up while the agent leg is still being originated, then the leg is hung up once Asterisk has it, not before', async () => {
    const s = setup();
    let placed!: () => void;
    s.gates.originate = new Promise<void>((r) => (placed = r));
    await s.queue.enqueue(s.call, 'general');
    const leg = s.originated[0]!.channelId;
    s.hangUp(s.call.channelId);
    await s.settle();
    expect(s.ops, 'no hang-up Asterisk could take before the channel exists').toEqual([]);
    placed();
    await s.settle();
    expect(s.ops).toEqual([`originated ${leg}`, `hangup ${leg}`]);
    s.queue.stop();
  });

  it('given Asterisk unreachable, when an offer cannot ring the agent, then the agent stays 就绪 (not 未接) and the caller is offered again once Asterisk is back', async () => {
    const s = setup();
    s.gates.originate = Promise.reject(new TelephonyUnavailableError('originate'));
    s.gates.originate.catch(() => {});
    // the engine offers at once; the ring fails before the hotline has heard of the outage
    await s.queue.enqueue(s.call, 'general');
    await s.settle();
    await s.settle();
    expect(s.states).not.toContain('missed');
    expect(s.queue.agentPush('u-1001').state).toBe('available');
    expect(s.events).toContain('call.offer_closed:failed');
    expect(s.originated).toHaveLength(1); // paused: not rung again while Asterisk is away
    s.gates.originate = Promise.resolve();
    s.queue.handleTelephony({ type: 'connection', state: 'connected', at: new Date() });
    await s.settle();
    expect(s.originated).toHaveLength(2);
    expect(s.queue.queueView().offered).toEqual(['c1']);
    s.queue.stop();
  });
});
