// What the speech side heard on each call (keyword hits, emergency, what listens), kept per callId for the
// seat's panels: the seat's socket (realtime/useAgentSocket.ts) fills it, the panels read it
// (紧急 pre-ticked, 110/120/119 highlighted). Module-level so every panel sees the same call without prop threading.
import { useSyncExternalStore } from 'react';
import type { EmergencyAlertPush, SpeechKeywordPush, SpeechStatusPush } from '../../../contracts/desktop-events.js';

export interface CallSpeech {
  keywords: SpeechKeywordPush[];
  emergency: EmergencyAlertPush | null;
  status: SpeechStatusPush | null;
}

const EMPTY: CallSpeech = { keywords: [], emergency: null, status: null };
/** Calls kept (the newest); an agent only ever looks at the current and the previous call. */
const MAX_CALLS = 20;

let calls = new Map<string, CallSpeech>();
const listeners = new Set<() => void>();

function update(callId: string, change: (c: CallSpeech) => CallSpeech): void {
  const next = new Map(calls);
  next.set(callId, change(calls.get(callId) ?? EMPTY));
  while (next.size > MAX_CALLS) next.delete(next.keys().next().value as string);
  calls = next;
  for (const l of listeners) l();
}

export const speechStore = {
  keyword(push: SpeechKeywordPush): void {
    update(push.callId, (c) =>
      // the server replays earlier words when the call connects: one entry per word heard
      c.keywords.some((k) => k.at === push.at && k.keyword === push.keyword && k.speaker === push.speaker) ? c : { ...c, keywords: [...c.keywords, push] },
    );
  },
  emergency(push: EmergencyAlertPush): void {
    update(push.callId, (c) => (c.emergency ? c : { ...c, emergency: push }));
  },
  status(push: SpeechStatusPush): void {
    update(push.callId, (c) => ({ ...c, status: push }));
  },
  get(callId: string | null): CallSpeech {
    return (callId && calls.get(callId)) || EMPTY;
  },
  // An arrow, not a method: it is handed to useSyncExternalStore on its own, without its object.
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The speech heard on this call (empty for null or an unknown call). */
export function useCallSpeech(callId: string | null): CallSpeech {
  return useSyncExternalStore(speechStore.subscribe, () => speechStore.get(callId));
}
