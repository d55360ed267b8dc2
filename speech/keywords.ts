// The hotline's keyword list for the spotter, and the pure conversion to the model's keyword lines
// (`zh áo h uǒ :1.5 #0.3 @着火`). Emergency keywords raise a supervisor alert; routing keywords hint at a skill
// (ids as in acd/config.ts HOTLINE_12345_SKILLS). Every token is checked against the model's tokens.txt at start-up.
import { PinyinError, pinyinToTokens } from './pinyin.js';
import { SpeechError } from './models.js';

export type KeywordCategory = 'emergency' | 'routing';

export interface KeywordSpec {
  /** What the hit reports, in characters: 着火. No spaces, @, : or #. Unique in a list. */
  display: string;
  /**
   * How it is pronounced, in pinyin with tone marks (zháo huǒ) or tone numbers (zhao2 huo3). Several readings
   * (泄漏 xiè lòu / xiè lù) may be given; each becomes one line of the keyword file reporting the same display.
   */
  pinyin: string | readonly string[];
  category: KeywordCategory;
  /** ACD skill id the keyword suggests (routing keywords), e.g. social_security. */
  skillHint?: string;
  /** Detection threshold for this keyword (0–1; lower detects more and false-alarms more). Default: the spotter's. */
  threshold?: number;
  /** Boost (keywords score) for this keyword; higher favours it on the decoding paths. Default: the spotter's. */
  boost?: number;
}

/**
 * The default hotline list. Two-syllable keywords are the weakest (short, so a near-homophone can fire them);
 * longer phrases are safer. Readings follow 现代汉语词典 citation tones, as the model's training labels do.
 */
export const DEFAULT_HOTLINE_KEYWORDS: readonly KeywordSpec[] = [
  // emergency: the call may need 110 / 119 / 120 and a supervisor now
  { display: '着火', pinyin: 'zháo huǒ', category: 'emergency' },
  { display: '起火', pinyin: 'qǐ huǒ', category: 'emergency' },
  { display: '火灾', pinyin: 'huǒ zāi', category: 'emergency' },
  { display: '救命', pinyin: 'jiù mìng', category: 'emergency' },
  { display: '晕倒', pinyin: 'yūn dǎo', category: 'emergency' },
  { display: '昏迷', pinyin: 'hūn mí', category: 'emergency' },
  { display: '车祸', pinyin: 'chē huò', category: 'emergency' },
  { display: '煤气泄漏', pinyin: ['méi qì xiè lòu', 'méi qì xiè lù'], category: 'emergency' },
  { display: '燃气泄漏', pinyin: ['rán qì xiè lòu', 'rán qì xiè lù'], category: 'emergency' },
  { display: '有人受伤', pinyin: 'yǒu rén shòu shāng', category: 'emergency' },
  { display: '打人', pinyin: 'dǎ rén', category: 'emergency' },
  { display: '跳楼', pinyin: 'tiào lóu', category: 'emergency' },
  { display: '自杀', pinyin: 'zì shā', category: 'emergency' },
  { display: '爆炸', pinyin: 'bào zhà', category: 'emergency' },
  { display: '溺水', pinyin: 'nì shuǐ', category: 'emergency' },
  { display: '触电', pinyin: 'chù diàn', category: 'emergency' },
  { display: '被困', pinyin: 'bèi kùn', category: 'emergency' },
  // routing: which desk the caller probably wants
  { display: '社保', pinyin: 'shè bǎo', category: 'routing', skillHint: 'social_security' },
  { display: '养老金', pinyin: 'yǎng lǎo jīn', category: 'routing', skillHint: 'social_security' },
  { display: '拖欠工资', pinyin: 'tuō qiàn gōng zī', category: 'routing', skillHint: 'social_security' },
  { display: '公积金', pinyin: 'gōng jī jīn', category: 'routing', skillHint: 'housing_fund' },
  { display: '医保', pinyin: 'yī bǎo', category: 'routing', skillHint: 'medical_insurance' },
  { display: '物业', pinyin: 'wù yè', category: 'routing', skillHint: 'real_estate' },
  { display: '开发商', pinyin: 'kāi fā shāng', category: 'routing', skillHint: 'real_estate' },
  { display: '营业执照', pinyin: 'yíng yè zhí zhào', category: 'routing', skillHint: 'business' },
  { display: '公交', pinyin: 'gōng jiāo', category: 'routing', skillHint: 'transport' },
  { display: '地铁', pinyin: 'dì tiě', category: 'routing', skillHint: 'transport' },
  { display: '噪音', pinyin: 'zào yīn', category: 'routing' },
  { display: '停水', pinyin: 'tíng shuǐ', category: 'routing' },
  { display: '停电', pinyin: 'tíng diàn', category: 'routing' },
  { display: '燃气', pinyin: 'rán qì', category: 'routing' },
];

export interface KeywordLine {
  spec: KeywordSpec;
  /** The reading this line came from. */
  pinyin: string;
  tokens: string[];
  /** The line for the model: tokens, optional :boost and #threshold, then @display. */
  line: string;
}

/**
 * Converts a keyword list to the model's keyword lines, validating it: displays unique and free of the file's
 * separators, thresholds and boosts in range, pinyin well-formed, and — when `tokens` (the model's token set) is
 * given — every token known to the model. Errors are SPEECH_KEYWORD_INVALID naming the keyword and the culprit.
 */
export function keywordLines(specs: readonly KeywordSpec[], tokens?: ReadonlySet<string>): KeywordLine[] {
  if (specs.length === 0) throw new SpeechError('SPEECH_KEYWORD_INVALID', 'the keyword list is empty');
  const seen = new Set<string>();
  const lines: KeywordLine[] = [];
  for (const spec of specs) {
    const bad = (why: string): never => {
      throw new SpeechError('SPEECH_KEYWORD_INVALID', `keyword "${spec.display}": ${why}`);
    };
    if (spec.display === '' || /[\s@:#]/.test(spec.display)) bad('display must be non-empty without spaces, @, : or #');
    if (seen.has(spec.display)) bad('listed twice');
    seen.add(spec.display);
    if (spec.category !== 'emergency' && spec.category !== 'routing') bad(`unknown category "${String(spec.category)}"`);
    if (spec.threshold !== undefined && !(spec.threshold > 0 && spec.threshold < 1)) bad(`threshold ${spec.threshold} is not in (0, 1)`);
    if (spec.boost !== undefined && !(spec.boost > 0 && Number.isFinite(spec.boost))) bad(`boost ${spec.boost} must be a positive number`);
    const readings = typeof spec.pinyin === 'string' ? [spec.pinyin] : [...spec.pinyin];
    if (readings.length === 0) bad('no pinyin reading');
    for (const reading of readings) {
      let toks: string[];
      try {
        toks = pinyinToTokens(reading);
      } catch (err) {
        if (err instanceof PinyinError) bad(`pinyin "${reading}": ${err.message}`);
        throw err;
      }
      if (tokens !== undefined) {
        const unknown = toks.find((t) => !tokens.has(t));
        if (unknown !== undefined) bad(`token "${unknown}" (from pinyin "${reading}") is not in the model's tokens.txt`);
      }
      const extras = [spec.boost !== undefined ? `:${spec.boost}` : null, spec.threshold !== undefined ? `#${spec.threshold}` : null].filter(
        (x): x is string => x !== null,
      );
      lines.push({ spec, pinyin: reading, tokens: toks, line: [...toks, ...extras, `@${spec.display}`].join(' ') });
    }
  }
  return lines;
}

/** The text of a keywords file (one line per reading, newline-terminated). */
export function keywordsFileText(lines: readonly KeywordLine[]): string {
  return lines.map((l) => l.line).join('\n') + '\n';
}

/** Parses tokens.txt (`token id` per line) into the token set. */
export function parseTokens(text: string): Set<string> {
  const set = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim().split(/\s+/)[0];
    if (t !== undefined && t !== '') set.add(t);
  }
  return set;
}
