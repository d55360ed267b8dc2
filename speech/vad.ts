// Voice activity detection with Silero VAD (v6.2 onnx) through sherpa-onnx's Vad: 16 kHz Float32 audio in, speech
// segments with start/end times out. One detector per call side (it is stateful); the model file is small and
// loads in milliseconds.
import { join } from 'node:path';
import { SPEECH_SAMPLE_RATE } from './audio.js';
import { HOW_TO_OBTAIN, SILERO_VAD_RELATIVE, SpeechError, isFile, requireModelFiles, resolveModelsDir } from './models.js';
import { loadSherpa } from './sherpa.js';
import type { SherpaVad } from './sherpa.js';

export interface SpeechSegment {
  startMs: number;
  endMs: number;
  /** The segment's audio (16 kHz), e.g. for an offline recogniser; a copy, safe to keep. */
  samples: Float32Array;
}

export interface VadOptions {
  modelsDir?: string;
  /** The silero_vad.onnx file itself (default <modelsDir>/silero-vad/silero_vad.onnx). */
  modelPath?: string;
  /** Speech probability above which a window counts as speech (default 0.5). */
  threshold?: number;
  /** Shorter speech is dropped (default 0.25 s). */
  minSpeechSeconds?: number;
  /** Silence that ends a segment (default 0.5 s). */
  minSilenceSeconds?: number;
  /** A segment longer than this is cut (default 20 s). */
  maxSpeechSeconds?: number;
  /** How much audio the detector may hold while a segment is open (default 60 s). */
  bufferSeconds?: number;
}

/** Silero's window at 16 kHz. */
const WINDOW = 512;

export class VoiceActivityDetector {
  private readonly native: SherpaVad;
  private pending = new Float32Array(0);
  private fedSamples = 0;
  readonly modelPath: string;

  /** Throws SpeechError SPEECH_MODEL_MISSING naming the path and how to obtain the model. */
  constructor(options: VadOptions = {}) {
    this.modelPath = options.modelPath ?? join(resolveModelsDir({ modelsDir: options.modelsDir, probe: SILERO_VAD_RELATIVE }), SILERO_VAD_RELATIVE);
    if (!isFile(this.modelPath)) {
      throw new SpeechError('SPEECH_MODEL_MISSING', `voice activity detector: ${this.modelPath} not found — ${HOW_TO_OBTAIN.vad}`);
    }
    requireModelFiles('voice activity detector', [this.modelPath], HOW_TO_OBTAIN.vad);
    const sherpa = loadSherpa();
    this.native = new sherpa.Vad(
      {
        sileroVad: {
          model: this.modelPath,
          threshold: options.threshold ?? 0.5,
          minSpeechDuration: options.minSpeechSeconds ?? 0.25,
          minSilenceDuration: options.minSilenceSeconds ?? 0.5,
          maxSpeechDuration: options.maxSpeechSeconds ?? 20,
          windowSize: WINDOW,
        },
        sampleRate: SPEECH_SAMPLE_RATE,
        numThreads: 1,
        provider: 'cpu',
        debug: false,
      },
      options.bufferSeconds ?? 60,
    );
  }

  /** Whether the detector is inside speech right now. */
  get speaking(): boolean {
    return this.native.isDetected();
  }

  /** Milliseconds of audio accepted so far. */
  get processedMs(): number {
    return (this.fedSamples * 1000) / SPEECH_SAMPLE_RATE;
  }

  /** Feeds 16 kHz audio (any chunk size); returns the segments that closed. */
  accept(pcm16k: Float32Array): SpeechSegment[] {
    this.fedSamples += pcm16k.length;
    let data = pcm16k;
    if (this.pending.length > 0) {
      data = new Float32Array(this.pending.length + pcm16k.length);
      data.set(this.pending);
      data.set(pcm16k, this.pending.length);
    }
    let at = 0;
    for (; at + WINDOW <= data.length; at += WINDOW) this.native.acceptWaveform(data.subarray(at, at + WINDOW));
    this.pending = data.slice(at);
    return this.drain();
  }

  /** Ends the audio: an open segment is closed and returned. */
  flush(): SpeechSegment[] {
    if (this.pending.length > 0) {
      const last = new Float32Array(WINDOW);
      last.set(this.pending);
      this.native.acceptWaveform(last);
      this.pending = new Float32Array(0);
    }
    this.native.flush();
    return this.drain();
  }

  private drain(): SpeechSegment[] {
    const out: SpeechSegment[] = [];
    while (!this.native.isEmpty()) {
      const seg = this.native.front(false);
      const samples = Float32Array.from(seg.samples);
      out.push({
        startMs: Math.round((seg.start * 1000) / SPEECH_SAMPLE_RATE),
        endMs: Math.round(((seg.start + samples.length) * 1000) / SPEECH_SAMPLE_RATE),
        samples,
      });
      this.native.pop();
    }
    return out;
  }
}
