// The one place that loads sherpa-onnx-node (a CommonJS native addon) and the slice of its API we use, typed.
// Loaded lazily so that a host without the addon still starts (callers then run without speech).
import { createRequire } from 'node:module';
import { SpeechError } from './models.js';

export interface SherpaWave {
  samples: Float32Array;
  sampleRate: number;
}

export interface SherpaOnlineStream {
  acceptWaveform(wave: SherpaWave): void;
  inputFinished(): void;
}

export interface SherpaKeywordResult {
  keyword: string;
  tokens: string[];
  timestamps: number[];
  start_time: number;
}

export interface SherpaKeywordSpotter {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaKeywordResult;
}

export interface SherpaOnlineRecognizerResult {
  text: string;
  tokens: string[];
  timestamps: number[];
  is_final?: boolean;
  start_time?: number;
}

export interface SherpaOnlineRecognizer {
  createStream(): SherpaOnlineStream;
  isReady(stream: SherpaOnlineStream): boolean;
  decode(stream: SherpaOnlineStream): void;
  isEndpoint(stream: SherpaOnlineStream): boolean;
  reset(stream: SherpaOnlineStream): void;
  getResult(stream: SherpaOnlineStream): SherpaOnlineRecognizerResult;
}

export interface SherpaSpeechSegment {
  start: number;
  samples: Float32Array;
}

export interface SherpaVad {
  acceptWaveform(samples: Float32Array): void;
  isEmpty(): boolean;
  isDetected(): boolean;
  front(enableExternalBuffer?: boolean): SherpaSpeechSegment;
  pop(): void;
  reset(): void;
  flush(): void;
}

export interface SherpaLinearResampler {
  resample(samples: Float32Array): Float32Array;
  flush(samples: Float32Array): Float32Array;
  reset(): void;
}

export interface SherpaModule {
  KeywordSpotter: new (config: object) => SherpaKeywordSpotter;
  OnlineRecognizer: new (config: object) => SherpaOnlineRecognizer;
  Vad: new (config: object, bufferSizeInSeconds: number) => SherpaVad;
  LinearResampler: new (inputRate: number, outputRate: number) => SherpaLinearResampler;
  readWave(path: string, enableExternalBuffer?: boolean): SherpaWave;
}

let cached: SherpaModule | null = null;

/** Loads sherpa-onnx-node once; SPEECH_ENGINE_UNAVAILABLE (with the loader's reason) when it cannot be loaded. */
export function loadSherpa(): SherpaModule {
  if (cached !== null) return cached;
  try {
    const require = createRequire(import.meta.url);
    cached = require('sherpa-onnx-node') as SherpaModule;
    return cached;
  } catch (err) {
    throw new SpeechError(
      'SPEECH_ENGINE_UNAVAILABLE',
      `sherpa-onnx-node could not be loaded (npm ci installs it with its platform addon sherpa-onnx-<os>-<arch>): ${
        err instanceof Error ? err.message : String(err)
      }`,
      { cause: err },
    );
  }
}

/** Reads a WAV file with sherpa's reader (mono; any sample rate). */
export function readWave(path: string): SherpaWave {
  return loadSherpa().readWave(path, false);
}
