// Calls in progress, shared by the IVR and the queue. A call is owned by one stage at a time, so a hang-up
// is handled exactly once by whoever owns it.
import type { Logger } from 'pino';
import type { CallEvents } from '../contracts/call-events.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { AnsweredMemo } from './answered-memo.js';

/** Set by the IVR on each citizen's channel when the call arrives: a restarted server finds the call by it. */
export const CALL_ID_VARIABLE = 'HOTLINE_CALL_ID';

export type CallStage = 'ivr' | 'queue' | 'connected' | 'ended';

export interface LiveCall {
  callId: string;
  channelId: string;
  callerNumber: string;
  dialed: string;
  arrivedAt: Date;
  stage: CallStage;
  log: Logger;
  /** Set while an agent leg is ringing or connected. */
  agentLeg: { channelId: string; agentId: string; offerId: string } | null;
  bridgeId: string | null;
  /** Who answered (also kept on the caller's channel, acd/answered-memo.ts). */
  answered?: AnsweredMemo;
  /** 疑似紧急: an emergency word heard from the caller (keyword spotting). */
  emergencyKeyword?: string;
  /** A skill the caller's own words asked for (社保 → social_security), used when the call is queued. */
  spokenSkillHint?: string;
  /**
   * Settles once the subscribers have done what the call's events published so far asked of them (the call
   * record written, …): e.g. a linkage sheet waits for the call's row. Never rejects.
   */
  writes: Promise<void>;
}

/** Publishes a call event and lets `call.writes` wait for its subscribers too. Their failures are the bus's to log. */
export function publishFor<K extends keyof CallEvents>(call: LiveCall, bus: CallEventBus, event: K, payload: CallEvents[K]): void {
  const settled = bus.emit(event, payload);
  call.writes = call.writes.then(() => settled);
}

/** A call the hotline has just taken in (or taken back): no agent, no bridge, nothing written yet. */
export function newLiveCall(c: Pick<LiveCall, 'callId' | 'channelId' | 'callerNumber' | 'dialed' | 'arrivedAt' | 'stage' | 'log'>): LiveCall {
  return { ...c, agentLeg: null, bridgeId: null, writes: Promise.resolve() };
}

export class LiveCalls {
  private readonly byCallId = new Map<string, LiveCall>();
  private readonly byChannel = new Map<string, LiveCall>();

  add(call: LiveCall): void {
    this.byCallId.set(call.callId, call);
    this.byChannel.set(call.channelId, call);
  }

  get(callId: string): LiveCall | undefined {
    return this.byCallId.get(callId);
  }

  /** The call a channel belongs to, as the caller's leg or as its agent leg. */
  byAnyChannel(channelId: string): { call: LiveCall; leg: 'caller' | 'agent' } | undefined {
    const c = this.byChannel.get(channelId);
    if (!c) return undefined;
    return { call: c, leg: c.channelId === channelId ? 'caller' : 'agent' };
  }

  linkAgentLeg(call: LiveCall, channelId: string): void {
    this.byChannel.set(channelId, call);
  }

  unlinkChannel(channelId: string): void {
    this.byChannel.delete(channelId);
  }

  remove(call: LiveCall): void {
    call.stage = 'ended';
    this.byCallId.delete(call.callId);
    this.byChannel.delete(call.channelId);
    if (call.agentLeg) this.byChannel.delete(call.agentLeg.channelId);
  }

  all(): LiveCall[] {
    return [...this.byCallId.values()];
  }
}
