// Report periods in China local time (UTC+8, no daylight saving: Asia/Shanghai). A day is local midnight to
// midnight, a week Monday to Sunday (GB/T 7408 / ISO 8601 weeks), a month the calendar month.
import type { ReportPeriod } from '../../contracts/reports.js';
import { DAY_MS, localDateKey, localDayStart, UTC8_OFFSET_MS } from '../work-orders/working-calendar.js';

export interface PeriodRange {
  period: ReportPeriod;
  firstDate: string;
  lastDate: string;
  /** [from, to) in ms epoch */
  from: number;
  to: number;
  /** Every local date of the period, in order. */
  days: string[];
}

export function periodRange(period: ReportPeriod, date: string): PeriodRange {
  const dayStart = localDayStart(date);
  let from: number;
  let to: number;
  if (period === 'day') {
    from = dayStart;
    to = dayStart + DAY_MS;
  } else if (period === 'week') {
    const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
    from = dayStart - weekday * DAY_MS;
    to = from + 7 * DAY_MS;
  } else {
    const [y, m] = date.split('-').map(Number) as [number, number];
    from = Date.UTC(y, m - 1, 1) - UTC8_OFFSET_MS;
    to = Date.UTC(y, m, 1) - UTC8_OFFSET_MS;
  }
  const days: string[] = [];
  for (let t = from; t < to; t += DAY_MS) days.push(localDateKey(t));
  return { period, firstDate: days[0] as string, lastDate: days[days.length - 1] as string, from, to, days };
}
