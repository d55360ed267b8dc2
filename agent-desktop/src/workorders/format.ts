// Dates and deadlines of work orders, always shown in China time (UTC+8) whatever the browser's zone: the
// server's local dates ('YYYY-MM-DD') and working calendar are Chinese, so a due time must read the same
// to every seat.
import type { WorkOrderState } from '../../../contracts/work-orders.js';

const ZONE = 'Asia/Shanghai';

// 'sv-SE' formats as 2026-05-12 14:30, the layout Chinese government systems use.
const INSTANT = new Intl.DateTimeFormat('sv-SE', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const DATE = new Intl.DateTimeFormat('sv-SE', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** 2026-05-12 14:30 (China time). */
export function formatInstant(ms: number): string {
  return INSTANT.format(ms);
}

/** 2026-05-12 (China time). */
export function chinaDateKey(ms: number): string {
  return DATE.format(ms);
}

/**
 * A due time is exclusive (late from that instant on). A deadline ending with a working day is due at the next
 * local midnight; show it as 23:59 of the last allowed day instead of 00:00 of the day after.
 */
export function formatDue(dueAt: number): string {
  const text = formatInstant(dueAt);
  return text.endsWith(' 00:00') ? formatInstant(dueAt - 60_000) : text;
}

/** States in which the reply deadline (办理时限) runs. */
export const OPEN_STATES: readonly WorkOrderState[] = ['received', 'returned', 'dispatched', 'signed', 'in_progress'];

/** "Due soon" (即将到期): the reply is due within this time and not late yet. */
export const DUE_SOON_MS = 24 * 3600_000;

export type DueStatus = 'overdue' | 'soon' | 'ok' | 'none';

/** The server's `overdue` flag decides lateness; "soon" is the desk's own warning for open orders. */
export function dueStatus(order: { state: WorkOrderState; overdue: boolean; dueAt: number }, now: number): DueStatus {
  if (order.overdue) return 'overdue';
  if (!OPEN_STATES.includes(order.state)) return 'none';
  return order.dueAt - now <= DUE_SOON_MS ? 'soon' : 'ok';
}
