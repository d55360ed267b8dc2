// Shared driving helpers for the AcdEngine tests: explicit `now` values, no timers, no sockets, no sleeps.
import { AcdEngine, type AcdCommand } from '../../acd/engine.js';
import type { AgentTransition } from '../../acd/agent-machine.js';

export const RING = 15_000;
export const WRAP = 30_000;

export function engine(settings: { ringTimeoutMs?: number; wrapUpMs?: number } = {}): AcdEngine {
  return new AcdEngine({ ringTimeoutMs: settings.ringTimeoutMs ?? RING, wrapUpMs: settings.wrapUpMs ?? WRAP });
}

/** Registers the agent's device and makes the agent available at `now`. */
export function bringOnline(e: AcdEngine, agentId: string, now: number): AcdCommand[] {
  return [...e.handle({ type: 'device_changed', agentId, online: true }, now), ...e.handle({ type: 'agent_request', agentId, state: 'available' }, now)];
}

export function offers(cmds: AcdCommand[]): Extract<AcdCommand, { type: 'offer' }>[] {
  return cmds.filter((c): c is Extract<AcdCommand, { type: 'offer' }> => c.type === 'offer');
}

export function cancels(cmds: AcdCommand[]): Extract<AcdCommand, { type: 'cancel_offer' }>[] {
  return cmds.filter((c): c is Extract<AcdCommand, { type: 'cancel_offer' }> => c.type === 'cancel_offer');
}

export function transitions(cmds: AcdCommand[], agentId?: string): AgentTransition[] {
  return cmds
    .filter((c): c is Extract<AcdCommand, { type: 'agent_state' }> => c.type === 'agent_state')
    .map((c) => c.transition)
    .filter((t) => agentId === undefined || t.agentId === agentId);
}

export function stateOf(e: AcdEngine, agentId: string): string | undefined {
  return e.agentView(agentId)?.state;
}
