import { describe, expect, it } from 'vitest';
import { HOLIDAY_BLOCKS_2026, HOLIDAYS_2026, MAKE_UP_WORKDAYS_2026 } from './holidays-2026.js';
import { t } from './testing.js';
import {
  addWorkingDays,
  addWorkingTime,
  CHINA_2026_CALENDAR as CAL,
  createWorkingCalendar,
  DAY_MS,
  endOfLocalDay,
  formatLocal,
  isDateKey,
  isWorkingDay,
  localDateKey,
  localDayStart,
  startOfLocalDay,
  workingTimeBetween,
} from './working-calendar.js';

describe('local time in UTC+8, independent of the machine TZ', () => {
  it('takes the local date of an instant in China, not in UTC', () => {
    // 2026-11-29 17:00Z is Monday 01:00 in Beijing
    expect(localDateKey(Date.UTC(2026, 10, 29, 17, 0))).toBe('2026-11-30');
    expect(localDateKey(Date.UTC(2026, 10, 29, 15, 59))).toBe('2026-11-29');
  });

  it('finds local midnight and formats wall-clock time', () => {
    const ms = t('2026-11-30 01:00');
    expect(startOfLocalDay(ms)).toBe(Date.UTC(2026, 10, 29, 16, 0));
    expect(endOfLocalDay(ms)).toBe(Date.UTC(2026, 10, 30, 16, 0));
    expect(localDayStart('2026-11-30')).toBe(startOfLocalDay(ms));
    expect(formatLocal(ms)).toBe('2026-11-30 01:00');
  });

  it('checks date keys for real calendar dates', () => {
    expect(isDateKey('2026-02-28')).toBe(true);
    expect(isDateKey('2026-02-29')).toBe(false);
    expect(isDateKey('2026-2-28')).toBe(false);
    expect(() => localDayStart('2026-13-01')).toThrowError(expect.objectContaining({ code: 'invalid_due_date' }));
  });
});

describe('the 2026 China calendar', () => {
  it.each([
    ['2026-11-23', true, 'ordinary Monday'],
    ['2026-11-28', false, 'ordinary Saturday'],
    ['2026-11-29', false, 'ordinary Sunday'],
    ['2026-01-01', false, "New Year's Day"],
    ['2026-01-02', false, 'New Year bridge Friday'],
    ['2026-01-04', true, 'make-up Sunday after New Year'],
    ['2026-02-14', true, 'make-up Saturday before Spring Festival'],
    ['2026-02-16', false, 'Spring Festival eve (Monday)'],
    ['2026-02-23', false, 'last day of Spring Festival (Monday)'],
    ['2026-02-24', true, 'back to work after Spring Festival'],
    ['2026-02-28', true, 'make-up Saturday after Spring Festival'],
    ['2026-04-06', false, 'Qingming Monday'],
    ['2026-05-05', false, 'Labour Day Tuesday'],
    ['2026-05-09', true, 'make-up Saturday after Labour Day'],
    ['2026-06-19', false, 'Dragon Boat Friday'],
    ['2026-09-20', true, 'make-up Sunday before National Day'],
    ['2026-09-25', false, 'Mid-Autumn Friday'],
    ['2026-10-07', false, 'National Day Wednesday'],
    ['2026-10-08', true, 'back to work after National Day'],
    ['2026-10-10', true, 'make-up Saturday after National Day'],
  ])('%s is a working day: %s (%s)', (day, working) => {
    expect(isWorkingDay(CAL, day)).toBe(working);
  });

  it('ships all seven holiday blocks with 33 days off and 6 make-up days', () => {
    expect(HOLIDAY_BLOCKS_2026.map((b) => b.nameZh)).toEqual(['元旦', '春节', '清明节', '劳动节', '端午节', '中秋节', '国庆节']);
    expect(HOLIDAYS_2026).toHaveLength(3 + 9 + 3 + 5 + 3 + 3 + 7);
    expect([...MAKE_UP_WORKDAYS_2026].sort()).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
    // every make-up day is a weekend day
    for (const d of MAKE_UP_WORKDAYS_2026) expect([0, 6]).toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
  });

  it('is configurable: extra holidays and make-up days, refusing contradictions and bad dates', () => {
    const cal = createWorkingCalendar({ holidays: ['2027-01-01'], makeUpWorkdays: ['2027-01-09'] });
    expect(isWorkingDay(cal, '2027-01-01')).toBe(false);
    expect(isWorkingDay(cal, '2027-01-09')).toBe(true);
    expect(isWorkingDay(cal, '2026-10-01')).toBe(true); // not in this calendar
    expect(() => createWorkingCalendar({ holidays: ['2027-01-01'], makeUpWorkdays: ['2027-01-01'] })).toThrowError(
      expect.objectContaining({ code: 'invalid_config' }),
    );
    expect(() => createWorkingCalendar({ holidays: ['2027-02-30'], makeUpWorkdays: [] })).toThrowError(/日期无效/);
  });
});

describe('working-day arithmetic: due at the end of the Nth working day after the start day', () => {
  it('counts an ordinary week and a weekend', () => {
    // received Monday: Tue Wed Thu Fri | Mon Tue Wed → end of Wednesday next week
    expect(addWorkingDays(CAL, t('2026-11-23 10:00'), 7)).toBe(t('2026-12-03 00:00'));
    // received Friday evening: the weekend does not count
    expect(addWorkingDays(CAL, t('2026-11-27 18:00'), 1)).toBe(t('2026-12-01 00:00'));
  });

  it('counts from the local date: 01:00 Monday in Beijing is still Sunday in UTC', () => {
    const mondayEarly = Date.UTC(2026, 10, 29, 17, 0);
    expect(addWorkingDays(CAL, mondayEarly, 1)).toBe(t('2026-12-02 00:00')); // Tuesday counts → end of Tuesday
  });

  it('skips National Day and counts the make-up Saturday', () => {
    // Tue 09-29: Wed 09-30 (1) | holiday 10-01..07 | Thu 10-08 (2) Fri 10-09 (3) Sat 10-10 make-up (4) | Mon 10-12 (5) …
    expect(addWorkingDays(CAL, t('2026-09-29 15:00'), 7)).toBe(t('2026-10-15 00:00'));
  });

  it('counts the make-up Saturday before Spring Festival and skips the nine days off', () => {
    expect(addWorkingDays(CAL, t('2026-02-13 09:00'), 1)).toBe(t('2026-02-15 00:00'));
    expect(addWorkingDays(CAL, t('2026-02-13 09:00'), 2)).toBe(t('2026-02-25 00:00'));
  });

  it('starts counting on the next working day when received on a holiday', () => {
    expect(addWorkingDays(CAL, t('2026-10-03 11:00'), 1)).toBe(t('2026-10-09 00:00'));
  });

  it('ends half days at local noon', () => {
    expect(addWorkingDays(CAL, t('2026-11-23 10:00'), 3.5)).toBe(t('2026-11-27 12:00'));
    expect(addWorkingDays(CAL, t('2026-09-29 10:00'), 3.5)).toBe(t('2026-10-10 12:00'));
    expect(addWorkingDays(CAL, t('2026-11-27 10:00'), 0.5)).toBe(t('2026-11-30 12:00'));
  });

  it('refuses fractions other than half days', () => {
    expect(() => addWorkingDays(CAL, t('2026-11-23 10:00'), 1.25)).toThrowError(expect.objectContaining({ code: 'invalid_config' }));
  });

  it('adds and measures working time inside days, skipping days off', () => {
    expect(addWorkingTime(CAL, t('2026-11-27 18:00'), 12 * 3_600_000)).toBe(t('2026-11-30 06:00'));
    expect(workingTimeBetween(CAL, t('2026-11-27 18:00'), t('2026-11-30 06:00'))).toBe(12 * 3_600_000);
    expect(workingTimeBetween(CAL, t('2026-09-30 00:00'), t('2026-10-09 00:00'))).toBe(2 * DAY_MS);
    expect(workingTimeBetween(CAL, t('2026-10-09 00:00'), t('2026-09-30 00:00'))).toBe(0);
  });

  it('refuses to search forever in a calendar without working days', () => {
    const noWork = { holidays: { has: () => true } as unknown as ReadonlySet<string>, makeUpWorkdays: new Set<string>() };
    expect(() => addWorkingDays(noWork, t('2026-11-23 10:00'), 1)).toThrowError(expect.objectContaining({ code: 'invalid_config' }));
  });
});
