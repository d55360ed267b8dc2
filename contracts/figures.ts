// Queue figures as the wallboard, the reports and GET /api/acd/figures see them: the one definition both the
// ACD (acd/figures.ts computes them) and the desktop (the `acd:figures` push) use.
import type { AgentState } from './agent-state.js';

export interface ServiceTarget {
  answeredWithinMs: number;
  /** 0–100. */
  percent: number;
}

export interface Figures {
  waiting: number;
  ringing: number;
  longestWaitMs: number;
  answered: number;
  answeredWithinTarget: number;
  abandoned: number;
  shortAbandoned: number;
  /** 0–1, or null when no call counts yet. */
  serviceLevel: number | null;
  asaMs: number | null;
  ahtMs: number | null;
  /** 0–1, or null. */
  abandonRate: number | null;
  handled: number;
  callbacks: { pending: number; requested: number; connected: number; abandoned: number };
  agents: Record<AgentState, number>;
}

export interface QueueFigures extends Figures {
  target: ServiceTarget;
}

export interface AcdFigures {
  at: number;
  windowMs: number;
  total: Figures;
  queues: Record<string, QueueFigures>;
  skills: Record<string, Figures>;
}
