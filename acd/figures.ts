// Real-time figures of the ACD, computed purely from a snapshot of the engine's state and a rolling window of
// call outcomes. Definitions (per queue, per skill and overall):
//
//   service level   = answered within the queue's target / (answered + abandoned after the short-abandon
//                     threshold), over the window; null when nothing counts yet
//   ASA             = mean time from arrival to answer of the calls answered in the window
//   AHT             = mean talk + wrap-up of the calls whose handling (wrap-up) ended in the window
//   abandon rate    = abandoned after the short-abandon threshold / (answered + those abandoned)
//   waiting         = live calls waiting for an agent (ringing ones are counted apart; callbacks too)
//   longest wait    = the longest current wait among live waiting and ringing calls
//   agents          = agents who may serve the queue (or hold the skill), by state
//
// A call counts toward the queue it was in when answered or abandoned, and toward each skill that queue asks
// for. Calls turned into callbacks count neither as answered nor as abandoned; their outcome is counted
// under `callbacks`.
import { AGENT_STATES, type AgentState } from '../contracts/agent-state.js';
import type { AcdFigures, Figures, QueueFigures, ServiceTarget } from '../contracts/figures.js';

export type { AcdFigures, Figures, QueueFigures };

export type CallOutcome =
  | { kind: 'answered'; at: number; queueId: string; skills: readonly string[]; waitMs: number; withinTarget: boolean }
  | { kind: 'abandoned'; at: number; queueId: string; skills: readonly string[]; waitMs: number }
  | { kind: 'handled'; at: number; queueId: string; skills: readonly string[]; talkMs: number; wrapMs: number }
  | { kind: 'callback_requested' | 'callback_connected' | 'callback_abandoned'; at: number; queueId: string; skills: readonly string[] };

export interface FiguresSnapshot {
  now: number;
  windowMs: number;
  shortAbandonMs: number;
  queues: readonly { id: string; skills: readonly string[]; target: ServiceTarget }[];
  /** Live calls not yet answered. */
  calls: readonly { queueId: string; skills: readonly string[]; arrivedAt: number; ringing: boolean }[];
  callbacksPending: readonly { queueId: string; skills: readonly string[] }[];
  agents: readonly { state: AgentState; skills: readonly string[]; queues: readonly string[] }[];
  outcomes: readonly CallOutcome[];
}

class Acc {
  waiting = 0;
  ringing = 0;
  longestWaitMs = 0;
  answered = 0;
  within = 0;
  abandoned = 0;
  short = 0;
  waitSum = 0;
  handled = 0;
  handleSum = 0;
  cb = { pending: 0, requested: 0, connected: 0, abandoned: 0 };
  agents = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;

  figures(): Figures {
    const counted = this.answered + this.abandoned;
    return {
      waiting: this.waiting,
      ringing: this.ringing,
      longestWaitMs: this.longestWaitMs,
      answered: this.answered,
      answeredWithinTarget: this.within,
      abandoned: this.abandoned,
      shortAbandoned: this.short,
      serviceLevel: counted > 0 ? this.within / counted : null,
      asaMs: this.answered > 0 ? this.waitSum / this.answered : null,
      ahtMs: this.handled > 0 ? this.handleSum / this.handled : null,
      abandonRate: counted > 0 ? this.abandoned / counted : null,
      handled: this.handled,
      callbacks: { ...this.cb },
      agents: { ...this.agents },
    };
  }
}

export function computeFigures(s: FiguresSnapshot): AcdFigures {
  const total = new Acc();
  const queues = new Map<string, Acc>(s.queues.map((q) => [q.id, new Acc()]));
  const skills = new Map<string, Acc>();
  const skillAcc = (id: string) => {
    let a = skills.get(id);
    if (!a) skills.set(id, (a = new Acc()));
    return a;
  };
  for (const q of s.queues) for (const sk of q.skills) skillAcc(sk);
  const targets = (queueId: string, skillIds: readonly string[]): Acc[] => {
    const out = [total];
    const q = queues.get(queueId);
    if (q) out.push(q);
    for (const sk of skillIds) out.push(skillAcc(sk));
    return out;
  };

  for (const c of s.calls) {
    const wait = Math.max(0, s.now - c.arrivedAt);
    for (const a of targets(c.queueId, c.skills)) {
      if (c.ringing) a.ringing++;
      else a.waiting++;
      a.longestWaitMs = Math.max(a.longestWaitMs, wait);
    }
  }
  for (const c of s.callbacksPending) for (const a of targets(c.queueId, c.skills)) a.cb.pending++;

  const from = s.now - s.windowMs;
  for (const o of s.outcomes) {
    if (o.at < from || o.at > s.now) continue;
    for (const a of targets(o.queueId, o.skills)) {
      switch (o.kind) {
        case 'answered':
          a.answered++;
          a.waitSum += o.waitMs;
          if (o.withinTarget) a.within++;
          break;
        case 'abandoned':
          if (o.waitMs < s.shortAbandonMs) a.short++;
          else a.abandoned++;
          break;
        case 'handled':
          a.handled++;
          a.handleSum += o.talkMs + o.wrapMs;
          break;
        case 'callback_requested':
          a.cb.requested++;
          break;
        case 'callback_connected':
          a.cb.connected++;
          break;
        case 'callback_abandoned':
          a.cb.abandoned++;
          break;
      }
    }
  }

  for (const ag of s.agents) {
    total.agents[ag.state]++;
    for (const q of ag.queues) {
      const acc = queues.get(q);
      if (acc) acc.agents[ag.state]++;
    }
    for (const sk of ag.skills) skillAcc(sk).agents[ag.state]++;
  }

  return {
    at: s.now,
    windowMs: s.windowMs,
    total: total.figures(),
    queues: Object.fromEntries(s.queues.map((q) => [q.id, { ...queues.get(q.id)!.figures(), target: { ...q.target } }])),
    skills: Object.fromEntries([...skills.entries()].map(([id, a]) => [id, a.figures()])),
  };
}

export interface WaitEstimate {
  /** 1 = next in line. */
  position: number;
  /** Agents logged in who may take the call (available, ringing, talking or in wrap-up). */
  staffedAgents: number;
  ahtMs: number;
  /** null when nobody who could take the call is logged in. */
  estimatedWaitMs: number | null;
}

/**
 * Expected wait of the caller at `position`: position × AHT / staffed agents (with exponential handle times the
 * first of c busy agents frees up after AHT/c on average, and each caller ahead uses up one such release).
 * Deliberately simple and stable for announcements.
 */
export function estimateWait(position: number, staffedAgents: number, ahtMs: number): WaitEstimate {
  return {
    position,
    staffedAgents,
    ahtMs,
    estimatedWaitMs: staffedAgents > 0 ? Math.round((position * ahtMs) / staffedAgents) : null,
  };
}

/** The Mandarin position announcement played to a waiting caller, e.g. 「您前面还有3位来电，预计等待约4分钟。」 */
export function waitAnnouncementZh(w: WaitEstimate): string {
  const ahead = Math.max(0, w.position - 1);
  const head = ahead === 0 ? '您是下一位' : `您前面还有${ahead}位来电`;
  if (w.estimatedWaitMs === null) return `${head}，请耐心等待。`;
  const minutes = Math.ceil(w.estimatedWaitMs / 60_000);
  return minutes <= 1 ? `${head}，预计等待不超过1分钟。` : `${head}，预计等待约${minutes}分钟。`;
}
