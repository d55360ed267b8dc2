// Pinyin → the keyword-spotter's tokens. The zipformer KWS model (wenetspeech) models Mandarin as pypinyin INITIALS
// plus FINALS_TONE with strict=False — what sherpa-onnx's `text2token --tokens-type ppinyin` produces:
//   着火 zháo huǒ → zh áo h uǒ        晕倒 yūn dǎo → y ūn d ǎo        女儿 nǚ ér → n ǚ ér
// so y and w count as initials, ü is written u after j/q/x/y (jūn), a neutral tone has no mark (le → l e), and a
// syllable without an initial is one token (ài, ér). Pure: no model needed.

const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];

const MARKS: Record<string, readonly [string, string, string, string]> = {
  a: ['ā', 'á', 'ǎ', 'à'],
  e: ['ē', 'é', 'ě', 'è'],
  i: ['ī', 'í', 'ǐ', 'ì'],
  o: ['ō', 'ó', 'ǒ', 'ò'],
  u: ['ū', 'ú', 'ǔ', 'ù'],
  ü: ['ǖ', 'ǘ', 'ǚ', 'ǜ'],
};

/** marked vowel → [plain vowel, tone 1–4] */
const UNMARK = new Map<string, [string, number]>();
for (const [plain, marked] of Object.entries(MARKS)) marked.forEach((m, i) => UNMARK.set(m, [plain, i + 1]));

export class PinyinError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PinyinError';
  }
}

export interface Syllable {
  initial: string | null;
  /** The final with its tone mark, as the model's tokens write it (uǒ, ūn, ǚ, e). */
  final: string;
  tone: 1 | 2 | 3 | 4 | 5;
}

/**
 * Parses one syllable written with a tone mark (huǒ) or a tone number (huo3; 5 or 0 or none = neutral).
 * `v` and `u:` stand for ü. Throws PinyinError on anything that is not a pinyin syllable.
 */
export function parseSyllable(input: string): Syllable {
  let s = input.normalize('NFC').trim().toLowerCase().replace(/u:/g, 'ü').replace(/v/g, 'ü');
  if (s === '') throw new PinyinError('empty pinyin syllable');
  let tone: Syllable['tone'] = 5;
  const numbered = /^([a-zü]+)([0-5])$/.exec(s);
  if (numbered !== null) {
    s = numbered[1]!;
    const n = Number(numbered[2]);
    tone = n === 0 ? 5 : (n as Syllable['tone']);
  } else {
    // tone mark: at most one marked vowel
    let found = 0;
    let plain = '';
    for (const ch of s) {
      const u = UNMARK.get(ch);
      if (u !== undefined) {
        found++;
        tone = u[1] as Syllable['tone'];
        plain += u[0];
      } else plain += ch;
    }
    if (found > 1) throw new PinyinError(`"${input}": more than one tone mark`);
    s = plain;
  }
  if (!/^[a-zü]+$/.test(s)) throw new PinyinError(`"${input}" is not a pinyin syllable (letters and one tone mark or a tone number 1–5)`);
  const initial = INITIALS.find((i) => s.startsWith(i) && s.length > i.length) ?? null;
  let final = initial === null ? s : s.slice(initial.length);
  if (!/[aeiouü]/.test(final)) throw new PinyinError(`"${input}" has no vowel in its final "${final}"`);
  // ü is written u after j, q, x, y (jūn, qù, xué, yuè); it keeps its dots after n and l (nǚ, lüè)
  if (initial !== null && 'jqxy'.includes(initial)) final = final.replace(/ü/g, 'u');
  return { initial, final: tone === 5 ? final : markTone(final, tone), tone };
}

/** Puts the tone mark where pinyin puts it: on a or e, on the o of ou, else on the last vowel (liù, guì). */
export function markTone(final: string, tone: 1 | 2 | 3 | 4): string {
  let at: number;
  if (final.includes('a')) at = final.indexOf('a');
  else if (final.includes('e')) at = final.indexOf('e');
  else if (final.includes('ou')) at = final.indexOf('o');
  else {
    at = -1;
    for (let i = final.length - 1; i >= 0; i--) {
      if ('iouü'.includes(final[i]!)) {
        at = i;
        break;
      }
    }
  }
  if (at < 0) throw new PinyinError(`no vowel to mark in "${final}"`);
  const vowel = final[at]!;
  return final.slice(0, at) + MARKS[vowel]![tone - 1] + final.slice(at + 1);
}

/** Splits a pinyin phrase ("zháo huǒ", "zhao2 huo3", "zháo'huǒ") into syllables. */
export function splitPinyin(phrase: string): string[] {
  return phrase
    .trim()
    .split(/[\s'’-]+/)
    .filter((s) => s !== '');
}

/** A pinyin phrase → the model's tokens: "zháo huǒ" → ["zh", "áo", "h", "uǒ"]. */
export function pinyinToTokens(phrase: string): string[] {
  const syllables = splitPinyin(phrase);
  if (syllables.length === 0) throw new PinyinError('empty pinyin');
  return syllables.flatMap((s) => {
    const p = parseSyllable(s);
    return p.initial === null ? [p.final] : [p.initial, p.final];
  });
}

/**
 * Tone-numbered pinyin for espeak-ng's cmn-latn-pinyin voice ("zháo huǒ" → "zhao2 huo3", neutral → 5),
 * used by tests that synthesise speech.
 */
export function toToneNumbers(phrase: string): string {
  return splitPinyin(phrase)
    .map((s) => {
      const p = parseSyllable(s);
      let plain = '';
      for (const ch of (p.initial ?? '') + p.final) plain += UNMARK.get(ch)?.[0] ?? ch;
      // espeak writes ü as v
      return plain.replace(/ü/g, 'v') + String(p.tone);
    })
    .join(' ');
}
