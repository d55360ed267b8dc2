// Saving the call's order (the Save button, Enter and Ctrl+S) and "no order needed". The server's refusal lands
// under the inputs it names; a server out of reach keeps the save queued in the draft (useDraftSync retries it).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FieldIssue } from '../../../contracts/errors.js';
import { describeError } from '../api/describe-error';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import { drafts } from './drafts';
import { placeRefusal, type OrderFields } from './order-fields';
import { newRequestKey, submitOrder, type SubmitResult } from './submit-order';
import type { CallOutcome, NoOrderReason } from './useCallContext';
import type { OrderDraft } from './useOrderDraft';

export interface OrderSubmitOptions {
  api: Pick<WorkOrderApi, 'create'>;
  agentId: string;
  fields: OrderFields;
  draft: OrderDraft;
  /** A retry of this draft by useDraftSync ended with the server refusing it. */
  syncRefusal: { message: string; fields: FieldIssue[] } | null;
  onOutcome: (key: string, outcome: CallOutcome) => void;
}

export interface OrderSubmit {
  busy: boolean;
  /** Messages above the buttons (what has no input of its own, or why the save failed). */
  failure: string[] | null;
  save: () => Promise<void>;
  noOrder: (reason: NoOrderReason) => void;
}

export function useOrderSubmit({ api, agentId, fields, draft, syncRefusal, onOutcome }: OrderSubmitOptions): OrderSubmit {
  const t = useT();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string[] | null>(null);

  const showRefusal = useCallback(
    (message: string, issues: FieldIssue[]) => {
      const { placed, rest } = placeRefusal(message, issues);
      if (placed.length > 0) fields.setErrors(placed);
      if (rest.length > 0) setFailure(rest);
    },
    [fields],
  );
  useEffect(() => {
    if (syncRefusal) showRefusal(syncRefusal.message, syncRefusal.fields);
  }, [syncRefusal, showRefusal]);

  const handle = (result: SubmitResult, requestKey: string) => {
    const key = draft.context().key;
    switch (result.kind) {
      case 'saved':
        draft.finish();
        drafts.remove(agentId, key);
        onOutcome(key, { kind: 'saved', order: result.order, at: Date.now() });
        return;
      case 'offline':
        draft.persist({ pendingSubmit: { since: Date.now(), attempts: 1, requestKey } });
        return;
      case 'invalid':
        showRefusal(result.message, result.fields);
        return;
      case 'error':
        setFailure([t('order.saveFailed', { message: describeError(result.error, t) })]);
    }
  };

  // A ref, not state: Enter and Ctrl+S may fire twice before React re-renders.
  const busyRef = useRef(false);
  const save = async () => {
    if (busyRef.current || draft.isDone() || draft.pending) return;
    setFailure(null);
    if (!(await fields.validate())) return;
    busyRef.current = true;
    setBusy(true);
    draft.flushNow();
    const requestKey = newRequestKey();
    const result = await submitOrder(api, { values: fields.values(), callId: draft.context().callId }, requestKey);
    busyRef.current = false;
    setBusy(false);
    handle(result, requestKey);
  };
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (!event.repeat) void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);

  const noOrder = (reason: NoOrderReason) => {
    draft.finish();
    const key = draft.context().key;
    drafts.remove(agentId, key);
    onOutcome(key, { kind: 'not_needed', reason, at: Date.now() });
  };

  return { busy, failure, save, noOrder };
}
