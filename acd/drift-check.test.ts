// The drift check: the pure decision (two sightings, a grace period, forgetting what came back) with an injected
// clock, then the check against a real queue service over a fake Asterisk: a caller gone without an event, a
// ghost the engine kept after a hang-up during the hand-over, a call created while the channels were listed,
// an empty bridge left behind, Asterisk unreachable.
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { CallEvents } from '../contracts/call-events.js';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import type { CallControl, ConnectionState, TelephonyEvent } from '../telephony/call-control.js';
import { testLiveCall, testQueueService } from '../testkit/queue-fixture.js';
import { BRIDGE_PREFIX } from './call-legs.js';
import { DRIFT_CAUSE, DriftDetector, startDriftCheck, type DriftObservation } from './drift-check.js';
import { LiveCalls, type LiveCall } from './live-calls.js';

const none: DriftObservation = { channels: new Set(), calls: [], engineOnly: [], emptyBridges: [] };
const callerOf = (callId: string, channelId: string, agentLegId: string | null = null) => ({ callId, channelId, agentLegId });

describe('DriftDetector', () => {
  it('given a caller channel missing once, then nothing is repaired; missing again after the grace period, then it is', () => {
    const d = new DriftDetector({ confirmations: 2, graceMs: 2_000 });
    const obs = { ...none, calls: [callerOf('c1', 'ch1')] };
    expect(d.observe(obs, 0)).toEqual([]);
    expect(d.pending).toBe(1);
    expect(d.observe(obs, 5_000)).toEqual([{ kind: 'caller_gone', callId: 'c1', channelId: 'ch1' }]);
    expect(d.pending).toBe(0);
  });

  it('given two sightings closer than the grace period, then the repair waits for a later one', () => {
    const d = new DriftDetector({ confirmations: 2, graceMs: 2_000 });
    const obs = { ...none, calls: [callerOf('c1', 'ch1')] };
    d.observe(obs, 0);
    expect(d.observe(obs, 1_000)).toEqual([]);
    expect(d.observe(obs, 2_000)).toHaveLength(1);
  });

  it('given a channel that shows up in between (created while the list was taken), then the earlier sighting no longer counts', () => {
    const d = new DriftDetector();
    const missing = { ...none, calls: [callerOf('c1', 'ch1')] };
    const present = { ...missing, channels: new Set(['ch1']) };
    d.observe(missing, 0);
    expect(d.observe(present, 5_000)).toEqual([]);
    expect(d.observe(missing, 10_000)).toEqual([]);
    expect(d.observe(missing, 15_000)).toHaveLength(1);
  });

  it('given a check that could not look (reset), then sightings before it do not count as consecutive', () => {
    const d = new DriftDetector();
    const missing = { ...none, calls: [callerOf('c1', 'ch1')] };
    d.observe(missing, 0);
    d.reset();
    expect(d.observe(missing, 5_000)).toEqual([]);
    expect(d.observe(missing, 10_000)).toHaveLength(1);
  });

  it('given a caller and its agent leg both gone, then only the caller is repaired (its end takes the leg along)', () => {
    const d = new DriftDetector();
    const obs = { ...none, calls: [callerOf('c1', 'ch1', 'leg1')] };
    d.observe(obs, 0);
    expect(d.observe(obs, 5_000)).toEqual([{ kind: 'caller_gone', callId: 'c1', channelId: 'ch1' }]);
  });

  it('given an agent leg gone while the caller is there, then the leg is repaired', () => {
    const d = new DriftDetector();
    const obs = { ...none, channels: new Set(['ch1']), calls: [callerOf('c1', 'ch1', 'leg1')] };
    d.observe(obs, 0);
    expect(d.observe(obs, 5_000)).toEqual([{ kind: 'agent_leg_gone', callId: 'c1', channelId: 'leg1' }]);
  });

  it('given an engine-only call and an empty bridge seen twice, then both are repaired', () => {
    const d = new DriftDetector();
    const obs = { ...none, engineOnly: ['g1'], emptyBridges: [`${BRIDGE_PREFIX}g2`] };
    d.observe(obs, 0);
    expect(d.observe(obs, 5_000)).toEqual([
      { kind: 'engine_ghost', callId: 'g1' },
      { kind: 'orphan_bridge', bridgeId: `${BRIDGE_PREFIX}g2` },
    ]);
  });

  it('given a drift still there after its repair, then it is confirmed from the start again', () => {
    const d = new DriftDetector();
    const obs = { ...none, engineOnly: ['g1'] };
    d.observe(obs, 0);
    expect(d.observe(obs, 5_000)).toHaveLength(1);
    expect(d.observe(obs, 10_000)).toEqual([]);
    expect(d.observe(obs, 15_000)).toHaveLength(1);
  });

  it('given confirmations 1 and no grace, then a drift is repaired on its first sighting', () => {
    const d = new DriftDetector({ confirmations: 1, graceMs: 0 });
    expect(d.observe({ ...none, engineOnly: ['g1'] }, 0)).toHaveLength(1);
  });
});

/** A queue service over a fake Asterisk whose channels and bridges the test sets; one agent, offline unless asked. */
function setup(opts: { agentAvailable?: boolean } = {}) {
  const channels = new Set<string>();
  const bridges = new Map<string, string[]>();
  const state: { connection: ConnectionState; listing: (() => void) | null; moh: Promise<void> } = {
    connection: 'connected',
    listing: null,
    moh: Promise.resolve(),
  };
  const destroyed: string[] = [];
  const fake: Partial<CallControl> = {
    listChannels: async () => {
      const list = [...channels].map((id) => ({ id, name: `PJSIP/trunk-${id}`, state: 'Up', callerNumber: '13800138000' }));
      state.listing?.();
      return list;
    },
    listBridges: async () => [...bridges].map(([id, channelIds]) => ({ id, name: id, channelIds })),
    destroyBridge: async (id) => {
      destroyed.push(id);
      bridges.delete(id);
    },
    startMusicOnHold: () => state.moh,
  };
  const telephony = new Proxy(fake as CallControl, {
    get: (t, name) => (name === 'connectionState' ? state.connection : name in t ? t[name as keyof CallControl] : async () => undefined),
  });
  const bus = createCallEventBus(pino({ level: 'silent' }));
  const ended: CallEvents['call.ended'][] = [];
  bus.on('call.ended', (e) => void ended.push(e));
  const lines: { msg: string; repair?: string; callId?: string }[] = [];
  const log = pino({ level: 'warn' }, { write: (s: string) => void lines.push(JSON.parse(s) as (typeof lines)[number]) });
  const calls = new LiveCalls();
  let clock = 1_000_000;
  const queue = testQueueService({ telephony, calls, bus, log, now: () => clock });
  queue.agentKnown('u-1001');
  if (opts.agentAvailable) {
    queue.handleTelephony({ type: 'device_state', device: '1001', online: true, at: new Date() });
    queue.requestState('u-1001', 'available', undefined);
  }
  // the hotline's event path, reduced to the queue (the IVR is not part of these calls)
  const delivered: TelephonyEvent[] = [];
  const deliver = (ev: TelephonyEvent) => {
    delivered.push(ev);
    queue.handleTelephony(ev);
  };
  const check = startDriftCheck({ telephony, calls, queue, deliver, log, intervalMs: 60_000, now: () => clock });
  const newCall = (id: string): LiveCall => {
    const call = testLiveCall({ callId: id, arrivedAt: new Date(clock), log: log.child({ callId: id, channelId: `ch-${id}` }) });
    channels.add(call.channelId);
    calls.add(call);
    return call;
  };
  const later = (ms: number) => (clock += ms);
  const waiting = () => queue.queueView().waiting;
  const repairLines = () => lines.filter((l) => l.msg === 'drift repaired');
  return { channels, bridges, destroyed, state, queue, calls, check, newCall, later, waiting, ended, delivered, repairLines };
}

describe('startDriftCheck', () => {
  it('given a queued caller whose channel vanished without an event, then after two checks the hang-up is delivered and the call ends as a hang-up would', async () => {
    const s = setup();
    const call = s.newCall('c1');
    await s.queue.enqueue(call, 'general');
    s.channels.delete(call.channelId); // the ChannelDestroyed never reached us
    expect(await s.check.checkNow()).toEqual([]);
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([{ kind: 'caller_gone', callId: 'c1', channelId: 'ch-c1' }]);
    expect(s.delivered).toEqual([expect.objectContaining({ type: 'channel_gone', channelId: 'ch-c1', causeText: DRIFT_CAUSE })]);
    expect(s.calls.all()).toEqual([]);
    expect(s.waiting()).toEqual([]);
    expect(s.ended).toEqual([expect.objectContaining({ callId: 'c1', hangupCause: DRIFT_CAUSE })]);
    expect(s.queue.figures().total.abandoned).toBe(1);
    expect(s.check.repairs).toBe(1);
    expect(s.check.repairsByKind.caller_gone).toBe(1);
    expect(s.repairLines()).toEqual([expect.objectContaining({ repair: 'caller_gone', callId: 'c1' })]);
    s.check();
    s.queue.stop();
  });

  it('given a waiting call the live calls lost without telling the engine (a ghost), then the check drops it from the engine', async () => {
    const s = setup();
    const call = s.newCall('c1');
    await s.queue.enqueue(call, 'general');
    // e.g. a hang-up during the hand-over that the queue ended before enqueue queued the call (issue 14)
    s.calls.remove(call);
    s.channels.delete(call.channelId);
    expect(s.waiting()).toEqual(['c1']);

    await s.check.checkNow();
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([{ kind: 'engine_ghost', callId: 'c1' }]);
    expect(s.waiting()).toEqual([]);
    expect(s.queue.figures().total.waiting).toBe(0);
    expect(s.calls.all(), 'the placeholder is gone again').toEqual([]);
    expect(s.repairLines()).toEqual([expect.objectContaining({ repair: 'engine_ghost', callId: 'c1' })]);
    s.check();
    s.queue.stop();
  });

  it('given a call that arrives while the channels are being listed, then it is not suspected, let alone hung up', async () => {
    const s = setup();
    let late: LiveCall | undefined;
    // Asterisk answered the list before the new channel existed; the call reached us before the answer did
    s.state.listing = () => {
      late = s.newCall('late');
      s.channels.delete(late.channelId);
    };
    await s.check.checkNow();
    s.state.listing = null;
    s.channels.add(late!.channelId);
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([]);
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([]);
    expect(s.calls.get('late')).toBe(late);
    expect(s.delivered).toEqual([]);
    s.check();
    s.queue.stop();
  });

  it('given an agent leg being originated (not yet in Asterisk) on one check, then the next check finding it leaves the offer alone', async () => {
    const s = setup({ agentAvailable: true });
    const call = s.newCall('c1');
    await s.queue.enqueue(call, 'general');
    const leg = call.agentLeg!.channelId;
    await s.check.checkNow(); // the originate has not created the channel yet
    s.channels.add(leg);
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([]);
    expect(s.queue.queueView().offered).toEqual(['c1']);
    s.check();
    s.queue.stop();
  });

  it('given a ringing agent leg gone without an event, then the offer fails over as if the phone had refused it', async () => {
    const s = setup({ agentAvailable: true });
    const call = s.newCall('c1');
    await s.queue.enqueue(call, 'general');
    const leg = call.agentLeg!.channelId;
    await s.check.checkNow();
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([{ kind: 'agent_leg_gone', callId: 'c1', channelId: leg }]);
    expect(s.delivered).toEqual([expect.objectContaining({ type: 'channel_gone', channelId: leg })]);
    expect(s.calls.get('c1')).toBe(call);
    expect(call.agentLeg?.channelId ?? null).not.toBe(leg);
    s.check();
    s.queue.stop();
  });

  it('given an empty queue bridge whose call has ended, then it is destroyed; the bridge of a live call is left alone', async () => {
    const s = setup();
    s.newCall('live');
    s.bridges.set(`${BRIDGE_PREFIX}gone`, []);
    s.bridges.set(`${BRIDGE_PREFIX}live`, []);
    s.bridges.set('tap-x', []);
    await s.check.checkNow();
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([{ kind: 'orphan_bridge', bridgeId: `${BRIDGE_PREFIX}gone` }]);
    expect(s.destroyed).toEqual([`${BRIDGE_PREFIX}gone`]);
    s.check();
    s.queue.stop();
  });

  it('given Asterisk unreachable between two sightings, then nothing is repaired until two checks in a row see the drift', async () => {
    const s = setup();
    const call = s.newCall('c1');
    await s.queue.enqueue(call, 'general');
    s.channels.delete(call.channelId);
    await s.check.checkNow();
    s.state.connection = 'down';
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([]);
    s.state.connection = 'connected';
    s.later(5_000);
    expect(await s.check.checkNow()).toEqual([]);
    s.later(5_000);
    expect(await s.check.checkNow()).toHaveLength(1);
    expect(s.check.checks).toBe(3);
    s.check();
    s.queue.stop();
  });

  it('checks every interval by itself until stopped', async () => {
    vi.useFakeTimers();
    try {
      const s = setup();
      s.check(); // the setup's own check
      const log = pino({ level: 'silent' });
      const check = startDriftCheck({
        telephony: { connectionState: 'connected', listChannels: async () => [], listBridges: async () => [], destroyBridge: async () => {} },
        calls: s.calls,
        queue: s.queue,
        deliver: () => {},
        log,
        intervalMs: 5_000,
      });
      await vi.advanceTimersByTimeAsync(16_000);
      expect(check.checks).toBe(3);
      check();
      await vi.advanceTimersByTimeAsync(20_000);
      expect(check.checks).toBe(3);
      s.queue.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
