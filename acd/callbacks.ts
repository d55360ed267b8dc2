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
