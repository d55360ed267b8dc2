// Pure audio helpers for the speech tap: chan_websocket delivers little-endian signed 16-bit PCM (slin16: 16 kHz,
// 640 B = 20 ms per frame; slin: 8 kHz, 320 B), the speech engines want Float32 samples in [-1, 1] at 16 kHz.
// Nothing here allocates per sample beyond the output arrays, and every stateful piece (framer, upsampler) is a
// small class so one call's audio never leaks into another's.

export const SPEECH_SAMPLE_RATE = 16_000;
export type TelephonySampleRate = 8_000 | 16_000;

/** LE signed 16-bit PCM → Float32 in [-1, 1). An odd trailing byte is ignored (see PcmFramer for carrying it). */
export function pcm16leToFloat32(pcm: Uint8Array): Float32Array {
  const n = pcm.byteLength >> 1;
  const out = new Float32Array(n);
  const view = new DataView(pcm.buffer, pcm.byteOffset, n * 2);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
  return out;
}

/** Float32 in [-1, 1] → LE signed 16-bit PCM, clipped. */
export function float32ToPcm16le(samples: Float32Array): Buffer {
  const out = Buffer.allocUnsafe(samples.length * 2);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    out.writeInt16LE(Math.round(s < 0 ? s * 32768 : s * 32767), i * 2);
  }
  return out;
}

/** Bytes of one frame of LE 16-bit mono PCM: 20 ms at 16 kHz = 640 B (chan_websocket's optimal_frame_size). */
export function frameBytes(sampleRate: number, ptimeMs = 20): number {
  return Math.round((sampleRate * ptimeMs) / 1000) * 2;
}

/**
 * Cuts a byte stream (WebSocket messages of any size, even odd) into whole frames of `frameSize` bytes. The rest
 * waits for the next push; `flush()` returns it (even-length, zero-padded to a whole sample) at the end of a call.
 */
export class PcmFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(readonly frameSize: number) {
    if (!Number.isInteger(frameSize) || frameSize <= 0 || frameSize % 2 !== 0) {
      throw new RangeError(`frame size must be a positive even number of bytes, got ${frameSize}`);
    }
  }

  push(chunk: Uint8Array): Buffer[] {
    const data = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: Buffer[] = [];
    let at = 0;
    for (; at + this.frameSize <= data.length; at += this.frameSize) frames.push(data.subarray(at, at + this.frameSize));
    this.pending = Buffer.from(data.subarray(at));
    return frames;
  }

  /** The partial frame left over, or null. */
  flush(): Buffer | null {
    if (this.pending.length === 0) return null;
    const rest = this.pending.length % 2 === 0 ? this.pending : Buffer.concat([this.pending, Buffer.alloc(1)]);
    this.pending = Buffer.alloc(0);
    return rest;
  }
}

/** The MEDIA_START text frame chan_websocket sends first, e.g. `MEDIA_START connection_id:… format:slin16 optimal_frame_size:640 ptime:20`. */
export interface MediaStart {
  connectionId: string | null;
  format: string | null;
  sampleRate: TelephonySampleRate | null;
  optimalFrameSize: number | null;
  ptimeMs: number | null;
  /** Every key:value pair as sent. */
  fields: Record<string, string>;
}

/** Parses a chan_websocket MEDIA_START text message; null when the text is some other control message. */
export function parseMediaStart(text: string): MediaStart | null {
  const parts = text.trim().split(/\s+/);
  if (parts[0] !== 'MEDIA_START') return null;
  const fields: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const colon = p.indexOf(':');
    if (colon > 0) fields[p.slice(0, colon)] = p.slice(colon + 1);
  }
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : null);
  const format = fields['format'] ?? null;
  return {
    connectionId: fields['connection_id'] ?? null,
    format,
    sampleRate: format === null ? null : sampleRateOfFormat(format),
    optimalFrameSize: int(fields['optimal_frame_size']),
    ptimeMs: int(fields['ptime']),
    fields,
  };
}

/** Asterisk signed-linear format name → sample rate (slin = 8 kHz, slin16 = 16 kHz); null for anything else. */
export function sampleRateOfFormat(format: string): TelephonySampleRate | null {
  if (format === 'slin' || format === 'slin8') return 8_000;
  if (format === 'slin16') return 16_000;
  return null;
}

// --- resampling ------------------------------------------------------------------------------------------------

/**
 * Half-band low-pass FIR (windowed sinc, cut-off at a quarter of the output rate, Blackman window) used for 2×
 * interpolation and decimation between 8 and 16 kHz. 31 taps: every other tap (but the centre) is zero.
 */
const HALF_BAND: Float32Array = (() => {
  const taps = 31;
  const mid = (taps - 1) / 2;
  const h = new Float32Array(taps);
  let sum = 0;
  for (let n = 0; n < taps; n++) {
    const k = n - mid;
    const sinc = k === 0 ? 0.5 : Math.sin((Math.PI * k) / 2) / (Math.PI * k);
    const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * n) / (taps - 1)) + 0.08 * Math.cos((4 * Math.PI * n) / (taps - 1));
    h[n] = sinc * w;
    sum += h[n]!;
  }
  for (let n = 0; n < taps; n++) h[n] = h[n]! / sum; // unity gain at DC
  return h;
})();
const HB_MID = (HALF_BAND.length - 1) / 2;

/**
 * Streaming 8 kHz → 16 kHz upsampler (zero-stuffing + half-band FIR, in polyphase form): feed any chunk sizes,
 * get exactly 2× the samples back, continuous across chunks. Output lags input by 15 output samples (< 1 ms).
 *   y[2i]   = 2 Σ_j h[2j] · x[i−j]      (j = 0 … 15: the even taps, all non-zero because the centre is odd)
 *   y[2i+1] = 2 h[15] · x[i−7]          (the odd taps are zero except the centre)
 */
export class Upsampler2x {
  /** The last 16 input samples, oldest first: history[15] = x[i]. */
  private readonly history = new Float32Array(HB_MID + 1);

  process(input: Float32Array): Float32Array {
    const out = new Float32Array(input.length * 2);
    const h = this.history;
    const last = h.length - 1;
    for (let i = 0; i < input.length; i++) {
      h.copyWithin(0, 1);
      h[last] = input[i]!;
      let acc = 0;
      for (let j = 0; j <= last; j++) acc += HALF_BAND[2 * j]! * h[last - j]!;
      out[2 * i] = 2 * acc;
      out[2 * i + 1] = 2 * HALF_BAND[HB_MID]! * h[last - (HB_MID - 1) / 2]!;
    }
    return out;
  }

  reset(): void {
    this.history.fill(0);
  }
}

/**
 * Streaming 16 kHz → 8 kHz decimator (half-band FIR, then every other sample). An odd sample left over from one
 * chunk is kept for the next.
 */
export class Downsampler2x {
  private readonly history = new Float32Array(HALF_BAND.length);
  private carry: number | null = null;

  process(input: Float32Array): Float32Array {
    const all = this.carry === null ? input : prepend(this.carry, input);
    const pairs = all.length >> 1;
    this.carry = all.length % 2 === 1 ? all[all.length - 1]! : null;
    const out = new Float32Array(pairs);
    const h = this.history;
    const taps = HALF_BAND.length;
    for (let p = 0; p < pairs; p++) {
      for (let k = 0; k < 2; k++) {
        h.copyWithin(0, 1);
        h[taps - 1] = all[2 * p + k]!;
      }
      let acc = 0;
      for (let t = 0; t < taps; t++) acc += HALF_BAND[t]! * h[taps - 1 - t]!;
      out[p] = acc;
    }
    return out;
  }

  reset(): void {
    this.history.fill(0);
    this.carry = null;
  }
}

function prepend(x: number, arr: Float32Array): Float32Array {
  const out = new Float32Array(arr.length + 1);
  out[0] = x;
  out.set(arr, 1);
  return out;
}

/**
 * One-shot linear-interpolation resampler between any two rates (for tests, files and odd rates; the streaming
 * 2× classes above are what the live path uses). Output length = round(n × to / from).
 */
export function resampleLinear(input: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate <= 0 || toRate <= 0) throw new RangeError(`sample rates must be positive, got ${fromRate} → ${toRate}`);
  if (fromRate === toRate) return input.slice();
  const n = Math.round((input.length * toRate) / fromRate);
  const out = new Float32Array(n);
  const step = fromRate / toRate;
  for (let i = 0; i < n; i++) {
    const pos = i * step;
    const i0 = Math.floor(pos);
    const frac = pos - i0;
    const a = input[Math.min(i0, input.length - 1)] ?? 0;
    const b = input[Math.min(i0 + 1, input.length - 1)] ?? 0;
    out[i] = a + (b - a) * frac;
  }
  return out;
}

/** A streaming converter from a telephony rate to 16 kHz. */
export interface ToSpeechRate {
  readonly inputRate: number;
  process(samples: Float32Array): Float32Array;
  reset(): void;
}

/** 16 kHz → identity; 8 kHz → Upsampler2x. */
export function toSpeechRate(inputRate: TelephonySampleRate): ToSpeechRate {
  if (inputRate === 16_000) return { inputRate, process: (s) => s, reset: () => {} };
  if (inputRate === 8_000) {
    const up = new Upsampler2x();
    return { inputRate, process: (s) => up.process(s), reset: () => up.reset() };
  }
  throw new RangeError(`unsupported telephony sample rate ${String(inputRate)} (8000 or 16000)`);
}

/** Root mean square of a block of samples. */
export function rms(samples: Float32Array): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s += samples[i]! * samples[i]!;
  return samples.length === 0 ? 0 : Math.sqrt(s / samples.length);
}

/** Concatenates Float32 blocks. */
export function concatFloat32(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
