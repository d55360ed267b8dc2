// Working days in China's local time (UTC+8), computed explicitly: never through the machine's TZ.
//
// A day is a working day when it is a make-up working day (调休上班), or else when it is Monday–Friday and
// not a holiday. Working time accrues at 24 h per working day (a working day counts whole, midnight to
// midnight local time); non-working days add nothing. Instants are ms since the epoch; local dates are
// 'YYYY-MM-DD' strings.
import { WorkOrderError } from './errors.js';
import { HOLIDAYS_2026, MAKE_UP_WORKDAYS_2026 } from './holidays-2026.js';

export const UTC8_OFFSET_MS = 8 * 3_600_000;
export const DAY_MS = 86_400_000;
export const HALF_DAY_MS = DAY_MS / 2;
/** Refuse to walk further than this: a calendar without working days would loop forever. */
const MAX_DAYS_SCANNED = 3_660;

export interface WorkingCalendar {
  readonly holidays: ReadonlySet<string>;
  readonly makeUpWorkdays: ReadonlySet<string>;
}

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `key` is a real calendar date written YYYY-MM-DD. */
export function isDateKey(key: string): boolean {
  const m = DATE_KEY.exec(key);
  if (!m) return false;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return new Date(t).toISOString().slice(0, 10) === key;
}

export function createWorkingCalendar(input: { holidays: readonly string[]; makeUpWorkdays: readonly string[] }): WorkingCalendar {
  for (const d of [...input.holidays, ...input.makeUpWorkdays]) {
    if (!isDateKey(d)) throw new WorkOrderError('invalid_config', `节假日配置中的日期无效：${d}`);
  }
  const clash = input.holidays.find((d) => input.makeUpWorkdays.includes(d));
  if (clash !== undefined) throw new WorkOrderError('invalid_config', `日期 ${clash} 不能同时是节假日和调休上班日`);
  return { holidays: new Set(input.holidays), makeUpWorkdays: new Set(input.makeUpWorkdays) };
}

/** Weekends off, China's 2026 official holidays and make-up working days. */
export const CHINA_2026_CALENDAR: WorkingCalendar = createWorkingCalendar({
  holidays: HOLIDAYS_2026,
  makeUpWorkdays: MAKE_UP_WORKDAYS_2026,
});

/** Local (UTC+8) date of an instant. */
export function localDateKey(ms: number): string {
  return new Date(ms + UTC8_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant local (UTC+8) midnight starts the given date. */
export function localDayStart(key: string): number {
  if (!isDateKey(key)) throw new WorkOrderError('invalid_due_date', `日期格式无效：${key}（应为 YYYY-MM-DD）`);
  return Date.parse(`${key}T00:00:00Z`) - UTC8_OFFSET_MS;
}

/** The instant local midnight starts the day containing `ms`. */
export function startOfLocalDay(ms: number): number {
  return Math.floor((ms + UTC8_OFFSET_MS) / DAY_MS) * DAY_MS - UTC8_OFFSET_MS;
}

/** The instant the local day containing `ms` ends (= next local midnight, exclusive). */
export function endOfLocalDay(ms: number): number {
  return startOfLocalDay(ms) + DAY_MS;
}

/** Local wall-clock 'YYYY-MM-DD HH:mm' (UTC+8), for messages. */
export function formatLocal(ms: number): string {
  return new Date(ms + UTC8_OFFSET_MS).toISOString().slice(0, 16).replace('T', ' ');
}

export function isWorkingDay(calendar: WorkingCalendar, key: string): boolean {
  if (calendar.makeUpWorkdays.has(key)) return true;
  if (calendar.holidays.has(key)) return false;
  const weekday = new Date(`${key}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The instant at which `workingMs` of working time has accrued after `start`. Time on non-working days does
 * not count. Lands exactly on a day boundary when the working time runs out at the end of a working day.
 */
export function addWorkingTime(calendar: WorkingCalendar, start: number, workingMs: number): number {
  if (!(workingMs >= 0)) throw new WorkOrderError('invalid_config', '工作时长不能为负数');
  let cursor = start;
  let remaining = workingMs;
  for (let i = 0; i < MAX_DAYS_SCANNED; i++) {
    if (remaining === 0) return cursor;
    const dayEnd = endOfLocalDay(cursor);
    if (isWorkingDay(calendar, localDateKey(cursor))) {
      const available = dayEnd - cursor;
      if (remaining <= available) return cursor + remaining;
      remaining -= available;
    }
    cursor = dayEnd;
  }
  throw new WorkOrderError('invalid_config', '工作日历在十年内找不到足够的工作日');
}

/** Working time between two instants (0 when `to` is not after `from`). */
export function workingTimeBetween(calendar: WorkingCalendar, from: number, to: number): number {
  let total = 0;
  let cursor = from;
  for (let i = 0; cursor < to; i++) {
    if (i >= MAX_DAYS_SCANNED) throw new WorkOrderError('invalid_config', '计算区间超过十年');
    const dayEnd = Math.min(endOfLocalDay(cursor), to);
    if (isWorkingDay(calendar, localDateKey(cursor))) total += dayEnd - cursor;
    cursor = dayEnd;
  }
  return total;
}

/**
 * "N working days after `from`": the day of `from` itself never counts; counting starts at the next local
 * midnight, and the result is the end of the Nth working day (the next local midnight, exclusive).
 * Half days are allowed (N = 3.5): half a working day is its local morning, 00:00–12:00, or afternoon,
 * 12:00–24:00, so 3.5 working days end at noon of the 4th working day.
 */
export function addWorkingDays(calendar: WorkingCalendar, from: number, days: number): number {
  if (!Number.isInteger(days * 2) || days < 0) throw new WorkOrderError('invalid_config', `工作日数须为0.5的非负整数倍：${days}`);
  return addWorkingTime(calendar, endOfLocalDay(from), days * DAY_MS);
}
