// What a waiting caller's place in the queue is made of, kept on the caller's own channel in Asterisk
// (HOTLINE_QUEUED) so a server that restarts, or crashes, gives every citizen back the same place: the same
// call id (its call record goes on), queue, priority and the time they were first queued. Asterisk keeps the
// channel and its variables while no server runs; a memo that cannot be read is treated as none (the caller is
// taken in as a new call rather than lost).
import { memoFields, memoText, memoTime } from './channel-memo.js';
import { PRIORITY_TAGS, type PriorityTag } from './routing.js';

export const WAITING_MEMO_VARIABLE = 'HOTLINE_QUEUED';
/** Set ('1') on the caller's channel once the queue offered them a callback: a new start does not ask again. */
export const CALLBACK_OFFERED_VARIABLE = 'HOTLINE_CALLBACK_OFFERED';

export interface WaitingMemo {
  callId: string;
  queueId: string;
  priority: PriorityTag;
  /** Epoch ms: when the caller first reached the queue. */
  queuedAt: number;
  /** Epoch ms: when the call reached the hotline. */
  arrivedAt: number;
  dialed: string;
}

export function encodeWaitingMemo(m: WaitingMemo): string {
  // a compact JSON: no comma-separated channel-variable syntax is involved, ARI passes the value through
  return JSON.stringify([1, m.callId, m.queueId, m.priority, m.queuedAt, m.arrivedAt, m.dialed]);
}

export function decodeWaitingMemo(value: string | null | undefined): WaitingMemo | null {
  const v = memoFields(value, 7);
  if (!v) return null;
  const [, callId, queueId, priority, queuedAt, arrivedAt, dialed] = v;
  if (!memoText(callId) || !memoText(queueId) || !memoTime(queuedAt) || !memoTime(arrivedAt) || typeof dialed !== 'string') return null;
  if (!(PRIORITY_TAGS as readonly unknown[]).includes(priority)) return null;
  return { callId, queueId, priority: priority as PriorityTag, queuedAt, arrivedAt, dialed };
}

/** Waiting callers to take back, in the order they first reached the queue (their seq order before the restart). */
export function inQueueOrder<T extends { memo: WaitingMemo }>(callers: readonly T[]): T[] {
  return [...callers].sort((a, b) => a.memo.queuedAt - b.memo.queuedAt || (a.memo.callId < b.memo.callId ? -1 : 1));
}
