// Routing order of the ACD. This comment is the contract; acd/routing.test.ts checks each rule.
//
// WHICH CALL FIRST — when an agent frees up, the best waiting entry across every queue the agent may serve
// (live calls and virtual callback entries alike) is chosen by:
//   1. priority level: 0 urgent (紧急) → 1 priority lines (elderly 老年人, callback_due 到期回拨) → 2 normal;
//   2. the queue's configured weight, heavier first (strict: a heavier queue's call at the same level goes
//      before a lighter queue's call however long that one waited — bound starvation with overflow/max wait);
//   3. longest wait: earlier original arrival first. A call keeps its arrival time when a ring times out,
//      when it overflows or falls back to another queue, and when it becomes a virtual callback entry;
//   4. arrival sequence number (stable tie-break for calls arriving in the same millisecond).
//
// WHICH AGENT — when a call arrives (or becomes routable again: ring timed out, overflow widened, moved,
// callback retry due), among agents that are
//   - `available` with a registered phone (an agent whose phone is unregistered is never offered a call),
//   - holding every skill of the call's current requirement at its minimum level (after any widening),
//   - allowed in the call's queue (the agent's own queue list, the queue's group list, when set),
// the agent is chosen by:
//   1. higher level in the requirement's primary skill (the first one listed) — none for a queue without skills;
//   2. longest idle: earliest `idleSince` (a ring the caller hung up on, or a failed callback, gives the agent
//      back their old place);
//   3. agent id.
//
// WHEN — the engine decides after every single change (one event, then each due timer in time order), so at
// most one side is new at a time: a freed agent takes the best entry it can serve; a new or re-queued entry
// takes the best agent. After each decision no waiting entry is left that an available agent could serve.
//
// COST — both directions use indexes instead of scanning agents × calls: available agents are kept per
// (skill, level) sorted by idle time, and waiting entries per (queue, widening level) sorted by
// (priority, arrival). A freed agent compares the heads of the buckets it qualifies for; a new call walks
// the idle lists of its primary skill from level 5 downwards.
import type { CompiledQueue, Requirement } from './config.js';

export const PRIORITY_TAGS = ['urgent', 'elderly', 'callback_due', 'normal'] as const;
export type PriorityTag = (typeof PRIORITY_TAGS)[number];
/** Lower is served first. */
export const PRIORITY_LEVEL: Record<PriorityTag, number> = { urgent: 0, elderly: 1, callback_due: 1, normal: 2 };

export interface RoutableAgent {
  id: string;
  skills: ReadonlyMap<string, number>;
  groups: ReadonlySet<string>;
  queues: ReadonlySet<string> | null;
}

export interface CallbackInfo {
  callbackId: string;
  number: string;
  attempts: number;
  lastReason: CallbackFailure | null;
}

export const CALLBACK_FAILURES = ['no_answer', 'busy', 'machine', 'rejected'] as const;
export type CallbackFailure = (typeof CALLBACK_FAILURES)[number];

export type EntryState = 'waiting' | 'offered' | 'dialing' | 'retry_wait';

/** A caller waiting for an agent: a live call, or a virtual entry holding the place of a requested callback. */
export interface Entry {
  callId: string;
  seq: number;
  /** Original arrival (ms): kept across ring timeouts, overflow, fallback and callback conversion. */
  arrivedAt: number;
  priority: PriorityTag;
  queue: CompiledQueue;
  /** When the entry entered its current queue: overflow steps and max wait count from here. */
  enteredAt: number;
  /** Next overflow step of the current queue to apply. */
  stepIdx: number;
  /** Index into queue.requirementLevels. */
  widen: number;
  callbackOffered: boolean;
  maxWaitFired: boolean;
  state: EntryState;
  bucket: Bucket | null;
  callback: CallbackInfo | null;
  number: string | null;
}

export function requirementOf(e: Entry): Requirement[] {
  return e.queue.requirementLevels[e.widen]!;
}

export function meets(skills: ReadonlyMap<string, number>, reqs: readonly Requirement[]): boolean {
  for (const r of reqs) {
    const lvl = skills.get(r.skill);
    if (lvl === undefined || lvl < r.minLevel) return false;
  }
  return true;
}

export function allowedIn(a: RoutableAgent, q: CompiledQueue): boolean {
  if (a.queues !== null && !a.queues.has(q.id)) return false;
  if (q.groups !== null) {
    for (const g of q.groups) if (a.groups.has(g)) return true;
    return false;
  }
  return true;
}

export function canServe(a: RoutableAgent, q: CompiledQueue, reqs: readonly Requirement[]): boolean {
  return meets(a.skills, reqs) && allowedIn(a, q);
}

/** Order inside one bucket (same queue, same weight): priority level, arrival, sequence. */
function compareInBucket(x: Entry, y: Entry): number {
  return PRIORITY_LEVEL[x.priority] - PRIORITY_LEVEL[y.priority] || x.arrivedAt - y.arrivedAt || x.seq - y.seq;
}

/** The global call order (see the top of this file). Negative when `x` goes first. */
export function compareEntries(x: Entry, y: Entry): number {
  return PRIORITY_LEVEL[x.priority] - PRIORITY_LEVEL[y.priority] || y.queue.weight - x.queue.weight || x.arrivedAt - y.arrivedAt || x.seq - y.seq;
}

/** Waiting entries of one queue at one widening level, best first. */
export class Bucket {
  readonly entries: Entry[] = [];
  constructor(
    readonly key: string,
    readonly queue: CompiledQueue,
    readonly reqs: readonly Requirement[],
  ) {}

  insert(e: Entry): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareInBucket(this.entries[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    this.entries.splice(lo, 0, e);
    e.bucket = this;
  }

  remove(e: Entry): void {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (compareInBucket(this.entries[mid]!, e) < 0) lo = mid + 1;
      else hi = mid;
    }
    if (this.entries[lo] !== e) {
      const i = this.entries.indexOf(e); // never expected; keeps the structure right if an entry's key moved
      if (i >= 0) this.entries.splice(i, 1);
    } else {
      this.entries.splice(lo, 1);
    }
    e.bucket = null;
  }
}

/** All waiting entries, bucketed by (queue, widening level). */
export class WaitingIndex {
  private readonly buckets = new Map<string, Bucket>();
  private readonly nonEmpty = new Set<Bucket>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  insert(e: Entry): void {
    const key = `${e.queue.id}#${e.widen}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(key, e.queue, requirementOf(e));
      this.buckets.set(key, b);
    }
    b.insert(e);
    this.nonEmpty.add(b);
    this.count++;
  }

  remove(e: Entry): void {
    const b = e.bucket;
    if (!b) return;
    b.remove(e);
    if (b.entries.length === 0) this.nonEmpty.delete(b);
    this.count--;
  }

  /** The best waiting entry the agent may serve, or undefined. */
  bestFor(a: RoutableAgent): Entry | undefined {
    let best: Entry | undefined;
    for (const b of this.nonEmpty) {
      const head = b.entries[0]!;
      if (best && compareEntries(head, best) >= 0) continue;
      if (canServe(a, b.queue, b.reqs)) best = head;
    }
    return best;
  }

  /** Every waiting entry in the global order. O(n log n): for views, not for decisions. */
  ordered(): Entry[] {
    const all: Entry[] = [];
    for (const b of this.nonEmpty) all.push(...b.entries);
    return all.sort(compareEntries);
  }

  *all(): Iterable<Entry> {
    for (const b of this.nonEmpty) yield* b.entries;
  }
}

interface IdleItem<T> {
  key: number;
  id: string;
  agent: T;
}

/** Agents sorted by (idle since, id). */
class IdleList<T> {
  readonly items: IdleItem<T>[] = [];

  private find(key: number, id: string): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const m = this.items[mid]!;
      if (m.key < key || (m.key === key && m.id < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(key: number, id: string, agent: T): void {
    this.items.splice(this.find(key, id), 0, { key, id, agent });
  }

  remove(key: number, id: string): void {
    const i = this.find(key, id);
    if (this.items[i]?.id === id) this.items.splice(i, 1);
  }
}

/** Available agents with a registered phone: one list overall and one per (skill, level), each by idle time. */
export class IdleIndex<T extends RoutableAgent> {
  private readonly all = new IdleList<T>();
  private readonly bySkill = new Map<string, IdleList<T>[]>();
  /** The (idleSince) key each indexed agent was filed under. */
  private readonly filed = new Map<string, { key: number; skills: [string, number][] }>();

  get size(): number {
    return this.filed.size;
  }

  has(id: string): boolean {
    return this.filed.has(id);
  }

  add(a: T, idleSince: number): void {
    if (this.filed.has(a.id)) this.delete(a.id);
    const skills = [...a.skills.entries()];
    this.all.insert(idleSince, a.id, a);
    for (const [skill, level] of skills) {
      let lists = this.bySkill.get(skill);
      if (!lists) {
        lists = [];
        this.bySkill.set(skill, lists);
      }
      (lists[level] ??= new IdleList<T>()).insert(idleSince, a.id, a);
    }
    this.filed.set(a.id, { key: idleSince, skills });
  }

  delete(id: string): void {
    const f = this.filed.get(id);
    if (!f) return;
    this.all.remove(f.key, id);
    for (const [skill, level] of f.skills) this.bySkill.get(skill)?.[level]?.remove(f.key, id);
    this.filed.delete(id);
  }

  /** The best available agent for a queue and requirement (see WHICH AGENT above), or undefined. */
  bestFor(q: CompiledQueue, reqs: readonly Requirement[]): T | undefined {
    const primary = reqs[0];
    if (!primary) {
      for (const it of this.all.items) if (allowedIn(it.agent, q)) return it.agent;
      return undefined;
    }
    const lists = this.bySkill.get(primary.skill);
    if (!lists) return undefined;
    for (let level = lists.length - 1; level >= primary.minLevel; level--) {
      const list = lists[level];
      if (!list) continue;
      for (const it of list.items) if (canServe(it.agent, q, reqs)) return it.agent;
    }
    return undefined;
  }
}
