// Callback rules shared by the engine and its adapter. A citizen who chose a callback leaves the live queue but
// keeps a virtual entry at their place; one number never has two pending callbacks.
export type { CallbackFailure } from './routing.js';

export type CallbackRefusal =
  /** this number already has a callback waiting, being dialled or due for a retry */
  | 'already_pending'
  /** the engine does not know the call */
  | 'unknown_call'
  /** the call is ringing an agent (or already connected): no callback then */
  | 'not_waiting'
  /** the number has no digits */
  | 'invalid_number';

/**
 * The form numbers are compared in: digits only, without the +86 / 0086 country prefix of a mainland number.
 * "+86 138-0013-8000", "008613800138000" and "13800138000" are the same caller; landlines keep their area code.
 */
export function normalizeCallerNumber(raw: string): string {
  let d = raw.replace(/\D/g, '');
  if (d.startsWith('0086') && d.length > 11) d = d.slice(4);
  else if (d.startsWith('86') && d.length === 13) d = d.slice(2);
  return d;
}
