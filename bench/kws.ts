// Keyword-spotting bench: CPU cost per second of call audio (real-time factor), how many concurrent call sides one
// core sustains, and detections / false alarms on the test audio at 16 kHz and through the 8 kHz phone band.
// Prints, never asserts.   npx tsx bench/kws.ts
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Upsampler2x, concatFloat32 } from '../speech/audio.js';
import { KeywordSpotter } from '../speech/keyword-spotter.js';
import { UPSTREAM_TEST_KEYWORDS, countHits, findKwsModel, loadUpstreamTestWavs, synthesizeHotlinePhrases, toPhoneBand } from '../speech/test-audio.js';
import type { LabelledAudio, SpotCount } from '../speech/test-audio.js';
import { VoiceActivityDetector } from '../speech/vad.js';

const FRAME = 320; // 20 ms at 16 kHz, as chan_websocket delivers slin16

const model = findKwsModel();
if (model.dir === null) {
  console.log(`kws bench: ${model.missing}`);
  process.exit(0);
}
const modelDir = model.dir;

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function spot(spotter: KeywordSpotter, samples: Float32Array): string[] {
  const s = spotter.createStream();
  const out: string[] = [];
  for (let at = 0; at < samples.length; at += FRAME) for (const h of s.accept(samples.subarray(at, at + FRAME))) out.push(h.keyword);
  for (const h of s.end()) out.push(h.keyword);
  return out;
}

/** Feeds `streams` call sides interleaved frame by frame (as a server would), returns CPU ms per audio second. */
function measure(label: string, audio: Float32Array, streams: number, feed: (n: number) => { accept(x: Float32Array): unknown; end(): unknown }[]) {
  const sides = feed(streams);
  const t0 = cpuMs();
  const w0 = performance.now();
  for (let at = 0; at < audio.length; at += FRAME) {
    const frame = audio.subarray(at, at + FRAME);
    for (const s of sides) s.accept(frame);
  }
  for (const s of sides) s.end();
  const cpu = cpuMs() - t0;
  const wall = performance.now() - w0;
  const audioSeconds = (audio.length / 16_000) * streams;
  const msPerSecond = cpu / audioSeconds;
  return { label, streams, audioSeconds, cpuMs: cpu, wallMs: wall, msPerSecond, rtf: msPerSecond / 1000 };
}

const pct = (c: SpotCount) => `${c.detected}/${c.expected}${c.expected > 0 ? ` (${Math.round((100 * c.detected) / c.expected)}%)` : ''}`;

const hotline = KeywordSpotter.create({ modelDir });
const upstream = KeywordSpotter.create({ modelDir, keywords: UPSTREAM_TEST_KEYWORDS });
const wavs = loadUpstreamTestWavs(modelDir);
const synth = synthesizeHotlinePhrases();
const tmp = mkdtempSync(join(tmpdir(), 'kws-bench-'));
try {
  console.log(`kws bench — model ${modelDir}`);
  console.log(
    `node ${process.version}, ${hotline.info.keywords} hotline keywords (${hotline.info.lines} lines), threshold ${hotline.info.threshold}, 20 ms frames\n`,
  );

  // --- cost ---------------------------------------------------------------------------------------------------
  const real = concatFloat32(wavs.map((w) => w.samples));
  const long = concatFloat32([real, real, real]); // ~108 s of real speech
  // warm-up
  measure('warm-up', real, 1, (n) => Array.from({ length: n }, () => hotline.createStream()));
  const rows = [
    measure('keyword spotter, 1 stream', long, 1, (n) => Array.from({ length: n }, () => hotline.createStream())),
    measure('keyword spotter, 20 streams interleaved', real, 20, (n) => Array.from({ length: n }, () => hotline.createStream())),
    measure('Silero VAD, 1 stream', long, 1, (n) =>
      Array.from({ length: n }, () => {
        const v = new VoiceActivityDetector();
        return { accept: (x: Float32Array) => v.accept(x), end: () => v.flush() };
      }),
    ),
    measure('8→16 kHz upsampler, 1 stream', long.subarray(0, long.length >> 1), 1, (n) =>
      Array.from({ length: n }, () => {
        const u = new Upsampler2x();
        return { accept: (x: Float32Array) => u.process(x.subarray(0, x.length >> 1)), end: () => null };
      }),
    ),
  ];
  console.log('cost (CPU time of this process, user+system)');
  console.log('  what                                      audio s   CPU ms   ms CPU per s audio    RTF     streams per core (1/RTF)');
  for (const r of rows) {
    console.log(
      `  ${r.label.padEnd(40)} ${r.audioSeconds.toFixed(1).padStart(7)} ${r.cpuMs.toFixed(0).padStart(8)} ${r.msPerSecond.toFixed(1).padStart(12)}       ${r.rtf.toFixed(4)}   ${Math.floor(1 / r.rtf)}`,
    );
  }
  const kwsRtf = rows[1]!.rtf;
  console.log(
    `  → one core spots keywords on about ${Math.floor(1 / kwsRtf)} call sides at once (${Math.floor(0.7 / kwsRtf)} at 70 % load); ` +
      `with VAD as well, about ${Math.floor(1 / (kwsRtf + rows[2]!.rtf))}.\n`,
  );

  // --- accuracy -----------------------------------------------------------------------------------------------
  const narrow = (items: readonly LabelledAudio[]) => items.map((w) => ({ ...w, samples: toPhoneBand(w.samples, tmp, w.name) }));
  const realNeg = wavs.map((w) => ({ ...w, expected: [] as string[] }));
  const table: [string, SpotCount, SpotCount][] = [
    ['real speech, upstream labels (8 keywords, 7 files, 36 s)', countHits(wavs, (s) => spot(upstream, s)), countHits(narrow(wavs), (s) => spot(upstream, s))],
    [
      'hotline list on real speech without hotline words (36 s)',
      countHits(realNeg, (s) => spot(hotline, s)),
      countHits(narrow(realNeg), (s) => spot(hotline, s)),
    ],
    [
      'hotline list, espeak-ng phrases with a keyword (20)',
      countHits(synth.positives, (s) => spot(hotline, s)),
      countHits(narrow(synth.positives), (s) => spot(hotline, s)),
    ],
    [
      'hotline list, espeak-ng phrases without (10)',
      countHits(synth.negatives, (s) => spot(hotline, s)),
      countHits(narrow(synth.negatives), (s) => spot(hotline, s)),
    ],
  ];
  console.log('detections and false alarms                                  16 kHz: detected / false     8 kHz phone band: detected / false');
  for (const [label, wide, nb] of table) {
    console.log(`  ${label.padEnd(58)} ${pct(wide).padStart(12)} / ${String(wide.falseAlarms).padEnd(12)} ${pct(nb).padStart(12)} / ${nb.falseAlarms}`);
  }
  const missed = table[2]![1].details.filter((d) => !d.heard.includes(d.expected[0]!)).map((d) => d.expected[0]);
  console.log(`\n  espeak-ng phrases missed at 16 kHz: ${missed.join(' ')}`);
  console.log('  (espeak-ng Mandarin is a poor stand-in for a caller: the model hears its tones wrong; real-speech rows are the ones to trust)');
} finally {
  synth.dispose();
  rmSync(tmp, { recursive: true, force: true });
}
