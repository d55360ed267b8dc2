// A waiting entry's place in line and the steps its queue takes with it over time: overflow (widen or move),
// the callback offer, and max wait (offer a callback or fall back to another queue).
import type { CompiledQueue } from '../config.js';
import { requirementOf, type Entry } from '../routing.js';
import type { EngineState, Out } from './state.js';

type StepKind = 'overflow' | 'callback_offer' | 'max_wait';

/** Puts an entry (back) in line at the place its priority and arrival give it. */
export function requeue(st: EngineState, e: Entry): void {
  e.state = 'waiting';
  st.waiting.insert(e);
  st.dirtyEntries.add(e);
  scheduleQueueSteps(st, e);
}

export function unqueue(st: EngineState, e: Entry): void {
  st.waiting.remove(e);
  st.dirtyEntries.delete(e);
  st.deadlines.clear(`queue:${e.callId}`);
}

function nextQueueStep(e: Entry): { at: number; kind: StepKind } | null {
  const q = e.queue;
  let next: { at: number; kind: StepKind } | null = null;
  const step = q.overflow[e.stepIdx];
  if (step) next = { at: e.enteredAt + step.afterMs, kind: 'overflow' };
  if (!e.callback) {
    if (!e.callbackOffered && q.callbackOfferAfterMs !== null) {
      const at = e.arrivedAt + q.callbackOfferAfterMs;
      if (!next || at < next.at) next = { at, kind: 'callback_offer' };
    }
    if (!e.maxWaitFired && q.maxWait) {
      const at = e.enteredAt + q.maxWait.afterMs;
      if (!next || at < next.at) next = { at, kind: 'max_wait' };
    }
  }
  return next;
}

export function scheduleQueueSteps(st: EngineState, e: Entry): void {
  const next = e.state === 'waiting' ? nextQueueStep(e) : null;
  if (next) st.deadlines.set(`queue:${e.callId}`, next.at);
  else st.deadlines.clear(`queue:${e.callId}`);
}

/** Applies every step due by `now`, in time order; moves count from their scheduled time so late ticks change nothing. */
export function runQueueSteps(st: EngineState, e: Entry, now: number, out: Out): void {
  for (let next = nextQueueStep(e); next && next.at <= now; next = nextQueueStep(e)) {
    const q = e.queue;
    if (next.kind === 'overflow') {
      const step = q.overflow[e.stepIdx]!;
      e.stepIdx++;
      if (step.action === 'widen') moveEntry(st, e, q, step.widenTo, e.enteredAt);
      else moveEntry(st, e, st.config.queues.get(step.toQueue)!, 0, next.at);
      out.push({
        type: 'overflow',
        callId: e.callId,
        action: step.action,
        fromQueue: q.id,
        toQueue: e.queue.id,
        requires: requirementOf(e).map((r) => ({ ...r })),
        waitedMs: now - e.arrivedAt,
      });
    } else if (next.kind === 'callback_offer') {
      e.callbackOffered = true;
      out.push({ type: 'offer_callback', callId: e.callId, queueId: q.id, waitedMs: now - e.arrivedAt });
    } else {
      const rule = q.maxWait!;
      e.maxWaitFired = true;
      if (rule.action === 'offer_callback') {
        e.callbackOffered = true;
        out.push({ type: 'max_wait_reached', callId: e.callId, queueId: q.id, waitedMs: now - e.arrivedAt, action: 'offer_callback' });
      } else {
        out.push({ type: 'max_wait_reached', callId: e.callId, queueId: q.id, waitedMs: now - e.arrivedAt, action: 'fallback_queue', toQueue: rule.toQueue });
        moveEntry(st, e, st.config.queues.get(rule.toQueue)!, 0, next.at);
      }
    }
  }
  scheduleQueueSteps(st, e);
}

/** Widens or moves a waiting entry, keeping its arrival time (and so its place among equals). */
function moveEntry(st: EngineState, e: Entry, queue: CompiledQueue, widen: number, enteredAt: number): void {
  st.waiting.remove(e);
  if (queue !== e.queue) {
    e.queue = queue;
    e.stepIdx = 0;
    e.maxWaitFired = false;
  }
  e.enteredAt = enteredAt;
  e.widen = widen;
  st.waiting.insert(e);
  st.dirtyEntries.add(e);
}
