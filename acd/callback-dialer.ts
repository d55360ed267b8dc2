// Places a queue callback the engine decided (`place_callback`, the agent already reserved): rings the agent
// first, and only once they answered dials the citizen through the carrier trunk. The citizen hears
// 「…您之前预约了回电。接通座席请按1。」 and must press 1 (acd/callback-dial-flow.ts); then the attempt becomes a
// LiveCall (citizen = caller leg, agent = agent leg) and the engine's `connect` bridges and records it like any
// call. Every other ending is reported to the engine as callback_failed, which retries or abandons by policy.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { PromptSet } from '../telephony/prompts.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import type { CallbackFailure } from './callbacks.js';
import { confirmStep, dialFailureForCause, initialConfirm, type ConfirmCommand, type ConfirmState } from './callback-dial-flow.js';
import type { AcdCommand, AcdEvent } from './engine.js';
import { publishFor, type LiveCall, type LiveCalls } from './live-calls.js';
import type { AgentNotifier } from './notifier.js';
import { StepTimers } from './step-timers.js';

type PlaceCallback = Extract<AcdCommand, { type: 'place_callback' }>;
type CancelCallback = Extract<AcdCommand, { type: 'cancel_callback' }>;

/** Ring time of the citizen's phone; the engine's callbacks.dialTimeoutMs ends the whole attempt anyway. */
export const CITIZEN_RING_SECONDS = 30;

export interface CallbackDialerDeps {
  telephony: CallControl;
  calls: LiveCalls;
  /** Where the attempt's offer and the callback's progress are published (call records subscribe). */
  bus: CallEventBus;
  notifier: AgentNotifier;
  prompts: PromptSet;
  /** The agent's device to ring (web softphone or desk phone), or undefined when the agent has none. */
  deviceFor(agentId: string): string | undefined;
  /** The caller id the citizen sees: the service number. */
  serviceNumber: string;
  ringTimeoutMs: number;
  /** Feeds the engine (callback_connected / callback_failed). */
  report(event: AcdEvent): void;
  log: Logger;
  now: () => number;
}

interface Attempt {
  cmd: PlaceCallback;
  agentLeg: string;
  citizenLeg: string;
  stage: 'ringing_agent' | 'dialling_citizen' | 'done';
  confirm: ConfirmState;
  citizenAnswered: boolean;
  timers: StepTimers;
  /** The original call's record (and what its subscribers still do): the callback is written on it. */
  record: LiveCall;
  startedAt: number;
  log: Logger;
}

export class CallbackDialer {
  private readonly byCallback = new Map<string, Attempt>();
  private readonly byChannel = new Map<string, Attempt>();

  constructor(private readonly d: CallbackDialerDeps) {}

  place(cmd: PlaceCallback): void {
    const log = this.d.log.child({ callId: cmd.callId, callbackId: cmd.callbackId, attemptId: cmd.attemptId });
    const device = this.d.deviceFor(cmd.agentId);
    const record: LiveCall = {
      callId: cmd.callId,
      channelId: '',
      callerNumber: cmd.number,
      dialed: this.d.serviceNumber,
      arrivedAt: new Date(this.d.now()),
      stage: 'queue',
      log,
      agentLeg: null,
      bridgeId: null,
      writes: Promise.resolve(),
    };
    const at = this.d.now();
    const a: Attempt = {
      cmd,
      agentLeg: `cb-agent-${randomUUID()}`,
      citizenLeg: `cb-citizen-${randomUUID()}`,
      stage: 'ringing_agent',
      confirm: initialConfirm(),
      citizenAnswered: false,
      timers: new StepTimers(),
      record,
      startedAt: this.d.now(),
      log,
    };
    publishFor(record, this.d.bus, 'call.offered', { callId: cmd.callId, agentId: cmd.agentId, offerId: cmd.attemptId, at });
    publishFor(record, this.d.bus, 'callback.attempt_started', { callId: cmd.callId, callbackId: cmd.callbackId, attempt: cmd.attempt, at });
    if (!device) {
      log.warn({ agentId: cmd.agentId }, 'callback: the reserved agent has no phone');
      this.byCallback.set(cmd.callbackId, a);
      this.fail(a, 'rejected', 'missed');
      return;
    }
    this.byCallback.set(cmd.callbackId, a);
    this.byChannel.set(a.agentLeg, a);
    log.info({ agentId: cmd.agentId, device, attempt: cmd.attempt }, 'callback: ringing the reserved agent first');
    this.d.notifier.callOffered(cmd.agentId, { callId: cmd.callId, callerNumber: cmd.number, queue: 'callback', waitedMs: 0, callback: true });
    // The engine has no "agent missed a callback ring" event. callback_failed is the only one that releases the
    // reserved agent and the dial; 'rejected' is the truthful reason (the call was refused on our side). The
    // attempt counts against the citizen's retries, which is acceptable: retries come by policy and the agent
    // goes back to available (not missed) — a ring the desk ignores stays visible in call_offers as 'missed'.
    a.timers.start('agent-ring', this.d.ringTimeoutMs, () => {
      if (a.stage !== 'ringing_agent') return;
      log.info({ agentId: cmd.agentId }, 'callback: the agent did not answer their ring');
      this.fail(a, 'rejected', 'missed');
    });
    this.d.telephony
      .originate({
        channelId: a.agentLeg,
        target: { device },
        callerNumber: cmd.number,
        // desk phones and the softphone show the name: the agent knows it is a callback before answering
        callerName: `回电 ${cmd.number}`,
        timeoutSeconds: Math.ceil(this.d.ringTimeoutMs / 1000) + 5,
        tag: `callback-agent:${cmd.attemptId}`,
      })
      .catch((err) => {
        log.warn({ err: String(err) }, 'callback: could not ring the agent');
        if (a.stage === 'ringing_agent') this.fail(a, 'rejected', 'missed');
      });
  }

  /** The engine's dial timeout: it already counted the attempt as no_answer; hang up whatever is still up. */
  cancel(cmd: CancelCallback): void {
    const a = this.byCallback.get(cmd.callbackId);
    if (!a || a.cmd.attemptId !== cmd.attemptId || a.stage === 'done') return;
    a.log.info({ reason: cmd.reason }, 'callback: attempt cancelled by the engine');
    this.finish(a, a.stage === 'ringing_agent' ? 'missed' : 'failed');
  }

  /** Events of the legs this dialer placed; false for everything else. */
  handleTelephony(ev: TelephonyEvent): boolean {
    if (!('channelId' in ev)) return false;
    const a = this.byChannel.get(ev.channelId);
    if (!a) return false;
    const isAgent = ev.channelId === a.agentLeg;
    switch (ev.type) {
      case 'leg_answered':
        if (isAgent) this.agentAnswered(a);
        else this.citizenAnswered(a);
        return true;
      case 'dtmf':
        if (!isAgent && a.stage === 'dialling_citizen') this.confirm(a, { type: 'digit', digit: ev.digit });
        return true;
      case 'playback_finished':
        if (!isAgent && a.stage === 'dialling_citizen') this.confirm(a, { type: 'playback_finished', playbackId: ev.playbackId });
        return true;
      case 'channel_gone':
        this.byChannel.delete(ev.channelId);
        if (a.stage === 'done') return true;
        if (isAgent) {
          a.log.info({ cause: ev.causeText, stage: a.stage }, 'callback: the agent leg ended before the citizen was connected');
          this.fail(a, 'rejected', a.stage === 'ringing_agent' ? 'missed' : 'failed');
        } else {
          const reason: CallbackFailure = a.citizenAnswered ? 'rejected' : dialFailureForCause(ev.cause);
          a.log.info({ cause: ev.cause, causeText: ev.causeText, answered: a.citizenAnswered, reason }, 'callback: citizen leg ended before pressing 1');
          this.fail(a, reason, 'failed');
        }
        return true;
      default:
        return true;
    }
  }

  private agentAnswered(a: Attempt): void {
    if (a.stage !== 'ringing_agent') return;
    a.stage = 'dialling_citizen';
    a.timers.cancel('agent-ring');
    const ringMs = this.d.now() - a.startedAt;
    a.log.info({ agentId: a.cmd.agentId, agentRingMs: ringMs }, 'callback: agent answered; dialling the citizen');
    // the agent waits with music rather than silence while the citizen's phone rings
    void this.d.telephony.startMusicOnHold(a.agentLeg).catch((err) => a.log.warn({ err: String(err) }, 'callback: agent music failed'));
    this.byChannel.set(a.citizenLeg, a);
    this.d.telephony
      .originate({
        channelId: a.citizenLeg,
        target: { trunkNumber: a.cmd.number },
        callerNumber: this.d.serviceNumber,
        callerName: this.d.serviceNumber,
        timeoutSeconds: CITIZEN_RING_SECONDS,
        tag: `callback-citizen:${a.cmd.attemptId}`,
      })
      .catch((err) => {
        a.log.warn({ err: String(err) }, 'callback: could not dial the citizen');
        if (a.stage === 'dialling_citizen') this.fail(a, 'rejected', 'failed');
      });
  }

  private citizenAnswered(a: Attempt): void {
    if (a.stage !== 'dialling_citizen') return;
    a.citizenAnswered = true;
    a.log.info({ sinceAgentFreeMs: this.d.now() - a.startedAt }, 'callback: citizen answered; asking for 1');
    this.confirm(a, { type: 'answered' });
  }

  private confirm(a: Attempt, ev: Parameters<typeof confirmStep>[1]): void {
    const next = confirmStep(a.confirm, ev, () => randomUUID());
    a.confirm = next.state;
    for (const c of next.commands) this.runConfirm(a, c);
  }

  private runConfirm(a: Attempt, c: ConfirmCommand): void {
    const t = this.d.telephony;
    switch (c.type) {
      case 'play':
        void t.play(a.citizenLeg, `sound:${this.d.prompts['callback-greeting']}`, c.playbackId).catch((err) => {
          a.log.warn({ err: String(err) }, 'callback: greeting failed');
          this.confirm(a, { type: 'playback_finished', playbackId: c.playbackId });
        });
        return;
      case 'stop_playback':
        void t.stopPlayback(c.playbackId).catch(() => {});
        return;
      case 'start_timer':
        a.timers.start(c.timerId, c.ms, () => this.confirm(a, { type: 'timeout', timerId: c.timerId }));
        return;
      case 'cancel_timer':
        a.timers.cancel(c.timerId);
        return;
      case 'failed':
        a.log.info('callback: answered but nobody pressed 1 (answering machine?)');
        this.fail(a, c.reason, 'failed');
        return;
      case 'connected':
        this.connected(a);
        return;
    }
  }

  /** The citizen pressed 1: the attempt becomes a live call and the engine connects it with the agent. */
  private connected(a: Attempt): void {
    a.stage = 'done';
    this.release(a);
    // from here on the legs are the queue's, like any connected call's (hold, hang-up)
    this.byChannel.delete(a.agentLeg);
    this.byChannel.delete(a.citizenLeg);
    const { cmd } = a;
    const at = new Date(this.d.now());
    a.log.info({ agentId: cmd.agentId, sinceAgentFreeMs: at.getTime() - a.startedAt }, 'callback: citizen pressed 1; connecting');
    void this.d.telephony.stopMusicOnHold(a.agentLeg).catch(() => {});
    const call: LiveCall = {
      callId: cmd.callId,
      channelId: a.citizenLeg,
      callerNumber: cmd.number,
      dialed: this.d.serviceNumber,
      arrivedAt: at,
      stage: 'queue',
      log: a.log,
      agentLeg: { channelId: a.agentLeg, agentId: cmd.agentId, offerId: cmd.attemptId },
      bridgeId: null,
      writes: a.record.writes,
    };
    this.d.calls.add(call);
    this.d.calls.linkAgentLeg(call, a.agentLeg);
    publishFor(call, this.d.bus, 'callback.connected', { callId: cmd.callId, callbackId: cmd.callbackId, agentId: cmd.agentId, at: at.getTime() });
    // the engine answers with `connect` (callbackId set): the queue bridges, records and tells the desktop
    this.d.report({ type: 'callback_connected', callbackId: cmd.callbackId });
  }

  private fail(a: Attempt, reason: CallbackFailure, offerResult: 'missed' | 'failed'): void {
    if (a.stage === 'done') return;
    this.finish(a, offerResult);
    a.log.info({ reason }, 'callback attempt failed');
    this.d.report({ type: 'callback_failed', callbackId: a.cmd.callbackId, reason });
  }

  /** Ends an attempt that did not connect: hangs up its legs, closes the agent's offer, clears the desktop. */
  private finish(a: Attempt, offerResult: 'missed' | 'failed'): void {
    a.stage = 'done';
    this.release(a);
    for (const leg of [a.agentLeg, a.citizenLeg]) {
      if (this.byChannel.has(leg)) void this.d.telephony.hangup(leg).catch(() => {});
    }
    publishFor(a.record, this.d.bus, 'call.offer_closed', { callId: a.cmd.callId, offerId: a.cmd.attemptId, result: offerResult, at: this.d.now() });
    this.d.notifier.callEnded(a.cmd.agentId, { callId: a.cmd.callId, outcome: offerResult === 'missed' ? 'missed' : 'abandoned' });
  }

  /** Forgets the attempt's timers and its callback id; its channels stay known until they are gone. */
  private release(a: Attempt): void {
    a.timers.clear();
    if (this.byCallback.get(a.cmd.callbackId) === a) this.byCallback.delete(a.cmd.callbackId);
  }
}
