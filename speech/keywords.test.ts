import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HOTLINE_12345_SKILLS } from '../acd/config.js';
import { DEFAULT_HOTLINE_KEYWORDS, keywordLines, keywordsFileText, parseTokens } from './keywords.js';
import { SpeechError } from './models.js';
import { PinyinError, parseSyllable, pinyinToTokens, toToneNumbers } from './pinyin.js';
import { findKwsModel, requireModel, skipWithoutModels } from './test-audio.js';

describe('pinyin → KWS tokens (pypinyin initials + tonal finals, strict=False)', () => {
  it.each([
    ['zháo huǒ', 'zh áo h uǒ'],
    ['yūn dǎo', 'y ūn d ǎo'],
    ['méi qì xiè lòu', 'm éi q ì x iè l òu'],
    ['yǒu rén shòu shāng', 'y ǒu r én sh òu sh āng'],
    ['gōng jī jīn', 'g ōng j ī j īn'],
    ['nǚ ér', 'n ǚ ér'],
    ['jūn', 'j ūn'],
    ['wù yè', 'w ù y è'],
    ['ài', 'ài'],
    ['lüè', 'l üè'],
  ])('%s → %s', (pinyin, tokens) => {
    expect(pinyinToTokens(pinyin).join(' ')).toBe(tokens);
  });

  it('accepts tone numbers and places the mark as pinyin does (a/e first, o of ou, else the last vowel)', () => {
    expect(pinyinToTokens('zhao2 huo3').join(' ')).toBe('zh áo h uǒ');
    expect(pinyinToTokens('liu4 gui4 lou4 xue2').join(' ')).toBe('l iù g uì l òu x ué');
    expect(pinyinToTokens('nv3 lv4 jv1').join(' ')).toBe('n ǚ l ǜ j ū'); // v = ü; ü written u after j
    expect(pinyinToTokens("xi'an1").join(' ')).toBe('x i ān'); // apostrophe separates syllables; bare xi = neutral
  });

  it('writes a neutral tone without a mark (le5, le0, le)', () => {
    expect(parseSyllable('le5')).toEqual({ initial: 'l', final: 'e', tone: 5 });
    expect(parseSyllable('le0').final).toBe('e');
    expect(parseSyllable('le').final).toBe('e');
  });

  it('rejects what is not a syllable', () => {
    expect(() => pinyinToTokens('')).toThrow(PinyinError);
    expect(() => parseSyllable('zháǒ')).toThrow(/more than one tone mark/);
    expect(() => parseSyllable('zh')).toThrow(/no vowel/);
    expect(() => parseSyllable('着火')).toThrow(PinyinError);
  });

  it('turns marks back into espeak-ng tone numbers', () => {
    expect(toToneNumbers('zháo huǒ le')).toBe('zhao2 huo3 le5');
    expect(toToneNumbers('nǚ ér')).toBe('nv3 er2');
  });
});

describe('keyword lines', () => {
  it('writes tokens, :boost, #threshold and @display, one line per reading', () => {
    const lines = keywordLines([
      { display: '车祸', pinyin: 'chē huò', category: 'emergency', boost: 1.5, threshold: 0.3 },
      { display: '煤气泄漏', pinyin: ['méi qì xiè lòu', 'méi qì xiè lù'], category: 'emergency' },
    ]);
    expect(keywordsFileText(lines)).toBe('ch ē h uò :1.5 #0.3 @车祸\nm éi q ì x iè l òu @煤气泄漏\nm éi q ì x iè l ù @煤气泄漏\n');
  });

  it.each([
    [[{ display: '着 火', pinyin: 'zháo huǒ', category: 'emergency' }], /keyword "着 火": display must be/],
    [
      [
        { display: '着火', pinyin: 'zháo huǒ', category: 'emergency' },
        { display: '着火', pinyin: 'zhe huo', category: 'emergency' },
      ],
      /keyword "着火": listed twice/,
    ],
    [[{ display: '着火', pinyin: 'zháo huǒ', category: 'emergency', threshold: 1.5 }], /threshold 1.5 is not in \(0, 1\)/],
    [[{ display: '着火', pinyin: 'zháo huǒ', category: 'emergency', boost: -1 }], /boost -1 must be a positive number/],
    [[{ display: '着火', pinyin: 'zhx', category: 'emergency' }], /keyword "着火": pinyin "zhx"/],
    [[], /empty/],
  ] as const)('rejects a bad list (%#) with a message naming the keyword', (specs, message) => {
    expect(() => keywordLines(specs)).toThrow(SpeechError);
    expect(() => keywordLines(specs)).toThrow(message);
  });

  it('names the keyword and the token a model lacks', () => {
    const tokens = new Set(['zh', 'áo', 'h']);
    expect(() => keywordLines([{ display: '着火', pinyin: 'zháo huǒ', category: 'emergency' }], tokens)).toThrow(
      'keyword "着火": token "uǒ" (from pinyin "zháo huǒ") is not in the model\'s tokens.txt',
    );
  });

  it('ships emergency and routing keywords whose skill hints are ACD skills', () => {
    const emergency = DEFAULT_HOTLINE_KEYWORDS.filter((k) => k.category === 'emergency').map((k) => k.display);
    const routing = DEFAULT_HOTLINE_KEYWORDS.filter((k) => k.category === 'routing').map((k) => k.display);
    for (const k of ['着火', '火灾', '救命', '晕倒', '车祸', '煤气泄漏', '有人受伤', '打人', '跳楼']) expect(emergency).toContain(k);
    for (const k of ['社保', '公积金', '噪音', '停水', '停电', '物业', '燃气']) expect(routing).toContain(k);
    const skills = new Set(HOTLINE_12345_SKILLS.map((s) => s.id));
    for (const k of DEFAULT_HOTLINE_KEYWORDS) if (k.skillHint !== undefined) expect(skills, `${k.display} → ${k.skillHint}`).toContain(k.skillHint);
    expect(DEFAULT_HOTLINE_KEYWORDS.find((k) => k.display === '社保')?.skillHint).toBe('social_security');
    expect(DEFAULT_HOTLINE_KEYWORDS.find((k) => k.display === '公积金')?.skillHint).toBe('housing_fund');
  });

  const kws = findKwsModel();
  it.skipIf(skipWithoutModels('default-list token check', kws))(
    'uses only tokens of the shared KWS model (tokens.txt), and agrees with the hand-made keywords_hotline_zh.txt',
    () => {
      const tokensFile = join(requireModel(kws), 'tokens.txt');
      const tokens = parseTokens(readFileSync(tokensFile, 'utf8'));
      expect(tokens.size).toBe(227);
      const lines = keywordLines(DEFAULT_HOTLINE_KEYWORDS, tokens);
      const handMade = readFileSync(join(tokensFile, '..', 'keywords_hotline_zh.txt'), 'utf8')
        .trim()
        .split('\n');
      for (const line of handMade) expect(lines.map((l) => l.line)).toContain(line.trim());
    },
  );
});
