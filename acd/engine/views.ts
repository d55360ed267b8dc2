// Read-only views of the ACD core for the adapter, the desktops and the wallboard: agents, calls, callbacks,
// real-time figures and the estimated wait told to callers. Reading never changes routing.
import type { AgentRecord } from '../agent-machine.js';
import type { Requirement } from '../config.js';
import { computeFigures, estimateWait, type AcdFigures, type WaitEstimate } from '../figures.js';
import { canServe, compareEntries, requirementOf, type EntryState, type PriorityTag } from '../routing.js';
import { prune, type EngineState } from './state.js';

export interface CallView {
  callId: string;
  queueId: string;
  priority: PriorityTag;
  state: EntryState;
  arrivedAt: number;
  enteredQueueAt: number;
  requires: Requirement[];
  callbackId: string | null;
  /** Caller number as given with call_queued (normalised once a callback is requested). */
  number: string | null;
}

export interface CallbackView {
  callbackId: string;
  callId: string;
  number: string;
  queueId: string;
  state: EntryState;
  attempts: number;
  dueAt: number | null;
}

export interface AgentProfileView {
  skills: Record<string, number>;
  groups: string[];
  site: string | null;
  queues: string[] | null;
}

export function agentView(st: EngineState, agentId: string): Readonly<AgentRecord> | undefined {
  return st.slots.get(agentId)?.rec;
}

export function agentProfile(st: EngineState, agentId: string): AgentProfileView | undefined {
  const s = st.slots.get(agentId);
  if (!s) return undefined;
  return { skills: Object.fromEntries(s.skills), groups: [...s.groups], site: s.site, queues: s.queues ? [...s.queues] : null };
}

export function queueView(st: EngineState): { waiting: readonly string[]; offered: readonly string[]; connected: number } {
  return {
    waiting: st.waiting
      .ordered()
      .filter((e) => !e.callback)
      .map((e) => e.callId),
    offered: [...st.offers.keys()],
    connected: st.connected.size,
  };
}

export function callView(st: EngineState, callId: string): CallView | undefined {
  const e = st.entries.get(callId);
  if (!e) return undefined;
  return {
    callId: e.callId,
    queueId: e.queue.id,
    priority: e.priority,
    state: e.state,
    arrivedAt: e.arrivedAt,
    enteredQueueAt: e.enteredAt,
    requires: requirementOf(e).map((r) => ({ ...r })),
    callbackId: e.callback?.callbackId ?? null,
    number: e.number,
  };
}

export function callbackView(st: EngineState): CallbackView[] {
  return [...st.callbacks.values()].map((e) => ({
    callbackId: e.callback!.callbackId,
    callId: e.callId,
    number: e.callback!.number,
    queueId: e.queue.id,
    state: e.state,
    attempts: e.callback!.attempts,
    dueAt: e.state === 'retry_wait' ? (st.deadlines.get(`cbdue:${e.callback!.callbackId}`) ?? null) : null,
  }));
}

export function figures(st: EngineState, now: number, windowMs: number | undefined): AcdFigures {
  prune(st, now);
  const calls: { queueId: string; skills: readonly string[]; arrivedAt: number; ringing: boolean }[] = [];
  const pending: { queueId: string; skills: readonly string[] }[] = [];
  for (const e of st.entries.values()) {
    if (e.callback) pending.push({ queueId: e.queue.id, skills: e.queue.skills });
    else if (e.state === 'waiting' || e.state === 'offered') {
      calls.push({ queueId: e.queue.id, skills: e.queue.skills, arrivedAt: e.arrivedAt, ringing: e.state === 'offered' });
    }
  }
  const queues = [...st.config.queues.values()];
  return computeFigures({
    now,
    windowMs: windowMs ?? st.config.figures.windowMs,
    shortAbandonMs: st.config.figures.shortAbandonMs,
    queues: queues.map((q) => ({ id: q.id, skills: q.skills, target: q.target })),
    calls,
    callbacksPending: pending,
    agents: [...st.slots.values()].map((s) => ({
      state: s.rec.state,
      skills: [...s.skills.keys()],
      queues: queues.filter((q) => canServe(s, q, q.requirementLevels[0]!)).map((q) => q.id),
    })),
    outcomes: st.outcomes.slice(st.outcomesHead),
  });
}

export function estimatedWait(st: EngineState, callId: string, now: number): WaitEstimate | undefined {
  const e = st.entries.get(callId);
  if (!e || e.state !== 'waiting') return undefined;
  let position = 1;
  for (const x of st.waiting.all()) if (x !== e && x.queue === e.queue && compareEntries(x, e) < 0) position++;
  const reqs = requirementOf(e);
  let staffed = 0;
  for (const s of st.slots.values()) {
    const state = s.rec.state;
    if ((state === 'available' || state === 'reserved' || state === 'on_call' || state === 'wrap_up') && canServe(s, e.queue, reqs)) staffed++;
  }
  prune(st, now);
  const from = now - st.config.figures.windowMs;
  let qSum = 0;
  let qN = 0;
  let allSum = 0;
  let allN = 0;
  for (let i = st.outcomesHead; i < st.outcomes.length; i++) {
    const o = st.outcomes[i]!;
    if (o.kind !== 'handled' || o.at < from) continue;
    allSum += o.talkMs + o.wrapMs;
    allN++;
    if (o.queueId === e.queue.id) {
      qSum += o.talkMs + o.wrapMs;
      qN++;
    }
  }
  const aht = qN > 0 ? qSum / qN : allN > 0 ? allSum / allN : st.config.figures.defaultHandleMs;
  return estimateWait(position, staffed, Math.round(aht));
}
