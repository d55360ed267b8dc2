// Which call the seat's panels work on: the ringing / live call, then the call being wrapped up. It joins the
// softphone's call (SIP) with the ACD's offer (socket.io `call:offered` / `call:connected`, which carry the
// callId the order is linked to). After a reload it resumes the newest unsaved draft.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CallOfferPush } from '../../../contracts/desktop-events.js';
import type { CallInfo } from '../softphone/softphone';
import { drafts } from './drafts';
import type { SavedOrder } from './submit-order';

export type CallOutcome = { kind: 'saved'; order: SavedOrder; at: number } | { kind: 'not_needed'; reason: NoOrderReason; at: number };

export const NO_ORDER_REASONS = ['wrong_number', 'silent', 'nuisance', 'duplicate', 'other'] as const;
export type NoOrderReason = (typeof NO_ORDER_REASONS)[number];

export interface CallContext {
  /** callId, or `local-<ms>` until the ACD names the call. */
  key: string;
  callId: string | null;
  callerNumber: string | null;
  startedAt: number;
  /** The call was answered (the agent talked with the citizen). */
  talked: boolean;
  /** The call is over (wrap-up), or this is a draft resumed after a reload. */
  ended: boolean;
  outcome: CallOutcome | null;
}

interface Inputs {
  agentId: string;
  call: CallInfo;
  offer: CallOfferPush | null;
  connectedCallId: string | null;
}

export interface CallContextApi {
  context: CallContext | null;
  /** Show another unsaved draft (an earlier call) in the panels. */
  resume: (key: string) => void;
  setOutcome: (key: string, outcome: CallOutcome) => void;
}

function resumed(agentId: string, key?: string): CallContext | null {
  const d = key ? drafts.get(agentId, key) : drafts.list(agentId)[0];
  if (!d) return null;
  return { key: d.key, callId: d.callId, callerNumber: d.callerNumber, startedAt: d.startedAt, talked: d.talked, ended: true, outcome: null };
}

export function useCallContext({ agentId, call, offer, connectedCallId }: Inputs): CallContextApi {
  const [context, setContext] = useState<CallContext | null>(() => resumed(agentId));
  const ringingAt = useRef<number | null>(null);

  // A new call rings: it becomes the context (an unsaved earlier draft stays in storage, listed by the panel).
  useEffect(() => {
    if (call.state !== 'ringing' || call.ringingAt === null || ringingAt.current === call.ringingAt) return;
    ringingAt.current = call.ringingAt;
    const matching = offer && offer.callerNumber === call.callerNumber ? offer : null;
    setContext({
      key: matching?.callId ?? `local-${call.ringingAt}`,
      callId: matching?.callId ?? null,
      callerNumber: call.callerNumber,
      startedAt: call.ringingAt,
      talked: false,
      ended: false,
      outcome: null,
    });
  }, [call.state, call.ringingAt, call.callerNumber, offer]);

  // The ACD's offer (or connect) names the call: link it, and move a draft typed meanwhile under the callId.
  const current = useRef(context);
  current.current = context;
  const nameCall = useCallback(
    (callId: string, callerNumber: string | null) => {
      const c = current.current;
      if (!c || c.callId !== null || c.ended) return;
      if (callerNumber !== null && c.callerNumber !== null && callerNumber !== c.callerNumber) return;
      drafts.rename(agentId, c.key, callId);
      setContext((now) => (now && now.key === c.key ? { ...now, key: callId, callId } : now));
    },
    [agentId],
  );
  useEffect(() => {
    if (offer) nameCall(offer.callId, offer.callerNumber);
  }, [offer, nameCall]);
  useEffect(() => {
    if (connectedCallId) nameCall(connectedCallId, null);
  }, [connectedCallId, nameCall]);

  // Answered / over.
  useEffect(() => {
    setContext((c) => {
      if (!c || c.ended || c.startedAt !== ringingAt.current) return c;
      if (call.state === 'established' && !c.talked) return { ...c, talked: true };
      if (call.state === 'ended' || call.state === 'idle') {
        // A call nobody talked in (missed, cancelled while ringing) needs no order: go back to an unsaved draft.
        if (!c.talked && !drafts.get(agentId, c.key)) return resumed(agentId);
        return { ...c, ended: true };
      }
      return c;
    });
  }, [call.state, agentId]);

  const resume = useCallback((key: string) => setContext((c) => (c && !c.ended && !c.outcome ? c : (resumed(agentId, key) ?? c))), [agentId]);
  const setOutcome = useCallback((key: string, outcome: CallOutcome) => setContext((c) => (c && c.key === key ? { ...c, outcome } : c)), []);

  return { context, resume, setOutcome };
}
