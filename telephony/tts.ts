// Text-to-speech for dynamic readouts (order status, dates). The default engine is espeak-ng: Chinese text is
// turned into tone-numbered pinyin (pinyin-pro), which the cmn-latn-pinyin voice reads correctly (the plain cmn
// voice mispronounces many characters), then converted to 8 kHz mono WAV for Asterisk. Results are cached by
// text, so a readout heard often is synthesised once.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pinyin } from 'pinyin-pro';
import { synthesizeMandarin } from './prompts.js';

export interface TextToSpeech {
  /** Absolute path of the audio WITHOUT extension (as Asterisk's `sound:` wants it). */
  synthesize(textZh: string): Promise<string>;
}

/** 您好，十一月 → "nin2 hao3, shi2 yi1 yue4" (neutral tone as 5, Chinese punctuation as pauses). */
export function toToneNumberedPinyin(textZh: string): string {
  return pinyin(textZh, { toneType: 'num', type: 'array', nonZh: 'consecutive' })
    .map((s) => s.replace(/^([a-zü]+)0$/, '$15').replace(/ü/g, 'v'))
    .join(' ')
    .replace(/\s*[，、；：]\s*/g, ', ')
    .replace(/\s*[。！？]\s*/g, '. ')
    .replace(/\s+/g, ' ')
    .trim();
}

export class EspeakMandarinTts implements TextToSpeech {
  constructor(private readonly dir: string) {}

  async synthesize(textZh: string): Promise<string> {
    const base = path.join(this.dir, crypto.createHash('sha256').update(textZh).digest('hex').slice(0, 24));
    try {
      if ((await fs.stat(`${base}.wav`)).size > 44) return base;
    } catch {
      // not cached yet
    }
    await fs.mkdir(this.dir, { recursive: true });
    await synthesizeMandarin(toToneNumberedPinyin(textZh), `${base}.wav`, { sampleRate: 8000 });
    return base;
  }
}
