// Test audio for the keyword spotter, shared by speech/keyword-spotter.test.ts and bench/kws.ts:
// - the KWS model's own test_wavs (real Mandarin, 16 kHz) with upstream's labels (test_wavs/test_keywords.txt);
// - phrases synthesised with espeak-ng's cmn-latn-pinyin voice into a temporary folder (never committed).
// And the phone-band path: sox down to 8 kHz, then our Upsampler2x back to 16 kHz, as an 8 kHz call would arrive.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upsampler2x, concatFloat32 } from './audio.js';
import type { KeywordSpec } from './keywords.js';
import { HOW_TO_OBTAIN, KWS_MODEL_NAME, SILERO_VAD_RELATIVE, isFile, resolveModelsDir } from './models.js';
import { readWave } from './sherpa.js';

export interface LabelledAudio {
  name: string;
  /** 16 kHz mono */
  samples: Float32Array;
  /** Keyword displays the audio contains (empty: a negative). */
  expected: string[];
}

/** A model the tests need: where it was looked for, and whether it is there. */
export interface ModelLookup {
  /** The model's folder (or file); null when absent. */
  dir: string | null;
  lookedAt: string;
  /** Null when present; else what is missing and how to obtain it. */
  missing: string | null;
}

const lookup = (path: string, present: boolean, howToObtain: string): ModelLookup => ({
  dir: present ? path : null,
  lookedAt: path,
  missing: present ? null : `${path} not found (set SPEECH_MODELS_DIR, or ${howToObtain})`,
});

/** The KWS model folder (it holds tokens.txt and the upstream test_wavs). */
export function findKwsModel(): ModelLookup {
  const dir = join(resolveModelsDir({ probe: KWS_MODEL_NAME }), KWS_MODEL_NAME);
  return lookup(dir, existsSync(join(dir, 'tokens.txt')), HOW_TO_OBTAIN.kws);
}

/** The silero VAD model file. */
export function findVadModel(): ModelLookup {
  const file = join(resolveModelsDir({ probe: SILERO_VAD_RELATIVE }), SILERO_VAD_RELATIVE);
  return lookup(file, isFile(file), HOW_TO_OBTAIN.vad);
}

/** CI services set CI (GitHub Actions, GitLab CI, and .ci/run); "false" or "0" means a developer machine. */
export function inCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false';
}

/**
 * The `skipIf` condition for tests that need `models`. On a developer machine without them the tests are skipped,
 * with a warning that names what is missing and how to get it. In CI they are never skipped: a missing model must
 * fail the build, not let the speech tests pass unseen, so the tests run and fail on {@link requireModel}.
 */
export function skipWithoutModels(tests: string, ...models: ModelLookup[]): boolean {
  const missing = models.map((m) => m.missing).filter((m) => m !== null);
  if (missing.length === 0) return false;
  if (inCi()) {
    console.error(`[speech] ${tests}: ${missing.join('; ')} (CI is set: these tests fail instead of being skipped)`);
    return false;
  }
  console.warn(`[speech] ${tests} SKIPPED: ${missing.join('; ')} (in CI they fail)`);
  return true;
}

/** The model's folder (or file); throws what is missing, so a test run in CI without the model fails saying why. */
export function requireModel(model: ModelLookup): string {
  if (model.dir === null) throw new Error(`speech model missing: ${model.missing ?? model.lookedAt}`);
  return model.dir;
}

/**
 * Upstream's test keywords, as our typed specs (the pinyin is test_keywords.txt's tokens, joined back into syllables).
 * They are names and words from the recordings, not hotline keywords: they measure the engine on real speech.
 */
export const UPSTREAM_TEST_KEYWORDS: readonly KeywordSpec[] = [
  { display: '文森特卡索', pinyin: 'wén sēn tè kǎ suǒ', category: 'routing' },
  { display: '周望军', pinyin: 'zhōu wàng jūn', category: 'routing' },
  { display: '朱丽楠', pinyin: 'zhū lì nán', category: 'routing' },
  { display: '蒋友伯', pinyin: 'jiǎng yǒu bó', category: 'routing' },
  { display: '女儿', pinyin: 'nǚ ér', category: 'routing' },
  { display: '法国', pinyin: 'fǎ guó', category: 'routing' },
  { display: '见面会', pinyin: 'jiàn miàn huì', category: 'routing' },
  { display: '落实', pinyin: 'luò shí', category: 'routing' },
];

/** Which upstream keywords each test wav holds (0–2 hold none of them: real-speech negatives). */
const UPSTREAM_LABELS: Record<string, string[]> = {
  '0.wav': [],
  '1.wav': [],
  '2.wav': [],
  '3.wav': ['文森特卡索', '法国'],
  '4.wav': ['蒋友伯', '女儿'],
  '5.wav': ['周望军', '落实'],
  '6.wav': ['朱丽楠', '见面会'],
};

/** The model's test_wavs with labels (checked against test_keywords.txt: every labelled keyword is listed there). */
export function loadUpstreamTestWavs(modelDir: string): LabelledAudio[] {
  const listed = readFileSync(join(modelDir, 'test_wavs', 'test_keywords.txt'), 'utf8');
  return Object.entries(UPSTREAM_LABELS).map(([name, expected]) => {
    for (const k of expected) if (!listed.includes(`@${k}`)) throw new Error(`test_keywords.txt does not list ${k}`);
    const w = readWave(join(modelDir, 'test_wavs', name));
    if (w.sampleRate !== 16_000) throw new Error(`${name}: expected 16 kHz, got ${w.sampleRate}`);
    return { name, samples: w.samples, expected };
  });
}

/** Hotline phrases (tone-numbered pinyin for espeak-ng) and the default keyword each contains. */
export const SYNTH_POSITIVES: readonly { text: string; keyword: string }[] = [
  { text: 'zhe4 li3 zhao2 huo3 le5, kuai4 lai2 ren2', keyword: '着火' },
  { text: 'jiu4 ming4 a5, you3 ren2 ma5', keyword: '救命' },
  { text: 'wo3 ba4 ba4 yun1 dao3 le5', keyword: '晕倒' },
  { text: 'qian2 mian4 chu1 che1 huo4 le5', keyword: '车祸' },
  { text: 'fa1 sheng1 huo3 zai1 le5', keyword: '火灾' },
  { text: 'jia1 li3 mei2 qi4 xie4 lou4 le5', keyword: '煤气泄漏' },
  { text: 'zhe4 li3 you3 ren2 shou4 shang1 le5', keyword: '有人受伤' },
  { text: 'you3 ren2 yao4 tiao4 lou2', keyword: '跳楼' },
  { text: 'ta1 men5 zai4 da3 ren2', keyword: '打人' },
  { text: 'gang1 cai2 fa1 sheng1 bao4 zha4', keyword: '爆炸' },
  { text: 'wo3 xiang3 wen4 yi2 xia4 she4 bao3 de5 shi4', keyword: '社保' },
  { text: 'gong1 ji1 jin1 zen3 me5 ti2 qu3', keyword: '公积金' },
  { text: 'lou2 shang4 zao4 yin1 tai4 da4 le5', keyword: '噪音' },
  { text: 'wo3 men5 xiao3 qu1 ting2 shui3 le5', keyword: '停水' },
  { text: 'zheng3 dong4 lou2 ting2 dian4 le5', keyword: '停电' },
  { text: 'wu4 ye4 bu4 guan3', keyword: '物业' },
  { text: 'yi1 bao3 zen3 me5 bao4 xiao1', keyword: '医保' },
  { text: 'yang3 lao3 jin1 shen2 me5 shi2 hou5 fa1', keyword: '养老金' },
  { text: 'gong1 jiao1 che1 bu4 ting2 zhan4', keyword: '公交' },
  { text: 'di4 tie3 tai4 ji3 le5', keyword: '地铁' },
];

/** Ordinary hotline sentences without any default keyword. */
export const SYNTH_NEGATIVES: readonly string[] = [
  'jin1 tian1 tian1 qi4 hen3 hao3',
  'wo3 xiang3 cha2 xun2 yi2 xia4 ban4 shi4 de5 liu2 cheng2',
  'qing3 wen4 hu4 kou3 zen3 me5 qian1',
  'wo3 yao4 tou2 su4 yi4 jia1 can1 ting1',
  'ma3 lu4 shang4 de5 lu4 deng1 huai4 le5',
  'xie4 xie4 ni3, zai4 jian4',
  'wo3 de5 dian4 hua4 hao4 ma3 shi4 yao1 san1 ba1',
  'hai2 zi5 shang4 xue2 de5 wen4 ti2',
  'ni3 hao3, zhe4 li3 shi4 yi1 er4 san1 si4 wu3 re4 xian4',
  'wo3 xiang3 fan3 ying4 yi2 ge4 qing2 kuang4',
];

/** Throws with an install hint when espeak-ng or sox is missing (scripts/setup-host.sh installs both). */
export function requireSynthTools(): void {
  for (const tool of ['espeak-ng', 'sox']) {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error(`${tool} is not installed: run scripts/setup-host.sh (or apt-get install espeak-ng sox)`);
    }
  }
}

export interface SynthSet {
  dir: string;
  positives: LabelledAudio[];
  negatives: LabelledAudio[];
  dispose(): void;
}

/** Synthesises the phrases at 16 kHz into a fresh temporary folder. */
export function synthesizeHotlinePhrases(): SynthSet {
  requireSynthTools();
  const dir = mkdtempSync(join(tmpdir(), 'kws-synth-'));
  const make = (name: string, text: string): Float32Array => {
    const raw = join(dir, `${name}.raw.wav`);
    const wav = join(dir, `${name}.wav`);
    execFileSync('espeak-ng', ['-v', 'cmn-latn-pinyin', '-w', raw, text]);
    execFileSync('sox', ['-V1', raw, '-r', '16000', '-c', '1', '-b', '16', wav, 'norm', '-3', 'pad', '0.3', '0.5']);
    return readWave(wav).samples;
  };
  const positives = SYNTH_POSITIVES.map((p, i) => ({ name: `pos${i}-${p.keyword}`, samples: make(`pos${i}`, p.text), expected: [p.keyword] }));
  const negatives = SYNTH_NEGATIVES.map((t, i) => ({ name: `neg${i}`, samples: make(`neg${i}`, t), expected: [] }));
  return { dir, positives, negatives, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Phone band: sox resamples the 16 kHz audio to 8 kHz (with its anti-alias filter), then our streaming
 * Upsampler2x brings it back to 16 kHz in 20 ms frames, as a live 8 kHz call would be fed.
 */
export function toPhoneBand(samples: Float32Array, tmpDir: string, name: string): Float32Array {
  requireSynthTools();
  const out8 = join(tmpDir, `${name}.8k.f32`);
  execFileSync('sox', ['-V1', '-t', 'f32', '-r', '16000', '-c', '1', '-', '-t', 'f32', '-r', '8000', '-c', '1', out8], {
    input: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength),
  });
  const buf = readFileSync(out8);
  const narrow = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  const up = new Upsampler2x();
  const parts: Float32Array[] = [];
  for (let at = 0; at < narrow.length; at += 160) parts.push(up.process(narrow.subarray(at, at + 160)));
  return concatFloat32(parts);
}

export interface SpotCount {
  /** expected keyword occurrences */
  expected: number;
  /** expected occurrences found */
  detected: number;
  /** hits that were not expected in that audio */
  falseAlarms: number;
  details: { name: string; expected: string[]; heard: string[] }[];
}

/** Runs `spot` over labelled audio and counts detections and false alarms. */
export function countHits(items: readonly LabelledAudio[], spot: (samples: Float32Array) => string[]): SpotCount {
  const c: SpotCount = { expected: 0, detected: 0, falseAlarms: 0, details: [] };
  for (const item of items) {
    const heard = spot(item.samples);
    const remaining = [...heard];
    for (const k of item.expected) {
      c.expected++;
      const i = remaining.indexOf(k);
      if (i >= 0) {
        c.detected++;
        remaining.splice(i, 1);
      }
    }
    c.falseAlarms += remaining.length;
    c.details.push({ name: item.name, expected: item.expected, heard });
  }
  return c;
}
