// Work-order codes typed on the phone keypad. Codes look like GD20261123-000123; the caller types only the
// digits: the 8-digit date and the daily sequence, leading zeros of the sequence optional
// (20261123000123 or 20261123123, then #).
import { ORDER_CODE_PREFIX, parseOrderCode } from '../../crm/work-orders/order-code.js';

export const ORDER_CODE_MIN_DIGITS = 9;
export const ORDER_CODE_MAX_DIGITS = 14;

/** 'GD20261123-000123' for '20261123000123' (or '20261123123'); null when the digits cannot be a real code. */
export function orderCodeFromDigits(digits: string): string | null {
  if (!/^[0-9]{9,14}$/.test(digits)) return null;
  const code = `${ORDER_CODE_PREFIX}${digits.slice(0, 8)}-${digits.slice(8).padStart(6, '0')}`;
  return parseOrderCode(code) ? code : null;
}
