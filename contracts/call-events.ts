// The call events the ACD and the IVR publish (platform/events/call-event-bus.ts) for whoever follows a call
// without being part of it: the call records (crm/call-record-subscriber.ts), the wait announcer. Plain data
// with epoch-ms times, so a subscriber can be tested alone, made durable or moved elsewhere.
// Every event here is published and listened for; remove one that loses its last listener.

/** How a ring attempt (an offer to an agent, or the agent ring of a callback) ended. */
export type OfferResult = 'answered' | 'missed' | 'caller_gone' | 'failed';

export interface CallEvents {
  /** A citizen's call reached the hotline; the IVR takes it first. */
  'call.arrived': { callId: string; channelId: string; callerNumber: string; dialedNumber: string; at: number };
  /** The call was put in a queue. */
  'call.queued': { callId: string; queueId: string; at: number };
  /** An agent's phone starts ringing for the call (offerId: the engine's offer id, or the callback attempt id). */
  'call.offered': { callId: string; agentId: string; offerId: string; at: number };
  'call.offer_closed': { callId: string; offerId: string; result: OfferResult; at: number };
  /** Caller and agent are bridged. */
  'call.answered': { callId: string; agentId: string; at: number };
  'call.recording_started': { callId: string; recordingName: string; at: number };
  /** The caller's leg is gone (in the IVR, in the queue, or talking). 'callback': they left with a callback kept. */
  'call.ended': { callId: string; at: number; hangupCause: string | null; outcome?: 'callback' };
  /** 疑似紧急: the first emergency word heard from the caller. */
  'call.emergency_suspected': { callId: string; keyword: string; at: number };
  /** The waiting caller asked to be called back at `number` and keeps their place. */
  'callback.requested': { callId: string; callbackId: string; number: string; at: number };
  /** A dial attempt of the callback starts (1, 2, …). */
  'callback.attempt_started': { callId: string; callbackId: string; attempt: number; at: number };
  /** The citizen answered the callback and pressed 1; they are being connected with the reserved agent. */
  'callback.connected': { callId: string; callbackId: string; agentId: string; at: number };
  /** No attempt reached the citizen; the callback is given up. */
  'callback.abandoned': { callId: string; callbackId: string; attempts: number; reason: string; at: number };
}

export type CallEventName = keyof CallEvents;
