// The queue's part of a call's legs: ringing an agent for an offer, withdrawing it, bridging caller and agent,
// hold music, and hang-ups on either side. The engine decides; this carries out its offers and connects and
// tells it what the phones did. What follows the call (records, announcements) hears it from the call events.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { OfferResult } from '../contracts/call-events.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import { TelephonyUnavailableError, type CallControl } from '../telephony/call-control.js';
import { ChannelMemoWriter } from '../telephony/channel-memo-writer.js';
import type { AgentDevices } from './agent-devices.js';
import type { AcdEvent } from './engine.js';
import { ANSWERED_MEMO_VARIABLE, encodeAnsweredMemo, type AnsweredMemo } from './answered-memo.js';
import { newLiveCall, publishFor, type LiveCall, type LiveCalls } from './live-calls.js';
import type { AgentNotifier } from './notifier.js';

export const BRIDGE_PREFIX = 'hotline-call-';

export interface CallLegsDeps {
  telephony: CallControl;
  calls: LiveCalls;
  bus: CallEventBus;
  notifier: AgentNotifier;
  devices: AgentDevices;
  ringTimeoutMs: number;
  recordCalls: boolean;
  /** Stereo recording of the caller's channel (recordings/capture.ts); also told when a recording fails. */
  recorder?: {
    callConnected(call: { callId: string; channelId: string; callerNumber: string; log: Logger }, agentId: string): Promise<unknown>;
    failed(callId: string, reason: string, log?: Logger): void;
    /** A conversation a restarted server adopted: its stereo recording (MixMonitor on the caller) is still running. */
    adopted(call: { callId: string; channelId: string; callerNumber: string; log: Logger }, agentId: string, startedAt: number): void;
  };
  /** Feeds the engine. */
  dispatch(event: AcdEvent): void;
  /** An agent has taken the call (before the bridge is made). */
  taken(call: LiveCall): void;
  /** The caller hung up after accepting a callback offer (their place is kept): not an abandon. */
  leftWithCallback(callId: string): boolean;
  log: Logger;
  now: () => number;
}

export class CallLegs {
  /** Agent legs we hung up ourselves: their channel_gone is expected, not a failed offer. */
  private readonly cancelledLegs = new Set<string>();
  /** Agent legs being originated, settling true once Asterisk has the channel (false: the originate failed). */
  private readonly originating = new Map<string, Promise<boolean>>();

  private readonly memos: ChannelMemoWriter;

  constructor(private readonly d: CallLegsDeps) {
    this.memos = new ChannelMemoWriter(d.telephony);
  }

  offer(callId: string, agentId: string, offerId: string, waitedMs: number, queueId: string): void {
    const call = this.d.calls.get(callId);
    if (!call) {
      // the caller left while the engine still routed them (e.g. between the IVR's hand-over and the queue):
      // nothing would ring, and the agent would sit reserved until the ring timeout marks them 未接 for nobody.
      // Told once this dispatch is done, so the engine's commands for this offer still run in their order.
      this.d.log.warn({ callId, agentId, offerId }, 'the engine offered a call that has already ended');
      queueMicrotask(() => this.d.dispatch({ type: 'caller_gone', callId }));
      return;
    }
    if (!this.d.devices.hasSeat(agentId)) return;
    const legId = `leg-${randomUUID()}`;
    publishFor(call, this.d.bus, 'call.offered', { callId, agentId, offerId, at: this.d.now() });
    const leg = { channelId: legId, agentId, offerId };
    call.agentLeg = leg;
    this.d.calls.linkAgentLeg(call, legId);
    const device = this.d.devices.deviceFor(agentId)!;
    call.log.info({ agentId, device, legId, waitedMs }, 'offering call to agent');
    this.d.notifier.callOffered(agentId, { callId, callerNumber: call.callerNumber, queue: queueId, waitedMs });
    const placed = this.d.telephony
      .originate({
        channelId: legId,
        target: { device },
        callerNumber: call.callerNumber,
        callerName: call.callerNumber,
        // Asterisk's own timeout is a backstop; the ACD's ring timeout normally fires first
        timeoutSeconds: Math.ceil(this.d.ringTimeoutMs / 1000) + 5,
        tag: offerId,
      })
      .then(
        () => true,
        (err: unknown) => {
          call.log.warn({ err: String(err), agentId }, 'could not ring the agent');
          this.cancelledLegs.delete(legId); // no channel: no channel_gone will come for it
          if (call.agentLeg === leg) {
            call.agentLeg = null;
            this.d.calls.unlinkChannel(legId);
            // Asterisk unreachable: the phone never rang, so the agent is not 未接 (the engine releases them)
            const unavailable = err instanceof TelephonyUnavailableError;
            this.closeOffer(call, offerId, unavailable ? 'failed' : 'missed');
            this.d.notifier.callEnded(agentId, { callId, outcome: unavailable ? 'abandoned' : 'missed' });
            this.d.dispatch({ type: 'offer_failed', callId, offerId, unavailable });
          }
          return false;
        },
      );
    this.originating.set(legId, placed);
    const forget = () => void this.originating.delete(legId);
    void placed.then(forget, forget);
  }

  cancelOffer(callId: string, agentId: string, reason: 'ring_timeout' | 'caller_gone'): void {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg || leg.agentId !== agentId) return;
    call.agentLeg = null;
    call.log.info({ agentId, reason }, 'offer withdrawn');
    this.cancelledLegs.add(leg.channelId);
    this.hangUpLeg(call, leg.channelId, 'could not hang up agent leg');
    this.closeOffer(call, leg.offerId, reason === 'ring_timeout' ? 'missed' : 'caller_gone');
    this.d.notifier.callEnded(agentId, { callId, outcome: reason === 'ring_timeout' ? 'missed' : 'abandoned' });
  }

  async connect(callId: string, agentId: string): Promise<void> {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg) return;
    call.stage = 'connected';
    this.d.taken(call);
    const bridgeId = `${BRIDGE_PREFIX}${callId}`;
    call.bridgeId = bridgeId;
    const at = this.d.now();
    // A hang-up while we bridge ends the call at once (channelGone): its bridge may then be created only after
    // channelGone destroyed it, so whatever this made is removed here, and the call is not announced answered.
    let created = false;
    const ended = () => call.stage === 'ended';
    const endedMeanwhile = () => {
      if (!ended()) return false;
      call.log.info({ agentId }, 'the call ended while caller and agent were being bridged');
      if (created) this.destroyBridge(call, bridgeId);
      this.closeOffer(call, leg.offerId, 'caller_gone');
      return true;
    };
    try {
      await this.d.telephony.stopMusicOnHold(call.channelId).catch(() => {});
      if (endedMeanwhile()) return;
      await this.d.telephony.createBridge(bridgeId, bridgeId);
      created = true;
      if (endedMeanwhile()) return;
      await this.d.telephony.addToBridge(bridgeId, [call.channelId, leg.channelId]);
      if (endedMeanwhile()) return;
      call.log.info({ agentId, bridgeId }, 'caller and agent connected');
    } catch (err) {
      if (endedMeanwhile()) return;
      // one of the legs vanished while we bridged: end the call cleanly for the one still there (its channelGone
      // destroys the bridge)
      call.log.warn({ err: String(err) }, 'bridging failed');
      for (const channelId of [call.channelId, leg.channelId]) {
        this.d.telephony.hangup(channelId).catch((e: unknown) => call.log.warn({ err: String(e), channelId }, 'hang-up after a failed bridge failed'));
      }
      return;
    }
    publishFor(call, this.d.bus, 'call.answered', { callId, agentId, at });
    this.closeOffer(call, leg.offerId, 'answered', at);
    call.answered = { agentId, legChannelId: leg.channelId, offerId: leg.offerId, answeredAt: at, released: false };
    this.keepAnsweredMemo(call, call.answered);
    this.d.notifier.callConnected(agentId, callId);
    if (this.d.recordCalls) {
      // Besides keeping the call, the recorder is a third bridge member: the bridge then mixes and Asterisk
      // times the audio it sends to the browser itself, which avoids silent WebRTC legs after a peer change
      // (recipe G1).
      const name = `call-${callId}`;
      try {
        await this.d.telephony.recordBridge(bridgeId, name);
        publishFor(call, this.d.bus, 'call.recording_started', { callId, recordingName: name, at: this.d.now() });
      } catch (err) {
        // a call that ended meanwhile has nothing left to record: not a recording failure
        if (ended()) return;
        call.log.error({ err: String(err) }, 'call recording did not start');
        this.d.recorder?.failed(callId, `bridge recording did not start: ${String(err)}`, call.log);
      }
      // caller and agent side on separate channels, kept across holds and transfers; not for a call that ended
      // while the bridge recording started (the recorder has already been told it ended)
      if (this.d.recorder && !ended()) void this.d.recorder.callConnected(call, agentId);
    }
  }

  /**
   * The agent leaves a connected call that goes on without them (a completed transfer): their leg is released
   * (hung up unless it is gone already); the caller's leg and the bridge stay. Returns the agent who left, or
   * null when the call has no connected agent.
   */
  releaseAgent(callId: string, opts: { hangUp: boolean }): string | null {
    const call = this.d.calls.get(callId);
    const leg = call?.agentLeg;
    if (!call || !leg || call.stage !== 'connected') return null;
    call.agentLeg = null;
    this.d.calls.unlinkChannel(leg.channelId);
    // the conversation is no longer this agent's: adopted after a restart, it goes on without them
    if (call.answered) this.keepAnsweredMemo(call, (call.answered = { ...call.answered, released: true }));
    if (opts.hangUp) {
      this.cancelledLegs.add(leg.channelId);
      this.hangUpLeg(call, leg.channelId, 'could not hang up the released agent leg');
    }
    call.log.info({ agentId: leg.agentId }, 'agent left the call; it goes on without them');
    this.d.notifier.callEnded(leg.agentId, { callId, outcome: 'answered' });
    this.d.dispatch({ type: 'call_finished', callId });
    return leg.agentId;
  }

  /**
   * A conversation an earlier server process connected, found in Asterisk at start-up (acd/reconcile.ts): it is
   * a live call again, the same call id, agent, bridge and recording; whoever hangs up ends it as usual.
   */
  adopt(
    c: { callId: string; channelId: string; callerNumber: string; dialed: string; arrivedAt: number; queueId: string; bridgeId: string },
    memo: AnsweredMemo,
  ): LiveCall {
    const log = this.d.log.child({ callId: c.callId, channelId: c.channelId });
    const call = newLiveCall({ ...c, arrivedAt: new Date(c.arrivedAt), stage: 'connected', log });
    call.bridgeId = c.bridgeId;
    call.answered = memo;
    this.d.calls.add(call);
    const talkingMs = this.d.now() - memo.answeredAt;
    if (memo.released) {
      // the agent left before the restart (a completed transfer): the call goes on with whoever took it over
      log.info({ bridgeId: c.bridgeId, talkingMs }, 'connected call adopted after a restart, without its agent');
    } else {
      call.agentLeg = { channelId: memo.legChannelId, agentId: memo.agentId, offerId: memo.offerId };
      this.d.calls.linkAgentLeg(call, memo.legChannelId);
      log.info({ agentId: memo.agentId, bridgeId: c.bridgeId, talkingMs }, 'connected call adopted after a restart');
      this.d.dispatch({ type: 'call_adopted', callId: c.callId, agentId: memo.agentId, queueId: c.queueId, answeredAt: memo.answeredAt });
      this.d.notifier.callConnected(memo.agentId, c.callId);
    }
    if (this.d.recordCalls) this.d.recorder?.adopted(call, memo.agentId, memo.answeredAt);
    return call;
  }

  legAnswered(channelId: string, offerId: string): boolean {
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.leg !== 'agent' || found.call.agentLeg?.offerId !== offerId) {
      // the offer ended (ring timeout, caller gone) just as the agent picked up
      this.d.log.info({ channelId, offerId }, 'late answer of a withdrawn offer; hanging up the agent leg');
      this.cancelledLegs.add(channelId);
      this.d.telephony
        .hangup(channelId)
        .catch((err: unknown) => this.d.log.warn({ err: String(err), channelId }, 'could not hang up the late-answered agent leg'));
      return true;
    }
    this.d.dispatch({ type: 'offer_answered', callId: found.call.callId, offerId });
    return true;
  }

  /** The agent held or resumed a connected call: the caller hears music meanwhile, not silence. */
  holdChanged(channelId: string, held: boolean): boolean {
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.leg !== 'agent' || found.call.stage !== 'connected' || !found.call.bridgeId) return false;
    const { call } = found;
    const bridgeId = call.bridgeId!;
    call.log.info({ held }, held ? 'agent put the caller on hold' : 'agent resumed the call');
    const op = held ? this.d.telephony.startBridgeMusicOnHold(bridgeId) : this.d.telephony.stopBridgeMusicOnHold(bridgeId);
    void op.catch((err) => call.log.warn({ err: String(err), held }, 'music on hold change failed'));
    return true;
  }

  channelGone(channelId: string, causeText: string): boolean {
    if (this.cancelledLegs.delete(channelId)) {
      this.d.calls.unlinkChannel(channelId);
      return true;
    }
    const found = this.d.calls.byAnyChannel(channelId);
    if (!found || found.call.stage === 'ivr' || found.call.stage === 'ended') return false;
    const { call, leg } = found;
    const at = this.d.now();
    if (leg === 'agent' && call.stage === 'queue') {
      // the agent's phone rejected or failed the offer
      call.log.info({ cause: causeText }, 'agent leg ended before answer');
      const offer = call.agentLeg;
      call.agentLeg = null;
      this.d.calls.unlinkChannel(channelId);
      if (offer) this.closeOffer(call, offer.offerId, 'missed', at);
      this.d.dispatch({ type: 'offer_failed', callId: call.callId, ...(offer ? { offerId: offer.offerId } : {}) });
      return true;
    }
    if (leg === 'caller' && call.stage === 'queue') {
      const callback = this.d.leftWithCallback(call.callId);
      call.log.info({ cause: causeText, callback }, callback ? 'caller left with a callback registered' : 'caller hung up while queued');
      this.d.dispatch({ type: 'caller_gone', callId: call.callId });
      publishFor(call, this.d.bus, 'call.ended', { callId: call.callId, at, hangupCause: causeText, ...(callback ? { outcome: 'callback' as const } : {}) });
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
      this.hangUpLeg(call, other, 'hang-up of the other leg failed');
    }
    if (call.bridgeId) this.destroyBridge(call, call.bridgeId);
    publishFor(call, this.d.bus, 'call.ended', { callId: call.callId, at, hangupCause: causeText });
    if (agentId) this.d.notifier.callEnded(agentId, { callId: call.callId, outcome: 'answered' });
    this.d.dispatch({ type: 'call_finished', callId: call.callId });
    return true;
  }

  /**
   * Hangs up an agent leg once its originate has answered: a caller leaving right after the offer would otherwise
   * send the hang-up before Asterisk has the channel, and the agent's phone would ring on for nobody.
   */
  private hangUpLeg(call: LiveCall, channelId: string, failure: string): void {
    void (this.originating.get(channelId) ?? Promise.resolve(true))
      .then((exists) => (exists ? this.d.telephony.hangup(channelId) : undefined))
      .catch((err) => call.log.warn({ err: String(err), channelId }, failure));
  }

  /** Kept on the caller's channel so a restarted server can adopt the conversation. */
  private keepAnsweredMemo(call: LiveCall, memo: AnsweredMemo): void {
    void this.memos.write(call.channelId, ANSWERED_MEMO_VARIABLE, encodeAnsweredMemo(memo), call.log, 'who answered could not be kept on the channel');
  }

  private destroyBridge(call: LiveCall, bridgeId: string): void {
    void this.d.telephony.destroyBridge(bridgeId).catch((err) => call.log.warn({ err: String(err), bridgeId }, 'bridge destroy failed'));
  }

  private closeOffer(call: LiveCall, offerId: string, result: OfferResult, at = this.d.now()): void {
    publishFor(call, this.d.bus, 'call.offer_closed', { callId: call.callId, offerId, result, at });
  }
}
