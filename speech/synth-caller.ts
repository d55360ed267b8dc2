// A synthetic caller's voice for tests: espeak-ng's Mandarin (cmn-latn-pinyin, tone-numbered pinyin) made into a
// WAV a fake microphone can play in a loop — normalised, with silence around so each repetition is its own
// utterance. espeak-ng's tones are not a caller's: pick phrases the keyword spotter was measured to hear
// (煤气泄漏 is heard at every speed tried; 着火 and 救命 never are — see speech/README.md).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireSynthTools } from './test-audio.js';

export interface SynthCallerOptions {
  /** Tone-numbered pinyin, e.g. 'mei2 qi4 xie4 lou4 le5'. */
  pinyin: string;
  /** Output WAV (16-bit mono). */
  out: string;
  /** Sample rate of the WAV (16000 for the spotter, 48000 for a browser's fake microphone). */
  rate: number;
  /** espeak-ng words per minute (default 175, its own default). */
  speed?: number;
  /** Silence before and after, seconds. */
  padBefore?: number;
  padAfter?: number;
}

export function synthesizeCallerWav(o: SynthCallerOptions): void {
  requireSynthTools();
  const dir = mkdtempSync(join(tmpdir(), 'synth-caller-'));
  try {
    const raw = join(dir, 'raw.wav');
    execFileSync('espeak-ng', ['-v', 'cmn-latn-pinyin', '-s', String(o.speed ?? 175), '-w', raw, o.pinyin]);
    execFileSync('sox', [
      '-V1',
      raw,
      '-r',
      String(o.rate),
      '-c',
      '1',
      '-b',
      '16',
      o.out,
      'norm',
      '-3',
      'pad',
      String(o.padBefore ?? 0.5),
      String(o.padAfter ?? 1.5),
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
