// Deciding: after every change the best (entry, agent) pair is offered (or, for a callback, the agent reserved
// and the citizen dialled), and every deadline due by `now` runs in time order with a decision after each.
// The ordering rules are documented at the top of acd/routing.ts.
import { compareEntries, type Entry } from '../routing.js';
import { leaveWrapUp, move } from './agents.js';
import { callbackFailed } from './callbacks.js';
import { missed } from './calls.js';
import { requeue, runQueueSteps, unqueue } from './queue-steps.js';
import type { AgentSlot, EngineState, Out } from './state.js';

export function route(st: EngineState, now: number, out: Out): void {
  // what changed meanwhile stays marked and is routed when Asterisk is back
  if (st.routingPaused) return;
  if (st.dirtyAgents.size > 0) {
    // an agent who freed up takes the best entry it may serve; longest idle first when several did
    const agents = [...st.dirtyAgents].sort((x, y) => x.rec.idleSince - y.rec.idleSince || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
    st.dirtyAgents.clear();
    for (const s of agents) {
      if (!st.idle.has(s.id)) continue;
      const e = st.waiting.bestFor(s);
      if (e) assign(st, e, s, now, out);
    }
  }
  if (st.dirtyEntries.size > 0) {
    // a new or re-queued entry takes the best agent; better entries first when several are new
    const entries = [...st.dirtyEntries].sort(compareEntries);
    st.dirtyEntries.clear();
    for (const e of entries) {
      if (e.state !== 'waiting' || !e.bucket) continue;
      const s = st.idle.bestFor(e.queue, e.bucket.reqs);
      if (s) assign(st, e, s, now, out);
    }
  }
}

function assign(st: EngineState, e: Entry, s: AgentSlot, now: number, out: Out): void {
  unqueue(st, e);
  const idleSinceBefore = s.rec.idleSince;
  if (e.callback) {
    // reserve the agent first, then have the citizen dialled
    const cb = e.callback;
    const attempt = cb.attempts + 1;
    const attemptId = `${cb.callbackId}-a${attempt}`;
    out.push(move(st, s, 'reserved', 'callback_reserved', now));
    e.state = 'dialing';
    const deadline = now + st.config.callbacks.dialTimeoutMs;
    st.dials.set(cb.callbackId, { callbackId: cb.callbackId, attemptId, agentId: s.id, entry: e, deadline, idleSinceBefore });
    st.deadlines.set(`dial:${cb.callbackId}`, deadline);
    s.work = { callId: e.callId, callbackId: cb.callbackId, queue: e.queue, answeredAt: null, talkEndedAt: null };
    out.push({ type: 'place_callback', callbackId: cb.callbackId, callId: e.callId, agentId: s.id, number: cb.number, attempt, attemptId });
    return;
  }
  const offerId = `o${++st.offerSeq}-${e.callId}`;
  out.push(move(st, s, 'reserved', 'offer', now));
  e.state = 'offered';
  const deadline = now + st.config.ringTimeoutMs;
  st.offers.set(e.callId, { offerId, callId: e.callId, agentId: s.id, entry: e, deadline, idleSinceBefore });
  st.deadlines.set(`ring:${e.callId}`, deadline);
  s.work = { callId: e.callId, callbackId: null, queue: e.queue, answeredAt: null, talkEndedAt: null };
  out.push({ type: 'offer', callId: e.callId, agentId: s.id, offerId, waitedMs: now - e.arrivedAt, queueId: e.queue.id, priority: e.priority });
}

/** Runs every deadline due by `now` in time order, deciding after each one. */
export function expire(st: EngineState, now: number, out: Out): void {
  for (let key = st.deadlines.popDue(now); key !== null; key = st.deadlines.popDue(now)) {
    const sep = key.indexOf(':');
    const kind = key.slice(0, sep);
    const id = key.slice(sep + 1);
    switch (kind) {
      case 'ring': {
        const offer = st.offers.get(id);
        if (offer) missed(st, offer, 'ring_timeout', now, out);
        break;
      }
      case 'wrap': {
        const s = st.slots.get(id);
        if (s?.rec.state === 'wrap_up') leaveWrapUp(st, s, 'wrap_up_ended', now, out);
        break;
      }
      case 'queue': {
        const e = st.entries.get(id);
        if (e?.state === 'waiting') runQueueSteps(st, e, now, out);
        break;
      }
      case 'cbdue': {
        const e = st.callbacks.get(id);
        if (e?.state === 'retry_wait') requeue(st, e);
        break;
      }
      case 'dial': {
        const dial = st.dials.get(id);
        if (dial) {
          out.push({ type: 'cancel_callback', callbackId: id, agentId: dial.agentId, attemptId: dial.attemptId, reason: 'dial_timeout' });
          callbackFailed(st, dial, 'no_answer', now, out);
        }
        break;
      }
    }
    route(st, now, out);
  }
}
