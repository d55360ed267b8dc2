// Keyword spotting on a call's audio with sherpa-onnx's KeywordSpotter and the zipformer wenetspeech KWS model
// (3.3M parameters, pinyin initials + tonal finals). One KeywordSpotter (the loaded model and keyword list) serves
// every call; each call side gets its own KeywordStream. The model is small enough to run inline: see bench/kws.ts
// for its real-time factor.
//
//   const spotter = KeywordSpotter.create();                 // throws SpeechError naming what is missing
//   const stream = spotter.createStream();
//   for (const hit of stream.accept(pcm16k)) …                 // { keyword: '着火', category: 'emergency', atMs }
//   stream.end();                                             // flushes the last half second
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_HOTLINE_KEYWORDS, keywordLines, keywordsFileText, parseTokens } from './keywords.js';
import type { KeywordCategory, KeywordLine, KeywordSpec } from './keywords.js';
import { HOW_TO_OBTAIN, KWS_MODEL_FILES, KWS_MODEL_NAME, SpeechError, requireFiles, requireModelFiles, resolveModelsDir } from './models.js';
import { loadSherpa } from './sherpa.js';
import type { SherpaKeywordSpotter, SherpaOnlineStream } from './sherpa.js';
import { SPEECH_SAMPLE_RATE } from './audio.js';

export interface KeywordHit {
  /** The keyword's display text, e.g. 着火. */
  keyword: string;
  category: KeywordCategory;
  skillHint: string | null;
  /** When the spotter fired, in ms of this stream's audio (at most ~0.4 s after the keyword ended). */
  atMs: number;
  /** The model tokens that matched, e.g. ["zh", "áo", "h", "uǒ"]. */
  tokens: string[];
}

export interface KeywordSpotterOptions {
  /** Folder holding the model folders (default: SPEECH_MODELS_DIR, then <repo>/../shared/models, then <repo>/models). */
  modelsDir?: string;
  /** The KWS model folder itself (default <modelsDir>/sherpa-onnx-kws-zipformer-wenetspeech-3.3M-2024-01-01-mobile). */
  modelDir?: string;
  /** Default: DEFAULT_HOTLINE_KEYWORDS. */
  keywords?: readonly KeywordSpec[];
  /** Default detection threshold for keywords without their own (sherpa's keywordsThreshold). Default 0.25. */
  threshold?: number;
  /** Default boost for keywords without their own (sherpa's keywordsScore). Default 1.0. */
  boost?: number;
  /** Decoding paths kept (default 4). */
  maxActivePaths?: number;
  /** Blank frames required after a keyword before it fires (default 1). */
  numTrailingBlanks?: number;
  /** onnxruntime threads for this spotter (default 1: calls are the parallelism). */
  numThreads?: number;
}

export interface KeywordSpotterInfo {
  modelDir: string;
  keywords: number;
  lines: number;
  threshold: number;
  boost: number;
}

/** Audio is fed to the model in slices of this many ms, so a hit's time is known to within a slice. */
const SLICE_MS = 100;
const SLICE = (SPEECH_SAMPLE_RATE * SLICE_MS) / 1000;
/** Silence appended by end() so that a keyword at the very end still gets its trailing blanks. */
const TAIL_MS = 600;

export class KeywordSpotter {
  private constructor(
    private readonly native: SherpaKeywordSpotter,
    readonly info: KeywordSpotterInfo,
    readonly lines: readonly KeywordLine[],
    private readonly byDisplay: ReadonlyMap<string, KeywordSpec>,
  ) {}

  /**
   * Loads the model and the keyword list. Throws SpeechError: SPEECH_MODEL_MISSING (names the folder or files and
   * how to obtain the model), SPEECH_KEYWORD_INVALID (names the keyword and the token), SPEECH_ENGINE_UNAVAILABLE.
   */
  static create(options: KeywordSpotterOptions = {}): KeywordSpotter {
    const modelDir = options.modelDir ?? join(resolveModelsDir({ modelsDir: options.modelsDir, probe: KWS_MODEL_NAME }), KWS_MODEL_NAME);
    requireFiles('keyword spotter', modelDir, Object.values(KWS_MODEL_FILES), HOW_TO_OBTAIN.kws);
    requireModelFiles(
      'keyword spotter',
      [KWS_MODEL_FILES.encoder, KWS_MODEL_FILES.decoder, KWS_MODEL_FILES.joiner].map((f) => join(modelDir, f)),
      HOW_TO_OBTAIN.kws,
    );
    const tokensPath = join(modelDir, KWS_MODEL_FILES.tokens);
    const tokens = parseTokens(readFileSync(tokensPath, 'utf8'));
    const specs = options.keywords ?? DEFAULT_HOTLINE_KEYWORDS;
    const lines = keywordLines(specs, tokens);
    const text = keywordsFileText(lines);
    const threshold = options.threshold ?? 0.25;
    const boost = options.boost ?? 1.0;
    if (!(threshold > 0 && threshold < 1)) throw new SpeechError('SPEECH_CONFIG_INVALID', `keyword threshold ${threshold} is not in (0, 1)`);
    const sherpa = loadSherpa();
    let native: SherpaKeywordSpotter;
    try {
      native = new sherpa.KeywordSpotter({
        featConfig: { sampleRate: SPEECH_SAMPLE_RATE, featureDim: 80 },
        modelConfig: {
          transducer: {
            encoder: join(modelDir, KWS_MODEL_FILES.encoder),
            decoder: join(modelDir, KWS_MODEL_FILES.decoder),
            joiner: join(modelDir, KWS_MODEL_FILES.joiner),
          },
          tokens: tokensPath,
          numThreads: options.numThreads ?? 1,
          provider: 'cpu',
          debug: 0,
        },
        maxActivePaths: options.maxActivePaths ?? 4,
        numTrailingBlanks: options.numTrailingBlanks ?? 1,
        keywordsScore: boost,
        keywordsThreshold: threshold,
        keywordsBuf: text,
        keywordsBufSize: Buffer.byteLength(text),
      });
    } catch (err) {
      throw new SpeechError('SPEECH_MODEL_MISSING', `keyword spotter: sherpa-onnx could not load the model in ${modelDir}: ${String(err)}`, {
        cause: err,
      });
    }
    const byDisplay = new Map(specs.map((s) => [s.display, s]));
    return new KeywordSpotter(native, { modelDir, keywords: specs.length, lines: lines.length, threshold, boost }, lines, byDisplay);
  }

  /** A stream for one call side. Streams are independent; all share the model. */
  createStream(): KeywordStream {
    return new KeywordStream(this.native, this.native.createStream(), this.byDisplay);
  }
}

/** One call side's keyword stream: feed 16 kHz Float32 audio in any chunk sizes, get hits back. */
export class KeywordStream {
  private fedSamples = 0;
  private ended = false;

  constructor(
    private readonly native: SherpaKeywordSpotter,
    private readonly stream: SherpaOnlineStream,
    private readonly byDisplay: ReadonlyMap<string, KeywordSpec>,
  ) {}

  /** Milliseconds of audio accepted so far. */
  get processedMs(): number {
    return (this.fedSamples * 1000) / SPEECH_SAMPLE_RATE;
  }

  accept(pcm16k: Float32Array): KeywordHit[] {
    if (this.ended) throw new SpeechError('SPEECH_CONFIG_INVALID', 'keyword stream already ended');
    const hits: KeywordHit[] = [];
    for (let at = 0; at < pcm16k.length; at += SLICE) {
      const slice = pcm16k.subarray(at, Math.min(at + SLICE, pcm16k.length));
      this.stream.acceptWaveform({ sampleRate: SPEECH_SAMPLE_RATE, samples: slice });
      this.fedSamples += slice.length;
      this.drain(hits);
    }
    return hits;
  }

  /** Feeds a short silent tail, finishes the stream and returns the last hits. Idempotent. */
  end(): KeywordHit[] {
    if (this.ended) return [];
    const hits = this.accept(new Float32Array((SPEECH_SAMPLE_RATE * TAIL_MS) / 1000));
    this.ended = true;
    this.stream.inputFinished();
    this.drain(hits);
    return hits;
  }

  private drain(hits: KeywordHit[]): void {
    while (this.native.isReady(this.stream)) {
      this.native.decode(this.stream);
      const r = this.native.getResult(this.stream);
      if (r.keyword !== '') {
        const spec = this.byDisplay.get(r.keyword);
        hits.push({
          keyword: r.keyword,
          category: spec?.category ?? 'routing',
          skillHint: spec?.skillHint ?? null,
          atMs: Math.round(this.processedMs),
          tokens: r.tokens,
        });
        this.native.reset(this.stream);
      }
    }
  }
}

export type SpotterLoadResult = { ok: true; spotter: KeywordSpotter } | { ok: false; error: SpeechError };

/**
 * Like KeywordSpotter.create, but returns the error instead of throwing, so a server can log it once and run
 * without keyword spotting.
 */
export function tryCreateKeywordSpotter(options: KeywordSpotterOptions = {}): SpotterLoadResult {
  try {
    return { ok: true, spotter: KeywordSpotter.create(options) };
  } catch (err) {
    if (err instanceof SpeechError) return { ok: false, error: err };
    return { ok: false, error: new SpeechError('SPEECH_ENGINE_UNAVAILABLE', String(err), { cause: err }) };
  }
}
