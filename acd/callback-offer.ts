// Runs the callback offer (acd/callback-offer-flow.ts) on a waiting caller's channel: prompts, music on hold,
// key presses and timers. The queue service asks for it when the engine says `offer_callback` and tells it the
// engine's answer to the request; the request itself goes back to the engine through `request`.
import { randomUUID } from 'node:crypto';
import type { PromptSet } from '../telephony/prompts.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import type { CallbackRefusal } from './callbacks.js';
import { initialOffer, offerStep, type OfferCommand, type OfferEvent, type OfferState } from './callback-offer-flow.js';
import type { LiveCall, LiveCalls } from './live-calls.js';
import { StepTimers } from './step-timers.js';

export interface CallbackOffersDeps {
  telephony: CallControl;
  calls: LiveCalls;
  prompts: PromptSet;
  /** Asks the engine for a callback (callback_requested); its answer comes back via accepted() / refused(). */
  request(callId: string, number: string): void;
}

interface Session {
  state: OfferState;
  timers: StepTimers;
}

export class CallbackOffers {
  private readonly sessions = new Map<string, Session>(); // by callId
  /** Calls whose caller chose a callback and was hung up by us: their record ends as 'callback'. */
  private readonly requested = new Set<string>();

  constructor(private readonly d: CallbackOffersDeps) {}

  /** The engine says the caller may now be offered a callback. */
  offer(callId: string): void {
    const call = this.d.calls.get(callId);
    if (!call || call.stage !== 'queue') return;
    call.log.info('offering a callback to the waiting caller');
    this.step(call, { type: 'start' });
  }

  accepted(callId: string, callbackId: string, number: string, position: number): void {
    const call = this.d.calls.get(callId);
    if (!call) return;
    call.log.info({ callbackId, callbackNumber: number, position }, 'callback registered; the caller keeps their place');
    this.requested.add(callId);
    this.step(call, { type: 'accepted' });
  }

  refused(callId: string, reason: CallbackRefusal): void {
    const call = this.d.calls.get(callId);
    if (!call) return;
    call.log.info({ reason }, 'callback request refused');
    this.step(call, { type: 'refused', reason });
  }

  /** A callback offer is talking to (or waiting for keys from) this caller right now. */
  isOffering(callId: string): boolean {
    return this.sessions.has(callId);
  }

  /** True once for a call whose caller left with a callback registered (asked when the caller's channel ends). */
  takeEndedWithCallback(callId: string): boolean {
    return this.requested.delete(callId);
  }

  /** An agent has the call: whatever the offer still plays or waits for is dropped. */
  ended(callId: string): void {
    const call = this.d.calls.get(callId);
    if (call && this.sessions.has(callId)) this.step(call, { type: 'ended' });
  }

  /**
   * Key presses and prompt ends on a caller's channel while their offer runs. Must see events before the IVR,
   * which otherwise takes 1 for its progress query. A hang-up is noted but left to the IVR and the queue.
   */
  handleTelephony(ev: TelephonyEvent): boolean {
    if (ev.type !== 'dtmf' && ev.type !== 'playback_finished' && ev.type !== 'channel_gone') return false;
    const found = this.d.calls.byAnyChannel(ev.channelId);
    if (!found || found.leg !== 'caller' || !this.sessions.has(found.call.callId)) return false;
    const call = found.call;
    switch (ev.type) {
      case 'dtmf':
        return this.step(call, { type: 'digit', digit: ev.digit });
      case 'playback_finished':
        return this.step(call, { type: 'playback_finished', playbackId: ev.playbackId });
      case 'channel_gone':
        this.step(call, { type: 'ended' });
        return false;
    }
  }

  private step(call: LiveCall, ev: OfferEvent): boolean {
    const session = this.sessions.get(call.callId) ?? { state: initialOffer(), timers: new StepTimers() };
    const next = offerStep(session.state, ev, call.callerNumber, () => randomUUID());
    session.state = next.state;
    if (next.state.step === 'done') {
      session.timers.clear();
      this.sessions.delete(call.callId);
    } else {
      this.sessions.set(call.callId, session);
    }
    for (const c of next.commands) this.execute(call, session, c);
    return next.claimed;
  }

  private execute(call: LiveCall, session: Session, c: OfferCommand): void {
    const t = this.d.telephony;
    const warn = (what: string) => (err: unknown) => call.log.warn({ err: String(err) }, `callback offer: ${what} failed`);
    switch (c.type) {
      case 'stop_moh':
        void t.stopMusicOnHold(call.channelId).catch(warn('stop music'));
        return;
      case 'start_moh':
        if (call.stage === 'queue') void t.startMusicOnHold(call.channelId).catch(warn('music on hold'));
        return;
      case 'play':
        void t.play(call.channelId, `sound:${this.d.prompts[c.prompt]}`, c.playbackId).catch((err) => {
          warn('play')(err);
          // a prompt that cannot play must not leave the caller in silence: act as if it had ended
          this.step(call, { type: 'playback_finished', playbackId: c.playbackId });
        });
        return;
      case 'stop_playback':
        void t.stopPlayback(c.playbackId).catch(() => {});
        return;
      case 'start_timer':
        session.timers.start(c.timerId, c.ms, () => {
          if (this.sessions.get(call.callId) === session) this.step(call, { type: 'timeout', timerId: c.timerId });
        });
        return;
      case 'cancel_timer':
        session.timers.cancel(c.timerId);
        return;
      case 'request':
        call.log.info({ callbackNumber: c.number, ownNumber: c.number === call.callerNumber.replace(/\D/g, '') }, 'caller asks for a callback');
        this.d.request(call.callId, c.number);
        return;
      case 'hangup':
        void t.hangup(call.channelId).catch(warn('hang-up'));
        return;
    }
  }
}
