// The safety net behind issue 14's ghost calls: every few seconds the server's belief about calls is compared
// with Asterisk's channels, and what drifted is repaired the way a hang-up would have done it.
//   - a live call whose caller channel Asterisk no longer has: its channel_gone is delivered through the
//     hotline's own event path, so every stage that owns it ends it and the call record closes as usual;
//   - an agent leg Asterisk no longer has: likewise (a ringing offer fails over, a connected call ends);
//   - a call the ACD engine still holds as waiting or ringing that the live calls no longer have: it is put back
//     for the instant of a hang-up and hung up, so the engine drops it (caller_gone: an abandon, a reserved
//     agent released without blame) and no agent is offered a caller who is gone;
//   - an empty call bridge of the queue whose call has ended: destroyed.
// Nothing is repaired on one sighting: a channel may be created between the list and the comparison, an event
// may be on its way. A drift must show on `confirmations` consecutive checks, `graceMs` apart at least.
// The decision (DriftDetector) is pure, with the clock passed in; startDriftCheck runs it against Asterisk.
import type { Logger } from 'pino';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { BRIDGE_PREFIX } from './call-legs.js';
import { newLiveCall, type LiveCalls } from './live-calls.js';
import type { QueueService } from './service.js';

export type DriftRepair =
  | { kind: 'caller_gone'; callId: string; channelId: string }
  | { kind: 'agent_leg_gone'; callId: string; channelId: string }
  | { kind: 'engine_ghost'; callId: string }
  | { kind: 'orphan_bridge'; bridgeId: string };

export type DriftKind = DriftRepair['kind'];

/** One look at both sides. Calls are those the server held before the channels were listed and still holds. */
export interface DriftObservation {
  /** Asterisk's channel ids. */
  channels: ReadonlySet<string>;
  calls: readonly { callId: string; channelId: string; agentLegId: string | null }[];
  /** Calls the ACD engine holds as waiting or ringing that the live calls do not have. */
  engineOnly: readonly string[];
  /** Queue bridges (BRIDGE_PREFIX) without members whose call is not live. */
  emptyBridges: readonly string[];
}

export interface DriftDetectorOptions {
  /** Consecutive checks a drift must show on. Default 2. */
  confirmations?: number;
  /** Least time between the first and the confirming sighting (ms). Default 2 000. */
  graceMs?: number;
}

/** Decides what to repair from successive observations; remembers what it has seen once. */
export class DriftDetector {
  private readonly confirmations: number;
  private readonly graceMs: number;
  private suspects = new Map<string, { repair: DriftRepair; firstAt: number; seen: number }>();

  constructor(opts: DriftDetectorOptions = {}) {
    this.confirmations = Math.max(1, opts.confirmations ?? 2);
    this.graceMs = Math.max(0, opts.graceMs ?? 2_000);
  }

  /** The repairs due now. A drift not seen in this observation is forgotten: only consecutive sightings count. */
  observe(obs: DriftObservation, now: number): DriftRepair[] {
    const current = new Map<string, DriftRepair>();
    for (const c of obs.calls) {
      if (!obs.channels.has(c.channelId)) current.set(`caller:${c.channelId}`, { kind: 'caller_gone', callId: c.callId, channelId: c.channelId });
      // a call whose caller is gone ends with its agent leg: one repair is enough
      else if (c.agentLegId !== null && !obs.channels.has(c.agentLegId))
        current.set(`agent:${c.agentLegId}`, { kind: 'agent_leg_gone', callId: c.callId, channelId: c.agentLegId });
    }
    for (const callId of obs.engineOnly) current.set(`engine:${callId}`, { kind: 'engine_ghost', callId });
    for (const bridgeId of obs.emptyBridges) current.set(`bridge:${bridgeId}`, { kind: 'orphan_bridge', bridgeId });

    const next = new Map<string, { repair: DriftRepair; firstAt: number; seen: number }>();
    const due: DriftRepair[] = [];
    for (const [key, repair] of current) {
      const before = this.suspects.get(key);
      const s = before ? { repair, firstAt: before.firstAt, seen: before.seen + 1 } : { repair, firstAt: now, seen: 1 };
      // repaired once: if it shows again, it is counted from the start again
      if (s.seen >= this.confirmations && now - s.firstAt >= this.graceMs) due.push(repair);
      else next.set(key, s);
    }
    this.suspects = next;
    return due;
  }

  /** A check that could not look (Asterisk unreachable): sightings before it no longer count as consecutive. */
  reset(): void {
    this.suspects.clear();
  }

  /** Drifts seen but not yet confirmed. */
  get pending(): number {
    return this.suspects.size;
  }
}

/** What the check reads of the queue: the engine's waiting and ringing calls. */
export type DriftQueue = Pick<QueueService, 'queueView'>;

export interface DriftCheckDeps {
  telephony: Pick<CallControl, 'connectionState' | 'listChannels' | 'listBridges' | 'destroyBridge'>;
  calls: LiveCalls;
  queue: DriftQueue;
  /** The hotline's own event path (server/hotline.ts): repairs go through it like Asterisk's events. */
  deliver(ev: TelephonyEvent): void;
  log: Logger;
  /** Pause between two checks (ms). Default 5 000. */
  intervalMs?: number;
  detector?: DriftDetectorOptions;
  now?: () => number;
}

/** Stops the check when called (what a composition root's cleanup list wants); carries the repair counts. */
export interface DriftCheck {
  (): void;
  /** Repairs made since the start, all kinds together. */
  readonly repairs: number;
  readonly repairsByKind: Readonly<Record<DriftKind, number>>;
  /** Checks done (a check skipped while Asterisk is unreachable does not count). */
  readonly checks: number;
  /** Runs one check now (after the running one, if any); resolves with the repairs it made. */
  checkNow(): Promise<DriftRepair[]>;
}

export const DRIFT_CAUSE = 'gone without a hang-up event (drift check)';

export function startDriftCheck(d: DriftCheckDeps): DriftCheck {
  const intervalMs = d.intervalMs ?? 5_000;
  const now = d.now ?? Date.now;
  const detector = new DriftDetector(d.detector);
  const byKind: Record<DriftKind, number> = { caller_gone: 0, agent_leg_gone: 0, engine_ghost: 0, orphan_bridge: 0 };
  let checks = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<DriftRepair[]> = Promise.resolve([]);

  const once = async (): Promise<DriftRepair[]> => {
    if (d.telephony.connectionState !== 'connected') {
      detector.reset();
      return [];
    }
    // what the server believes is read before Asterisk is asked: a call it holds since then has its channel in
    // the answer unless that channel is really gone (or was created after the answer: the second check tells)
    const before = new Map(d.calls.all().map((c) => [c.callId, { call: c, agentLegId: c.agentLeg?.channelId ?? null }]));
    const view = d.queue.queueView();
    const engineBefore = new Set([...view.waiting, ...view.offered]);
    let channels: Awaited<ReturnType<CallControl['listChannels']>>;
    let bridges: Awaited<ReturnType<CallControl['listBridges']>>;
    try {
      [channels, bridges] = await Promise.all([d.telephony.listChannels(), d.telephony.listBridges()]);
    } catch (err) {
      d.log.debug({ err: String(err) }, 'drift check could not list channels; skipped');
      detector.reset();
      return [];
    }
    if (stopped) return [];
    checks++;
    const still = (id: string) => {
      const b = before.get(id);
      const c = d.calls.get(id);
      return b && c === b.call && (c.agentLeg?.channelId ?? null) === b.agentLegId ? b : undefined;
    };
    const viewAfter = d.queue.queueView();
    const obs: DriftObservation = {
      channels: new Set(channels.map((c) => c.id)),
      calls: [...before.keys()].flatMap((id) => {
        const b = still(id);
        return b ? [{ callId: id, channelId: b.call.channelId, agentLegId: b.agentLegId }] : [];
      }),
      engineOnly: [...viewAfter.waiting, ...viewAfter.offered].filter((id) => engineBefore.has(id) && !d.calls.get(id)),
      emptyBridges: bridges
        .filter((b) => b.name.startsWith(BRIDGE_PREFIX) && b.channelIds.length === 0 && !d.calls.get(b.id.slice(BRIDGE_PREFIX.length)))
        .map((b) => b.id),
    };
    const due = detector.observe(obs, now());
    if (detector.pending > 0)
      d.log.debug({ pending: detector.pending, calls: obs.calls.length, channels: channels.length }, 'drift check: drift seen, not yet confirmed');
    const done: DriftRepair[] = [];
    for (const r of due) {
      // one repair failing must not keep the others from being made
      try {
        if (await repair(r)) done.push(r);
      } catch (err) {
        d.log.error({ err, repair: r }, 'drift repair failed');
      }
    }
    return done;
  };

  /** Carries one repair out; false when it no longer applies (the world moved on since the observation). */
  const repair = async (r: DriftRepair): Promise<boolean> => {
    const at = new Date(now());
    switch (r.kind) {
      case 'caller_gone':
      case 'agent_leg_gone': {
        const found = d.calls.byAnyChannel(r.channelId);
        if (!found || found.call.callId !== r.callId) return false;
        counted(r, found.call.log, { stage: found.call.stage, ...(r.kind === 'agent_leg_gone' ? { legId: r.channelId } : {}) });
        d.deliver({ type: 'channel_gone', channelId: r.channelId, cause: 0, causeText: DRIFT_CAUSE, at });
        if (r.kind === 'caller_gone' && d.calls.get(r.callId) === found.call) {
          found.call.log.error({ stage: found.call.stage }, 'drift check: no stage ended the call whose caller is gone');
        }
        return true;
      }
      case 'engine_ghost': {
        const view = d.queue.queueView();
        if (d.calls.get(r.callId) || (!view.waiting.includes(r.callId) && !view.offered.includes(r.callId))) return false;
        // back in the live calls for the instant of its hang-up, which the queue handles as any caller leaving
        const log = d.log.child({ callId: r.callId });
        const ghost = newLiveCall({ callId: r.callId, channelId: `drift-${r.callId}`, callerNumber: '', dialed: '', arrivedAt: at, stage: 'queue', log });
        counted(r, log, {});
        d.calls.add(ghost);
        try {
          d.deliver({ type: 'channel_gone', channelId: ghost.channelId, cause: 0, causeText: DRIFT_CAUSE, at });
        } finally {
          if (d.calls.get(r.callId) === ghost) d.calls.remove(ghost);
        }
        const after = d.queue.queueView();
        if (after.waiting.includes(r.callId) || after.offered.includes(r.callId)) log.error('drift check: the engine kept the call after its hang-up');
        return true;
      }
      case 'orphan_bridge':
        if (d.calls.get(r.bridgeId.slice(BRIDGE_PREFIX.length))) return false;
        counted(r, d.log, { bridgeId: r.bridgeId });
        await d.telephony
          .destroyBridge(r.bridgeId)
          .catch((err) => d.log.warn({ err: String(err), bridgeId: r.bridgeId }, 'drift check: bridge destroy failed'));
        return true;
    }
  };

  const counted = (r: DriftRepair, log: Logger, extra: Record<string, unknown>) => {
    byKind[r.kind]++;
    // a call's own logger already names the call and its caller channel
    log.warn({ repair: r.kind, ...extra }, 'drift repaired');
  };

  const run = (): Promise<DriftRepair[]> => {
    running = running.then(once).catch((err: unknown) => {
      d.log.error({ err }, 'drift check failed');
      return [];
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void run().then(schedule), intervalMs);
    timer.unref();
  };
  schedule();

  const stop = () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return Object.defineProperties(stop, {
    repairs: { get: () => Object.values(byKind).reduce((a, b) => a + b, 0) },
    repairsByKind: { get: () => ({ ...byKind }) },
    checks: { get: () => checks },
    checkNow: { value: run },
  }) as DriftCheck;
}
