import { describe, expect, it } from 'vitest';
import {
  Downsampler2x,
  PcmFramer,
  Upsampler2x,
  concatFloat32,
  float32ToPcm16le,
  frameBytes,
  parseMediaStart,
  pcm16leToFloat32,
  resampleLinear,
  rms,
  toSpeechRate,
} from './audio.js';
import { loadSherpa } from './sherpa.js';

function sine(freq: number, rate: number, seconds: number, amp = 0.5): Float32Array {
  const out = new Float32Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Amplitude of `freq` in x (single-bin DFT), robust to phase. */
function toneAmplitude(x: Float32Array, freq: number, rate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * freq * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

describe('PCM conversion', () => {
  it('reads little-endian signed 16-bit samples (chan_websocket slin) into [-1, 1)', () => {
    const buf = Buffer.alloc(8);
    buf.writeInt16LE(0, 0);
    buf.writeInt16LE(16384, 2);
    buf.writeInt16LE(-32768, 4);
    buf.writeInt16LE(32767, 6);
    expect(Array.from(pcm16leToFloat32(buf))).toEqual([0, 0.5, -1, 32767 / 32768]);
  });

  it('reads from a Buffer slice with an odd byte offset and ignores a dangling byte', () => {
    const big = Buffer.alloc(11);
    big.writeInt16LE(1000, 1);
    big.writeInt16LE(-1000, 3);
    const f = pcm16leToFloat32(big.subarray(1, 6));
    expect(f.length).toBe(2);
    expect(f[0]).toBeCloseTo(1000 / 32768, 6);
    expect(f[1]).toBeCloseTo(-1000 / 32768, 6);
  });

  it('round-trips Float32 → PCM → Float32 within two quantisation steps, clipping out-of-range samples', () => {
    const x = Float32Array.from([0, 0.25, -0.25, 0.999, -1, 1.5, -1.5]);
    const back = pcm16leToFloat32(float32ToPcm16le(x));
    for (let i = 0; i < 5; i++) expect(Math.abs(back[i]! - x[i]!)).toBeLessThan(2 / 32768);
    expect(back[5]).toBeCloseTo(32767 / 32768, 6);
    expect(back[6]).toBe(-1);
  });
});

describe('framing', () => {
  it('knows chan_websocket frame sizes: 640 B per 20 ms at 16 kHz, 320 B at 8 kHz', () => {
    expect(frameBytes(16_000)).toBe(640);
    expect(frameBytes(8_000)).toBe(320);
  });

  it('cuts arbitrary (even odd-sized) messages into whole frames and flushes the rest', () => {
    const framer = new PcmFramer(640);
    const data = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 251));
    const frames = [...framer.push(data.subarray(0, 333)), ...framer.push(data.subarray(333, 1001)), ...framer.push(data.subarray(1001))];
    expect(frames.map((f) => f.length)).toEqual([640, 640, 640]);
    expect(Buffer.concat(frames)).toEqual(data.subarray(0, 1920));
    const rest = framer.flush();
    expect(rest).toEqual(data.subarray(1920));
    expect(framer.flush()).toBeNull();
  });

  it('pads an odd remainder to a whole sample', () => {
    const framer = new PcmFramer(4);
    framer.push(Buffer.from([1, 2, 3, 4, 5]));
    expect(framer.flush()).toEqual(Buffer.from([5, 0]));
  });

  it('rejects odd frame sizes', () => {
    expect(() => new PcmFramer(641)).toThrow(RangeError);
  });
});

describe('MEDIA_START', () => {
  it('parses the first text frame of chan_websocket', () => {
    const m = parseMediaStart('MEDIA_START connection_id:9f1c2d3e-aaaa format:slin16 optimal_frame_size:640 ptime:20');
    expect(m).toMatchObject({ connectionId: '9f1c2d3e-aaaa', format: 'slin16', sampleRate: 16_000, optimalFrameSize: 640, ptimeMs: 20 });
    expect(parseMediaStart('MEDIA_START connection_id:x format:slin optimal_frame_size:320')?.sampleRate).toBe(8_000);
    expect(parseMediaStart('MEDIA_START format:ulaw')?.sampleRate).toBeNull();
    expect(parseMediaStart('MEDIA_XOFF')).toBeNull();
  });
});

describe('resampling between 8 and 16 kHz', () => {
  it('upsamples 8 → 16 kHz: twice the samples, the tone kept, no image at 8 kHz − f', () => {
    const x = sine(1000, 8000, 0.5);
    const y = new Upsampler2x().process(x);
    expect(y.length).toBe(2 * x.length);
    const body = y.subarray(200); // skip the filter's start-up
    expect(toneAmplitude(body, 1000, 16_000)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(body, 7000, 16_000)).toBeLessThan(0.01); // the zero-stuffing image, filtered out
  });

  it('gives the same output in 20 ms chunks as in one block (state carried across chunks)', () => {
    const x = sine(440, 8000, 0.3);
    const whole = new Upsampler2x().process(x);
    const up = new Upsampler2x();
    const parts: Float32Array[] = [];
    for (let at = 0; at < x.length; at += 160) parts.push(up.process(x.subarray(at, at + 160)));
    const chunked = concatFloat32(parts);
    expect(chunked.length).toBe(whole.length);
    for (let i = 0; i < whole.length; i++) expect(chunked[i]).toBeCloseTo(whole[i]!, 6);
  });

  it('downsamples 16 → 8 kHz keeping a 1 kHz tone and removing a 6 kHz one (no aliasing to 2 kHz)', () => {
    const x = sine(1000, 16_000, 0.5);
    const hi = sine(6000, 16_000, 0.5);
    const d = new Downsampler2x().process(x);
    expect(d.length).toBe(x.length / 2);
    expect(toneAmplitude(d.subarray(100), 1000, 8000)).toBeCloseTo(0.5, 1);
    expect(toneAmplitude(new Downsampler2x().process(hi).subarray(100), 2000, 8000)).toBeLessThan(0.02);
  });

  it('keeps an odd sample for the next chunk when downsampling', () => {
    const ds = new Downsampler2x();
    expect(ds.process(new Float32Array(3)).length).toBe(1);
    expect(ds.process(new Float32Array(3)).length).toBe(2);
  });

  it('resamples linearly between any rates (both directions) and agrees with sherpa-onnx LinearResampler', () => {
    const x8 = sine(700, 8000, 0.25);
    const up = resampleLinear(x8, 8000, 16_000);
    expect(up.length).toBe(4000);
    expect(toneAmplitude(up, 700, 16_000)).toBeCloseTo(0.5, 1);
    const down = resampleLinear(up, 16_000, 8000);
    expect(down.length).toBe(2000);
    expect(toneAmplitude(down, 700, 8000)).toBeCloseTo(0.5, 1);
    const sherpa = new (loadSherpa().LinearResampler)(8000, 16_000);
    const theirs = sherpa.flush(x8);
    // both carry the same tone at the same level (their filters differ in detail)
    expect(Math.abs(theirs.length - up.length)).toBeLessThanOrEqual(4);
    expect(toneAmplitude(theirs.subarray(100, 3900), 700, 16_000)).toBeCloseTo(toneAmplitude(up.subarray(100, 3900), 700, 16_000), 1);
  });

  it('picks the live converter per telephony rate', () => {
    const x = sine(300, 8000, 0.1);
    expect(toSpeechRate(8000).process(x).length).toBe(1600);
    const wide = sine(300, 16_000, 0.1);
    expect(toSpeechRate(16_000).process(wide)).toBe(wide);
    expect(rms(toSpeechRate(8000).process(x).subarray(100))).toBeCloseTo(rms(x), 1);
  });
});
