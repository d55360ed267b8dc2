// The keyword spotter on real audio: the KWS model's own Mandarin recordings (labelled upstream) and hotline phrases
// synthesised with espeak-ng, at 16 kHz and through the 8 kHz phone band. The floors asserted are the figures
// measured when this was written (see speech/README.md); the full table is printed on every run.
// Skipped, saying why, when the shared model folder is absent on a developer machine; in CI (CI set) that fails instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeywordSpotter, tryCreateKeywordSpotter } from './keyword-spotter.js';
import type { KeywordHit } from './keyword-spotter.js';
import { DEFAULT_HOTLINE_KEYWORDS } from './keywords.js';
import { SpeechError } from './models.js';
import {
  UPSTREAM_TEST_KEYWORDS,
  countHits,
  findKwsModel,
  loadUpstreamTestWavs,
  requireModel,
  skipWithoutModels,
  synthesizeHotlinePhrases,
  toPhoneBand,
} from './test-audio.js';
import type { LabelledAudio, SpotCount, SynthSet } from './test-audio.js';

const model = findKwsModel();
const noModel = skipWithoutModels('keyword-spotter tests', model);

/** Feeds audio in 20 ms frames (as chan_websocket delivers it) unless told otherwise. */
function spotAll(spotter: KeywordSpotter, samples: Float32Array, frameSamples = 320): KeywordHit[] {
  const stream = spotter.createStream();
  const hits: KeywordHit[] = [];
  for (let at = 0; at < samples.length; at += frameSamples) hits.push(...stream.accept(samples.subarray(at, at + frameSamples)));
  hits.push(...stream.end());
  return hits;
}

function report(label: string, c: SpotCount): void {
  const misses = c.details.filter((d) => d.expected.some((k) => !d.heard.includes(k))).map((d) => d.name);
  const extra = c.details.filter((d) => d.heard.some((k) => !d.expected.includes(k))).map((d) => `${d.name}:${d.heard.join('+')}`);
  console.log(
    `[speech] ${label}: detected ${c.detected}/${c.expected}, false alarms ${c.falseAlarms}` +
      (misses.length > 0 ? `; missed in ${misses.join(', ')}` : '') +
      (extra.length > 0 ? `; unexpected ${extra.join(', ')}` : ''),
  );
}

describe('keyword spotter start-up', () => {
  it('given no model folder, when created, then the error names the folder and how to obtain the model', () => {
    const empty = mkdtempSync(join(tmpdir(), 'no-models-'));
    try {
      expect(() => KeywordSpotter.create({ modelsDir: empty })).toThrow(SpeechError);
      const r = tryCreateKeywordSpotter({ modelsDir: empty });
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('SPEECH_MODEL_MISSING');
        expect(r.error.message).toContain(join(empty, 'sherpa-onnx-kws-zipformer-wenetspeech-3.3M-2024-01-01-mobile'));
        expect(r.error.message).toContain('kws-models');
      }
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe.skipIf(noModel)('keyword spotter on the shared KWS model', { timeout: 30_000 }, () => {
  // read in the tests, not here: in CI a missing model fails them with the reason (a throw here would hide the names)
  const modelDir = model.lookedAt;
  let hotline: KeywordSpotter;
  let upstream: KeywordSpotter;
  let wavs: LabelledAudio[];
  let synth: SynthSet;
  let tmp: string;

  beforeAll(() => {
    requireModel(model);
    hotline = KeywordSpotter.create({ modelDir });
    upstream = KeywordSpotter.create({ modelDir, keywords: UPSTREAM_TEST_KEYWORDS });
    wavs = loadUpstreamTestWavs(modelDir);
    synth = synthesizeHotlinePhrases();
    tmp = mkdtempSync(join(tmpdir(), 'kws-8k-'));
  }, 60_000);
  afterAll(() => {
    synth?.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('loads the default hotline list with every token found in tokens.txt', () => {
    expect(hotline.info.keywords).toBe(DEFAULT_HOTLINE_KEYWORDS.length);
    expect(hotline.lines.find((l) => l.spec.display === '着火')?.line).toBe('zh áo h uǒ @着火');
  });

  it('given a keyword whose token the model lacks, when created, then the error names the keyword and the token', () => {
    // ǖ (first-tone ü, as in 绿 lǖ read with tone 1) is not among this model's 197 tokens
    const create = () => KeywordSpotter.create({ modelDir, keywords: [{ display: '驴', pinyin: 'lǖ', category: 'routing' }] });
    expect(create).toThrow(/keyword "驴": token "ǖ" \(from pinyin "lǖ"\) is not in the model's tokens.txt/);
  });

  it('spots the labelled keywords in the real 16 kHz recordings, with no false alarm', () => {
    const c = countHits(wavs, (s) => spotAll(upstream, s).map((h) => h.keyword));
    report('real speech 16 kHz, upstream labels', c);
    expect(c.expected).toBe(8);
    expect(c.detected).toBe(8);
    expect(c.falseAlarms).toBe(0);
  });

  it('spots them through the 8 kHz phone band (sox down, Upsampler2x up)', () => {
    const narrow = wavs.map((w) => ({ ...w, samples: toPhoneBand(w.samples, tmp, w.name) }));
    const c = countHits(narrow, (s) => spotAll(upstream, s, 320).map((h) => h.keyword));
    report('real speech 8 kHz phone band, upstream labels', c);
    expect(c.detected).toBeGreaterThanOrEqual(7);
    expect(c.falseAlarms).toBe(0);
  });

  it('raises no hotline keyword on 36 s of real speech that holds none (16 kHz and 8 kHz)', () => {
    const negatives = wavs.map((w) => ({ ...w, expected: [] }));
    const wide = countHits(negatives, (s) => spotAll(hotline, s).map((h) => h.keyword));
    const narrow = countHits(
      negatives.map((w) => ({ ...w, samples: toPhoneBand(w.samples, tmp, `n-${w.name}`) })),
      (s) => spotAll(hotline, s, 320).map((h) => h.keyword),
    );
    report('hotline list on real speech without hotline keywords, 16 kHz', wide);
    report('hotline list on real speech without hotline keywords, 8 kHz', narrow);
    expect(wide.falseAlarms).toBe(0);
    expect(narrow.falseAlarms).toBe(0);
  });

  it('gives the same hits in 20 ms frames as in one block, and tells when (atMs) and what kind', () => {
    const w = wavs.find((x) => x.name === '5.wav')!;
    const whole = spotAll(upstream, w.samples, w.samples.length);
    const framed = spotAll(upstream, w.samples, 320);
    expect(framed.map((h) => h.keyword)).toEqual(whole.map((h) => h.keyword));
    for (const [i, h] of framed.entries()) expect(Math.abs(h.atMs - whole[i]!.atMs)).toBeLessThanOrEqual(100);
    // 周望军 is said from about 0.6 s to 1.1 s of 5.wav, 落实 later
    expect(framed[0]).toMatchObject({ keyword: '周望军', category: 'routing', skillHint: null });
    expect(framed[0]!.atMs).toBeGreaterThan(1000);
    expect(framed[0]!.atMs).toBeLessThan(2000);
    expect(framed[1]!.atMs).toBeGreaterThan(framed[0]!.atMs);
  });

  it('keeps concurrent streams apart (two calls interleaved frame by frame)', () => {
    const a = wavs.find((x) => x.name === '4.wav')!.samples;
    const b = wavs.find((x) => x.name === '6.wav')!.samples;
    const sa = upstream.createStream();
    const sb = upstream.createStream();
    const ha: string[] = [];
    const hb: string[] = [];
    for (let at = 0; at < Math.max(a.length, b.length); at += 320) {
      if (at < a.length) ha.push(...sa.accept(a.subarray(at, at + 320)).map((h) => h.keyword));
      if (at < b.length) hb.push(...sb.accept(b.subarray(at, at + 320)).map((h) => h.keyword));
    }
    ha.push(...sa.end().map((h) => h.keyword));
    hb.push(...sb.end().map((h) => h.keyword));
    expect(ha).toEqual(['蒋友伯', '女儿']);
    expect(hb).toEqual(['朱丽楠', '见面会']);
  });

  it('on espeak-ng hotline phrases: counts detections and false alarms at 16 kHz and 8 kHz', () => {
    // espeak-ng's Mandarin is far from a caller's voice (the model hears its tones wrong: zhao2 as zhāo), so these
    // figures are a floor for synthetic speech, not an accuracy claim for real calls.
    const pos16 = countHits(synth.positives, (s) => spotAll(hotline, s).map((h) => h.keyword));
    const neg16 = countHits(synth.negatives, (s) => spotAll(hotline, s).map((h) => h.keyword));
    const pos8 = countHits(
      synth.positives.map((p) => ({ ...p, samples: toPhoneBand(p.samples, tmp, p.name) })),
      (s) => spotAll(hotline, s, 320).map((h) => h.keyword),
    );
    const neg8 = countHits(
      synth.negatives.map((p) => ({ ...p, samples: toPhoneBand(p.samples, tmp, p.name) })),
      (s) => spotAll(hotline, s, 320).map((h) => h.keyword),
    );
    report('espeak-ng hotline phrases 16 kHz', pos16);
    report('espeak-ng sentences without keywords 16 kHz', neg16);
    report('espeak-ng hotline phrases 8 kHz', pos8);
    report('espeak-ng sentences without keywords 8 kHz', neg8);
    expect(pos16.expected).toBe(20);
    expect(pos16.detected).toBeGreaterThanOrEqual(FLOOR.synth16);
    expect(pos8.detected).toBeGreaterThanOrEqual(FLOOR.synth8);
    expect(pos16.falseAlarms + neg16.falseAlarms).toBeLessThanOrEqual(FLOOR.synthFalse16);
    expect(pos8.falseAlarms + neg8.falseAlarms).toBeLessThanOrEqual(FLOOR.synthFalse8);
  }, 60_000);
});

/**
 * Measured when written (espeak-ng 1.51, sox 14.4.2, Debian 12, 20 ms frames): 5/20 detected at 16 kHz and 5/20 at
 * 8 kHz, no false alarm on the 20 positive and 10 negative phrases. Asserted as floors (detections) and ceilings
 * (false alarms).
 */
// Synthetic espeak-ng speech is a weak stand-in for callers (the model mishears its tones): 4–5 of 20 are found
// from run to run, so the floor sits below that; the accuracy claim rests on the real recordings above.
const FLOOR = { synth16: 3, synth8: 3, synthFalse16: 0, synthFalse8: 0 };
