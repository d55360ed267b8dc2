// Runs the ACD core against the real world: feeds it telephony facts, executes its commands through the
// call-control interface (acd/call-legs.ts for offers and bridges, the callback parts for callbacks), publishes
// call events for whoever follows the call (records, announcements) and pushes state to desktops.
import type { Logger } from 'pino';
import type { BreakReason, RequestableState } from '../contracts/agent-state.js';
import type { AgentStatePush } from '../contracts/desktop-events.js';
import type { AgentStateChange, UserRepository } from '../platform/auth/user-repository.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { ChannelMemoWriter } from '../telephony/channel-memo-writer.js';
import type { PromptSet } from '../telephony/prompts.js';
import type { TextToSpeech } from '../telephony/tts.js';
import { AgentDevices } from './agent-devices.js';
import { CallLegs, type CallLegsDeps } from './call-legs.js';
import { CallbackDialer } from './callback-dialer.js';
import { CallbackOffers } from './callback-offer.js';
import { callerPriority, type PriorityCallers } from './caller-priority.js';
import type { AcdConfig, AgentProfile } from './config.js';
import { AcdEngine, type AcdCommand, type AcdEvent, type CallbackFailure, type PriorityTag, type RestorableState } from './engine.js';
import { newLiveCall, publishFor, type LiveCall, type LiveCalls } from './live-calls.js';
import type { AgentDirectory, AgentNotifier } from './notifier.js';
import type { ConnectedOrphan } from './reconcile.js';
import { CALLBACK_FAILURES } from './routing.js';
import { CALLBACK_OFFERED_VARIABLE, encodeWaitingMemo, WAITING_MEMO_VARIABLE, type WaitingMemo } from './waiting-memo.js';
import { WaitAnnouncer } from './wait-announcer.js';

export interface QueueServiceDeps {
  telephony: CallControl;
  calls: LiveCalls;
  /** Where the queue publishes what happens to calls (call records subscribe). */
  bus: CallEventBus;
  users: UserRepository;
  /**
   * Where agents' state changes are written (in order per agent, kept through a database outage: see
   * platform/db/held-writes.ts); default: straight to the users' state log, a failure logged.
   */
  stateLog?: (change: AgentStateChange) => void;
  notifier: AgentNotifier;
  directory: AgentDirectory;
  settings: AcdConfig;
  /** Skills, groups, site and queues of each agent (from the database). */
  profiles: AgentProfile[];
  recordCalls: boolean;
  /** Numbers with a standing priority line (elderly, partner centres); see caller-priority.ts. */
  priorityCallers?: PriorityCallers;
  /** Stereo recording of the caller's channel (recordings/capture.ts); also told when a recording fails. */
  recorder?: CallLegsDeps['recorder'];
  log: Logger;
  now?: () => number;
  /** Position and expected wait told to waiting callers (text-to-speech); off when absent. */
  announcements?: { tts: TextToSpeech; mediaPath: (file: string) => string; firstAfterMs: number; everyMs: number };
  /** Queue callbacks (offer to waiting callers, call back through the trunk): on when prompts are given. */
  callbacks?: { prompts: PromptSet; serviceNumber: string };
}

export class QueueService {
  private readonly engine: AcdEngine;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private readonly devices: AgentDevices;
  private readonly legs: CallLegs;
  private readonly profiles: Map<string, AgentProfile>;
  private readonly connectedListeners = new Set<(callId: string) => void>();
  private readonly callbackOffers: CallbackOffers | null = null;
  private readonly callbackDialer: CallbackDialer | null = null;
  private readonly announcer: WaitAnnouncer | null = null;
  private lastQueuedAt = 0;
  private routingPaused = false;
  private readonly unsubscribe: (() => void)[] = [];

  private readonly memos: ChannelMemoWriter;

  constructor(private readonly d: QueueServiceDeps) {
    this.memos = new ChannelMemoWriter(d.telephony);
    this.engine = new AcdEngine(d.settings);
    this.now = d.now ?? Date.now;
    this.profiles = new Map(d.profiles.map((p) => [p.id, p]));
    this.devices = new AgentDevices(d.directory);
    this.legs = new CallLegs({
      telephony: d.telephony,
      calls: d.calls,
      bus: d.bus,
      notifier: d.notifier,
      devices: this.devices,
      ringTimeoutMs: d.settings.ringTimeoutMs,
      recordCalls: d.recordCalls,
      ...(d.recorder ? { recorder: d.recorder } : {}),
      dispatch: (event) => this.dispatch(event),
      taken: (call) => this.taken(call),
      leftWithCallback: (callId) => this.callbackOffers?.takeEndedWithCallback(callId) ?? false,
      log: d.log,
      now: this.now,
    });
    if (d.announcements) {
      this.announcer = new WaitAnnouncer({
        ...d.announcements,
        telephony: d.telephony,
        calls: d.calls,
        estimate: (callId) => this.engine.estimatedWait(callId, this.now()),
        busy: (callId) => this.callbackOffers?.isOffering(callId) ?? false,
        log: d.log,
      });
      this.unsubscribe.push(this.announcer.subscribe(d.bus));
    }
    if (d.callbacks) {
      const { prompts, serviceNumber } = d.callbacks;
      this.callbackOffers = new CallbackOffers({
        telephony: d.telephony,
        calls: d.calls,
        prompts,
        request: (callId, number) => this.dispatch({ type: 'callback_requested', callId, number }),
      });
      this.callbackDialer = new CallbackDialer({
        telephony: d.telephony,
        calls: d.calls,
        bus: d.bus,
        notifier: d.notifier,
        prompts,
        serviceNumber,
        deviceFor: (agentId) => this.devices.deviceFor(agentId),
        ringTimeoutMs: d.settings.ringTimeoutMs,
        report: (event) => this.dispatch(event),
        log: d.log,
        now: this.now,
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
    // the caller may hang up during that round trip: their channel_gone has then removed the call already
    if (this.d.calls.get(call.callId) !== call) {
      call.log.info('caller gone before the call was queued');
      return;
    }
    // strictly increasing: callers queued in the same millisecond keep their order when taken back after a restart
    const queuedAt = Math.max(this.now(), this.lastQueuedAt + 1);
    this.lastQueuedAt = queuedAt;
    publishFor(call, this.d.bus, 'call.queued', { callId: call.callId, queueId: queue, at: queuedAt });
    call.log.info({ queue, priority }, 'call queued');
    this.dispatch({ type: 'call_queued', callId: call.callId, queueId: queue, priority, number: call.callerNumber, queuedAt });
    const memo = { callId: call.callId, queueId: queue, priority, queuedAt, arrivedAt: call.arrivedAt.getTime(), dialed: call.dialed };
    // kept by Asterisk on the caller's channel: a restarted server gives the caller this place back (takeBack)
    void this.memos.write(call.channelId, WAITING_MEMO_VARIABLE, encodeWaitingMemo(memo), call.log, 'the place in the queue could not be kept on the channel');
  }

  /**
   * A caller left waiting by an earlier server process (found on Asterisk at start-up) takes their place back:
   * the same call id, queue, priority and wait, without hearing the greeting again. Call them in queue order.
   */
  async takeBack(channelId: string, callerNumber: string, memo: WaitingMemo, opts: { callbackOffered?: boolean } = {}): Promise<void> {
    const log = this.d.log.child({ callId: memo.callId, channelId });
    const call = newLiveCall({ callId: memo.callId, channelId, callerNumber, dialed: memo.dialed, arrivedAt: new Date(memo.arrivedAt), stage: 'queue', log });
    this.d.calls.add(call);
    const waitedMs = this.now() - memo.queuedAt;
    log.info({ queue: memo.queueId, priority: memo.priority, waitedMs }, 'waiting caller taken back into the queue');
    // the hold music usually plays on; started again in case the earlier process had paused it for a prompt
    await this.d.telephony.startMusicOnHold(channelId).catch((err) => log.warn({ err: String(err) }, 'music on hold failed'));
    if (this.d.calls.get(call.callId) !== call) return; // hung up meanwhile: its channel_gone ended the call
    // its record is still open as queued: nothing to publish; the engine gets the original time, so its place
    this.dispatch({
      type: 'call_queued',
      callId: call.callId,
      queueId: memo.queueId,
      priority: memo.priority,
      number: callerNumber,
      queuedAt: memo.queuedAt,
      callbackOffered: opts.callbackOffered ?? false,
    });
    this.announcer?.queued(call.callId); // told their place again, as after the hand-over
  }

  /**
   * A conversation an earlier server process connected (found by reconcile at start-up) is adopted: the agent is
   * on the call again, and its end closes the record, stores the recording and starts the agent's wrap-up.
   */
  adoptConnected(o: ConnectedOrphan): void {
    const { memo } = o;
    this.legs.adopt(
      {
        callId: memo.callId,
        channelId: o.channelId,
        callerNumber: o.callerNumber,
        dialed: memo.dialed,
        arrivedAt: memo.arrivedAt,
        queueId: memo.queueId,
        bridgeId: o.bridgeId,
      },
      o.answered,
    );
    // a desktop that reconnected before the adoption was told 离线: its seat is on the call
    if (!o.answered.released) this.d.notifier.agentState(o.answered.agentId, this.agentPush(o.answered.agentId));
  }

  /**
   * After a restart, once the phones' registrations are known: each agent gets back the state the database last
   * recorded (就绪 keeps its idle order, 小休 its reason, 未接 stays to be acknowledged, a running wrap-up its end).
   * An agent whose phone was ringing is 就绪 again: the restart withdrew the offer (reconciliation hangs up the
   * ringing leg and the caller keeps their place), which is no miss of theirs. Agents who were on a call are the
   * adoption's (acd/call-legs.ts); those whose phone is no longer registered stay offline. Returns how many.
   */
  restoreAgents(last: readonly { userId: string; to: string; reason: string | null; at: Date }[]): number {
    let restored = 0;
    for (const e of last) {
      const to = e.to === 'reserved' ? 'available' : e.to;
      if (!isRestorable(to)) continue;
      const since = e.at.getTime();
      this.dispatch({
        type: 'agent_restored',
        agentId: e.userId,
        state: to,
        reason: (e.reason as BreakReason | null) ?? null,
        since,
        ...(to === 'wrap_up' ? { until: since + this.d.settings.wrapUpMs } : {}),
      });
      const now = this.engine.agentView(e.userId);
      if (now && now.state !== 'offline') {
        restored++;
        this.d.notifier.agentState(e.userId, this.agentPush(e.userId));
        this.d.log.info({ agentId: e.userId, state: now.state, since: new Date(now.since).toISOString() }, 'agent state restored after a restart');
      }
    }
    return restored;
  }

  /**
   * After a restart: the callbacks the database still has as promised and not yet made are pending again, each at
   * the place its caller had; they are dialled as agents free up, like any callback. Returns how many.
   */
  restoreCallbacks(
    pending: readonly { callId: string; number: string; queue: string | null; queuedAt: Date; attempts: number; lastFailure: string | null }[],
  ): number {
    let restored = 0;
    for (const p of pending) {
      const lastReason = (CALLBACK_FAILURES as readonly (string | null)[]).includes(p.lastFailure) ? (p.lastFailure as CallbackFailure) : null;
      const out = this.dispatch({
        type: 'callback_restored',
        callId: p.callId,
        number: p.number,
        queueId: p.queue ?? this.engine.config.defaultQueue,
        queuedAt: p.queuedAt.getTime(),
        attempts: p.attempts,
        lastReason,
      });
      if (out.some((c) => c.type === 'ignored')) continue;
      restored++;
      this.d.log.info({ callId: p.callId, attempts: p.attempts }, 'pending callback restored after a restart');
    }
    return restored;
  }

  /** After an ARI gap: prompts of the queue that ended meanwhile are taken as ended (see WaitAnnouncer). */
  catchUpAfterGap(): Promise<number> {
    return this.announcer?.catchUpAfterGap() ?? Promise.resolve(0);
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
    return this.legs.releaseAgent(callId, opts);
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

  /** The call the agent is talking on, if any: a desktop that reconnects is told it again (call:connected). */
  connectedCallOf(agentId: string): string | null {
    return this.d.calls.all().find((c) => c.stage === 'connected' && c.agentLeg?.agentId === agentId)?.callId ?? null;
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

  /** Callbacks promised and not made yet (waiting their turn, being dialled, or between tries). */
  callbackView() {
    return this.engine.callbackView();
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
        return this.legs.legAnswered(ev.channelId, ev.tag);
      case 'channel_gone':
        return this.legs.channelGone(ev.channelId, ev.causeText);
      case 'hold':
        return this.legs.holdChanged(ev.channelId, ev.held);
      case 'connection':
        // no offers while Asterisk cannot ring a phone: nobody is pushed to 未接 for an outage, and what
        // waits is routed once the composition root has reconciled with Asterisk (it passes 'connected' on then)
        // (told every time: the engine also pauses by itself when a ring could not be placed)
        if (this.routingPaused !== (ev.state !== 'connected')) {
          this.routingPaused = ev.state !== 'connected';
          this.d.log.info({ ari: ev.state }, this.routingPaused ? 'routing paused: Asterisk unreachable' : 'routing resumed');
        }
        this.dispatch({ type: 'routing_paused', paused: this.routingPaused });
        return false;
      default:
        return false;
    }
  }

  /** After (re)connecting to Asterisk: align registered devices with what Asterisk knows now. */
  syncDevices(online: string[]): void {
    const now = new Set(online);
    for (const dev of this.devices.known()) if (!now.has(dev)) this.deviceChanged(dev, false);
    for (const dev of online) this.deviceChanged(dev, true);
  }

  stop(): void {
    this.announcer?.stop();
    for (const off of this.unsubscribe.splice(0)) off();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private deviceChanged(device: string, online: boolean): void {
    const changed = this.devices.changed(device, online);
    if (!changed) return;
    this.d.log.info({ agentId: changed.agentId, device, online }, 'agent device registration changed');
    this.dispatch({ type: 'device_changed', agentId: changed.agentId, online: changed.online });
  }

  private taken(call: LiveCall): void {
    for (const listener of this.connectedListeners) {
      try {
        listener(call.callId);
      } catch (err) {
        call.log.error({ err }, 'connected listener failed');
      }
    }
  }

  /** Feeds the engine and carries out its commands; returns them (none when the engine refused the event). */
  private dispatch(event: AcdEvent, rethrow = false): AcdCommand[] {
    let commands: AcdCommand[];
    try {
      commands = this.engine.handle(event, this.now());
    } catch (err) {
      if (rethrow) throw err;
      this.d.log.error({ err, event }, 'ACD refused an event');
      return [];
    }
    for (const c of commands) {
      try {
        this.execute(c);
      } catch (err) {
        this.d.log.error({ err, command: c.type }, 'ACD command failed');
      }
    }
    this.schedule();
    return commands;
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
        // the state log never holds up or breaks a call
        const change: AgentStateChange = { userId: t.agentId, from: t.from, to: t.to, reason: t.reason, cause: t.cause, at: new Date(t.at) };
        if (this.d.stateLog) this.d.stateLog(change);
        else this.d.users.appendAgentStateLog(change).catch((err) => this.d.log.error({ err, what: 'agentStateLog' }, 'database write failed'));
        this.d.notifier.agentState(t.agentId, this.agentPush(t.agentId));
        return;
      }
      case 'offer':
        return this.legs.offer(c.callId, c.agentId, c.offerId, c.waitedMs, c.queueId);
      case 'cancel_offer':
        return this.legs.cancelOffer(c.callId, c.agentId, c.reason);
      case 'withdraw_offer':
        return this.legs.cancelOffer(c.callId, c.agentId, 'caller_gone');
      case 'connect':
        void this.legs.connect(c.callId, c.agentId).catch((err) => this.d.log.error({ err, callId: c.callId }, 'connect failed'));
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

  /** The offer is remembered on the caller's channel: a caller taken back after a restart is not asked twice. */
  private offerCallback(offers: CallbackOffers, callId: string, call: LiveCall | undefined): void {
    offers.offer(callId);
    if (call) void this.memos.write(call.channelId, CALLBACK_OFFERED_VARIABLE, '1', call.log, 'the callback offer could not be kept on the channel');
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
        return this.offerCallback(offers, c.callId, call);
      case 'max_wait_reached':
        if (c.action === 'offer_callback') this.offerCallback(offers, c.callId, call);
        return;
      case 'callback_accepted':
        if (call) publishFor(call, this.d.bus, 'callback.requested', { callId: c.callId, callbackId: c.callbackId, number: c.number, at: this.now() });
        return offers.accepted(c.callId, c.callbackId, c.number, c.position);
      case 'callback_refused':
        return offers.refused(c.callId, c.reason);
      case 'place_callback':
        return dialer.place(c);
      case 'cancel_callback':
        return dialer.cancel(c);
      case 'callback_abandoned':
        // the caller's own call has ended long ago: nothing waits for this one
        void this.d.bus.emit('callback.abandoned', { callId: c.callId, callbackId: c.callbackId, attempts: c.attempts, reason: c.lastReason, at: this.now() });
        return;
    }
  }
}

const RESTORABLE: readonly string[] = ['available', 'break', 'missed', 'wrap_up'] satisfies RestorableState[];
function isRestorable(state: string): state is RestorableState {
  return RESTORABLE.includes(state);
}
