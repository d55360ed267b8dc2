// One call side's speech pipeline, fed with what Asterisk's chan_websocket sends (externalMedia transport=websocket
// encapsulation=none connection_type=server format=slin16): a MEDIA_START text frame, then binary frames of
// little-endian 16-bit PCM (640 B = 20 ms at 16 kHz; format=slin gives 8 kHz, 320 B). The tap converts to 16 kHz
// Float32 and feeds the keyword spotter, the voice activity detector and a streaming recognizer, each optional,
// and emits typed events. It holds no socket: the telephony side owns the WebSocket and calls handleMessage().
//
//   const tap = new CallSpeechTap({ callId, speaker: 'caller', spotter, vad: true, recognizer });
//   tap.on('keyword', (k) => …).on('final', (t) => …);
//   ws.on('message', (data, isBinary) => tap.handleMessage(data, isBinary));
//   ws.on('close', () => void tap.close());
import { EventEmitter } from 'node:events';
import { PcmFramer, frameBytes, parseMediaStart, pcm16leToFloat32, toSpeechRate } from './audio.js';
import type { MediaStart, TelephonySampleRate, ToSpeechRate } from './audio.js';
import type { KeywordHit, KeywordSpotter, KeywordStream } from './keyword-spotter.js';
import { SpeechError } from './models.js';
import type { RecognitionStream, Speaker, StreamingRecognizer, TranscriptEvent } from './recognizer.js';
import { VoiceActivityDetector } from './vad.js';
import type { VadOptions } from './vad.js';

export interface KeywordHeard extends KeywordHit {
  callId: string;
  speaker: Speaker;
}

export interface SpeechActivity {
  callId: string;
  speaker: Speaker;
  startMs: number;
  endMs: number;
}

export interface TapEvents {
  mediaStart: [MediaStart];
  keyword: [KeywordHeard];
  speech: [SpeechActivity];
  partial: [TranscriptEvent];
  final: [TranscriptEvent];
  error: [SpeechError];
  close: [];
}

export interface CallSpeechTapOptions {
  callId: string;
  speaker: Speaker;
  /** Shared spotter (one per process); null/absent: no keyword spotting. */
  spotter?: KeywordSpotter | null;
  /** true or options: a VAD for this tap; absent: none. */
  vad?: boolean | VadOptions;
  /** Shared recognizer; a stream is started for this tap. */
  recognizer?: StreamingRecognizer | null;
  /** Rate of the PCM until MEDIA_START says otherwise (default 16 kHz, format=slin16). */
  sampleRate?: TelephonySampleRate;
}

export class CallSpeechTap extends EventEmitter {
  readonly callId: string;
  readonly speaker: Speaker;
  private rate: TelephonySampleRate;
  private framer: PcmFramer;
  private convert: ToSpeechRate;
  private readonly keywords: KeywordStream | null;
  private readonly vad: VoiceActivityDetector | null;
  private readonly recognition: RecognitionStream | null;
  private closing: Promise<void> | null = null;
  private receivedBytes = 0;

  constructor(options: CallSpeechTapOptions) {
    super();
    this.callId = options.callId;
    this.speaker = options.speaker;
    this.rate = options.sampleRate ?? 16_000;
    this.framer = new PcmFramer(frameBytes(this.rate));
    this.convert = toSpeechRate(this.rate);
    this.keywords = options.spotter ? options.spotter.createStream() : null;
    this.vad = options.vad === undefined || options.vad === false ? null : new VoiceActivityDetector(options.vad === true ? {} : options.vad);
    this.recognition = options.recognizer ? options.recognizer.start(this.callId, this.speaker) : null;
    if (this.recognition !== null) {
      this.recognition.on('partial', (t) => this.safeEmit('partial', t));
      this.recognition.on('final', (t) => this.safeEmit('final', t));
      this.recognition.on('error', (e) => this.safeEmit('error', e));
    }
  }

  override on<E extends keyof TapEvents>(event: E, listener: (...args: TapEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  /** Seconds of call audio received so far. */
  get receivedSeconds(): number {
    return this.receivedBytes / 2 / this.rate;
  }

  /** A WebSocket message from chan_websocket: MEDIA_START (and other control text) or PCM. */
  handleMessage(data: Buffer | ArrayBuffer | Buffer[] | string, isBinary: boolean): void {
    const buf = typeof data === 'string' ? Buffer.from(data) : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
    if (!isBinary) {
      const start = parseMediaStart(buf.toString('utf8'));
      if (start !== null) {
        if (start.sampleRate !== null && start.sampleRate !== this.rate) this.setRate(start.sampleRate);
        else if (start.format !== null && start.sampleRate === null) {
          this.safeEmit(
            'error',
            new SpeechError('SPEECH_CONFIG_INVALID', `call ${this.callId}: media format ${start.format} is not signed linear (use format=slin16)`),
          );
        }
        this.safeEmit('mediaStart', start);
      }
      return;
    }
    this.pushPcm(buf);
  }

  /** Little-endian 16-bit PCM at the tap's rate, any chunking. */
  pushPcm(pcm: Uint8Array): void {
    if (this.closing !== null) return;
    this.receivedBytes += pcm.byteLength;
    for (const frame of this.framer.push(pcm)) this.pushSamples(this.convert.process(pcm16leToFloat32(frame)));
  }

  /** 16 kHz Float32 samples (already converted). */
  pushSamples(pcm16k: Float32Array): void {
    if (this.keywords !== null) {
      for (const hit of this.keywords.accept(pcm16k)) this.safeEmit('keyword', { ...hit, callId: this.callId, speaker: this.speaker });
    }
    if (this.vad !== null) {
      for (const s of this.vad.accept(pcm16k)) this.safeEmit('speech', { callId: this.callId, speaker: this.speaker, startMs: s.startMs, endMs: s.endMs });
    }
    this.recognition?.write(pcm16k);
  }

  /** Flushes everything, ends the recognition stream; resolves after the last event. Idempotent. */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closing = (async () => {
      const rest = this.framer.flush();
      if (rest !== null) this.pushSamples(this.convert.process(pcm16leToFloat32(rest)));
      if (this.keywords !== null) for (const hit of this.keywords.end()) this.safeEmit('keyword', { ...hit, callId: this.callId, speaker: this.speaker });
      if (this.vad !== null) {
        for (const s of this.vad.flush()) this.safeEmit('speech', { callId: this.callId, speaker: this.speaker, startMs: s.startMs, endMs: s.endMs });
      }
      if (this.recognition !== null) await this.recognition.end();
      this.safeEmit('close');
    })();
    return this.closing;
  }

  private setRate(rate: TelephonySampleRate): void {
    const rest = this.framer.flush();
    if (rest !== null) this.pushSamples(this.convert.process(pcm16leToFloat32(rest)));
    this.rate = rate;
    this.framer = new PcmFramer(frameBytes(rate));
    this.convert = toSpeechRate(rate);
  }

  private safeEmit<E extends keyof TapEvents>(event: E, ...args: TapEvents[E]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: TapEvents[E]) => void)(...args);
      } catch (err) {
        if (event !== 'error')
          this.safeEmit('error', new SpeechError('SPEECH_RECOGNIZER_FAILED', `a '${event}' listener threw: ${String(err)}`, { cause: err }));
      }
    }
  }
}
