// Dates as Chinese words for text-to-speech: '2026-11-28' → '十一月二十八日' (the year only when asked for, or
// when it differs from today's: '二〇二七年一月五日'). Numerals, not Arabic digits, so the synthesiser reads
// "十一月" and not "一一月".
import { isDateKey } from '../../crm/work-orders/working-calendar.js';

const DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** 1 → 一, 10 → 十, 11 → 十一, 20 → 二十, 28 → 二十八 (1…99). */
export function chineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 1 || n > 99) throw new RangeError(`chineseNumber: ${n} is not an integer 1–99`);
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const ten = tens === 0 ? '' : tens === 1 ? '十' : `${DIGITS[tens]}十`;
  return ten + (ones === 0 ? '' : DIGITS[ones]);
}

export interface DateZhOptions {
  /** Always say the year. */
  withYear?: boolean;
  /** Today's date ('YYYY-MM-DD', UTC+8): the year is said when the date falls in another year. */
  today?: string;
}

/** `date` is 'YYYY-MM-DD' (a real date); throws RangeError otherwise. */
export function formatDateZh(date: string, opts: DateZhOptions = {}): string {
  if (!isDateKey(date)) throw new RangeError(`formatDateZh: "${date}" is not a date YYYY-MM-DD`);
  const [year, month, day] = date.split('-') as [string, string, string];
  const showYear = opts.withYear === true || (opts.today !== undefined && opts.today.slice(0, 4) !== year);
  const yearZh = showYear ? `${[...year].map((d) => DIGITS[Number(d)]).join('')}年` : '';
  return `${yearZh}${chineseNumber(Number(month))}月${chineseNumber(Number(day))}日`;
}
