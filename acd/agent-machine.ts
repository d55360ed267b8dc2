// The agent state machine. One table says which moves are legal; everything else is refused.
//
//   offline ──► available ◄──────────────┐
//      ▲  ▲        │   ▲                 │
//      │  │     offer  └── wrap-up ends ─┤
//      │  │        ▼                     │
//      │  └──── reserved ──answer──► on_call ──hang-up──► wrap_up
//      │           │
//      │      ring timeout / rejected
//      │           ▼
//      └─────── missed            break ◄──► available / wrap_up / missed
//
// `reserved` covers both an inbound offer ringing the agent and an agent held for an outbound callback being
// dialled; a failed callback puts the agent back to `available` (cause callback_failed).
import type { AgentState, BreakReason } from '../contracts/agent-state.js';

export type TransitionCause =
  | 'agent_request'
  | 'offer'
  | 'answered'
  | 'ring_timeout'
  | 'rejected'
  | 'caller_gone'
  | 'call_ended'
  | 'wrap_up_ended'
  | 'device_offline'
  | 'pending_request'
  /** the agent's session ended (desktop logout, supervisor sign-out) */
  | 'logout'
  /** held for an outbound callback before it is dialled */
  | 'callback_reserved'
  /** the callback did not reach the citizen */
  | 'callback_failed'
  /** the agent's phone could not be rung because Asterisk was unreachable: not the agent's fault */
  | 'telephony_unavailable'
  /** the agent ended wrap-up early */
  | 'wrap_up_done';

const LEGAL: Record<AgentState, readonly AgentState[]> = {
  offline: ['available', 'break'],
  available: ['reserved', 'break', 'offline'],
  reserved: ['on_call', 'missed', 'available', 'offline'],
  on_call: ['wrap_up', 'offline'],
  wrap_up: ['available', 'break', 'offline'],
  break: ['available', 'offline'],
  missed: ['available', 'break', 'offline'],
};

export function canTransition(from: AgentState, to: AgentState): boolean {
  return LEGAL[from].includes(to);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: AgentState,
    readonly to: AgentState,
  ) {
    super(`agent cannot go from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export interface AgentRecord {
  id: string;
  state: AgentState;
  reason: BreakReason | null;
  /** ms epoch the current state began. */
  since: number;
  /** ms epoch the agent last became available: longest idle is served first. */
  idleSince: number;
  /** ms epoch a wrap-up ends by itself. */
  wrapUpUntil: number | null;
  /** A state the agent asked for while busy, applied when the call is wrapped up. */
  pending: { state: 'available' | 'break' | 'offline'; reason: BreakReason | null } | null;
  deviceOnline: boolean;
}

export interface AgentTransition {
  agentId: string;
  from: AgentState;
  to: AgentState;
  cause: TransitionCause;
  reason: BreakReason | null;
  at: number;
  until: number | null;
}

export function newAgent(id: string, now: number): AgentRecord {
  return { id, state: 'offline', reason: null, since: now, idleSince: now, wrapUpUntil: null, pending: null, deviceOnline: false };
}

/** Moves the agent (mutates the record) and returns the fact to record; throws on an illegal move. */
export function transition(
  agent: AgentRecord,
  to: AgentState,
  cause: TransitionCause,
  now: number,
  opts: { reason?: BreakReason | null; until?: number | null } = {},
): AgentTransition {
  if (!canTransition(agent.state, to)) throw new IllegalTransitionError(agent.state, to);
  const from = agent.state;
  agent.state = to;
  agent.since = now;
  agent.reason = to === 'break' ? (opts.reason ?? 'other') : null;
  agent.wrapUpUntil = to === 'wrap_up' ? (opts.until ?? now) : null;
  if (to === 'available') agent.idleSince = now;
  return { agentId: agent.id, from, to, cause, reason: agent.reason, at: now, until: agent.wrapUpUntil };
}
