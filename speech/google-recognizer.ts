// StreamingRecognizer on Google Cloud Speech-to-Text v1 StreamingRecognize (gRPC): LINEAR16 at 8 or 16 kHz,
// zh-CN, a telephony model, interim results. Credentials are Google's usual ones (GOOGLE_APPLICATION_CREDENTIALS
// or the workload's identity). The endpoint is configurable so that tests (and private gateways) can point it at
// a local server over plaintext gRPC.
//
// Google ends a streaming call after about five minutes of audio; a stream here rolls over to a new gRPC call
// before that (maxStreamSeconds), so a long 12345 call is transcribed whole, with times continuing across calls.
import type { Duplex } from 'node:stream';
import { Downsampler2x, SPEECH_SAMPLE_RATE, float32ToPcm16le } from './audio.js';
import { SpeechError } from './models.js';
import { RecognitionStreamBase } from './recognizer.js';
import type { RecognitionStream, Speaker, StreamingRecognizer } from './recognizer.js';

export interface GoogleRecognizerOptions {
  /** BCP-47 language (default zh-CN). */
  languageCode?: string;
  /** Recognition model (default telephony). If Google rejects it for the language, try latest_long or default. */
  model?: string;
  /** Sample rate sent to Google (default 16000; 8000 halves the bandwidth for narrow-band calls). */
  sampleRateHertz?: 8000 | 16000;
  /** Automatic punctuation (default true). */
  punctuation?: boolean;
  /** Phrase hints (speech adaptation), e.g. district and street names. */
  phraseHints?: readonly string[];
  /** host (default speech.googleapis.com) */
  apiEndpoint?: string;
  /** default 443 */
  port?: number;
  /** Plaintext gRPC (local test servers and gateways only). */
  insecure?: boolean;
  /** Service-account key file; default: Google's application default credentials. */
  keyFilename?: string;
  projectId?: string;
  /** Roll over to a new gRPC stream after this much audio (default 280 s; Google's limit is about 305 s). */
  maxStreamSeconds?: number;
}

/**
 * Options from the environment: GOOGLE_SPEECH_ENDPOINT (host or host:port), GOOGLE_SPEECH_INSECURE=1,
 * GOOGLE_SPEECH_MODEL, GOOGLE_SPEECH_LANGUAGE, GOOGLE_SPEECH_SAMPLE_RATE (8000|16000). Credentials stay with
 * GOOGLE_APPLICATION_CREDENTIALS, read by Google's library itself.
 */
export function googleOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): GoogleRecognizerOptions {
  const o: GoogleRecognizerOptions = {};
  const endpoint = env['GOOGLE_SPEECH_ENDPOINT'];
  if (endpoint !== undefined && endpoint !== '') {
    const m = /^(.*?)(?::(\d+))?$/.exec(endpoint)!;
    o.apiEndpoint = m[1]!;
    if (m[2] !== undefined) o.port = Number(m[2]);
  }
  if (env['GOOGLE_SPEECH_INSECURE'] === '1' || env['GOOGLE_SPEECH_INSECURE'] === 'true') o.insecure = true;
  if (env['GOOGLE_SPEECH_MODEL']) o.model = env['GOOGLE_SPEECH_MODEL'];
  if (env['GOOGLE_SPEECH_LANGUAGE']) o.languageCode = env['GOOGLE_SPEECH_LANGUAGE'];
  const rate = env['GOOGLE_SPEECH_SAMPLE_RATE'];
  if (rate === '8000' || rate === '16000') o.sampleRateHertz = Number(rate) as 8000 | 16000;
  return o;
}

/** The first StreamingRecognizeRequest: what Google is told about the audio. */
export function googleStreamingConfig(options: GoogleRecognizerOptions = {}): object {
  const config: Record<string, unknown> = {
    encoding: 'LINEAR16',
    sampleRateHertz: options.sampleRateHertz ?? SPEECH_SAMPLE_RATE,
    audioChannelCount: 1,
    languageCode: options.languageCode ?? 'zh-CN',
    model: options.model ?? 'telephony',
    enableAutomaticPunctuation: options.punctuation ?? true,
    maxAlternatives: 1,
  };
  if (options.phraseHints !== undefined && options.phraseHints.length > 0) config['speechContexts'] = [{ phrases: [...options.phraseHints] }];
  return { config, interimResults: true, singleUtterance: false };
}

/** The slice of the v1 SpeechClient used here. */
interface SpeechClientLike {
  _streamingRecognize(): Duplex;
  close(): Promise<void>;
}

interface StreamingResponse {
  results?: {
    alternatives?: { transcript?: string | null; confidence?: number | null }[] | null;
    isFinal?: boolean | null;
    stability?: number | null;
    resultEndTime?: { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null;
  }[];
  error?: { code?: number; message?: string } | null;
}

export class GoogleStreamingRecognizer implements StreamingRecognizer {
  readonly engine = 'google-v1';
  private readonly open = new Set<GoogleRecognitionStream>();

  private constructor(
    private readonly client: SpeechClientLike,
    readonly options: GoogleRecognizerOptions,
  ) {}

  /** Creates the client (no network traffic until a stream starts). */
  static async create(options: GoogleRecognizerOptions = {}): Promise<GoogleStreamingRecognizer> {
    const speech = await import('@google-cloud/speech');
    const clientOptions: Record<string, unknown> = {};
    if (options.apiEndpoint !== undefined) clientOptions['apiEndpoint'] = options.apiEndpoint;
    if (options.port !== undefined) clientOptions['port'] = options.port;
    if (options.keyFilename !== undefined) clientOptions['keyFilename'] = options.keyFilename;
    if (options.projectId !== undefined) clientOptions['projectId'] = options.projectId;
    if (options.insecure === true) {
      const grpc = await import('@grpc/grpc-js');
      clientOptions['sslCreds'] = grpc.credentials.createInsecure();
      // with explicit channel credentials Google's auth library is not needed: tell it the universe so that it
      // does not go looking for credentials (or a metadata server) on its own
      clientOptions['universeDomain'] = 'googleapis.com';
    }
    const Client = speech.v1.SpeechClient as unknown as new (o: object) => SpeechClientLike;
    return new GoogleStreamingRecognizer(new Client(clientOptions), options);
  }

  start(callId: string, speaker: Speaker): RecognitionStream {
    const stream = new GoogleRecognitionStream(callId, speaker, this.engine, this.client, this.options, () => this.open.delete(stream));
    this.open.add(stream);
    return stream;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.end()));
    await this.client.close();
  }
}

interface CallSlot {
  offsetMs: number;
  done: boolean;
  queue: StreamingResponse[];
}

class GoogleRecognitionStream extends RecognitionStreamBase {
  private call: Duplex | null = null;
  /** Audio ms sent on earlier gRPC calls of this stream (result times are relative to each call). */
  private callOffsetMs = 0;
  private callAudioMs = 0;
  private lastFinalEndMs = 0;
  private readonly downsampler: Downsampler2x | null;
  private readonly rate: number;
  private readonly maxCallMs: number;
  private ending: Promise<void> | null = null;
  private readonly callsDone = new Set<Promise<void>>();
  /** Open gRPC calls of this stream, oldest first: results are delivered in call order. */
  private readonly slots: CallSlot[] = [];

  constructor(
    callId: string,
    speaker: Speaker,
    engine: string,
    private readonly client: SpeechClientLike,
    private readonly options: GoogleRecognizerOptions,
    private readonly onClosed: () => void,
  ) {
    super(callId, speaker, engine);
    this.rate = options.sampleRateHertz ?? SPEECH_SAMPLE_RATE;
    this.downsampler = this.rate === 8000 ? new Downsampler2x() : null;
    this.maxCallMs = (options.maxStreamSeconds ?? 280) * 1000;
  }

  write(pcm16k: Float32Array): void {
    if (this.closed || pcm16k.length === 0) return;
    if (this.call !== null && this.callAudioMs >= this.maxCallMs) this.rollOver();
    const call = this.call ?? this.openCall();
    const samples = this.downsampler === null ? pcm16k : this.downsampler.process(pcm16k);
    this.callAudioMs += (pcm16k.length * 1000) / SPEECH_SAMPLE_RATE;
    call.write({ audioContent: float32ToPcm16le(samples) });
  }

  end(): Promise<void> {
    if (this.ending !== null) return this.ending;
    this.markClosed();
    const call = this.call;
    this.call = null;
    call?.end();
    this.ending = Promise.all([...this.callsDone]).then(() => {
      this.onClosed();
      this.emitClose();
    });
    return this.ending;
  }

  /** Half-closes the current gRPC call (its last finals still arrive) and lets the next write open a new one. */
  private rollOver(): void {
    const call = this.call;
    this.call = null;
    call?.end();
    this.callOffsetMs += this.callAudioMs;
    this.callAudioMs = 0;
  }

  private openCall(): Duplex {
    const call = this.client._streamingRecognize();
    const slot: CallSlot = { offsetMs: this.callOffsetMs, done: false, queue: [] };
    this.slots.push(slot);
    this.call = call;
    const done = new Promise<void>((resolve) => {
      const finish = () => {
        if (slot.done) return;
        slot.done = true;
        this.drainSlots();
        resolve();
      };
      call.on('data', (response: StreamingResponse) => {
        // a rolled-over call's results wait until the call before it has said its last word
        if (this.slots[0] === slot) this.onResponse(response, slot.offsetMs);
        else slot.queue.push(response);
      });
      call.on('error', (err: Error & { code?: number; details?: string }) => {
        // a cancelled call we ended ourselves is not an error
        if (err.code !== 1) {
          const code = err.code === undefined ? '' : ` (gRPC status ${err.code})`;
          this.emitError(
            new SpeechError('SPEECH_RECOGNIZER_FAILED', `Google Speech failed for call ${this.callId}${code}: ${err.details ?? err.message}`, { cause: err }),
          );
        }
        if (this.call === call) this.call = null;
        this.markClosed();
        finish();
      });
      call.on('end', finish);
      call.on('close', finish);
    });
    this.callsDone.add(done);
    void done.then(() => this.callsDone.delete(done));
    call.write({ streamingConfig: googleStreamingConfig(this.options) });
    return call;
  }

  /** Drops finished calls from the head of the line and delivers what the next one had queued. */
  private drainSlots(): void {
    while (this.slots[0]?.done === true) {
      this.slots.shift();
      const next = this.slots[0];
      if (next !== undefined) for (const r of next.queue.splice(0)) this.onResponse(r, next.offsetMs);
    }
  }

  private onResponse(response: StreamingResponse, offsetMs: number): void {
    if (response.error && response.error.code) {
      this.emitError(new SpeechError('SPEECH_RECOGNIZER_FAILED', `Google Speech error ${response.error.code}: ${response.error.message ?? ''}`));
      return;
    }
    const results = response.results ?? [];
    let partial = '';
    for (const r of results) {
      const alt = r.alternatives?.[0];
      const text = (alt?.transcript ?? '').trim();
      const endMs = offsetMs + durationMs(r.resultEndTime);
      if (r.isFinal === true) {
        if (text !== '') this.emitTranscript(text, true, this.lastFinalEndMs, endMs, alt?.confidence ?? null);
        this.lastFinalEndMs = endMs;
      } else partial += text;
    }
    if (partial !== '') {
      const last = results[results.length - 1];
      this.emitTranscript(partial, false, this.lastFinalEndMs, offsetMs + durationMs(last?.resultEndTime));
    }
  }
}

function durationMs(d: { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null | undefined): number {
  if (d === null || d === undefined) return 0;
  const seconds = d.seconds === null || d.seconds === undefined ? 0 : Number(d.seconds.toString());
  return seconds * 1000 + (d.nanos ?? 0) / 1e6;
}
