// Calls in progress, shared by the IVR and the queue. A call is owned by one stage at a time, so a hang-up
// is handled exactly once by whoever owns it.
import type { Logger } from 'pino';

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
  agentLeg: { channelId: string; agentId: string; offerId: string; dbOffer: Promise<number | null> } | null;
  bridgeId: string | null;
  /** 疑似紧急: an emergency word heard from the caller (keyword spotting). */
  emergencyKeyword?: string;
  /** A skill the caller's own words asked for (社保 → social_security), used when the call is queued. */
  spokenSkillHint?: string;
  /** The call's database writes, chained so they land in order (created before queued before ended). */
  writes: Promise<void>;
}

/** Queues a database write for the call. A failed write is logged with the call id and never breaks the call. */
export function writeFor<T>(call: LiveCall, what: string, fn: () => Promise<T>): Promise<T | null> {
  const result = call.writes.then(fn).catch((err: unknown) => {
    call.log.error({ err, what }, 'database write failed');
    return null;
  });
  call.writes = result.then(() => undefined);
  return result;
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
