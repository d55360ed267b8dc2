// The queue's decision core: plain state in, events in, commands out. No timers, no I/O: the caller passes
// `now` with every event and asks nextDeadline() when to come back with a tick. Adapters run the commands.
//
// Rule (first slice): one queue; the call waiting longest goes to the available agent idle longest whose
// device is registered. A ring that times out puts the agent in `missed` and the call back at its old place.
import type { BreakReason, RequestableState } from '../contracts/agent-state.js';
import { IllegalTransitionError, newAgent, transition, type AgentRecord, type AgentTransition } from './agent-machine.js';

export interface AcdSettings {
  ringTimeoutMs: number;
  wrapUpMs: number;
}

export type AcdEvent =
  | { type: 'agent_known'; agentId: string }
  | { type: 'agent_request'; agentId: string; state: RequestableState; reason?: BreakReason | undefined }
  | { type: 'device_changed'; agentId: string; online: boolean }
  | { type: 'call_queued'; callId: string }
  | { type: 'caller_gone'; callId: string }
  | { type: 'offer_answered'; callId: string }
  | { type: 'offer_failed'; callId: string }
  | { type: 'call_finished'; callId: string }
  | { type: 'tick' };

export type AcdCommand =
  | { type: 'offer'; callId: string; agentId: string; offerId: string; waitedMs: number }
  | { type: 'cancel_offer'; callId: string; agentId: string; offerId: string; reason: 'ring_timeout' | 'caller_gone' }
  | { type: 'connect'; callId: string; agentId: string; offerId: string }
  | { type: 'agent_state'; transition: AgentTransition };

interface WaitingCall {
  callId: string;
  queuedAt: number;
}

interface Offer {
  offerId: string;
  callId: string;
  agentId: string;
  queuedAt: number;
  deadline: number;
  idleSinceBefore: number;
}

export class AcdEngine {
  private readonly agents = new Map<string, AgentRecord>();
  /** Waiting calls in arrival order; a call re-offered after a missed ring keeps its original place. */
  private waiting: WaitingCall[] = [];
  private readonly offers = new Map<string, Offer>(); // by callId
  private readonly connected = new Map<string, string>(); // callId → agentId
  private offerSeq = 0;

  constructor(private readonly settings: AcdSettings) {}

  handle(event: AcdEvent, now: number): AcdCommand[] {
    const out: AcdCommand[] = [];
    switch (event.type) {
      case 'agent_known':
        this.agent(event.agentId, now);
        break;
      case 'agent_request':
        this.request(this.agent(event.agentId, now), event.state, event.reason ?? null, now, out);
        break;
      case 'device_changed': {
        const a = this.agent(event.agentId, now);
        a.deviceOnline = event.online;
        if (!event.online && ['available', 'missed', 'break', 'wrap_up'].includes(a.state)) {
          out.push(this.move(a, 'offline', 'device_offline', now));
        }
        break;
      }
      case 'call_queued':
        if (!this.waiting.some((w) => w.callId === event.callId) && !this.offers.has(event.callId)) {
          this.waiting.push({ callId: event.callId, queuedAt: now });
        }
        break;
      case 'caller_gone': {
        this.waiting = this.waiting.filter((w) => w.callId !== event.callId);
        const offer = this.offers.get(event.callId);
        if (offer) {
          this.offers.delete(event.callId);
          out.push({ type: 'cancel_offer', callId: offer.callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'caller_gone' });
          const a = this.agents.get(offer.agentId);
          if (a?.state === 'reserved') {
            out.push(this.move(a, a.deviceOnline ? 'available' : 'offline', a.deviceOnline ? 'caller_gone' : 'device_offline', now));
            a.idleSince = offer.idleSinceBefore; // not the agent's fault: keep their place among idle agents
            this.applyPending(a, now, out);
          }
        }
        this.finish(event.callId, now, out);
        break;
      }
      case 'offer_answered': {
        const offer = this.offers.get(event.callId);
        if (!offer) break;
        this.offers.delete(event.callId);
        const a = this.agents.get(offer.agentId);
        if (a) out.push(this.move(a, 'on_call', 'answered', now));
        this.connected.set(event.callId, offer.agentId);
        out.push({ type: 'connect', callId: offer.callId, agentId: offer.agentId, offerId: offer.offerId });
        break;
      }
      case 'offer_failed': {
        const offer = this.offers.get(event.callId);
        if (!offer) break;
        this.missed(offer, 'rejected', now, out);
        break;
      }
      case 'call_finished':
        this.finish(event.callId, now, out);
        break;
      case 'tick':
        break;
    }
    this.expire(now, out);
    this.route(now, out);
    return out;
  }

  /** When the adapter must call back with a tick (ring timeout or end of a wrap-up), or null. */
  nextDeadline(): number | null {
    let next: number | null = null;
    for (const o of this.offers.values()) next = next === null ? o.deadline : Math.min(next, o.deadline);
    for (const a of this.agents.values()) {
      if (a.state === 'wrap_up' && a.wrapUpUntil !== null) next = next === null ? a.wrapUpUntil : Math.min(next, a.wrapUpUntil);
    }
    return next;
  }

  agentView(agentId: string): Readonly<AgentRecord> | undefined {
    return this.agents.get(agentId);
  }

  queueView(): { waiting: readonly string[]; offered: readonly string[]; connected: number } {
    return { waiting: this.waiting.map((w) => w.callId), offered: [...this.offers.keys()], connected: this.connected.size };
  }

  private agent(agentId: string, now: number): AgentRecord {
    let a = this.agents.get(agentId);
    if (!a) {
      a = newAgent(agentId, now);
      this.agents.set(agentId, a);
    }
    return a;
  }

  private move(a: AgentRecord, to: AgentRecord['state'], cause: AgentTransition['cause'], now: number, reason: BreakReason | null = null): AcdCommand {
    const until = to === 'wrap_up' ? now + this.settings.wrapUpMs : null;
    return { type: 'agent_state', transition: transition(a, to, cause, now, { reason, until }) };
  }

  private request(a: AgentRecord, state: RequestableState, reason: BreakReason | null, now: number, out: AcdCommand[]): void {
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
    out.push(this.move(a, state, 'agent_request', now, reason));
  }

  private missed(offer: Offer, cause: 'ring_timeout' | 'rejected', now: number, out: AcdCommand[]): void {
    this.offers.delete(offer.callId);
    if (cause === 'ring_timeout') {
      out.push({ type: 'cancel_offer', callId: offer.callId, agentId: offer.agentId, offerId: offer.offerId, reason: 'ring_timeout' });
    }
    const a = this.agents.get(offer.agentId);
    if (a?.state === 'reserved') {
      out.push(this.move(a, 'missed', cause, now));
      this.applyPending(a, now, out);
    }
    // back in line at the place the call had, not at the end
    this.waiting.push({ callId: offer.callId, queuedAt: offer.queuedAt });
    this.waiting.sort((x, y) => x.queuedAt - y.queuedAt);
  }

  /** A state asked for while the phone rang is honoured as soon as the ring ends without a call. */
  private applyPending(a: AgentRecord, now: number, out: AcdCommand[]): void {
    const p = a.pending;
    a.pending = null;
    if (!p || a.state === p.state) return;
    if (p.state === 'available' && (!a.deviceOnline || a.state === 'missed')) return; // a missed ring must be acknowledged
    out.push(this.move(a, p.state, 'pending_request', now, p.reason));
  }

  private finish(callId: string, now: number, out: AcdCommand[]): void {
    const agentId = this.connected.get(callId);
    if (agentId === undefined) return;
    this.connected.delete(callId);
    const a = this.agents.get(agentId);
    if (a?.state !== 'on_call') return;
    if (this.settings.wrapUpMs > 0) out.push(this.move(a, 'wrap_up', 'call_ended', now));
    else this.leaveWrapUp(a, 'call_ended', now, out, true);
  }

  private leaveWrapUp(a: AgentRecord, cause: AgentTransition['cause'], now: number, out: AcdCommand[], fromCall = false): void {
    const pending = a.pending;
    a.pending = null;
    const target = pending?.state ?? 'available';
    const viaWrapUp = fromCall && a.state === 'on_call';
    if (viaWrapUp) out.push(this.move(a, 'wrap_up', cause, now));
    if (target === 'offline' || a.deviceOnline || target === 'break') {
      out.push(this.move(a, target, pending ? 'pending_request' : viaWrapUp ? cause : 'wrap_up_ended', now, pending?.reason ?? null));
    } else {
      out.push(this.move(a, 'offline', 'device_offline', now));
    }
  }

  private expire(now: number, out: AcdCommand[]): void {
    for (const offer of [...this.offers.values()]) {
      if (offer.deadline <= now) this.missed(offer, 'ring_timeout', now, out);
    }
    for (const a of this.agents.values()) {
      if (a.state === 'wrap_up' && a.wrapUpUntil !== null && a.wrapUpUntil <= now) this.leaveWrapUp(a, 'wrap_up_ended', now, out);
    }
  }

  private route(now: number, out: AcdCommand[]): void {
    while (this.waiting.length > 0) {
      const agent = this.longestIdle();
      if (!agent) return;
      const call = this.waiting.shift()!;
      const offerId = `o${++this.offerSeq}-${call.callId}`;
      const idleSinceBefore = agent.idleSince;
      out.push(this.move(agent, 'reserved', 'offer', now));
      this.offers.set(call.callId, {
        offerId,
        callId: call.callId,
        agentId: agent.id,
        queuedAt: call.queuedAt,
        deadline: now + this.settings.ringTimeoutMs,
        idleSinceBefore,
      });
      out.push({ type: 'offer', callId: call.callId, agentId: agent.id, offerId, waitedMs: now - call.queuedAt });
    }
  }

  private longestIdle(): AgentRecord | undefined {
    let best: AgentRecord | undefined;
    for (const a of this.agents.values()) {
      if (a.state !== 'available' || !a.deviceOnline) continue;
      if (!best || a.idleSince < best.idleSince || (a.idleSince === best.idleSince && a.id < best.id)) best = a;
    }
    return best;
  }
}

export class DeviceOfflineError extends Error {
  constructor(readonly agentId: string) {
    super(`agent ${agentId} has no registered phone: register the softphone or desk phone first`);
    this.name = 'DeviceOfflineError';
  }
}

export { IllegalTransitionError };
