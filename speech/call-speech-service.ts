// Listens to every citizen's side of the call from the moment it is answered: the caller's audio is tapped
// (snoop + chan_websocket, telephony/) into the keyword spotter. An emergency word flags the call as 疑似紧急 and
// alerts supervisors; a routing word (社保, 公积金 …) becomes a skill hint for the queue. Without the model the
// hotline runs as before (a clear line at start-up says so).
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { AudioTap, CallControl } from '../telephony/call-control.js';
import type { KeywordSpotter } from './keyword-spotter.js';
import { CallSpeechTap, type KeywordHeard } from './tap.js';

interface Listening {
  audio: AudioTap | null;
  speech: CallSpeechTap;
  bytes: number;
  log: Logger;
}

/** Attempts to tap a caller's audio before the call goes on without keyword spotting. */
const TAP_ATTEMPTS = 3;
const TAP_RETRY_MS = 1000;

export class CallSpeechService {
  private readonly calls = new Map<string, Listening>(); // by callId

  constructor(
    private readonly d: {
      telephony: CallControl;
      spotter: KeywordSpotter;
      log: Logger;
      onKeyword: (hit: KeywordHeard) => void;
    },
  ) {}

  /** Starts listening to the caller; failures are logged and leave the call as it is. */
  async listen(callId: string, channelId: string, log: Logger): Promise<void> {
    if (this.calls.has(callId)) return;
    const speech = new CallSpeechTap({ callId, speaker: 'caller', spotter: this.d.spotter, sampleRate: 16_000 });
    speech.on('keyword', (hit: KeywordHeard) => {
      log.info({ keyword: hit.keyword, category: hit.category, atMs: hit.atMs }, 'keyword heard');
      this.d.onKeyword(hit);
    });
    speech.on('error', (err) => log.warn({ err: String(err) }, 'speech tap error'));
    const entry: Listening = { audio: null, speech, bytes: 0, log };
    this.calls.set(callId, entry);
    // under load (a busy machine, a burst of calls) the tap's channels can enter the application late and the
    // first attempt fail: an emergency word must still be heard, so the tap is tried again while the call lasts
    for (let attempt = 1; ; attempt++) {
      try {
        const audio = await this.d.telephony.startAudioTap(channelId, 'in', (pcm) => {
          if (entry.bytes === 0) log.debug({ frameBytes: pcm.length }, 'caller audio reaches the keyword spotter');
          entry.bytes += pcm.length;
          speech.handleMessage(pcm, true);
        });
        if (this.calls.get(callId) !== entry) {
          void audio.stop(); // the caller hung up while the tap was being set up
          return;
        }
        entry.audio = audio;
        log.debug({ attempt }, 'listening to the caller for keywords');
        return;
      } catch (err) {
        const again = attempt < TAP_ATTEMPTS && this.calls.get(callId) === entry;
        log.warn(
          { err: String(err), attempt, again },
          again ? 'could not tap the caller audio; trying again' : 'could not tap the caller audio; no keyword spotting on this call',
        );
        if (!again) {
          this.stop(callId);
          return;
        }
        await delay(TAP_RETRY_MS * attempt);
        if (this.calls.get(callId) !== entry) return;
      }
    }
  }

  stop(callId: string): void {
    const entry = this.calls.get(callId);
    if (!entry) return;
    this.calls.delete(callId);
    entry.log.debug({ seconds: entry.bytes / 32_000 }, 'stopped listening to the caller');
    void entry.audio?.stop();
    void entry.speech.close();
  }
}
