// Helpers for the ACD core's tests and benchmark: an engine with the 12345 skills, agents brought online with a
// profile, and typed filters over commands. Time is always passed in explicitly.
import type { AgentTransition } from './agent-machine.js';
import { HOTLINE_12345_SKILLS, type AcdConfig } from './config.js';
import { AcdEngine, type AcdCommand, type AcdEvent } from './engine.js';

export const RING = 15_000;

export function engineWith(config: Partial<AcdConfig> = {}): AcdEngine {
  return new AcdEngine({ ringTimeoutMs: RING, wrapUpMs: 0, skills: [...HOTLINE_12345_SKILLS], ...config });
}

/** agent_known with the profile, phone registered, available — all at `now`. */
export function online(
  e: AcdEngine,
  agentId: string,
  now: number,
  skills: Record<string, number> = {},
  extra: Partial<Extract<AcdEvent, { type: 'agent_known' }>> = {},
): AcdCommand[] {
  return [
    ...e.handle({ type: 'agent_known', agentId, skills, ...extra }, now),
    ...e.handle({ type: 'device_changed', agentId, online: true }, now),
    ...e.handle({ type: 'agent_request', agentId, state: 'available' }, now),
  ];
}

export function ofType<T extends AcdCommand['type']>(cmds: readonly AcdCommand[], type: T): Extract<AcdCommand, { type: T }>[] {
  return cmds.filter((c): c is Extract<AcdCommand, { type: T }> => c.type === type);
}

export function moves(cmds: readonly AcdCommand[], agentId?: string): AgentTransition[] {
  return ofType(cmds, 'agent_state')
    .map((c) => c.transition)
    .filter((t) => agentId === undefined || t.agentId === agentId);
}

/** "agent:from>to:cause" lines, handy for whole-sequence assertions. */
export function moveLines(cmds: readonly AcdCommand[], agentId?: string): string[] {
  return moves(cmds, agentId).map((t) => `${t.agentId}:${t.from}>${t.to}:${t.cause}`);
}

/** The (callId → agentId) pairs offered in these commands. */
export function offered(cmds: readonly AcdCommand[]): [string, string][] {
  return ofType(cmds, 'offer').map((o) => [o.callId, o.agentId]);
}

/** Answers and finishes a call right away (wrap-up per the queue), returning all commands. */
export function talk(e: AcdEngine, callId: string, answeredAt: number, endedAt: number): AcdCommand[] {
  return [...e.handle({ type: 'offer_answered', callId }, answeredAt), ...e.handle({ type: 'call_finished', callId }, endedAt)];
}
