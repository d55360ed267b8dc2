// The one streaming-recognition interface the rest of the hotline sees, whatever engine is behind it:
//
//   const stream = recognizer.start(callId, 'caller');
//   stream.on('partial', (t) => …).on('final', (t) => …).on('error', (e) => …);
//   stream.write(pcm16k);  …  await stream.end();
//
// Engines: sherpa-recognizer.ts (local sherpa-onnx streaming model) and google-recognizer.ts (Cloud Speech v1).
// Streams emit through `safeEmit`: a throwing listener is reported on 'error' (or swallowed) and never breaks
// the engine's loop; `end()` is idempotent and resolves once the last final is out and 'close' has fired.
import { EventEmitter } from 'node:events';
import { SpeechError } from './models.js';

export type Speaker = 'caller' | 'agent';

export interface TranscriptEvent {
  callId: string;
  speaker: Speaker;
  /** The engine's text so far (partial) or for the whole utterance (final). */
  text: string;
  isFinal: boolean;
  /** Start and end of the utterance in ms of this stream's audio (estimates where the engine does not say). */
  startMs: number;
  endMs: number;
  /** 0–1 where the engine gives one (Google finals), else null. */
  confidence: number | null;
  engine: string;
}

export interface RecognitionEvents {
  partial: [TranscriptEvent];
  final: [TranscriptEvent];
  error: [SpeechError];
  close: [];
}

export type RecognitionEventName = keyof RecognitionEvents;

export interface RecognitionStream {
  readonly callId: string;
  readonly speaker: Speaker;
  /** Whether end() was called or the stream failed. Writes after that are ignored. */
  readonly closed: boolean;
  /** 16 kHz mono Float32 samples in [-1, 1], any chunk size. */
  write(pcm16k: Float32Array): void;
  /** Ends the audio; resolves when the last final has been emitted and the stream is closed. Idempotent. */
  end(): Promise<void>;
  on<E extends RecognitionEventName>(event: E, listener: (...args: RecognitionEvents[E]) => void): this;
  off<E extends RecognitionEventName>(event: E, listener: (...args: RecognitionEvents[E]) => void): this;
}

export interface StreamingRecognizer {
  /** Engine name as it appears in TranscriptEvent.engine, e.g. sherpa-onnx or google-v1. */
  readonly engine: string;
  start(callId: string, speaker: Speaker): RecognitionStream;
  /** Releases the engine (open streams are ended first). */
  close(): Promise<void>;
}

/** Shared plumbing for engine streams: typed events, safe emission, idempotent close. */
export abstract class RecognitionStreamBase extends EventEmitter implements RecognitionStream {
  private closedFlag = false;
  private closeEmitted = false;

  constructor(
    readonly callId: string,
    readonly speaker: Speaker,
    readonly engine: string,
  ) {
    super();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  abstract write(pcm16k: Float32Array): void;
  abstract end(): Promise<void>;

  override on<E extends RecognitionEventName>(event: E, listener: (...args: RecognitionEvents[E]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override off<E extends RecognitionEventName>(event: E, listener: (...args: RecognitionEvents[E]) => void): this {
    return super.off(event, listener as (...args: unknown[]) => void);
  }

  protected markClosed(): void {
    this.closedFlag = true;
  }

  protected emitTranscript(text: string, isFinal: boolean, startMs: number, endMs: number, confidence: number | null = null): void {
    const event: TranscriptEvent = {
      callId: this.callId,
      speaker: this.speaker,
      text,
      isFinal,
      startMs: Math.round(startMs),
      endMs: Math.round(endMs),
      confidence,
      engine: this.engine,
    };
    this.safeEmit(isFinal ? 'final' : 'partial', event);
  }

  /** Emits 'error' if anyone listens (never throws for lack of a listener). */
  protected emitError(error: SpeechError): void {
    this.safeEmit('error', error);
  }

  /** Emits 'close' once. */
  protected emitClose(): void {
    this.markClosed();
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.safeEmit('close');
  }

  protected safeEmit<E extends RecognitionEventName>(event: E, ...args: RecognitionEvents[E]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...a: RecognitionEvents[E]) => void)(...args);
      } catch (err) {
        if (event !== 'error') {
          this.safeEmit('error', new SpeechError('SPEECH_RECOGNIZER_FAILED', `a '${event}' listener threw: ${String(err)}`, { cause: err }));
        }
      }
    }
  }
}
