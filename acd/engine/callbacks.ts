// Queue callbacks in the ACD core: a virtual entry keeps the caller's place, an agent is reserved before the
// number is dialled (see assign() in deciding.ts), retries by policy, at most one pending callback per number.
import { normalizePhone } from '../../contracts/phone.js';
import type { CallbackRefusal } from '../callbacks.js';
import { compareEntries, type CallbackFailure, type Entry } from '../routing.js';
import type { AcdEvent } from './protocol.js';
import { move, release } from './agents.js';
import { requeue, scheduleQueueSteps } from './queue-steps.js';
import { record, type Dial, type EngineState, type Out } from './state.js';

export function callbackRequested(st: EngineState, callId: string, rawNumber: string, now: number, out: Out): void {
  const number = normalizePhone(rawNumber);
  const refuse = (reason: CallbackRefusal, pendingCallbackId?: string) =>
    out.push({ type: 'callback_refused', callId, number, reason, ...(pendingCallbackId ? { pendingCallbackId } : {}) });
  if (!number) return void refuse('invalid_number');
  const pendingId = st.callbackByNumber.get(number);
  if (pendingId !== undefined) return void refuse('already_pending', pendingId);
  const e = st.entries.get(callId);
  if (!e) return void refuse('unknown_call');
  if (e.callback) return void refuse('already_pending', e.callback.callbackId);
  if (e.state !== 'waiting') return void refuse('not_waiting');
  const callbackId = `cb${++st.callbackSeq}`;
  e.callback = { callbackId, number, attempts: 0, lastReason: null };
  e.number = number;
  st.callbacks.set(callbackId, e);
  st.callbackByNumber.set(number, callbackId);
  scheduleQueueSteps(st, e); // only overflow still applies to a virtual entry
  record(st, { kind: 'callback_requested', at: now, queueId: e.queue.id, skills: e.queue.skills });
  let position = 1;
  for (const x of st.waiting.all()) if (x !== e && x.queue === e.queue && compareEntries(x, e) < 0) position++;
  out.push({ type: 'callback_accepted', callbackId, callId, number, position });
}

export function callbackRestored(st: EngineState, ev: Extract<AcdEvent, { type: 'callback_restored' }>, now: number, out: Out): void {
  const number = normalizePhone(ev.number);
  if (!number || st.callbackByNumber.has(number) || st.entries.has(ev.callId) || st.connected.has(ev.callId)) {
    out.push({ type: 'ignored', event: 'callback_restored', reason: 'unknown_callback', callId: ev.callId });
    return;
  }
  const queue = st.config.queues.get(ev.queueId) ?? st.config.queues.get(st.config.defaultQueue)!;
  const since = Math.min(ev.queuedAt, now);
  const callbackId = `cb${++st.callbackSeq}`;
  const e: Entry = {
    callId: ev.callId,
    seq: ++st.seq,
    arrivedAt: since,
    // a callback that has been tried is a retry: it is due now (when the last try was is not kept)
    priority: ev.attempts > 0 ? 'callback_due' : 'normal',
    queue,
    enteredAt: since,
    stepIdx: 0,
    widen: 0,
    callbackOffered: true,
    maxWaitFired: true,
    state: 'waiting',
    bucket: null,
    callback: { callbackId, number, attempts: ev.attempts, lastReason: ev.lastReason },
    number,
  };
  st.entries.set(e.callId, e);
  st.callbacks.set(callbackId, e);
  st.callbackByNumber.set(number, callbackId);
  requeue(st, e);
}

export function callbackConnected(st: EngineState, callbackId: string, now: number, out: Out): void {
  const dial = st.dials.get(callbackId);
  if (!dial) {
    out.push({ type: 'ignored', event: 'callback_connected', reason: 'unknown_callback', callbackId });
    return;
  }
  st.dials.delete(callbackId);
  st.deadlines.clear(`dial:${callbackId}`);
  const e = dial.entry;
  forgetCallback(st, e);
  const s = st.slots.get(dial.agentId);
  if (s?.rec.state === 'reserved') {
    out.push(move(st, s, 'on_call', 'answered', now));
    if (s.work) s.work.answeredAt = now;
  }
  st.connected.set(e.callId, dial.agentId);
  st.connectedCallbacks.set(callbackId, e.callId);
  record(st, { kind: 'callback_connected', at: now, queueId: e.queue.id, skills: e.queue.skills });
  out.push({ type: 'connect', callId: e.callId, agentId: dial.agentId, offerId: dial.attemptId, callbackId });
}

export function callbackFailedEvent(st: EngineState, callbackId: string, reason: CallbackFailure, now: number, out: Out): void {
  const dial = st.dials.get(callbackId);
  if (!dial) out.push({ type: 'ignored', event: 'callback_failed', reason: 'unknown_callback', callbackId });
  else callbackFailed(st, dial, reason, now, out);
}

export function callbackFailed(st: EngineState, dial: Dial, reason: CallbackFailure, now: number, out: Out): void {
  st.dials.delete(dial.callbackId);
  st.deadlines.clear(`dial:${dial.callbackId}`);
  const e = dial.entry;
  const cb = e.callback!;
  cb.attempts++;
  cb.lastReason = reason;
  const s = st.slots.get(dial.agentId);
  if (s?.rec.state === 'reserved') release(st, s, 'callback_failed', dial.idleSinceBefore, now, out);
  if (cb.attempts >= st.config.callbacks.maxAttempts) {
    forgetCallback(st, e);
    record(st, { kind: 'callback_abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills });
    out.push({ type: 'callback_abandoned', callbackId: cb.callbackId, callId: e.callId, number: cb.number, attempts: cb.attempts, lastReason: reason });
    return;
  }
  // the entry keeps its arrival time and comes back as "callback due" (a priority line) after the delay
  e.state = 'retry_wait';
  e.priority = 'callback_due';
  const dueAt = now + st.config.callbacks.retryDelayMs;
  st.deadlines.set(`cbdue:${cb.callbackId}`, dueAt);
  out.push({ type: 'callback_retry_scheduled', callbackId: cb.callbackId, attempt: cb.attempts + 1, dueAt, lastReason: reason });
}

function forgetCallback(st: EngineState, e: Entry): void {
  const cb = e.callback!;
  st.callbacks.delete(cb.callbackId);
  if (st.callbackByNumber.get(cb.number) === cb.callbackId) st.callbackByNumber.delete(cb.number);
  st.entries.delete(e.callId);
  st.deadlines.clear(`cbdue:${cb.callbackId}`);
  st.deadlines.clear(`queue:${e.callId}`);
}
