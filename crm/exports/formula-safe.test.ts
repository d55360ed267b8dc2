import { describe, expect, it } from 'vitest';
import { quoteFormulaText, startsLikeFormula, unquoteFormulaText } from './formula-safe.js';

const HOSTILE = ['=HYPERLINK("http://x")', '+1', '-1+1', '@SUM(A1)', '\t=1', '\r=1', '＝1+1', '－1', "=cmd|' /C calc'!A0"];
const SAFE = ['1-2', 'a=b', '南山区粤海街道科技园南区1栋', '', "'", "'quoted", 'C03.001', ' =1 padded', '2026-11-17'];

describe('formula-safe text cells', () => {
  it('prefixes a quote to text a spreadsheet would run as a formula', () => {
    for (const v of HOSTILE) {
      expect(startsLikeFormula(v), JSON.stringify(v)).toBe(true);
      expect(quoteFormulaText(v)).toBe(`'${v}`);
    }
  });

  it('leaves other text unchanged', () => {
    for (const v of SAFE) {
      expect(startsLikeFormula(v), JSON.stringify(v)).toBe(false);
      expect(quoteFormulaText(v)).toBe(v);
      expect(unquoteFormulaText(v)).toBe(v);
    }
  });

  it('gives every value back exactly, including ones that already start with quotes', () => {
    for (const v of [...HOSTILE, ...SAFE, "'=x", "''-1", "'@", "''"]) expect(unquoteFormulaText(quoteFormulaText(v)), JSON.stringify(v)).toBe(v);
    // a value that itself starts with a quote before a formula character gets its own extra quote
    expect(quoteFormulaText("'=x")).toBe("''=x");
    expect(unquoteFormulaText("''=x")).toBe("'=x");
  });

  it('strips only a quote that stands before a formula character', () => {
    expect(unquoteFormulaText("'=1")).toBe('=1');
    expect(unquoteFormulaText("'abc")).toBe("'abc");
    expect(unquoteFormulaText("'")).toBe("'");
  });
});
