import { describe, expect, it } from 'vitest';
import { chineseNumber, formatDateZh } from './date-zh.js';

describe('Chinese dates for text-to-speech', () => {
  it.each([
    ['2026-11-28', '十一月二十八日'],
    ['2026-01-01', '一月一日'],
    ['2026-10-10', '十月十日'],
    ['2026-12-31', '十二月三十一日'],
    ['2026-02-20', '二月二十日'],
    ['2026-03-15', '三月十五日'],
    ['2028-02-29', '二月二十九日'],
  ])('given %s, when formatted, then it reads %s', (date, zh) => {
    expect(formatDateZh(date)).toBe(zh);
  });

  it('given withYear, when formatted, then the year is read digit by digit with 〇', () => {
    expect(formatDateZh('2026-11-28', { withYear: true })).toBe('二〇二六年十一月二十八日');
    expect(formatDateZh('2030-01-05', { withYear: true })).toBe('二〇三〇年一月五日');
  });

  it('given today, when the date falls in the same year, then the year is left out, otherwise said', () => {
    expect(formatDateZh('2026-12-30', { today: '2026-11-23' })).toBe('十二月三十日');
    expect(formatDateZh('2027-01-05', { today: '2026-12-28' })).toBe('二〇二七年一月五日');
  });

  it.each(['2026-02-30', '2026-13-01', '20261128', '', '2026-1-5'])('given %j, when formatted, then it is refused', (date) => {
    expect(() => formatDateZh(date)).toThrow(RangeError);
  });

  it('given numbers 1–99, when spelled, then tens and ones follow spoken Chinese', () => {
    expect([1, 9, 10, 11, 19, 20, 21, 30, 99].map(chineseNumber)).toEqual(['一', '九', '十', '十一', '十九', '二十', '二十一', '三十', '九十九']);
    expect(() => chineseNumber(0)).toThrow(RangeError);
    expect(() => chineseNumber(100)).toThrow(RangeError);
    expect(() => chineseNumber(1.5)).toThrow(RangeError);
  });
});
