// Agent states shared by the ACD core, the server and the desktop.
// The full transition rules live in acd/agent-machine.ts; this file only names them.
export const AGENT_STATES = ['offline', 'available', 'reserved', 'on_call', 'wrap_up', 'break', 'missed'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** States an agent may ask for from the desktop; the rest are entered by the ACD itself. */
export const REQUESTABLE_STATES = ['available', 'break', 'offline'] as const;
export type RequestableState = (typeof REQUESTABLE_STATES)[number];

export const BREAK_REASONS = ['rest', 'meal', 'training', 'meeting', 'other'] as const;
export type BreakReason = (typeof BREAK_REASONS)[number];
