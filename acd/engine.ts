// The queue's decision core: plain state in, events in, commands out. No timers, no I/O: the caller passes
// `now` with every event and asks nextDeadline() when to come back with a tick. Adapters run the commands.
//
// What it decides (the ordering rules are documented at the top of acd/routing.ts):
//   - agents with skills (levels 1–5), groups and sites, one explicit state machine (acd/agent-machine.ts),
//     every transition emitted as an `agent_state` command with time and cause;
//   - queues with required skills, service target, overflow (widen / move, keeping the arrival time), max
//     wait (offer a callback or fall back to another queue), per-queue wrap-up with an early end and a
//     supervisor-set maximum;
//   - routing of the best (entry, agent) pair whenever a call arrives or an agent frees up; a ring that times
//     out puts the agent in `missed` and the call back at its old place;
//   - callbacks: a virtual entry keeps the caller's place, an agent is reserved before the number is dialled,
//     retries by policy, at most one pending callback per number;
//   - real-time figures and estimated waits (acd/figures.ts).
import type { AgentState, BreakReason, RequestableState } from '../contracts/agent-state.js';
import { IllegalTransitionError, newAgent, transition, type AgentRecord, type AgentTransition } from './agent-machine.js';
import type { CallbackRefusal } from './callbacks.js';
import { normalizePhone } from '../contracts/phone.js';
import {
  AcdConfigError,
  compileAgentProfile,
  validateAcdConfig,
  type AcdConfig,
  type CompiledAcdConfig,
  type CompiledQueue,
  type Requirement,
} from './config.js';
import { computeFigures, estimateWait, type AcdFigures, type CallOutcome, type WaitEstimate } from './figures.js';
import {
  canServe,
  compareEntries,
  IdleIndex,
  requirementOf,
  WaitingIndex,
  type CallbackFailure,
  type Entry,
  type EntryState,
  type PriorityTag,
  type RoutableAgent,
} from './routing.js';
import { Deadlines } from './timers.js';

/** The engine's configuration. `{ ringTimeoutMs, wrapUpMs }` alone gives one skill-less queue `general`. */
export type AcdSettings = AcdConfig;

export type AcdEvent =
  /** The agent exists (desktop connected). Profile fields, when given, replace the configured ones. */
  | {
      type: 'agent_known';
      agentId: string;
      skills?: Record<string, number>;
      groups?: string[];
      site?: string | null;
      queues?: string[] | null;
    }
  | { type: 'agent_request'; agentId: string; state: RequestableState; reason?: BreakReason | undefined }
  /** The agent's session ended: a ringing offer is withdrawn at once; a call in progress ends first. */
  | { type: 'agent_logout'; agentId: string }
  | { type: 'device_changed'; agentId: string; online: boolean }
  /** Default queue: config.defaultQueue. Default priority: normal. */
  | { type: 'call_queued'; callId: string; queueId?: string; priority?: PriorityTag; number?: string }
  | { type: 'caller_gone'; callId: string }
  /** offerId, when given, must be the current offer's: a late answer of an older offer is ignored. */
  | { type: 'offer_answered'; callId: string; offerId?: string }
  | { type: 'offer_failed'; callId: string; offerId?: string }
  /** callId may also be a callbackId for a connected callback. */
  | { type: 'call_finished'; callId: string }
  /** The agent ends wrap-up early. */
  | { type: 'wrap_up_done'; agentId: string }
  /** The agent asks for more wrap-up time, capped by the queue's maxWrapUpMs (counted from the start of wrap-up). */
  | { type: 'wrap_up_extend'; agentId: string; byMs: number }
  /** Supervisor changes a queue's wrap-up and its maximum; running wrap-ups are capped to the new maximum. */
  | { type: 'queue_wrap_up_set'; queueId: string; wrapUpMs?: number; maxWrapUpMs?: number }
  | { type: 'callback_requested'; callId: string; number: string }
  /** The citizen answered the callback and accepted it (pressed 1). */
  | { type: 'callback_connected'; callbackId: string }
  | { type: 'callback_failed'; callbackId: string; reason: CallbackFailure }
  | { type: 'tick' };

export type IgnoredReason =
  | 'no_offer'
  | 'stale_offer'
  | 'already_connected'
  | 'not_in_wrap_up'
  | 'max_wrap_up_reached'
  | 'unknown_agent'
  | 'unknown_callback';

export type AcdCommand =
  | { type: 'offer'; callId: string; agentId: string; offerId: string; waitedMs: number; queueId: string; priority: PriorityTag }
  | { type: 'cancel_offer'; callId: string; agentId: string; offerId: string; reason: 'ring_timeout' | 'caller_gone' }
  /** Like cancel_offer (hang up the agent leg, close the offer) but the agent left, not the call. */
  | { type: 'withdraw_offer'; callId: string; agentId: string; offerId: string; reason: 'agent_logged_out' }
  /** Bridge caller and agent. For a callback, callbackId is set and offerId is the attempt id. */
  | { type: 'connect'; callId: string; agentId: string; offerId: string; callbackId?: string }
  | { type: 'agent_state'; transition: AgentTransition }
  /** call_queued named a queue the configuration does not have: the call went to the default queue. */
  | { type: 'call_misrouted'; callId: string; requestedQueue: string; queueId: string }
  | {
      type: 'overflow';
      callId: string;
      action: 'widen' | 'move';
      fromQueue: string;
      toQueue: string;
      requires: Requirement[];
      waitedMs: number;
    }
  | {
      type: 'max_wait_reached';
      callId: string;
      queueId: string;
      waitedMs: number;
      action: 'offer_callback' | 'fallback_queue';
      toQueue?: string;
    }
  /** The caller has waited long enough to be offered a callback (the adapter plays the prompt). */
  | { type: 'offer_callback'; callId: string; queueId: string; waitedMs: number }
  | { type: 'callback_accepted'; callbackId: string; callId: string; number: string; position: number }
  | { type: 'callback_refused'; callId: string; number: string; reason: CallbackRefusal; pendingCallbackId?: string }
  /** The agent is already reserved (see the agent_state before it): dial the citizen and bridge with the agent. */
  | { type: 'place_callback'; callbackId: string; callId: string; agentId: string; number: string; attempt: number; attemptId: string }
  /** The dial attempt took longer than callbacks.dialTimeoutMs: hang it up (it counts as no_answer). */
  | { type: 'cancel_callback'; callbackId: string; agentId: string; attemptId: string; reason: 'dial_timeout' }
  | { type: 'callback_retry_scheduled'; callbackId: string; attempt: number; dueAt: number; lastReason: CallbackFailure }
  | { type: 'callback_abandoned'; callbackId: string; callId: string; number: string; attempts: number; lastReason: CallbackFailure }
  /** A running wrap-up got a new end (agent extension or supervisor cap). */
  | { type: 'wrap_up_changed'; agentId: string; until: number; maxUntil: number }
  /** An event that changed nothing, with why (e.g. an answer on a second device after the first one). */
  | { type: 'ignored'; event: AcdEvent['type']; reason: IgnoredReason; callId?: string; agentId?: string; callbackId?: string };

interface AgentSlot extends RoutableAgent {
  rec: AgentRecord;
  skills: Map<string, number>;
  groups: Set<string>;
  site: string | null;
  queues: Set<string> | null;
  /** The call or callback the agent is reserved for, talking on or wrapping up. */
  work: Work | null;
}

interface Work {
  callId: string;
  callbackId: string | null;
  queue: CompiledQueue;
  answeredAt: number | null;
  talkEndedAt: number | null;
}

interface Offer {
  offerId: string;
  callId: string;
  agentId: string;
  entry: Entry;
  deadline: number;
  idleSinceBefore: number;
}

interface Dial {
  callbackId: string;
  attemptId: string;
  agentId: string;
  entry: Entry;
  deadline: number;
  idleSinceBefore: number;
}

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

const HISTORY_MIN_RETAIN_MS = 60 * 60_000;

export class AcdEngine {
  readonly config: CompiledAcdConfig;
  private readonly slots = new Map<string, AgentSlot>();
  /** Every caller the engine still routes, by callId: waiting, ringing, dialled back, virtual. */
  private readonly entries = new Map<string, Entry>();
  private readonly waiting = new WaitingIndex();
  private readonly idle = new IdleIndex<AgentSlot>();
  private readonly offers = new Map<string, Offer>(); // by callId
  private readonly dials = new Map<string, Dial>(); // by callbackId
  private readonly callbacks = new Map<string, Entry>(); // pending, by callbackId
  private readonly callbackByNumber = new Map<string, string>();
  private readonly connected = new Map<string, string>(); // callId → agentId
  private readonly connectedCallbacks = new Map<string, string>(); // callbackId → callId
  private readonly deadlines = new Deadlines();
  private readonly dirtyAgents = new Set<AgentSlot>();
  private readonly dirtyEntries = new Set<Entry>();
  private outcomes: CallOutcome[] = [];
  private outcomesHead = 0;
  private seq = 0;
  private offerSeq = 0;
  private callbackSeq = 0;

  /** Throws AcdConfigError naming every unknown skill, queue, group or site. */
  constructor(settings: AcdSettings) {
    this.config = validateAcdConfig(settings);
  }

  handle(event: AcdEvent, now: number): AcdCommand[] {
    const out: AcdCommand[] = [];
    switch (event.type) {
      case 'agent_known':
        this.agentKnown(event, now);
        break;
      case 'agent_request':
        this.request(this.agent(event.agentId, now), event.state, event.reason ?? null, now, out);
        break;
      case 'agent_logout':
        this.logout(this.agent(event.agentId, now), now, out);
        break;
      case 'device_changed': {
        const s = this.agent(event.agentId, now);
        s.rec.deviceOnline = event.online;
        if (!event.online && ['available', 'missed', 'break', 'wrap_up'].includes(s.rec.state)) {
          out.push(this.move(s, 'offline', 'device_offline', now));
        }
        this.reindex(s);
        break;
      }
      case 'call_queued':
        this.queueCall(event, now, out);
        break;
      case 'caller_gone':
        this.callerGone(event.callId, now, out);
        break;
      case 'offer_answered':
        this.answered(event.callId, event.offerId, now, out);
        break;
      case 'offer_failed': {
        const offer = this.offers.get(event.callId);
        if (!offer) out.push({ type: 'ignored', event: event.type, reason: 'no_offer', callId: event.callId });
        else if (event.offerId !== undefined && event.offerId !== offer.offerId) {
          out.push({ type: 'ignored', event: event.type, reason: 'stale_offer', callId: event.callId });
        } else this.missed(offer, 'rejected', now, out);
        break;
      }
      case 'call_finished':
        this.finish(this.connectedCallbacks.get(event.callId) ?? event.callId, now, out);
        break;
      case 'wrap_up_done': {
        const s = this.slots.get(event.agentId);
        if (s?.rec.state !== 'wrap_up') out.push({ type: 'ignored', event: event.type, reason: s ? 'not_in_wrap_up' : 'unknown_agent', agentId: event.agentId });
        else this.leaveWrapUp(s, 'wrap_up_done', now, out);
        break;
      }
      case 'wrap_up_extend':
        this.extendWrapUp(event.agentId, event.byMs, now, out);
        break;
      case 'queue_wrap_up_set':
        this.setQueueWrapUp(event.queueId, event.wrapUpMs, event.maxWrapUpMs, now, out);
        break;
      case 'callback_requested':
        this.callbackRequested(event.callId, event.number, now, out);
        break;
      case 'callback_connected':
        this.callbackConnected(event.callbackId, now, out);
        break;
      case 'callback_failed': {
        const dial = this.dials.get(event.callbackId);
        if (!dial) out.push({ type: 'ignored', event: event.type, reason: 'unknown_callback', callbackId: event.callbackId });
        else this.callbackFailed(dial, event.reason, now, out);
        break;
      }
      case 'tick':
        break;
    }
    this.route(now, out);
    this.expire(now, out);
    return out;
  }

  /** When the adapter must call back with a tick (ring/dial timeout, wrap-up end, overflow, max wait, retry), or null. */
  nextDeadline(): number | null {
    return this.deadlines.peek();
  }

  agentView(agentId: string): Readonly<AgentRecord> | undefined {
    return this.slots.get(agentId)?.rec;
  }

  agentProfile(agentId: string): AgentProfileView | undefined {
    const s = this.slots.get(agentId);
    if (!s) return undefined;
    return { skills: Object.fromEntries(s.skills), groups: [...s.groups], site: s.site, queues: s.queues ? [...s.queues] : null };
  }

  /** Live calls waiting (in routing order), ringing, and connected. Virtual callback entries are in callbackView(). */
  queueView(): { waiting: readonly string[]; offered: readonly string[]; connected: number } {
    return {
      waiting: this.waiting
        .ordered()
        .filter((e) => !e.callback)
        .map((e) => e.callId),
      offered: [...this.offers.keys()],
      connected: this.connected.size,
    };
  }

  callView(callId: string): CallView | undefined {
    const e = this.entries.get(callId);
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

  callbackView(): CallbackView[] {
    return [...this.callbacks.values()].map((e) => ({
      callbackId: e.callback!.callbackId,
      callId: e.callId,
      number: e.callback!.number,
      queueId: e.queue.id,
      state: e.state,
      attempts: e.callback!.attempts,
      dueAt: e.state === 'retry_wait' ? (this.deadlines.get(`cbdue:${e.callback!.callbackId}`) ?? null) : null,
    }));
  }

  /**
   * Real-time figures per queue, per skill and overall, over the rolling window (default config.figures.windowMs).
   * The engine keeps max(config window, 60 min) of history; a longer window sees only that much.
   */
  figures(now: number, opts: { windowMs?: number } = {}): AcdFigures {
    this.prune(now);
    const calls: { queueId: string; skills: readonly string[]; arrivedAt: number; ringing: boolean }[] = [];
    const pending: { queueId: string; skills: readonly string[] }[] = [];
    for (const e of this.entries.values()) {
      if (e.callback) pending.push({ queueId: e.queue.id, skills: e.queue.skills });
      else if (e.state === 'waiting' || e.state === 'offered') {
        calls.push({ queueId: e.queue.id, skills: e.queue.skills, arrivedAt: e.arrivedAt, ringing: e.state === 'offered' });
      }
    }
    const queues = [...this.config.queues.values()];
    return computeFigures({
      now,
      windowMs: opts.windowMs ?? this.config.figures.windowMs,
      shortAbandonMs: this.config.figures.shortAbandonMs,
      queues: queues.map((q) => ({ id: q.id, skills: q.skills, target: q.target })),
      calls,
      callbacksPending: pending,
      agents: [...this.slots.values()].map((s) => ({
        state: s.rec.state,
        skills: [...s.skills.keys()],
        queues: queues.filter((q) => canServe(s, q, q.requirementLevels[0]!)).map((q) => q.id),
      })),
      outcomes: this.outcomes.slice(this.outcomesHead),
    });
  }

  /**
   * Position and expected wait of a waiting call (live or virtual), for the position announcements:
   * position among the entries of the same queue ahead of it, agents logged in who may take it, and the
   * queue's recent average handle time (else the centre's, else config.figures.defaultHandleMs).
   */
  estimatedWait(callId: string, now: number): WaitEstimate | undefined {
    const e = this.entries.get(callId);
    if (!e || e.state !== 'waiting') return undefined;
    let position = 1;
    for (const x of this.waiting.all()) if (x !== e && x.queue === e.queue && compareEntries(x, e) < 0) position++;
    const reqs = requirementOf(e);
    let staffed = 0;
    for (const s of this.slots.values()) {
      const st = s.rec.state;
      if ((st === 'available' || st === 'reserved' || st === 'on_call' || st === 'wrap_up') && canServe(s, e.queue, reqs)) staffed++;
    }
    this.prune(now);
    const from = now - this.config.figures.windowMs;
    let qSum = 0;
    let qN = 0;
    let allSum = 0;
    let allN = 0;
    for (let i = this.outcomesHead; i < this.outcomes.length; i++) {
      const o = this.outcomes[i]!;
      if (o.kind !== 'handled' || o.at < from) continue;
      allSum += o.talkMs + o.wrapMs;
      allN++;
      if (o.queueId === e.queue.id) {
        qSum += o.talkMs + o.wrapMs;
        qN++;
      }
    }
    const aht = qN > 0 ? qSum / qN : allN > 0 ? allSum / allN : this.config.figures.defaultHandleMs;
    return estimateWait(position, staffed, Math.round(aht));
  }

  // ---- agents ----

  private agent(agentId: string, now: number): AgentSlot {
    let s = this.slots.get(agentId);
    if (!s) {
      const p = this.config.agents.get(agentId);
      s = {
        id: agentId,
        rec: newAgent(agentId, now),
        skills: new Map(p?.skills ?? []),
        groups: new Set(p?.groups ?? []),
        site: p?.site ?? null,
        queues: p?.queues ? new Set(p.queues) : null,
        work: null,
      };
      this.slots.set(agentId, s);
    }
    return s;
  }

  private agentKnown(ev: Extract<AcdEvent, { type: 'agent_known' }>, now: number): void {
    const s = this.agent(ev.agentId, now);
    if (ev.skills === undefined && ev.groups === undefined && ev.site === undefined && ev.queues === undefined) return;
    const p = compileAgentProfile(
      {
        id: ev.agentId,
        skills: ev.skills ?? Object.fromEntries(s.skills),
        groups: ev.groups ?? [...s.groups],
        site: ev.site === undefined ? s.site : ev.site,
        queues: ev.queues === undefined ? (s.queues ? [...s.queues] : null) : ev.queues,
      },
      this.config,
    );
    s.skills = p.skills;
    s.groups = p.groups;
    s.site = p.site;
    s.queues = p.queues;
    this.idle.delete(s.id); // filed under the old skills
    this.reindex(s);
  }

  /** Keeps the idle index in step with the agent; an agent who can take calls now is looked at by route(). */
  private reindex(s: AgentSlot): void {
    if (s.rec.state === 'available' && s.rec.deviceOnline) {
      this.idle.add(s, s.rec.idleSince);
      this.dirtyAgents.add(s);
    } else {
      this.idle.delete(s.id);
      this.dirtyAgents.delete(s);
    }
  }

  private move(
    s: AgentSlot,
    to: AgentState,
    cause: AgentTransition['cause'],
    now: number,
    opts: { reason?: BreakReason | null; until?: number } = {},
  ): AcdCommand {
    const from = s.rec.state;
    const t = transition(s.rec, to, cause, now, { reason: opts.reason ?? null, until: opts.until ?? (to === 'wrap_up' ? now : null) });
    if (from === 'wrap_up') this.deadlines.clear(`wrap:${s.id}`);
    if (to === 'wrap_up' && t.until !== null && t.until > now) this.deadlines.set(`wrap:${s.id}`, t.until);
    if (to === 'available' || to === 'missed' || to === 'break' || to === 'offline') this.endWork(s, now);
    this.reindex(s);
    return { type: 'agent_state', transition: t };
  }

  /** The agent is done with a call: an answered one is recorded with its talk and wrap-up time. */
  private endWork(s: AgentSlot, now: number): void {
    const w = s.work;
    s.work = null;
    if (!w || w.answeredAt === null) return;
    const talkEnd = w.talkEndedAt ?? now;
    this.record({ kind: 'handled', at: now, queueId: w.queue.id, skills: w.queue.skills, talkMs: talkEnd - w.answeredAt, wrapMs: now - talkEnd });
  }

  private request(s: AgentSlot, state: RequestableState, reason: BreakReason | null, now: number, out: AcdCommand[]): void {
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
    out.push(this.move(s, state, 'agent_request', now, { reason }));
  }

  private logout(s: AgentSlot, now: number, out: AcdCommand[]): void {
    const st = s.rec.state;
    if (st === 'offline') return;
    if (st === 'reserved') {
      const offer = s.work ? this.offers.get(s.work.callId) : undefined;
      if (offer && offer.agentId === s.id) {
        // nobody will answer this ring: the call goes back to its place at once, the agent is not "missed"
        this.offers.delete(offer.callId);
        this.deadlines.clear(`ring:${offer.callId}`);
        out.push({ type: 'withdraw_offer', callId: offer.callId, agentId: s.id, offerId: offer.offerId, reason: 'agent_logged_out' });
        s.rec.pending = null;
        out.push(this.move(s, 'offline', 'logout', now));
        this.requeue(offer.entry);
        return;
      }
      // a callback is being dialled with this agent: the citizen may already hear it ring; log out after it
      s.rec.pending = { state: 'offline', reason: null };
      return;
    }
    if (st === 'on_call') {
      s.rec.pending = { state: 'offline', reason: null };
      return;
    }
    s.rec.pending = null;
    out.push(this.move(s, 'offline', 'logout', now));
  }

  /** A state asked for while the phone rang is honoured as soon as the ring ends without a call. */
  private applyPending(s: AgentSlot, now: number, out: AcdCommand[]): void {
    const p = s.rec.pending;
    s.rec.pending = null;
    if (!p || s.rec.state === p.state) return;
    if (p.state === 'available' && (!s.rec.deviceOnline || s.rec.state === 'missed')) return; // a missed ring must be acknowledged
    out.push(this.move(s, p.state, 'pending_request', now, { reason: p.reason }));
  }

  /** Back to available (or offline without a phone) after a ring or dial that was not the agent's fault, keeping their idle place. */
  private release(s: AgentSlot, cause: AgentTransition['cause'], idleSinceBefore: number, now: number, out: AcdCommand[]): void {
    const online = s.rec.deviceOnline;
    out.push(this.move(s, online ? 'available' : 'offline', online ? cause : 'device_offline', now));
    if (online) {
      s.rec.idleSince = idleSinceBefore;
      this.reindex(s);
    }
    this.applyPending(s, now, out);
  }

  // ---- calls ----

  private queueCall(ev: Extract<AcdEvent, { type: 'call_queued' }>, now: number, out: AcdCommand[]): void {
    if (this.entries.has(ev.callId) || this.connected.has(ev.callId)) return;
    let queue = this.config.queues.get(ev.queueId ?? this.config.defaultQueue);
    if (!queue) {
      queue = this.config.queues.get(this.config.defaultQueue)!;
      out.push({ type: 'call_misrouted', callId: ev.callId, requestedQueue: ev.queueId!, queueId: queue.id });
    }
    const e: Entry = {
      callId: ev.callId,
      seq: ++this.seq,
      arrivedAt: now,
      priority: ev.priority ?? 'normal',
      queue,
      enteredAt: now,
      stepIdx: 0,
      widen: 0,
      callbackOffered: false,
      maxWaitFired: false,
      state: 'waiting',
      bucket: null,
      callback: null,
      number: ev.number ?? null,
    };
    this.entries.set(e.callId, e);
    this.requeue(e);
  }

  /** Puts an entry (back) in line at the place its priority and arrival give it. */
  private requeue(e: Entry): void {
    e.state = 'waiting';
    this.waiting.insert(e);
    this.dirtyEntries.add(e);
    this.scheduleQueueSteps(e);
  }

  private unqueue(e: Entry): void {
    this.waiting.remove(e);
    this.dirtyEntries.delete(e);
    this.deadlines.clear(`queue:${e.callId}`);
  }

  private callerGone(callId: string, now: number, out: AcdCommand[]): void {
    const e = this.entries.get(callId);
    if (e && !e.callback) {
      // a virtual callback entry has no live leg any more: its caller_gone is expected and changes nothing
      if (e.state === 'waiting') {
        this.unqueue(e);
        this.entries.delete(callId);
        this.record({ kind: 'abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs: now - e.arrivedAt });
      } else if (e.state === 'offered') {
        const offer = this.offers.get(callId)!;
        this.offers.delete(callId);
        this.deadlines.clear(`ring:${callId}`);
        this.entries.delete(callId);
        this.record({ kind: 'abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs: now - e.arrivedAt });
        out.push({ type: 'cancel_offer', callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'caller_gone' });
        const s = this.slots.get(offer.agentId);
        if (s?.rec.state === 'reserved') this.release(s, 'caller_gone', offer.idleSinceBefore, now, out); // not the agent's fault
      }
    }
    this.finish(callId, now, out);
  }

  private answered(callId: string, offerId: string | undefined, now: number, out: AcdCommand[]): void {
    const offer = this.offers.get(callId);
    if (!offer) {
      // e.g. the same agent picked up on a second device: the call is already theirs
      out.push({ type: 'ignored', event: 'offer_answered', reason: this.connected.has(callId) ? 'already_connected' : 'no_offer', callId });
      return;
    }
    if (offerId !== undefined && offerId !== offer.offerId) {
      out.push({ type: 'ignored', event: 'offer_answered', reason: 'stale_offer', callId });
      return;
    }
    this.offers.delete(callId);
    this.deadlines.clear(`ring:${callId}`);
    this.entries.delete(callId);
    const e = offer.entry;
    const s = this.slots.get(offer.agentId);
    if (s) {
      out.push(this.move(s, 'on_call', 'answered', now));
      if (s.work) s.work.answeredAt = now;
    }
    this.connected.set(callId, offer.agentId);
    const waitMs = now - e.arrivedAt;
    this.record({ kind: 'answered', at: now, queueId: e.queue.id, skills: e.queue.skills, waitMs, withinTarget: waitMs <= e.queue.target.answeredWithinMs });
    out.push({ type: 'connect', callId, agentId: offer.agentId, offerId: offer.offerId });
  }

  private missed(offer: Offer, cause: 'ring_timeout' | 'rejected', now: number, out: AcdCommand[]): void {
    this.offers.delete(offer.callId);
    this.deadlines.clear(`ring:${offer.callId}`);
    if (cause === 'ring_timeout') {
      out.push({ type: 'cancel_offer', callId: offer.callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'ring_timeout' });
    }
    const s = this.slots.get(offer.agentId);
    if (s?.rec.state === 'reserved') {
      out.push(this.move(s, 'missed', cause, now));
      this.applyPending(s, now, out);
    }
    // back in line at the place the call had, not at the end
    this.requeue(offer.entry);
  }

  private finish(callId: string, now: number, out: AcdCommand[]): void {
    const agentId = this.connected.get(callId);
    if (agentId === undefined) return;
    this.connected.delete(callId);
    const s = this.slots.get(agentId);
    if (s?.work?.callbackId) this.connectedCallbacks.delete(s.work.callbackId);
    if (s?.rec.state !== 'on_call') return;
    if (s.work) s.work.talkEndedAt = now;
    const wrapUpMs = s.work?.queue.wrapUpMs ?? this.config.wrapUpMs;
    if (wrapUpMs > 0) out.push(this.move(s, 'wrap_up', 'call_ended', now, { until: now + wrapUpMs }));
    else this.leaveWrapUp(s, 'call_ended', now, out, true);
  }

  private leaveWrapUp(s: AgentSlot, cause: AgentTransition['cause'], now: number, out: AcdCommand[], fromCall = false): void {
    const pending = s.rec.pending;
    s.rec.pending = null;
    const target = pending?.state ?? 'available';
    if (fromCall && s.rec.state === 'on_call') out.push(this.move(s, 'wrap_up', cause, now));
    if (target === 'offline' || s.rec.deviceOnline || target === 'break') {
      out.push(this.move(s, target, pending ? 'pending_request' : cause, now, { reason: pending?.reason ?? null }));
    } else {
      out.push(this.move(s, 'offline', 'device_offline', now));
    }
  }

  private wrapQueue(s: AgentSlot): CompiledQueue {
    return s.work?.queue ?? this.config.queues.get(this.config.defaultQueue)!;
  }

  private extendWrapUp(agentId: string, byMs: number, now: number, out: AcdCommand[]): void {
    const s = this.slots.get(agentId);
    if (s?.rec.state !== 'wrap_up') {
      out.push({ type: 'ignored', event: 'wrap_up_extend', reason: s ? 'not_in_wrap_up' : 'unknown_agent', agentId });
      return;
    }
    const maxUntil = s.rec.since + this.wrapQueue(s).maxWrapUpMs;
    const current = s.rec.wrapUpUntil ?? now;
    const until = Math.min(current + Math.max(0, byMs), maxUntil);
    if (until <= current) {
      out.push({ type: 'ignored', event: 'wrap_up_extend', reason: 'max_wrap_up_reached', agentId });
      return;
    }
    s.rec.wrapUpUntil = until;
    this.deadlines.set(`wrap:${s.id}`, until);
    out.push({ type: 'wrap_up_changed', agentId, until, maxUntil });
  }

  private setQueueWrapUp(queueId: string, wrapUpMs: number | undefined, maxWrapUpMs: number | undefined, now: number, out: AcdCommand[]): void {
    const q = this.config.queues.get(queueId);
    if (!q) throw new AcdConfigError([{ path: 'queueId', message: `unknown queue "${queueId}"` }]);
    const wrap = wrapUpMs ?? q.wrapUpMs;
    const max = maxWrapUpMs ?? Math.max(q.maxWrapUpMs, wrap);
    const issues: { path: string; message: string }[] = [];
    if (!(Number.isFinite(wrap) && wrap >= 0)) issues.push({ path: 'wrapUpMs', message: `queue "${queueId}": must be a number of ms ≥ 0` });
    if (!(Number.isFinite(max) && max >= wrap)) issues.push({ path: 'maxWrapUpMs', message: `queue "${queueId}": must be ≥ wrapUpMs (${wrap})` });
    if (issues.length > 0) throw new AcdConfigError(issues);
    q.wrapUpMs = wrap;
    q.maxWrapUpMs = max;
    for (const s of this.slots.values()) {
      if (s.rec.state !== 'wrap_up' || s.work?.queue !== q || s.rec.wrapUpUntil === null) continue;
      const maxUntil = s.rec.since + max;
      if (s.rec.wrapUpUntil <= maxUntil) continue;
      if (maxUntil <= now) {
        this.leaveWrapUp(s, 'wrap_up_ended', now, out);
      } else {
        s.rec.wrapUpUntil = maxUntil;
        this.deadlines.set(`wrap:${s.id}`, maxUntil);
        out.push({ type: 'wrap_up_changed', agentId: s.id, until: maxUntil, maxUntil });
      }
    }
  }

  // ---- queue steps: overflow, callback offer, max wait ----

  private nextQueueStep(e: Entry): { at: number; kind: 'overflow' | 'callback_offer' | 'max_wait' } | null {
    const q = e.queue;
    let next: { at: number; kind: 'overflow' | 'callback_offer' | 'max_wait' } | null = null;
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

  private scheduleQueueSteps(e: Entry): void {
    const next = e.state === 'waiting' ? this.nextQueueStep(e) : null;
    if (next) this.deadlines.set(`queue:${e.callId}`, next.at);
    else this.deadlines.clear(`queue:${e.callId}`);
  }

  /** Applies every step due by `now`, in time order; moves count from their scheduled time so late ticks change nothing. */
  private runQueueSteps(e: Entry, now: number, out: AcdCommand[]): void {
    for (let next = this.nextQueueStep(e); next && next.at <= now; next = this.nextQueueStep(e)) {
      const q = e.queue;
      if (next.kind === 'overflow') {
        const step = q.overflow[e.stepIdx]!;
        e.stepIdx++;
        if (step.action === 'widen') this.moveEntry(e, q, step.widenTo, e.enteredAt);
        else this.moveEntry(e, this.config.queues.get(step.toQueue)!, 0, next.at);
        out.push({ type: 'overflow', callId: e.callId, action: step.action, fromQueue: q.id, toQueue: e.queue.id, requires: requirementOf(e).map((r) => ({ ...r })), waitedMs: now - e.arrivedAt });
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
          this.moveEntry(e, this.config.queues.get(rule.toQueue)!, 0, next.at);
        }
      }
    }
    this.scheduleQueueSteps(e);
  }

  /** Widens or moves a waiting entry, keeping its arrival time (and so its place among equals). */
  private moveEntry(e: Entry, queue: CompiledQueue, widen: number, enteredAt: number): void {
    this.waiting.remove(e);
    if (queue !== e.queue) {
      e.queue = queue;
      e.stepIdx = 0;
      e.maxWaitFired = false;
    }
    e.enteredAt = enteredAt;
    e.widen = widen;
    this.waiting.insert(e);
    this.dirtyEntries.add(e);
  }

  // ---- callbacks ----

  private callbackRequested(callId: string, rawNumber: string, now: number, out: AcdCommand[]): void {
    const number = normalizePhone(rawNumber);
    const refuse = (reason: CallbackRefusal, pendingCallbackId?: string) =>
      out.push({ type: 'callback_refused', callId, number, reason, ...(pendingCallbackId ? { pendingCallbackId } : {}) });
    if (!number) return void refuse('invalid_number');
    const pendingId = this.callbackByNumber.get(number);
    if (pendingId !== undefined) return void refuse('already_pending', pendingId);
    const e = this.entries.get(callId);
    if (!e) return void refuse('unknown_call');
    if (e.callback) return void refuse('already_pending', e.callback.callbackId);
    if (e.state !== 'waiting') return void refuse('not_waiting');
    const callbackId = `cb${++this.callbackSeq}`;
    e.callback = { callbackId, number, attempts: 0, lastReason: null };
    e.number = number;
    this.callbacks.set(callbackId, e);
    this.callbackByNumber.set(number, callbackId);
    this.scheduleQueueSteps(e); // only overflow still applies to a virtual entry
    this.record({ kind: 'callback_requested', at: now, queueId: e.queue.id, skills: e.queue.skills });
    let position = 1;
    for (const x of this.waiting.all()) if (x !== e && x.queue === e.queue && compareEntries(x, e) < 0) position++;
    out.push({ type: 'callback_accepted', callbackId, callId, number, position });
  }

  private callbackConnected(callbackId: string, now: number, out: AcdCommand[]): void {
    const dial = this.dials.get(callbackId);
    if (!dial) {
      out.push({ type: 'ignored', event: 'callback_connected', reason: 'unknown_callback', callbackId });
      return;
    }
    this.dials.delete(callbackId);
    this.deadlines.clear(`dial:${callbackId}`);
    const e = dial.entry;
    this.forgetCallback(e);
    const s = this.slots.get(dial.agentId);
    if (s?.rec.state === 'reserved') {
      out.push(this.move(s, 'on_call', 'answered', now));
      if (s.work) s.work.answeredAt = now;
    }
    this.connected.set(e.callId, dial.agentId);
    this.connectedCallbacks.set(callbackId, e.callId);
    this.record({ kind: 'callback_connected', at: now, queueId: e.queue.id, skills: e.queue.skills });
    out.push({ type: 'connect', callId: e.callId, agentId: dial.agentId, offerId: dial.attemptId, callbackId });
  }

  private callbackFailed(dial: Dial, reason: CallbackFailure, now: number, out: AcdCommand[]): void {
    this.dials.delete(dial.callbackId);
    this.deadlines.clear(`dial:${dial.callbackId}`);
    const e = dial.entry;
    const cb = e.callback!;
    cb.attempts++;
    cb.lastReason = reason;
    const s = this.slots.get(dial.agentId);
    if (s?.rec.state === 'reserved') this.release(s, 'callback_failed', dial.idleSinceBefore, now, out);
    if (cb.attempts >= this.config.callbacks.maxAttempts) {
      this.forgetCallback(e);
      this.record({ kind: 'callback_abandoned', at: now, queueId: e.queue.id, skills: e.queue.skills });
      out.push({ type: 'callback_abandoned', callbackId: cb.callbackId, callId: e.callId, number: cb.number, attempts: cb.attempts, lastReason: reason });
      return;
    }
    // the entry keeps its arrival time and comes back as "callback due" (a priority line) after the delay
    e.state = 'retry_wait';
    e.priority = 'callback_due';
    const dueAt = now + this.config.callbacks.retryDelayMs;
    this.deadlines.set(`cbdue:${cb.callbackId}`, dueAt);
    out.push({ type: 'callback_retry_scheduled', callbackId: cb.callbackId, attempt: cb.attempts + 1, dueAt, lastReason: reason });
  }

  private forgetCallback(e: Entry): void {
    const cb = e.callback!;
    this.callbacks.delete(cb.callbackId);
    if (this.callbackByNumber.get(cb.number) === cb.callbackId) this.callbackByNumber.delete(cb.number);
    this.entries.delete(e.callId);
    this.deadlines.clear(`cbdue:${cb.callbackId}`);
    this.deadlines.clear(`queue:${e.callId}`);
  }

  // ---- deciding ----

  private route(now: number, out: AcdCommand[]): void {
    if (this.dirtyAgents.size > 0) {
      // an agent who freed up takes the best entry it may serve; longest idle first when several did
      const agents = [...this.dirtyAgents].sort((x, y) => x.rec.idleSince - y.rec.idleSince || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      this.dirtyAgents.clear();
      for (const s of agents) {
        if (!this.idle.has(s.id)) continue;
        const e = this.waiting.bestFor(s);
        if (e) this.assign(e, s, now, out);
      }
    }
    if (this.dirtyEntries.size > 0) {
      // a new or re-queued entry takes the best agent; better entries first when several are new
      const entries = [...this.dirtyEntries].sort(compareEntries);
      this.dirtyEntries.clear();
      for (const e of entries) {
        if (e.state !== 'waiting' || !e.bucket) continue;
        const s = this.idle.bestFor(e.queue, e.bucket.reqs);
        if (s) this.assign(e, s, now, out);
      }
    }
  }

  private assign(e: Entry, s: AgentSlot, now: number, out: AcdCommand[]): void {
    this.unqueue(e);
    const idleSinceBefore = s.rec.idleSince;
    if (e.callback) {
      // reserve the agent first, then have the citizen dialled
      const cb = e.callback;
      const attempt = cb.attempts + 1;
      const attemptId = `${cb.callbackId}-a${attempt}`;
      out.push(this.move(s, 'reserved', 'callback_reserved', now));
      e.state = 'dialing';
      const deadline = now + this.config.callbacks.dialTimeoutMs;
      this.dials.set(cb.callbackId, { callbackId: cb.callbackId, attemptId, agentId: s.id, entry: e, deadline, idleSinceBefore });
      this.deadlines.set(`dial:${cb.callbackId}`, deadline);
      s.work = { callId: e.callId, callbackId: cb.callbackId, queue: e.queue, answeredAt: null, talkEndedAt: null };
      out.push({ type: 'place_callback', callbackId: cb.callbackId, callId: e.callId, agentId: s.id, number: cb.number, attempt, attemptId });
      return;
    }
    const offerId = `o${++this.offerSeq}-${e.callId}`;
    out.push(this.move(s, 'reserved', 'offer', now));
    e.state = 'offered';
    const deadline = now + this.config.ringTimeoutMs;
    this.offers.set(e.callId, { offerId, callId: e.callId, agentId: s.id, entry: e, deadline, idleSinceBefore });
    this.deadlines.set(`ring:${e.callId}`, deadline);
    s.work = { callId: e.callId, callbackId: null, queue: e.queue, answeredAt: null, talkEndedAt: null };
    out.push({ type: 'offer', callId: e.callId, agentId: s.id, offerId, waitedMs: now - e.arrivedAt, queueId: e.queue.id, priority: e.priority });
  }

  /** Runs every deadline due by `now` in time order, deciding after each one. */
  private expire(now: number, out: AcdCommand[]): void {
    for (let key = this.deadlines.popDue(now); key !== null; key = this.deadlines.popDue(now)) {
      const sep = key.indexOf(':');
      const kind = key.slice(0, sep);
      const id = key.slice(sep + 1);
      switch (kind) {
        case 'ring': {
          const offer = this.offers.get(id);
          if (offer) this.missed(offer, 'ring_timeout', now, out);
          break;
        }
        case 'wrap': {
          const s = this.slots.get(id);
          if (s?.rec.state === 'wrap_up') this.leaveWrapUp(s, 'wrap_up_ended', now, out);
          break;
        }
        case 'queue': {
          const e = this.entries.get(id);
          if (e?.state === 'waiting') this.runQueueSteps(e, now, out);
          break;
        }
        case 'cbdue': {
          const e = this.callbacks.get(id);
          if (e?.state === 'retry_wait') this.requeue(e);
          break;
        }
        case 'dial': {
          const dial = this.dials.get(id);
          if (dial) {
            out.push({ type: 'cancel_callback', callbackId: id, agentId: dial.agentId, attemptId: dial.attemptId, reason: 'dial_timeout' });
            this.callbackFailed(dial, 'no_answer', now, out);
          }
          break;
        }
      }
      this.route(now, out);
    }
  }

  // ---- history for the figures ----

  private record(o: CallOutcome): void {
    this.outcomes.push(o);
    this.prune(o.at);
  }

  private prune(now: number): void {
    const from = now - Math.max(this.config.figures.windowMs, HISTORY_MIN_RETAIN_MS);
    while (this.outcomesHead < this.outcomes.length && this.outcomes[this.outcomesHead]!.at < from) this.outcomesHead++;
    if (this.outcomesHead > 1024 && this.outcomesHead * 2 > this.outcomes.length) {
      this.outcomes = this.outcomes.slice(this.outcomesHead);
      this.outcomesHead = 0;
    }
  }
}

export class DeviceOfflineError extends Error {
  constructor(readonly agentId: string) {
    super(`agent ${agentId} has no registered phone: register the softphone or desk phone first`);
    this.name = 'DeviceOfflineError';
  }
}

export { AcdConfigError, IllegalTransitionError, validateAcdConfig };
export type { AcdConfig, CallbackFailure, PriorityTag };
