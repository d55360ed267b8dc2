// Position and expected wait, told to a waiting caller in Mandarin: first when they have waited past the 15-second
// answer target, then at intervals (「您前面还有3位来电，预计等待约4分钟。」, acd/figures.ts). Music on hold stops for
// the readout and comes back after it. Not while a callback offer is talking to the caller.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { TextToSpeech } from '../telephony/tts.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { waitAnnouncementZh, type WaitEstimate } from './figures.js';
import type { LiveCalls } from './live-calls.js';

export interface WaitAnnouncerDeps {
  telephony: CallControl;
  calls: LiveCalls;
  tts: TextToSpeech;
  /** A synthesised file's path as Asterisk plays it (e.g. without the chroot prefix). */
  mediaPath: (file: string) => string;
  /** The engine's estimate for a waiting call; undefined once it is not waiting any more. */
  estimate(callId: string): WaitEstimate | undefined;
  /** Something else is talking to the caller right now (a callback offer): skip this round. */
  busy(callId: string): boolean;
  firstAfterMs: number;
  everyMs: number;
  log: Logger;
}

export class WaitAnnouncer {
  private readonly timers = new Map<string, NodeJS.Timeout>(); // by callId
  private readonly playing = new Map<string, string>(); // playbackId → callId

  constructor(private readonly d: WaitAnnouncerDeps) {}

  /** Follows the call events: a queued call is told its place until it is answered or gone. */
  subscribe(bus: CallEventBus): () => void {
    const offs = [
      bus.on('call.queued', (e) => this.queued(e.callId)),
      bus.on('call.answered', (e) => this.ended(e.callId)),
      bus.on('call.ended', (e) => this.ended(e.callId)),
    ];
    return () => offs.forEach((off) => off());
  }

  queued(callId: string): void {
    this.schedule(callId, this.d.firstAfterMs);
  }

  /** The call left the queue (answered, abandoned, callback): no more announcements. */
  ended(callId: string): void {
    clearTimeout(this.timers.get(callId));
    this.timers.delete(callId);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Our readout ended: the caller, still waiting, hears music again. */
  handleTelephony(ev: TelephonyEvent): boolean {
    if (ev.type !== 'playback_finished') return false;
    const callId = this.playing.get(ev.playbackId);
    if (callId === undefined) return false;
    this.playing.delete(ev.playbackId);
    const call = this.d.calls.get(callId);
    if (call?.stage === 'queue' && !this.d.busy(callId)) {
      void this.d.telephony.startMusicOnHold(call.channelId).catch((err) => call.log.warn({ err: String(err) }, 'music on hold after the wait readout failed'));
    }
    return true;
  }

  /** After an ARI gap: a readout that ended meanwhile told nobody; its caller gets the music back. Returns how many. */
  async catchUpAfterGap(): Promise<number> {
    let caughtUp = 0;
    for (const [playbackId, callId] of [...this.playing]) {
      const playing = await this.d.telephony.playbackExists(playbackId).catch(() => true);
      if (playing || this.playing.get(playbackId) !== callId) continue;
      const call = this.d.calls.get(callId);
      caughtUp++;
      this.handleTelephony({ type: 'playback_finished', playbackId, channelId: call?.channelId ?? '', at: new Date() });
    }
    return caughtUp;
  }

  private schedule(callId: string, ms: number): void {
    clearTimeout(this.timers.get(callId));
    const timer = setTimeout(() => void this.announce(callId), ms);
    timer.unref();
    this.timers.set(callId, timer);
  }

  private async announce(callId: string): Promise<void> {
    this.timers.delete(callId);
    const call = this.d.calls.get(callId);
    const estimate = this.d.estimate(callId);
    if (!call || call.stage !== 'queue' || !estimate) return;
    this.schedule(callId, this.d.everyMs);
    if (this.d.busy(callId)) return;
    const text = waitAnnouncementZh(estimate);
    const playbackId = `wait-${randomUUID()}`;
    try {
      const file = await this.d.tts.synthesize(text);
      if (call.stage !== 'queue' || this.d.busy(callId)) return;
      await this.d.telephony.stopMusicOnHold(call.channelId).catch(() => {});
      this.playing.set(playbackId, callId);
      await this.d.telephony.play(call.channelId, `sound:${this.d.mediaPath(file)}`, playbackId);
      call.log.info({ position: estimate.position, estimatedWaitMs: estimate.estimatedWaitMs, text }, 'position announced');
    } catch (err) {
      this.playing.delete(playbackId);
      call.log.warn({ err: String(err) }, 'position announcement failed');
      if (call.stage === 'queue') void this.d.telephony.startMusicOnHold(call.channelId).catch(() => {});
    }
  }
}
