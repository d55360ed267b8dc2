// Runs the ACD core against the real world: feeds it telephony facts, executes its commands through the
// call-control interface, records facts in the database and pushes state to desktops.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { BreakReason, RequestableState } from '../contracts/agent-state.js';
import type { AgentStatePush } from '../contracts/desktop-events.js';
import type { CallRecordRepository } from '../crm/call-records.js';
import type { UserRepository } from '../platform/auth/user-repository.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import type { PromptSet } from '../telephony/prompts.js';
import { CallbackDialer } from './callback-dialer.js';
import { CallbackOffers } from './callback-offer.js';
import { WaitAnnouncer } from './wait-announcer.js';
import type { TextToSpeech } from '../telephony/tts.js';
import { callerPriority, type PriorityCallers } from './caller-priority.js';
import type { AcdConfig, AgentProfile } from './config.js';
import { AcdEngine, type AcdCommand, type AcdEvent, type PriorityTag } from './engine.js';
import { writeFor, type LiveCall, type LiveCalls } from './live-calls.js';
import type { AgentDirectory, AgentNotifier } from './notifier.js';

export interface QueueServiceDeps {
  telephony: CallControl;
  calls: LiveCalls;
  records: CallRecordRepository;
  users: UserRepository;
  notifier: AgentNotifier;
  directory: AgentDirectory;
  settings: AcdConfig;
  /** Skills, groups, site and queues of each agent (from the database). */
  profiles: AgentProfile[];
  recordCalls: boolean;
  /** Numbers with a standing priority line (elderly, partner centres); see caller-priority.ts. */
  priorityCallers?: PriorityCallers;
  /** Stereo recording of the caller's channel (recordings/capture.ts); also told when a recording fails. */
  recorder?: {
    callConnected(call: { callId: string; channelId: string; callerNumber: string; log: Logger }, agentId: string): Promise<unknown>;
    failed(callId: string, reason: string, log?: Logger): void;
  };
  log: Logger;
  now?: () => number;
  /** Position and expected wait told to waiting callers (text-to-speech); off when absent. */
  announcements?: { tts: TextToSpeech; mediaPath: (file: string) => string; firstAfterMs: number; everyMs: number };
  /** Queue callbacks (offer to waiting callers, call back through the trunk): on when prompts are given. */
  callbacks?: { prompts: PromptSet; serviceNumber: string };
}

export const BRIDGE_PREFIX = 'hotline-call-';

export class QueueService {
  private readonly engine: AcdEngine;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private readonly onlineDevices = new Map<string, Set<string>>();
  /** Agent legs we hung up ourselves: their channel_gone is expected, not a failed offer. */
  private readonly cancelledLegs = new Set<string>();
  private readonly profiles: Map<string, AgentProfile>;
  private readonly connectedListeners = new Set<(callId: string) => void>();
  private readonly callbackOffers: CallbackOffers | null = null;
  private readonly callbackDialer: CallbackDialer | null = null;
  private readonly announcer: WaitAnnouncer | null = null;

  constructor(private readonly d: QueueServiceDeps) {
    this.engine = new AcdEngine(d.settings);
    this.now = d.now ?? Date.now;
    this.profiles = new Map(d.profiles.map((p) => [p.id, p]));
    if (d.announcements) {
      this.announcer = new WaitAnnouncer({
        ...d.announcements,
        telephony: d.telephony,
        calls: d.calls,
        estimate: (callId) => this.engine.estimatedWait(callId, this.now()),
        busy: (callId) => this.callbackOffers?.isOffering(callId) ?? false,
        log: d.log,
      });
    }
    if (d.callbacks) {
      const { prompts, serviceNumber } = d.callbacks;
      this.callbackOffers = new CallbackOffers({
        telephony: d.telephony, calls: d.calls, prompts,
        request: (callId, number) => this.dispatch({ type: 'callback_requested', callId, number }),
      });
      this.callbackDialer = new CallbackDialer({
        telephony: d.telephony, calls: d.calls, records: d.records, notifier: d.notifier, prompts, serviceNumber,
        deviceFor: (agentId) => this.deviceFor(agentId), ringTimeoutMs: d.settings.ringTimeoutMs,
        report: (event) => this.dispatch(event), log: d.log, now: this.now,
      });
      this.onConnected((callId) => this.callbackOffers?.ended(callId));
    }
  }

  /**
   * What the queue must see before the IVR does: a waiting caller's keys while a callback is offered
   * (the IVR would take 1 for its progress query), the legs of callbacks being placed, and the end of a
   * position announcement (the caller then hears music again).
   */
  handleBeforeIvr(ev: TelephonyEvent): boolean {
    return (
      (this.callbackOffers?.handleTelephony(ev) ?? false) ||
      (this.callbackDialer?.handleTelephony(ev) ?? false) ||
      (this.announcer?.handleTelephony(ev) ?? false)
    );
  }

  /** The IVR hands a call over: the citizen hears music on hold until an agent answers. */
  async enqueue(call: LiveCall, queue: string, priority?: PriorityTag): Promise<void> {
    call.stage = 'queue';
    priority ??= callerPriority(call, this.d.priorityCallers ?? new Map());
    await this.d.telephony.startMusicOnHold(call.channelId).catch((err) => call.log.warn({ err: String(err) }, 'music on hold failed'));
    const at = new Date(this.now());
    void writeFor(call, 'markQueued', () => this.d.records.markQueued(call.callId, queue, at));
    call.log.info({ queue, priority }, 'call queued');
    this.dispatch({ type: 'call_queued', callId: call.callId, queueId: queue, priority, number: call.callerNumber });
    this.announcer?.queued(call.callId);
  }

  /** Told when an agent has taken a call (before the bridge is made), e.g. so the IVR stops its prompts. */
  onConnected(listener: (callId: string) => void): void {
    this.connectedListeners.add(listener);
  }

  /**
   * The agent leaves a connected call that goes on without them (a completed transfer): their leg is released
   * (hung up unless it is gone already) and they go to wrap-up; the caller's leg and the bridge stay. Whoever
   * took the call over hangs up the caller when it ends; the queue then closes the call record as usual.
   * Returns the agent who left, or null when the call has no connected agent.
   */
  releaseAgent(callId: string, opts: { hangUp: boolean }): string | null {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg || call.stage !== 'connected') return null;
    call.agentLeg = null;
    this.d.calls.unlinkChannel(leg.channelId);
    if (opts.hangUp) {
      this.cancelledLegs.add(leg.channelId);
      void this.d.telephony.hangup(leg.channelId).catch((err) => call.log.warn({ err: String(err) }, 'could not hang up the released agent leg'));
    }
    call.log.info({ agentId: leg.agentId }, 'agent left the call; it goes on without them');
    this.d.notifier.callEnded(leg.agentId, { callId, outcome: 'answered' });
    this.dispatch({ type: 'call_finished', callId });
    return leg.agentId;
  }

  agentKnown(agentId: string): AgentStatePush {
    const p = this.profiles.get(agentId);
    this.dispatch({
      type: 'agent_known',
      agentId,
      ...(p ? { skills: p.skills ?? {}, groups: p.groups ?? [], site: p.site ?? null, queues: p.queues ?? null } : {}),
    });
    return this.agentPush(agentId);
  }

  /** An agent asks for a state from the desktop; throws IllegalTransitionError / DeviceOfflineError. */
  requestState(agentId: string, state: RequestableState, reason: BreakReason | undefined): AgentStatePush {
    this.dispatch({ type: 'agent_request', agentId, state, reason }, true);
    return this.agentPush(agentId);
  }

  agentPush(agentId: string): AgentStatePush {
    const a = this.engine.agentView(agentId);
    return {
      state: a?.state ?? 'offline',
      reason: a?.reason ?? null,
      since: new Date(a?.since ?? this.now()).toISOString(),
      until: a?.wrapUpUntil ? new Date(a.wrapUpUntil).toISOString() : null,
    };
  }

  queueView() {
    return this.engine.queueView();
  }

  /** Real-time figures per queue and skill (waiting, longest wait, service level, ASA, AHT, abandons, agents). */
  figures() {
    return this.engine.figures(this.now());
  }

  /** Telephony facts the queue cares about. Returns true when the event was the queue's. */
  handleTelephony(ev: TelephonyEvent): boolean {
    switch (ev.type) {
      case 'device_state':
        this.deviceChanged(ev.device, ev.online);
        return true;
      case 'leg_answered':
        return this.legAnswered(ev.channelId, ev.tag);
      case 'channel_gone':
        return this.channelGone(ev.channelId, ev.causeText);
      case 'hold':
        return this.holdChanged(ev.channelId, ev.held);
      default:
        return false;
    }
  }

  /** After (re)connecting to Asterisk: align registered devices with what Asterisk knows now. */
  syncDevices(online: string[]): void {
    const now = new Set(online);
    for (const [agentId, devices] of this.onlineDevices) {
      for (const dev of devices) if (!now.has(dev)) this.deviceChanged(dev, false);
      void agentId;
    }
    for (const dev of online) this.deviceChanged(dev, true);
  }

  stop(): void {
    this.announcer?.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private deviceChanged(device: string, online: boolean): void {
    const agentId = this.d.directory.agentIdForDevice(device);
    if (!agentId) return;
    const set = this.onlineDevices.get(agentId) ?? new Set<string>();
    const before = set.size > 0;
    if (online) set.add(device);
    else set.delete(device);
    this.onlineDevices.set(agentId, set);
    if (before !== set.size > 0) {
      this.d.log.info({ agentId, device, online }, 'agent device registration changed');
      this.dispatch({ type: 'device_changed', agentId, online: set.size > 0 });
    }
  }

  private legAnswered(channelId: string, offerId: string): boolean {
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.leg !== 'agent' || found.call.agentLeg?.offerId !== offerId) {
      // the offer ended (ring timeout, caller gone) just as the agent picked up
      this.d.log.info({ channelId, offerId }, 'late answer of a withdrawn offer; hanging up the agent leg');
      this.cancelledLegs.add(channelId);
      void this.d.telephony.hangup(channelId);
      return true;
    }
    this.dispatch({ type: 'offer_answered', callId: found.call.callId, offerId });
    return true;
  }

  /** The agent held or resumed a connected call: the caller hears music meanwhile, not silence. */
  private holdChanged(channelId: string, held: boolean): boolean {
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.leg !== 'agent' || found.call.stage !== 'connected' || !found.call.bridgeId) return false;
    const { call } = found;
    const bridgeId = call.bridgeId!;
    call.log.info({ held }, held ? 'agent put the caller on hold' : 'agent resumed the call');
    const op = held ? this.d.telephony.startBridgeMusicOnHold(bridgeId) : this.d.telephony.stopBridgeMusicOnHold(bridgeId);
    void op.catch((err) => call.log.warn({ err: String(err), held }, 'music on hold change failed'));
    return true;
  }

  private channelGone(channelId: string, causeText: string): boolean {
    if (this.cancelledLegs.delete(channelId)) {
      this.d.calls.unlinkChannel(channelId);
      return true;
    }
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.call.stage === 'ivr' || found.call.stage === 'ended') return false;
    const { call, leg } = found;
    const at = new Date(this.now());
    if (leg === 'agent' && call.stage === 'queue') {
      // the agent's phone rejected or failed the offer
      call.log.info({ cause: causeText }, 'agent leg ended before answer');
      const offer = call.agentLeg;
      call.agentLeg = null;
      this.d.calls.unlinkChannel(channelId);
      if (offer) this.closeOffer(call, offer.dbOffer, 'missed', at);
      this.dispatch({ type: 'offer_failed', callId: call.callId, ...(offer ? { offerId: offer.offerId } : {}) });
      return true;
    }
    if (leg === 'caller' && call.stage === 'queue') {
      const callback = this.callbackOffers?.takeEndedWithCallback(call.callId) ?? false;
      call.log.info({ cause: causeText, callback }, callback ? 'caller left with a callback registered' : 'caller hung up while queued');
      this.announcer?.ended(call.callId);
      this.dispatch({ type: 'caller_gone', callId: call.callId });
      void writeFor(call, 'markEnded', () =>
        this.d.records.markEnded(call.callId, { at, hangupCause: causeText, ...(callback ? { outcome: 'callback' as const } : {}) }),
      );
      this.d.calls.remove(call);
      return true;
    }
    // connected: whoever hangs up ends the call for both
    call.log.info({ leg, cause: causeText }, 'call ended');
    const other = leg === 'caller' ? call.agentLeg?.channelId : call.channelId;
    const agentId = call.agentLeg?.agentId;
    this.d.calls.remove(call);
    if (other) {
      this.cancelledLegs.add(other);
      void this.d.telephony.hangup(other).catch((err) => call.log.warn({ err: String(err) }, 'hang-up of the other leg failed'));
    }
    if (call.bridgeId) void this.d.telephony.destroyBridge(call.bridgeId).catch((err) => call.log.warn({ err: String(err) }, 'bridge destroy failed'));
    void writeFor(call, 'markEnded', () => this.d.records.markEnded(call.callId, { at, hangupCause: causeText }));
    if (agentId) this.d.notifier.callEnded(agentId, { callId: call.callId, outcome: 'answered' });
    this.dispatch({ type: 'call_finished', callId: call.callId });
    return true;
  }

  private dispatch(event: AcdEvent, rethrow = false): void {
    let commands: AcdCommand[];
    try {
      commands = this.engine.handle(event, this.now());
    } catch (err) {
      if (rethrow) throw err;
      this.d.log.error({ err, event }, 'ACD refused an event');
      return;
    }
    for (const c of commands) {
      try {
        this.execute(c);
      } catch (err) {
        this.d.log.error({ err, command: c.type }, 'ACD command failed');
      }
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const next = this.engine.nextDeadline();
    if (next === null) return;
    this.timer = setTimeout(() => this.dispatch({ type: 'tick' }), Math.max(0, next - this.now()) + 5);
    this.timer.unref();
  }

  private execute(c: AcdCommand): void {
    switch (c.type) {
      case 'agent_state': {
        const t = c.transition;
        this.d.log.info({ agentId: t.agentId, from: t.from, to: t.to, cause: t.cause }, 'agent state');
        this.persist(this.d.log, 'agentStateLog', () =>
          this.d.users.appendAgentStateLog({ userId: t.agentId, from: t.from, to: t.to, reason: t.reason, cause: t.cause, at: new Date(t.at) }),
        );
        this.d.notifier.agentState(t.agentId, this.agentPush(t.agentId));
        return;
      }
      case 'offer':
        return this.offer(c.callId, c.agentId, c.offerId, c.waitedMs, c.queueId);
      case 'cancel_offer':
        return this.cancelOffer(c.callId, c.agentId, c.reason);
      case 'withdraw_offer':
        return this.cancelOffer(c.callId, c.agentId, 'caller_gone');
      case 'connect':
        void this.connect(c.callId, c.agentId);
        return;
      case 'wrap_up_changed':
        this.d.notifier.agentState(c.agentId, this.agentPush(c.agentId));
        return;
      case 'overflow':
      case 'call_misrouted':
        this.d.calls.get(c.callId)?.log.info({ acd: c }, c.type);
        return;
      default:
        return this.executeCallback(c);
    }
  }

  /** Queue callbacks: without callbacks configured, the engine's decisions are only logged. */
  private executeCallback(c: AcdCommand): void {
    const offers = this.callbackOffers;
    const dialer = this.callbackDialer;
    const call = 'callId' in c && c.callId ? this.d.calls.get(c.callId) : undefined;
    (call?.log ?? this.d.log).info({ acd: c }, c.type);
    if (!offers || !dialer) return;
    switch (c.type) {
      case 'offer_callback':
        return offers.offer(c.callId);
      case 'max_wait_reached':
        if (c.action === 'offer_callback') offers.offer(c.callId);
        return;
      case 'callback_accepted': {
        const at = new Date(this.now());
        if (call) void writeFor(call, 'markCallbackRequested', () => this.d.records.markCallbackRequested(c.callId, c.number, at));
        return offers.accepted(c.callId, c.callbackId, c.number, c.position);
      }
      case 'callback_refused':
        return offers.refused(c.callId, c.reason);
      case 'place_callback':
        return dialer.place(c);
      case 'cancel_callback':
        return dialer.cancel(c);
      case 'callback_retry_scheduled':
      case 'callback_abandoned': {
        const callId = c.type === 'callback_abandoned' ? c.callId : null;
        const abandoned = c.type === 'callback_abandoned';
        if (callId) this.persist(this.d.log, 'markCallbackFailed', () => this.d.records.markCallbackFailed(callId, c.lastReason, abandoned));
        return;
      }
    }
  }

  private offer(callId: string, agentId: string, offerId: string, waitedMs: number, queueId: string): void {
    const call = this.d.calls.get(callId);
    const devices = this.d.directory.devicesOf(agentId);
    if (!call || !devices) return;
    const legId = `leg-${randomUUID()}`;
    const offeredAt = new Date(this.now());
    const leg = { channelId: legId, agentId, offerId, dbOffer: writeFor(call, 'recordOffer', () => this.d.records.recordOffer(callId, agentId, offeredAt)) };
    call.agentLeg = leg;
    this.d.calls.linkAgentLeg(call, legId);
    const device = this.deviceFor(agentId)!;
    call.log.info({ agentId, device, legId, waitedMs }, 'offering call to agent');
    this.d.notifier.callOffered(agentId, { callId, callerNumber: call.callerNumber, queue: queueId, waitedMs });
    this.d.telephony
      .originate({
        channelId: legId,
        target: { device },
        callerNumber: call.callerNumber,
        callerName: call.callerNumber,
        // Asterisk's own timeout is a backstop; the ACD's ring timeout normally fires first
        timeoutSeconds: Math.ceil(this.d.settings.ringTimeoutMs / 1000) + 5,
        tag: offerId,
      })
      .catch((err) => {
        call.log.warn({ err: String(err), agentId }, 'could not ring the agent');
        if (call.agentLeg === leg) {
          call.agentLeg = null;
          this.d.calls.unlinkChannel(legId);
          this.dispatch({ type: 'offer_failed', callId, offerId });
        }
      });
  }

  /** The agent's registered phone to ring: the browser softphone when online, else the desk phone. */
  private deviceFor(agentId: string): string | undefined {
    const devices = this.d.directory.devicesOf(agentId);
    if (!devices) return undefined;
    const online = this.onlineDevices.get(agentId) ?? new Set<string>();
    return online.has(devices.web) || !online.has(devices.desk) ? devices.web : devices.desk;
  }

  private cancelOffer(callId: string, agentId: string, reason: 'ring_timeout' | 'caller_gone'): void {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg || leg.agentId !== agentId) return;
    call.agentLeg = null;
    call.log.info({ agentId, reason }, 'offer withdrawn');
    this.cancelledLegs.add(leg.channelId);
    void this.d.telephony.hangup(leg.channelId).catch((err) => call.log.warn({ err: String(err) }, 'could not hang up agent leg'));
    this.closeOffer(call, leg.dbOffer, reason === 'ring_timeout' ? 'missed' : 'caller_gone', new Date(this.now()));
    this.d.notifier.callEnded(agentId, { callId, outcome: reason === 'ring_timeout' ? 'missed' : 'abandoned' });
  }

  private async connect(callId: string, agentId: string): Promise<void> {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg) return;
    call.stage = 'connected';
    this.announcer?.ended(callId);
    for (const listener of this.connectedListeners) {
      try {
        listener(callId);
      } catch (err) {
        call.log.error({ err }, 'connected listener failed');
      }
    }
    const at = new Date(this.now());
    const bridgeId = `${BRIDGE_PREFIX}${callId}`;
    call.bridgeId = bridgeId;
    try {
      await this.d.telephony.stopMusicOnHold(call.channelId).catch(() => {});
      await this.d.telephony.createBridge(bridgeId, bridgeId);
      await this.d.telephony.addToBridge(bridgeId, [call.channelId, leg.channelId]);
      call.log.info({ agentId, bridgeId }, 'caller and agent connected');
    } catch (err) {
      // one of the legs vanished while we bridged: end the call cleanly for the one still there
      call.log.warn({ err: String(err) }, 'bridging failed');
      void this.d.telephony.hangup(call.channelId);
      void this.d.telephony.hangup(leg.channelId);
      return;
    }
    void writeFor(call, 'markAnswered', () => this.d.records.markAnswered(callId, agentId, at));
    this.closeOffer(call, leg.dbOffer, 'answered', at);
    this.d.notifier.callConnected(agentId, callId);
    if (this.d.recordCalls) {
      // Besides keeping the call, the recorder is a third bridge member: the bridge then mixes and Asterisk
      // times the audio it sends to the browser itself, which avoids silent WebRTC legs after a peer change
      // (recipe G1).
      const name = `call-${callId}`;
      try {
        await this.d.telephony.recordBridge(bridgeId, name);
        void writeFor(call, 'setRecording', () => this.d.records.setRecording(callId, name));
      } catch (err) {
        call.log.error({ err: String(err) }, 'call recording did not start');
        this.d.recorder?.failed(callId, `bridge recording did not start: ${String(err)}`, call.log);
      }
      // caller and agent side on separate channels, kept across holds and transfers
      if (this.d.recorder) void this.d.recorder.callConnected(call, agentId);
    }
  }

  private closeOffer(call: LiveCall, dbOffer: Promise<number | null>, result: 'answered' | 'missed' | 'caller_gone', at: Date): void {
    void writeFor(call, 'closeOffer', async () => {
      const id = await dbOffer;
      if (id !== null) await this.d.records.closeOffer(id, result, at);
    });
  }

  /** Database writes never hold up or break a call; a failure is logged with the call's id. */
  private persist(log: Logger, what: string, fn: () => Promise<unknown>): void {
    fn().catch((err) => log.error({ err, what }, 'database write failed'));
  }
}
