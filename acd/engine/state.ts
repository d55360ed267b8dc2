// The ACD core's state: plain data shared by the engine's step functions (agents, calls, queue steps,
// callbacks, deciding). Nothing here reads a clock or does I/O; `now` always comes with the event.
import type { AgentRecord } from '../agent-machine.js';
import type { CompiledAcdConfig, CompiledQueue } from '../config.js';
import type { CallOutcome } from '../figures.js';
import { IdleIndex, WaitingIndex, type Entry, type RoutableAgent } from '../routing.js';
import { Deadlines } from '../timers.js';
import type { AcdCommand } from './protocol.js';

export interface AgentSlot extends RoutableAgent {
  rec: AgentRecord;
  skills: Map<string, number>;
  groups: Set<string>;
  site: string | null;
  queues: Set<string> | null;
  /** The call or callback the agent is reserved for, talking on or wrapping up. */
  work: Work | null;
}

export interface Work {
  callId: string;
  callbackId: string | null;
  queue: CompiledQueue;
  answeredAt: number | null;
  talkEndedAt: number | null;
}

export interface Offer {
  offerId: string;
  callId: string;
  agentId: string;
  entry: Entry;
  deadline: number;
  idleSinceBefore: number;
}

export interface Dial {
  callbackId: string;
  attemptId: string;
  agentId: string;
  entry: Entry;
  deadline: number;
  idleSinceBefore: number;
}

/** Commands produced while handling one event, in order. */
export type Out = AcdCommand[];

export interface EngineState {
  readonly config: CompiledAcdConfig;
  readonly slots: Map<string, AgentSlot>;
  /** Every caller the engine still routes, by callId: waiting, ringing, dialled back, virtual. */
  readonly entries: Map<string, Entry>;
  readonly waiting: WaitingIndex;
  readonly idle: IdleIndex<AgentSlot>;
  /** By callId. */
  readonly offers: Map<string, Offer>;
  /** By callbackId. */
  readonly dials: Map<string, Dial>;
  /** Pending callbacks, by callbackId. */
  readonly callbacks: Map<string, Entry>;
  readonly callbackByNumber: Map<string, string>;
  /** callId → agentId. */
  readonly connected: Map<string, string>;
  /** callbackId → callId. */
  readonly connectedCallbacks: Map<string, string>;
  readonly deadlines: Deadlines;
  readonly dirtyAgents: Set<AgentSlot>;
  readonly dirtyEntries: Set<Entry>;
  /** Outcomes for the figures; entries before `outcomesHead` are out of every window. */
  outcomes: CallOutcome[];
  outcomesHead: number;
  /** Asterisk is unreachable: nothing is offered (it could not ring), callers and agents keep their places. */
  routingPaused: boolean;
  seq: number;
  offerSeq: number;
  callbackSeq: number;
}

export function createEngineState(config: CompiledAcdConfig): EngineState {
  return {
    config,
    slots: new Map(),
    entries: new Map(),
    waiting: new WaitingIndex(),
    idle: new IdleIndex<AgentSlot>(),
    offers: new Map(),
    dials: new Map(),
    callbacks: new Map(),
    callbackByNumber: new Map(),
    connected: new Map(),
    connectedCallbacks: new Map(),
    deadlines: new Deadlines(),
    dirtyAgents: new Set(),
    dirtyEntries: new Set(),
    outcomes: [],
    outcomesHead: 0,
    routingPaused: false,
    seq: 0,
    offerSeq: 0,
    callbackSeq: 0,
  };
}

const HISTORY_MIN_RETAIN_MS = 60 * 60_000;

/** Keeps an outcome for the figures. */
export function record(st: EngineState, o: CallOutcome): void {
  st.outcomes.push(o);
  prune(st, o.at);
}

/** Forgets outcomes older than max(figures window, 60 min); compacts the array once most of it is forgotten. */
export function prune(st: EngineState, now: number): void {
  const from = now - Math.max(st.config.figures.windowMs, HISTORY_MIN_RETAIN_MS);
  while (st.outcomesHead < st.outcomes.length && st.outcomes[st.outcomesHead]!.at < from) st.outcomesHead++;
  if (st.outcomesHead > 1024 && st.outcomesHead * 2 > st.outcomes.length) {
    st.outcomes = st.outcomes.slice(st.outcomesHead);
    st.outcomesHead = 0;
  }
}
