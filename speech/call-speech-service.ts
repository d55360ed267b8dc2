// Listens to every citizen's side of the call from the moment it is answered: the caller's audio is tapped
// (snoop + chan_websocket, telephony/) into the keyword spotter. An emergency word flags the call as 疑似紧急 and
// alerts supervisors; a routing word (社保, 公积金 …) becomes a skill hint for the queue. Without the model the
// hotline runs as before (a clear line at start-up says so).
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
    try {
      entry.audio = await this.d.telephony.startAudioTap(channelId, 'in', (pcm) => {
        if (entry.bytes === 0) log.debug({ frameBytes: pcm.length }, 'caller audio reaches the keyword spotter');
        entry.bytes += pcm.length;
        speech.handleMessage(pcm, true);
      });
      log.debug('listening to the caller for keywords');
    } catch (err) {
      log.warn({ err: String(err) }, 'could not tap the caller audio; no keyword spotting on this call');
      this.stop(callId);
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
