// The agent side of the ACD core: seats coming and going, state requests from the desktop, the idle index that
// routing reads, and wrap-up (early end, extension, the supervisor's cap). Every state change goes through
// move(), which emits the `agent_state` command with time and cause.
import type { AgentState, BreakReason, RequestableState } from '../../contracts/agent-state.js';
import { newAgent, transition, type AgentTransition } from '../agent-machine.js';
import { AcdConfigError, compileAgentProfile, type CompiledQueue } from '../config.js';
import type { AcdCommand, AcdEvent } from './protocol.js';
import { requeue } from './queue-steps.js';
import { record, type AgentSlot, type EngineState, type Out } from './state.js';

export class DeviceOfflineError extends Error {
  constructor(readonly agentId: string) {
    super(`agent ${agentId} has no registered phone: register the softphone or desk phone first`);
    this.name = 'DeviceOfflineError';
  }
}

/** The agent's slot, created (offline, with the configured profile) the first time the agent is named. */
export function agentSlot(st: EngineState, agentId: string, now: number): AgentSlot {
  let s = st.slots.get(agentId);
  if (!s) {
    const p = st.config.agents.get(agentId);
    s = {
      id: agentId,
      rec: newAgent(agentId, now),
      skills: new Map(p?.skills ?? []),
      groups: new Set(p?.groups ?? []),
      site: p?.site ?? null,
      queues: p?.queues ? new Set(p.queues) : null,
      work: null,
    };
    st.slots.set(agentId, s);
  }
  return s;
}

export function agentKnown(st: EngineState, ev: Extract<AcdEvent, { type: 'agent_known' }>, now: number): void {
  const s = agentSlot(st, ev.agentId, now);
  if (ev.skills === undefined && ev.groups === undefined && ev.site === undefined && ev.queues === undefined) return;
  const p = compileAgentProfile(
    {
      id: ev.agentId,
      skills: ev.skills ?? Object.fromEntries(s.skills),
      groups: ev.groups ?? [...s.groups],
      site: ev.site === undefined ? s.site : ev.site,
      queues: ev.queues === undefined ? (s.queues ? [...s.queues] : null) : ev.queues,
    },
    st.config,
  );
  s.skills = p.skills;
  s.groups = p.groups;
  s.site = p.site;
  s.queues = p.queues;
  st.idle.delete(s.id); // filed under the old skills
  reindex(st, s);
}

export function deviceChanged(st: EngineState, agentId: string, online: boolean, now: number, out: Out): void {
  const s = agentSlot(st, agentId, now);
  s.rec.deviceOnline = online;
  if (!online && ['available', 'missed', 'break', 'wrap_up'].includes(s.rec.state)) {
    out.push(move(st, s, 'offline', 'device_offline', now));
  }
  reindex(st, s);
}

export function restoreAgent(st: EngineState, ev: Extract<AcdEvent, { type: 'agent_restored' }>, now: number, out: Out): void {
  const s = agentSlot(st, ev.agentId, now);
  const a = s.rec;
  if (a.state !== 'offline' || s.work || !a.deviceOnline) {
    out.push({ type: 'ignored', event: 'agent_restored', reason: 'not_restorable', agentId: ev.agentId });
    return;
  }
  const since = Math.min(ev.since, now);
  const wrapUntil = ev.state === 'wrap_up' ? (ev.until ?? since) : null;
  // a wrap-up that ran out while no server ran has ended: the agent is available from its end
  const state = wrapUntil !== null && wrapUntil <= now ? 'available' : ev.state;
  a.state = state;
  a.since = state === ev.state ? since : wrapUntil!;
  a.reason = state === 'break' ? (ev.reason ?? 'other') : null;
  a.wrapUpUntil = state === 'wrap_up' ? wrapUntil : null;
  a.pending = null;
  if (state === 'available') a.idleSince = a.since;
  if (state === 'wrap_up') st.deadlines.set(`wrap:${s.id}`, wrapUntil!);
  reindex(st, s);
}

/** Keeps the idle index in step with the agent; an agent who can take calls now is looked at by route(). */
export function reindex(st: EngineState, s: AgentSlot): void {
  if (s.rec.state === 'available' && s.rec.deviceOnline) {
    st.idle.add(s, s.rec.idleSince);
    st.dirtyAgents.add(s);
  } else {
    st.idle.delete(s.id);
    st.dirtyAgents.delete(s);
  }
}

export function move(
  st: EngineState,
  s: AgentSlot,
  to: AgentState,
  cause: AgentTransition['cause'],
  now: number,
  opts: { reason?: BreakReason | null; until?: number } = {},
): AcdCommand {
  const from = s.rec.state;
  const t = transition(s.rec, to, cause, now, { reason: opts.reason ?? null, until: opts.until ?? (to === 'wrap_up' ? now : null) });
  if (from === 'wrap_up') st.deadlines.clear(`wrap:${s.id}`);
  if (to === 'wrap_up' && t.until !== null && t.until > now) st.deadlines.set(`wrap:${s.id}`, t.until);
  if (to === 'available' || to === 'missed' || to === 'break' || to === 'offline') endWork(st, s, now);
  reindex(st, s);
  return { type: 'agent_state', transition: t };
}

/** The agent is done with a call: an answered one is recorded with its talk and wrap-up time. */
function endWork(st: EngineState, s: AgentSlot, now: number): void {
  const w = s.work;
  s.work = null;
  if (!w || w.answeredAt === null) return;
  const talkEnd = w.talkEndedAt ?? now;
  record(st, { kind: 'handled', at: now, queueId: w.queue.id, skills: w.queue.skills, talkMs: talkEnd - w.answeredAt, wrapMs: now - talkEnd });
}

export function request(st: EngineState, s: AgentSlot, state: RequestableState, reason: BreakReason | null, now: number, out: Out): void {
  const a = s.rec;
  if (a.state === state && (state !== 'break' || a.reason === reason)) return;
  // Asked while ringing or talking: honoured once the call is wrapped up, as agents expect from a 示忙 click.
  if (a.state === 'reserved' || a.state === 'on_call') {
    a.pending = { state, reason };
    return;
  }
  if (a.state === 'break' && state === 'break') {
    a.reason = reason; // change of break reason keeps the agent on break
    return;
  }
  if (!(state === 'offline') && !a.deviceOnline) {
    throw new DeviceOfflineError(a.id);
  }
  out.push(move(st, s, state, 'agent_request', now, { reason }));
}

export function logout(st: EngineState, s: AgentSlot, now: number, out: Out): void {
  const state = s.rec.state;
  if (state === 'offline') return;
  if (state === 'reserved') {
    const offer = s.work ? st.offers.get(s.work.callId) : undefined;
    if (offer && offer.agentId === s.id) {
      // nobody will answer this ring: the call goes back to its place at once, the agent is not "missed"
      st.offers.delete(offer.callId);
      st.deadlines.clear(`ring:${offer.callId}`);
      out.push({ type: 'withdraw_offer', callId: offer.callId, agentId: s.id, offerId: offer.offerId, reason: 'agent_logged_out' });
      s.rec.pending = null;
      out.push(move(st, s, 'offline', 'logout', now));
      requeue(st, offer.entry);
      return;
    }
    // a callback is being dialled with this agent: the citizen may already hear it ring; log out after it
    s.rec.pending = { state: 'offline', reason: null };
    return;
  }
  if (state === 'on_call') {
    s.rec.pending = { state: 'offline', reason: null };
    return;
  }
  s.rec.pending = null;
  out.push(move(st, s, 'offline', 'logout', now));
}

/** A state asked for while the phone rang is honoured as soon as the ring ends without a call. */
export function applyPending(st: EngineState, s: AgentSlot, now: number, out: Out): void {
  const p = s.rec.pending;
  s.rec.pending = null;
  if (!p || s.rec.state === p.state) return;
  if (p.state === 'available' && (!s.rec.deviceOnline || s.rec.state === 'missed')) return; // a missed ring must be acknowledged
  out.push(move(st, s, p.state, 'pending_request', now, { reason: p.reason }));
}

/** Back to available (or offline without a phone) after a ring or dial that was not the agent's fault, keeping their idle place. */
export function release(st: EngineState, s: AgentSlot, cause: AgentTransition['cause'], idleSinceBefore: number, now: number, out: Out): void {
  const online = s.rec.deviceOnline;
  out.push(move(st, s, online ? 'available' : 'offline', online ? cause : 'device_offline', now));
  if (online) {
    s.rec.idleSince = idleSinceBefore;
    reindex(st, s);
  }
  applyPending(st, s, now, out);
}

// ---- wrap-up ----

export function leaveWrapUp(st: EngineState, s: AgentSlot, cause: AgentTransition['cause'], now: number, out: Out, fromCall = false): void {
  const pending = s.rec.pending;
  s.rec.pending = null;
  const target = pending?.state ?? 'available';
  if (fromCall && s.rec.state === 'on_call') out.push(move(st, s, 'wrap_up', cause, now));
  if (target === 'offline' || s.rec.deviceOnline || target === 'break') {
    out.push(move(st, s, target, pending ? 'pending_request' : cause, now, { reason: pending?.reason ?? null }));
  } else {
    out.push(move(st, s, 'offline', 'device_offline', now));
  }
}

export function wrapUpDone(st: EngineState, agentId: string, now: number, out: Out): void {
  const s = st.slots.get(agentId);
  if (s?.rec.state !== 'wrap_up') out.push({ type: 'ignored', event: 'wrap_up_done', reason: s ? 'not_in_wrap_up' : 'unknown_agent', agentId });
  else leaveWrapUp(st, s, 'wrap_up_done', now, out);
}

function wrapQueue(st: EngineState, s: AgentSlot): CompiledQueue {
  return s.work?.queue ?? st.config.queues.get(st.config.defaultQueue)!;
}

export function extendWrapUp(st: EngineState, agentId: string, byMs: number, now: number, out: Out): void {
  const s = st.slots.get(agentId);
  if (s?.rec.state !== 'wrap_up') {
    out.push({ type: 'ignored', event: 'wrap_up_extend', reason: s ? 'not_in_wrap_up' : 'unknown_agent', agentId });
    return;
  }
  const maxUntil = s.rec.since + wrapQueue(st, s).maxWrapUpMs;
  const current = s.rec.wrapUpUntil ?? now;
  const until = Math.min(current + Math.max(0, byMs), maxUntil);
  if (until <= current) {
    out.push({ type: 'ignored', event: 'wrap_up_extend', reason: 'max_wrap_up_reached', agentId });
    return;
  }
  s.rec.wrapUpUntil = until;
  st.deadlines.set(`wrap:${s.id}`, until);
  out.push({ type: 'wrap_up_changed', agentId, until, maxUntil });
}

export function setQueueWrapUp(st: EngineState, queueId: string, wrapUpMs: number | undefined, maxWrapUpMs: number | undefined, now: number, out: Out): void {
  const q = st.config.queues.get(queueId);
  if (!q) throw new AcdConfigError([{ path: 'queueId', message: `unknown queue "${queueId}"` }]);
  const wrap = wrapUpMs ?? q.wrapUpMs;
  const max = maxWrapUpMs ?? Math.max(q.maxWrapUpMs, wrap);
  const issues: { path: string; message: string }[] = [];
  if (!(Number.isFinite(wrap) && wrap >= 0)) issues.push({ path: 'wrapUpMs', message: `queue "${queueId}": must be a number of ms ≥ 0` });
  if (!(Number.isFinite(max) && max >= wrap)) issues.push({ path: 'maxWrapUpMs', message: `queue "${queueId}": must be ≥ wrapUpMs (${wrap})` });
  if (issues.length > 0) throw new AcdConfigError(issues);
  q.wrapUpMs = wrap;
  q.maxWrapUpMs = max;
  for (const s of st.slots.values()) {
    if (s.rec.state !== 'wrap_up' || s.work?.queue !== q || s.rec.wrapUpUntil === null) continue;
    const maxUntil = s.rec.since + max;
    if (s.rec.wrapUpUntil <= maxUntil) continue;
    if (maxUntil <= now) {
      leaveWrapUp(st, s, 'wrap_up_ended', now, out);
    } else {
      s.rec.wrapUpUntil = maxUntil;
      st.deadlines.set(`wrap:${s.id}`, maxUntil);
      out.push({ type: 'wrap_up_changed', agentId: s.id, until: maxUntil, maxUntil });
    }
  }
}
