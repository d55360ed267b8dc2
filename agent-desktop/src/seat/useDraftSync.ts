// Saves drafts whose save could not reach the server, as soon as it is reachable again: when the desktop's
// socket reconnects, when the browser says it is back online, and every few seconds meanwhile. Every retry
// carries the save's Idempotency-Key: a first attempt that reached the server (only its answer was lost) is
// answered with the order it made, never a second one.
import { useEffect, useRef } from 'react';
import type { WorkOrderApi } from '../api/work-orders';
import { drafts, useDrafts, type StoredDraft } from './drafts';
import { newRequestKey, submitOrder, type SubmitResult } from './submit-order';

const RETRY_MS = 5000;

export function useDraftSync(api: WorkOrderApi, agentId: string, serverOnline: boolean, onResult: (draft: StoredDraft, result: SubmitResult) => void): void {
  const pending = useDrafts(agentId).filter((d) => d.pendingSubmit !== null);
  const busy = useRef(false);
  const onResultRef = useRef(onResult);
  useEffect(() => {
    onResultRef.current = onResult;
  });
  const hasPending = pending.length > 0;

  useEffect(() => {
    if (!hasPending) return;
    let stopped = false;
    const flush = async () => {
      if (busy.current || stopped) return;
      busy.current = true;
      try {
        for (const draft of drafts.list(agentId).filter((d) => d.pendingSubmit !== null)) {
          const pendingSubmit = draft.pendingSubmit!;
          const requestKey = pendingSubmit.requestKey ?? newRequestKey();
          // kept before it is sent: a reload mid-request must retry with this same key
          if (pendingSubmit.requestKey === undefined) drafts.put({ ...draft, pendingSubmit: { ...pendingSubmit, requestKey } });
          const result = await submitOrder(api, draft, requestKey);
          if (result.kind === 'offline') {
            const current = drafts.get(agentId, draft.key);
            if (current?.pendingSubmit) {
              drafts.put({ ...current, pendingSubmit: { ...current.pendingSubmit, attempts: current.pendingSubmit.attempts + 1 } });
            }
            break; // still unreachable: the others would fail the same way
          }
          if (result.kind === 'saved') drafts.remove(agentId, draft.key);
          else {
            const current = drafts.get(agentId, draft.key);
            if (current) drafts.put({ ...current, pendingSubmit: null });
          }
          onResultRef.current(draft, result);
        }
      } finally {
        busy.current = false;
      }
    };
    void flush();
    const timer = setInterval(() => void flush(), RETRY_MS);
    const onOnline = () => void flush();
    window.addEventListener('online', onOnline);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener('online', onOnline);
    };
  }, [api, agentId, hasPending, serverOnline]);
}
