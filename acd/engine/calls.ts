// The call side of the ACD core: intake into a queue, the caller leaving, an offer answered or missed, and the
// end of a connected call (which starts the agent's wrap-up).
import type { Entry } from '../routing.js';
import { agentSlot, applyPending, leaveWrapUp, move, reindex, release } from './agents.js';
import type { AcdEvent } from './protocol.js';
import { requeue, unqueue } from './queue-steps.js';
import { record, type EngineState, type Offer, type Out } from './state.js';

export function queueCall(st: EngineState, ev: Extract<AcdEvent, { type: 'call_queued' }>, now: number, out: Out): void {
  if (st.entries.has(ev.callId) || st.connected.has(ev.callId)) return;
  let queue = st.config.queues.get(ev.queueId ?? st.config.defaultQueue);
  if (!queue) {
    queue = st.config.queues.get(st.config.defaultQueue)!;
    out.push({ type: 'call_misrouted', callId: ev.callId, requestedQueue: ev.queueId!, queueId: queue.id });
  }
  const since = Math.min(ev.queuedAt ?? now, now);
  const e: Entry = {
    callId: ev.callId,
    seq: ++st.seq,
    arrivedAt: since,
    priority: ev.priority ?? 'normal',
    queue,
    enteredAt: since,
    stepIdx: 0,
    widen: 0,
    callbackOffered: ev.callbackOffered ?? false,
    maxWaitFired: false,
    state: 'waiting',
    bucket: null,
    callback: null,
    number: ev.number ?? null,
  };
  st.entries.set(e.callId, e);
  requeue(st, e);
}

export function callerGone(st: EngineState, callId: string, now: number, out: Out): void {
  const e = st.entries.get(callId);
  if (e && !e.callback) {
    // a virtual callback entry has no live leg any more: its caller_gone is expected and changes nothing
    if (e.state === 'waiting') {
      unqueue(st, e);
      st.entries.delete(callId);
      record(st, { kind: 'abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs: now - e.arrivedAt });
    } else if (e.state === 'offered') {
      const offer = st.offers.get(callId)!;
      st.offers.delete(callId);
      st.deadlines.clear(`ring:${callId}`);
      st.entries.delete(callId);
      record(st, { kind: 'abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs: now - e.arrivedAt });
      out.push({ type: 'cancel_offer', callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'caller_gone' });
      const s = st.slots.get(offer.agentId);
      if (s?.rec.state === 'reserved') release(st, s, 'caller_gone', offer.idleSinceBefore, now, out); // not the agent's fault
    }
  }
  finish(st, callId, now, out);
}

export function adoptCall(st: EngineState, ev: Extract<AcdEvent, { type: 'call_adopted' }>, now: number, out: Out): void {
  if (st.connected.has(ev.callId) || st.entries.has(ev.callId)) {
    out.push({ type: 'ignored', event: 'call_adopted', reason: 'already_connected', callId: ev.callId, agentId: ev.agentId });
    return;
  }
  const s = agentSlot(st, ev.agentId, now);
  if (s.work || s.rec.state === 'on_call' || s.rec.state === 'reserved') {
    out.push({ type: 'ignored', event: 'call_adopted', reason: 'agent_busy', callId: ev.callId, agentId: ev.agentId });
    return;
  }
  const queue = st.config.queues.get(ev.queueId) ?? st.config.queues.get(st.config.defaultQueue)!;
  const answeredAt = Math.min(ev.answeredAt, now);
  if (s.rec.state === 'wrap_up') st.deadlines.clear(`wrap:${s.id}`);
  // set, not moved: the agent has been on this call all along; only the new process did not know it
  s.rec.state = 'on_call';
  s.rec.since = answeredAt;
  s.rec.reason = null;
  s.rec.wrapUpUntil = null;
  s.rec.pending = null;
  s.work = { callId: ev.callId, callbackId: null, queue, answeredAt, talkEndedAt: null };
  st.connected.set(ev.callId, ev.agentId);
  reindex(st, s);
}

export function answered(st: EngineState, callId: string, offerId: string | undefined, now: number, out: Out): void {
  const offer = st.offers.get(callId);
  if (!offer) {
    // e.g. the same agent picked up on a second device: the call is already theirs
    out.push({ type: 'ignored', event: 'offer_answered', reason: st.connected.has(callId) ? 'already_connected' : 'no_offer', callId });
    return;
  }
  if (offerId !== undefined && offerId !== offer.offerId) {
    out.push({ type: 'ignored', event: 'offer_answered', reason: 'stale_offer', callId });
    return;
  }
  st.offers.delete(callId);
  st.deadlines.clear(`ring:${callId}`);
  st.entries.delete(callId);
  const e = offer.entry;
  const s = st.slots.get(offer.agentId);
  if (s) {
    out.push(move(st, s, 'on_call', 'answered', now));
    if (s.work) s.work.answeredAt = now;
  }
  st.connected.set(callId, offer.agentId);
  const waitMs = now - e.arrivedAt;
  record(st, { kind: 'answered', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs, withinTarget: waitMs <= e.queue.target.answeredWithinMs });
  out.push({ type: 'connect', callId, agentId: offer.agentId, offerId: offer.offerId });
}

/** The agent's phone refused or failed the ring. */
export function offerFailed(st: EngineState, callId: string, offerId: string | undefined, unavailable: boolean, now: number, out: Out): void {
  const offer = st.offers.get(callId);
  if (!offer) out.push({ type: 'ignored', event: 'offer_failed', reason: 'no_offer', callId });
  else if (offerId !== undefined && offerId !== offer.offerId) {
    out.push({ type: 'ignored', event: 'offer_failed', reason: 'stale_offer', callId });
  } else if (unavailable) {
    // the phone was never rung: the agent keeps their idle place, the call its place in line; and nothing more is
    // offered until Asterisk is reachable again (routing_paused false), or it would be offered round and round
    st.routingPaused = true;
    st.offers.delete(offer.callId);
    st.deadlines.clear(`ring:${offer.callId}`);
    const s = st.slots.get(offer.agentId);
    if (s?.rec.state === 'reserved') release(st, s, 'telephony_unavailable', offer.idleSinceBefore, now, out);
    requeue(st, offer.entry);
  } else missed(st, offer, 'rejected', now, out);
}

export function missed(st: EngineState, offer: Offer, cause: 'ring_timeout' | 'rejected', now: number, out: Out): void {
  st.offers.delete(offer.callId);
  st.deadlines.clear(`ring:${offer.callId}`);
  if (cause === 'ring_timeout') {
    out.push({ type: 'cancel_offer', callId: offer.callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'ring_timeout' });
  }
  const s = st.slots.get(offer.agentId);
  if (s?.rec.state === 'reserved') {
    out.push(move(st, s, 'missed', cause, now));
    applyPending(st, s, now, out);
  }
  // back in line at the place the call had, not at the end
  requeue(st, offer.entry);
}

/** A connected call (or connected callback, by its callId) ended: the agent wraps up. */
export function finish(st: EngineState, callId: string, now: number, out: Out): void {
  const agentId = st.connected.get(callId);
  if (agentId === undefined) return;
  st.connected.delete(callId);
  const s = st.slots.get(agentId);
  if (s?.work?.callbackId) st.connectedCallbacks.delete(s.work.callbackId);
  if (s?.rec.state !== 'on_call') return;
  if (s.work) s.work.talkEndedAt = now;
  const wrapUpMs = s.work?.queue.wrapUpMs ?? st.config.wrapUpMs;
  if (wrapUpMs > 0) out.push(move(st, s, 'wrap_up', 'call_ended', now, { until: now + wrapUpMs }));
  else leaveWrapUp(st, s, 'call_ended', now, out, true);
}
