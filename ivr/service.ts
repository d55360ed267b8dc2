// Runs the IVR flow (ivr/flow: flows as data) for each citizen's call: announces the call, answers, greets,
// hands the call to the queue, and keeps serving the caller's keypad while they wait (press 1 for the progress
// query). The flow decides; this adapter carries its commands out over the call-control interface and publishes
// the call's arrival (and an end in the IVR) as call events.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueueService } from '../acd/service.js';
import { CALL_ID_VARIABLE, newLiveCall, publishFor, type LiveCall, type LiveCalls } from '../acd/live-calls.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import { ChannelGoneError, TelephonyUnavailableError, type CallControl, type TelephonyEvent } from '../telephony/call-control.js';
import {
  initialIvrState,
  ivrStep,
  type FlowDefinition,
  type IvrCommand,
  type IvrEvent,
  type IvrOutcome,
  type IvrState,
  type LookupResult,
} from './flow/index.js';
import type { PromptSet } from '../telephony/prompts.js';
import type { TextToSpeech } from '../telephony/tts.js';

export interface IvrServiceDeps {
  telephony: CallControl;
  calls: LiveCalls;
  /** Where the IVR publishes a call's arrival and an end in the IVR (call records subscribe). */
  bus: CallEventBus;
  queue: QueueService;
  flow: FlowDefinition;
  prompts: PromptSet;
  tts: TextToSpeech;
  /** Turns a synthesised file's path into what Asterisk plays (e.g. strips the chroot prefix). */
  mediaPath: (file: string) => string;
  lookupOrder: (code: string) => Promise<LookupResult>;
  /** Queue for a skill hint chosen in the IVR (language menu, spoken routing words), or the flow's queue. */
  queueFor: (call: LiveCall, queue: string, skillHint: string | null) => string;
  /** The caller's channel is answered (e.g. to start listening for keywords). */
  onAnswered?: (call: LiveCall) => void;
  serviceNumber: string;
  log: Logger;
}

interface Session {
  state: IvrState;
  timers: Map<string, NodeJS.Timeout>;
  /** A step could not reach Asterisk (ARI down): the flow waits and starts over once it is back. */
  stalled?: boolean;
}

export class IvrService {
  private readonly sessions = new Map<string, Session>(); // by callId
  private readonly outcomeListeners = new Set<(callId: string, outcome: IvrOutcome) => void>();

  constructor(private readonly d: IvrServiceDeps) {
    // once an agent has the call, the IVR's part is over: stop whatever it still plays
    d.queue.onConnected((callId) => {
      const call = d.calls.get(callId);
      if (call) this.step(call, { type: 'connected' });
      this.end(callId);
    });
  }

  /** What callers did in the IVR (queued, self-service queries, no valid input …), for reports and tests. */
  onOutcome(listener: (callId: string, outcome: IvrOutcome) => void): () => void {
    this.outcomeListeners.add(listener);
    return () => this.outcomeListeners.delete(listener);
  }

  handleTelephony(ev: TelephonyEvent): boolean {
    if (ev.type === 'call_arrived') {
      this.arrived(ev.channelId, ev.callerNumber, ev.dialed, ev.at, ev.resume);
      return true;
    }
    if (ev.type !== 'playback_finished' && ev.type !== 'dtmf' && ev.type !== 'channel_gone') return false;
    const found = this.d.calls.byAnyChannel(ev.channelId);
    if (!found || found.leg !== 'caller' || !this.sessions.has(found.call.callId)) return false;
    const call = found.call;
    switch (ev.type) {
      case 'playback_finished':
        this.step(call, { type: 'playback_finished', playbackId: ev.playbackId });
        return true;
      case 'dtmf':
        call.log.debug({ digit: ev.digit, step: this.sessions.get(call.callId)?.state.stepId }, 'IVR digit');
        this.step(call, { type: 'digit', digit: ev.digit });
        return true;
      case 'channel_gone':
        this.step(call, { type: 'hung_up' });
        this.end(call.callId);
        if (call.stage !== 'ivr') return false; // queued: the queue records the abandon
        call.log.info({ cause: ev.causeText }, 'caller hung up in the IVR');
        publishFor(call, this.d.bus, 'call.ended', { callId: call.callId, at: ev.at.getTime(), hangupCause: ev.causeText });
        this.d.calls.remove(call);
        return true;
    }
  }

  /**
   * After an ARI gap: a prompt that ended while the socket was down sent its end to nobody, and the flow would
   * wait for it forever (the caller in silence). Each prompt the IVR still waits for is looked up in Asterisk;
   * one that is gone is taken as finished. A call whose step could not reach Asterisk at all (it arrived just as
   * the socket went) starts over: answered, then greeted. Returns how many calls were caught up.
   */
  async catchUpAfterGap(): Promise<number> {
    let caughtUp = 0;
    for (const [callId, session] of [...this.sessions]) {
      const stalledCall = session.stalled ? this.d.calls.get(callId) : undefined;
      if (stalledCall) {
        // a step that could not reach Asterisk: the caller is greeted from the start (answered first)
        stalledCall.log.info({ step: session.state.stepId }, 'IVR step lost to the ARI gap; the flow starts over');
        for (const timer of session.timers.values()) clearTimeout(timer);
        this.sessions.set(callId, { state: initialIvrState(), timers: new Map() });
        caughtUp++;
        this.step(stalledCall, { type: 'started' });
        continue;
      }
      const playbackId = session.state.playbackId;
      const call = this.d.calls.get(callId);
      if (playbackId === null || !call) continue;
      const playing = await this.d.telephony.playbackExists(playbackId).catch((err: unknown) => {
        call.log.warn({ err: String(err), playbackId }, 'could not look the prompt up after the ARI gap');
        return true; // its end may still come: nothing is skipped on a guess
      });
      if (playing || this.sessions.get(callId) !== session || session.state.playbackId !== playbackId) continue;
      call.log.info({ playbackId }, 'prompt ended during the ARI gap; the IVR goes on');
      caughtUp++;
      this.step(call, { type: 'playback_finished', playbackId });
    }
    return caughtUp;
  }

  private arrived(channelId: string, callerNumber: string, dialed: string, at: Date, resume?: { callId: string; recorded: boolean }): void {
    const callId = resume?.callId ?? randomUUID();
    const log = this.d.log.child({ callId, channelId });
    const call = newLiveCall({ callId, channelId, callerNumber, dialed: dialed || this.d.serviceNumber, arrivedAt: at, stage: 'ivr', log });
    this.d.calls.add(call);
    if (resume) log.info({ callerNumber, dialed: call.dialed }, 'caller in the IVR taken back after a restart; the menu starts over');
    else log.info({ callerNumber, dialed: call.dialed }, 'call arrived');
    if (!resume?.recorded) publishFor(call, this.d.bus, 'call.arrived', { callId, channelId, callerNumber, dialedNumber: call.dialed, at: at.getTime() });
    // a restart finds the call again through this variable (reconciliation)
    if (!resume) void this.d.telephony.setVariable(channelId, CALL_ID_VARIABLE, callId).catch(() => {});
    this.sessions.set(callId, { state: initialIvrState(), timers: new Map() });
    this.step(call, { type: 'started' });
  }

  private step(call: LiveCall, event: IvrEvent): void {
    const session = this.sessions.get(call.callId);
    if (!session) return;
    // waiting for Asterisk to be back (catchUpAfterGap); only the caller's hang-up still counts
    if (session.stalled && event.type !== 'hung_up') return;
    let next: ReturnType<typeof ivrStep>;
    try {
      next = ivrStep(this.d.flow, session.state, event, () => randomUUID());
    } catch (err) {
      // a broken flow must never strand a citizen: hand the call to an agent
      call.log.error({ err, event: event.type }, 'IVR flow failed; sending the caller to the queue');
      this.end(call.callId);
      if (call.stage === 'ivr') void this.d.queue.enqueue(call, 'general');
      return;
    }
    session.state = next.state;
    for (const c of next.commands) this.execute(call, session, c);
  }

  private execute(call: LiveCall, session: Session, c: IvrCommand): void {
    const t = this.d.telephony;
    const failed = (what: string, playbackId?: string) => (err: unknown) => {
      if (!this.sessions.has(call.callId)) return; // the caller is gone or with an agent
      call.log.warn({ err: String(err) }, `IVR ${what} failed`);
      if (what === 'answer' && err instanceof ChannelGoneError) {
        // gone before it could be answered (its hang-up may have come before we knew the call): it ends here
        this.handleTelephony({ type: 'channel_gone', channelId: call.channelId, cause: 16, causeText: 'gone before it was answered', at: new Date() });
        return;
      }
      if (err instanceof TelephonyUnavailableError) {
        // not the caller's doing: rushing on through prompts nobody hears would queue a call never answered
        session.stalled = true;
        return;
      }
      if (playbackId) this.step(call, { type: 'playback_failed', playbackId });
    };
    switch (c.type) {
      case 'answer':
        void t
          .answer(call.channelId)
          .then(() => this.d.onAnswered?.(call))
          .catch(failed('answer'));
        return;
      case 'play': {
        const media = 'prompt' in c.media ? `sound:${this.d.prompts[c.media.prompt as keyof PromptSet]}` : c.media.audio;
        void t.play(call.channelId, media, c.playbackId).catch(failed('play', c.playbackId));
        return;
      }
      case 'say':
        void this.d.tts
          .synthesize(c.text)
          .then((file) => t.play(call.channelId, `sound:${this.d.mediaPath(file)}`, c.playbackId))
          .catch(failed('text-to-speech', c.playbackId));
        return;
      case 'stop_playback':
        void t.stopPlayback(c.playbackId).catch(() => {});
        return;
      case 'start_timer': {
        const timer = setTimeout(() => {
          session.timers.delete(c.timerId);
          this.step(call, { type: 'timeout', timerId: c.timerId });
        }, c.ms);
        timer.unref();
        session.timers.set(c.timerId, timer);
        return;
      }
      case 'cancel_timer':
        clearTimeout(session.timers.get(c.timerId));
        session.timers.delete(c.timerId);
        return;
      case 'lookup_order':
        void this.d
          .lookupOrder(c.code)
          .catch((err): LookupResult => {
            call.log.warn({ err: String(err), code: c.code }, 'order look-up failed');
            return { found: false, failed: true };
          })
          .then((result) => this.step(call, { type: 'lookup_result', lookupId: c.lookupId, result }));
        return;
      case 'enqueue':
        void this.handOver(call, this.d.queueFor(call, c.queue, c.skillHint)).catch(failed('enqueue'));
        return;
      case 'pause_queue':
        void t.stopMusicOnHold(call.channelId).catch(() => {});
        return;
      case 'resume_queue':
        void t.startMusicOnHold(call.channelId).catch(failed('music on hold'));
        return;
      case 'transfer':
        // blind transfers to outside numbers arrive with the transfer feature; until then an agent helps
        call.log.warn({ number: c.number }, 'IVR transfer is not available; queueing the call instead');
        if (call.stage === 'ivr') void this.d.queue.enqueue(call, 'general');
        return;
      case 'hangup':
        void t.hangup(call.channelId).catch(() => {});
        return;
      case 'report':
        call.log.info({ ivr: c.outcome }, 'IVR outcome');
        for (const l of this.outcomeListeners) l(call.callId, c.outcome);
        return;
    }
  }

  /**
   * Hands the call to the queue only while Asterisk still has the caller. A caller who hangs up during a prompt
   * reaches us first as the prompt's end (the flow moves on to the queue) and a moment later as the channel's
   * end: handing over at once would queue a caller who is gone, a ghost the engine keeps offering to agents.
   * Starting the hold music first takes a round trip to Asterisk, in which that hang-up arrives and is ended
   * here, in the IVR; a channel already gone for Asterisk is never handed over (its end is on its way).
   */
  private async handOver(call: LiveCall, queue: string): Promise<void> {
    const gone = await this.d.telephony.startMusicOnHold(call.channelId).then(
      () => false,
      (err: unknown) => {
        if (err instanceof ChannelGoneError) return true;
        call.log.warn({ err: String(err) }, 'music on hold failed before the hand-over to the queue');
        return false;
      },
    );
    if (!this.sessions.has(call.callId) || call.stage !== 'ivr') return;
    if (gone) {
      call.log.info('caller gone as the IVR handed the call to the queue; not queued');
      return;
    }
    await this.d.queue.enqueue(call, queue);
    this.step(call, { type: 'queued' });
  }

  private end(callId: string): void {
    const session = this.sessions.get(callId);
    if (!session) return;
    session.timers.forEach((timer) => clearTimeout(timer));
    this.sessions.delete(callId);
  }
}
