// Work-order codes: 'GD' + local (UTC+8) date of receipt + '-' + six-digit daily sequence, e.g.
// GD20261123-000123. The sequence comes from the database (one counter per local day); this file only
// formats and parses.
import { WorkOrderError } from './errors.js';
import { isDateKey, localDateKey } from './working-calendar.js';

export const ORDER_CODE_PREFIX = 'GD';
export const ORDER_CODE_MAX_SEQ = 999_999;
const CODE = /^GD(\d{4})(\d{2})(\d{2})-(\d{6})$/;

/** `dateUtc8` is the local date in China, 'YYYY-MM-DD'; `seq` is 1…999999. */
export function formatOrderCode(dateUtc8: string, seq: number): string {
  if (!isDateKey(dateUtc8)) throw new WorkOrderError('invalid_order_code', `工单编号日期无效：${dateUtc8}（应为 YYYY-MM-DD）`);
  if (!Number.isInteger(seq) || seq < 1 || seq > ORDER_CODE_MAX_SEQ) {
    throw new WorkOrderError('invalid_order_code', `工单编号序号须为1至${ORDER_CODE_MAX_SEQ}的整数：${seq}`);
  }
  return `${ORDER_CODE_PREFIX}${dateUtc8.replaceAll('-', '')}-${String(seq).padStart(6, '0')}`;
}

/** The code of an order received at instant `receivedAt` (its UTC+8 date) with daily sequence `seq`. */
export function orderCodeFor(receivedAt: number, seq: number): string {
  return formatOrderCode(localDateKey(receivedAt), seq);
}

/** `{ date: 'YYYY-MM-DD', seq }`, or null when `code` is not a well-formed order code of a real date. */
export function parseOrderCode(code: string): { date: string; seq: number } | null {
  const m = CODE.exec(code);
  if (!m) return null;
  const date = `${m[1]}-${m[2]}-${m[3]}`;
  const seq = Number(m[4]);
  if (!isDateKey(date) || seq < 1) return null;
  return { date, seq };
}
