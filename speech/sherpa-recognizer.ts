// StreamingRecognizer on a local sherpa-onnx streaming model (OnlineRecognizer). The operator supplies a
// Mandarin streaming model folder (speech/README.md lists suitable ones); its kind is read from the files in it:
//   transducer     encoder*.onnx + decoder*.onnx + joiner*.onnx + tokens.txt  (streaming zipformer zh / zh-en)
//   paraformer     encoder*.onnx + decoder*.onnx + tokens.txt, no joiner       (streaming paraformer zh-en)
//   zipformer2Ctc  one ctc*.onnx or model*.onnx + tokens.txt                   (streaming zipformer CTC zh)
// Start-up validation names the folder, the kind it expected and every file it did not find.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPEECH_SAMPLE_RATE } from './audio.js';
import { HOW_TO_OBTAIN, SpeechError, isDirectory, isFile, requireModelFiles } from './models.js';
import { RecognitionStreamBase } from './recognizer.js';
import type { RecognitionStream, Speaker, StreamingRecognizer } from './recognizer.js';
import { loadSherpa } from './sherpa.js';
import type { SherpaOnlineRecognizer, SherpaOnlineStream } from './sherpa.js';

export type StreamingModelKind = 'transducer' | 'paraformer' | 'zipformer2Ctc';

export interface StreamingModelFiles {
  kind: StreamingModelKind;
  dir: string;
  tokens: string;
  encoder?: string;
  decoder?: string;
  joiner?: string;
  model?: string;
}

export interface SherpaRecognizerOptions {
  /** The streaming model folder (required; e.g. from SPEECH_ASR_MODEL_DIR). */
  modelDir: string;
  /** Default: read from the files present. */
  kind?: StreamingModelKind;
  /** Prefer *.int8.onnx files where both exist (default true: 2–3× faster on CPU, little accuracy lost). */
  preferInt8?: boolean;
  numThreads?: number;
  decodingMethod?: 'greedy_search' | 'modified_beam_search';
  /** Trailing silence (s) that ends an utterance with nothing decoded yet / after some text / max utterance length. */
  endpoint?: { rule1MinTrailingSilence?: number; rule2MinTrailingSilence?: number; rule3MinUtteranceLength?: number };
}

const ROLE_PATTERNS = {
  encoder: /^encoder.*\.onnx$/,
  decoder: /^decoder.*\.onnx$/,
  joiner: /^joiner.*\.onnx$/,
  ctc: /^(ctc|model).*\.onnx$/,
} as const;

/**
 * Finds a streaming model's files in a folder and decides its kind. Throws SpeechError SPEECH_MODEL_MISSING naming
 * the folder and each missing file (pattern) for the kind asked for, or for every kind when none fits.
 */
export function resolveStreamingModel(dir: string, options: { kind?: StreamingModelKind; preferInt8?: boolean } = {}): StreamingModelFiles {
  const what = 'streaming recognizer';
  if (!isDirectory(dir)) throw new SpeechError('SPEECH_MODEL_MISSING', `${what}: model folder ${dir} does not exist — ${HOW_TO_OBTAIN.asr}`);
  const files = readdirSync(dir).filter((f) => isFile(join(dir, f)));
  const preferInt8 = options.preferInt8 ?? true;
  const pick = (pattern: RegExp): string | undefined => {
    const found = files.filter((f) => pattern.test(f)).sort();
    const int8 = found.filter((f) => f.includes('.int8.'));
    const full = found.filter((f) => !f.includes('.int8.'));
    const chosen = preferInt8 ? (int8[0] ?? full[0]) : (full[0] ?? int8[0]);
    return chosen === undefined ? undefined : join(dir, chosen);
  };
  const tokens = files.includes('tokens.txt') ? join(dir, 'tokens.txt') : undefined;
  const encoder = pick(ROLE_PATTERNS.encoder);
  const decoder = pick(ROLE_PATTERNS.decoder);
  const joiner = pick(ROLE_PATTERNS.joiner);
  const ctc = pick(ROLE_PATTERNS.ctc);
  const needs: Record<StreamingModelKind, [string, string | undefined][]> = {
    transducer: [
      ['encoder*.onnx', encoder],
      ['decoder*.onnx', decoder],
      ['joiner*.onnx', joiner],
      ['tokens.txt', tokens],
    ],
    paraformer: [
      ['encoder*.onnx', encoder],
      ['decoder*.onnx', decoder],
      ['tokens.txt', tokens],
    ],
    zipformer2Ctc: [
      ['ctc*.onnx or model*.onnx', ctc],
      ['tokens.txt', tokens],
    ],
  };
  const missingFor = (kind: StreamingModelKind) => needs[kind].filter(([, f]) => f === undefined).map(([name]) => name);
  const kind: StreamingModelKind | undefined =
    options.kind ??
    (joiner !== undefined ? 'transducer' : encoder !== undefined && decoder !== undefined ? 'paraformer' : ctc !== undefined ? 'zipformer2Ctc' : undefined);
  if (kind === undefined) {
    throw new SpeechError(
      'SPEECH_MODEL_MISSING',
      `${what}: ${dir} holds no streaming model — a transducer needs ${needs.transducer.map(([n]) => n).join(', ')}; ` +
        `a paraformer needs ${needs.paraformer.map(([n]) => n).join(', ')}; a zipformer2 CTC model needs ${needs.zipformer2Ctc
          .map(([n]) => n)
          .join(', ')} (found: ${files.length === 0 ? 'nothing' : files.join(', ')}) — ${HOW_TO_OBTAIN.asr}`,
    );
  }
  const missing = missingFor(kind);
  if (missing.length > 0) {
    throw new SpeechError('SPEECH_MODEL_MISSING', `${what}: ${kind} model in ${dir} is missing ${missing.join(', ')} — ${HOW_TO_OBTAIN.asr}`);
  }
  const result: StreamingModelFiles = { kind, dir, tokens: tokens! };
  if (kind === 'zipformer2Ctc') result.model = ctc!;
  else {
    result.encoder = encoder!;
    result.decoder = decoder!;
    if (kind === 'transducer') result.joiner = joiner!;
  }
  return result;
}

/** The OnlineRecognizer configuration for a resolved model (exported for tests and diagnostics). */
export function onlineRecognizerConfig(model: StreamingModelFiles, options: Omit<SherpaRecognizerOptions, 'modelDir'> = {}): object {
  const modelConfig: Record<string, unknown> = {
    tokens: model.tokens,
    numThreads: options.numThreads ?? 1,
    provider: 'cpu',
    debug: 0,
  };
  if (model.kind === 'transducer') modelConfig['transducer'] = { encoder: model.encoder, decoder: model.decoder, joiner: model.joiner };
  else if (model.kind === 'paraformer') modelConfig['paraformer'] = { encoder: model.encoder, decoder: model.decoder };
  else modelConfig['zipformer2Ctc'] = { model: model.model };
  return {
    featConfig: { sampleRate: SPEECH_SAMPLE_RATE, featureDim: 80 },
    modelConfig,
    decodingMethod: options.decodingMethod ?? 'greedy_search',
    maxActivePaths: 4,
    enableEndpoint: 1,
    rule1MinTrailingSilence: options.endpoint?.rule1MinTrailingSilence ?? 2.4,
    rule2MinTrailingSilence: options.endpoint?.rule2MinTrailingSilence ?? 0.8,
    rule3MinUtteranceLength: options.endpoint?.rule3MinUtteranceLength ?? 20,
  };
}

export class SherpaStreamingRecognizer implements StreamingRecognizer {
  readonly engine = 'sherpa-onnx';
  private readonly open = new Set<SherpaRecognitionStream>();

  private constructor(
    private readonly native: SherpaOnlineRecognizer,
    readonly model: StreamingModelFiles,
  ) {}

  /** Validates the folder and loads the model; throws SpeechError naming what is missing. */
  static create(options: SherpaRecognizerOptions): SherpaStreamingRecognizer {
    const model = resolveStreamingModel(options.modelDir, options);
    const onnx = [model.encoder, model.decoder, model.joiner, model.model].filter((f): f is string => f !== undefined);
    requireModelFiles('streaming recognizer', onnx, HOW_TO_OBTAIN.asr);
    const sherpa = loadSherpa();
    let native: SherpaOnlineRecognizer;
    try {
      native = new sherpa.OnlineRecognizer(onlineRecognizerConfig(model, options));
    } catch (err) {
      throw new SpeechError(
        'SPEECH_MODEL_MISSING',
        `streaming recognizer: sherpa-onnx could not load the ${model.kind} model in ${model.dir}: ${String(err)}`,
        {
          cause: err,
        },
      );
    }
    return new SherpaStreamingRecognizer(native, model);
  }

  start(callId: string, speaker: Speaker): RecognitionStream {
    const stream = new SherpaRecognitionStream(callId, speaker, this.engine, this.native, () => this.open.delete(stream));
    this.open.add(stream);
    return stream;
  }

  async close(): Promise<void> {
    await Promise.all([...this.open].map((s) => s.end()));
  }
}

/** Silence fed at the end so that the last words come out of the model's look-ahead. */
const TAIL_SECONDS = 0.6;

class SherpaRecognitionStream extends RecognitionStreamBase {
  private readonly stream: SherpaOnlineStream;
  private fedSamples = 0;
  private utteranceStartMs = 0;
  private lastPartial = '';
  private ending: Promise<void> | null = null;

  constructor(
    callId: string,
    speaker: Speaker,
    engine: string,
    private readonly native: SherpaOnlineRecognizer,
    private readonly onClosed: () => void,
  ) {
    super(callId, speaker, engine);
    this.stream = native.createStream();
  }

  private get nowMs(): number {
    return (this.fedSamples * 1000) / SPEECH_SAMPLE_RATE;
  }

  write(pcm16k: Float32Array): void {
    if (this.closed) return;
    try {
      this.stream.acceptWaveform({ sampleRate: SPEECH_SAMPLE_RATE, samples: pcm16k });
      this.fedSamples += pcm16k.length;
      this.decode(false);
    } catch (err) {
      this.fail(err);
    }
  }

  end(): Promise<void> {
    if (this.ending !== null) return this.ending;
    this.ending = (async () => {
      if (!this.closed) {
        try {
          this.stream.acceptWaveform({ sampleRate: SPEECH_SAMPLE_RATE, samples: new Float32Array(Math.round(SPEECH_SAMPLE_RATE * TAIL_SECONDS)) });
          this.stream.inputFinished();
          this.decode(true);
        } catch (err) {
          this.fail(err);
        }
      }
      this.onClosed();
      this.emitClose();
    })();
    return this.ending;
  }

  private decode(final: boolean): void {
    while (this.native.isReady(this.stream)) this.native.decode(this.stream);
    const text = this.native.getResult(this.stream).text.trim();
    const endpoint = !final && this.native.isEndpoint(this.stream);
    if (endpoint || final) {
      if (text !== '') this.emitTranscript(text, true, this.utteranceStartMs, this.nowMs);
      if (endpoint) this.native.reset(this.stream);
      this.utteranceStartMs = this.nowMs;
      this.lastPartial = '';
    } else if (text !== '' && text !== this.lastPartial) {
      this.lastPartial = text;
      this.emitTranscript(text, false, this.utteranceStartMs, this.nowMs);
    }
  }

  private fail(err: unknown): void {
    this.markClosed();
    this.emitError(new SpeechError('SPEECH_RECOGNIZER_FAILED', `sherpa-onnx recognition failed for call ${this.callId}: ${String(err)}`, { cause: err }));
  }
}
