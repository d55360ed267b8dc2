// The draft of one call's order: what the form starts with (a stored draft after a reload, else the caller's
// number), and every change kept in localStorage (debounced; flushed on pagehide and unmount) until the order is
// saved or the agent says none is needed. An answered call always has a draft, and an emergency word heard on
// the call pre-ticks 紧急 once.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useCallSpeech } from '../transcript/speech-store';
import { drafts, useDrafts, type OrderFormValues, type StoredDraft } from './drafts';
import { citizenPhoneOf, type OrderFields } from './order-fields';
import type { CallContext } from './useCallContext';

export const DRAFT_DEBOUNCE_MS = 300;

export interface OrderDraft {
  /** What the form opened with; the form owns the values after the first render. */
  initialValues: OrderFormValues;
  /** "code name" of the chosen catalog item, stored with the draft to show it again after a reload. */
  itemLabel: string | null;
  setItemLabel: (label: string | null) => void;
  /** The save that could not reach the server and waits in the draft, or null. */
  pending: StoredDraft['pendingSubmit'];
  /** Writes the draft now (with `patch` on top); nothing once the draft is finished. */
  persist: (patch?: Partial<StoredDraft>) => void;
  /** Writes the draft after a short pause in typing. */
  schedulePersist: () => void;
  /** Writes what is typed now, e.g. before a save. */
  flushNow: () => void;
  /** The order was saved or is not needed: the draft is removed and never written again. */
  finish: () => void;
  isDone: () => boolean;
  /** The call the draft belongs to, as of the last render (the ACD may name the call meanwhile). */
  context: () => CallContext;
}

export function useOrderDraft(agentId: string, context: CallContext, fields: OrderFields): OrderDraft {
  const ctx = useRef(context);
  ctx.current = context;
  // What was stored when this call's form opened (a reload, or a draft resumed).
  const [stored] = useState(() => drafts.get(agentId, context.key));
  const current = useDrafts(agentId).find((d) => d.key === context.key) ?? null;
  const [itemLabel, setItemLabel] = useState<string | null>(stored?.itemLabel ?? null);
  const [initialValues] = useState<OrderFormValues>(
    () =>
      stored?.values ?? {
        citizen: { phone: citizenPhoneOf(context.callerNumber), confidential: false },
        urgent: false,
        disposition: 'dispatch',
      },
  );
  const done = useRef(false);
  const itemLabelRef = useRef(itemLabel);
  itemLabelRef.current = itemLabel;

  const persist = useCallback(
    (patch: Partial<StoredDraft> = {}) => {
      if (done.current) return;
      const c = ctx.current;
      const before = drafts.get(agentId, c.key);
      drafts.put({
        v: 1,
        agentId,
        key: c.key,
        callId: c.callId,
        callerNumber: c.callerNumber,
        startedAt: c.startedAt,
        updatedAt: Date.now(),
        talked: c.talked || (before?.talked ?? false),
        values: fields.values(),
        itemLabel: itemLabelRef.current,
        pendingSubmit: before?.pendingSubmit ?? null,
        ...patch,
      });
    },
    [agentId, fields],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const flush = useCallback(() => {
    if (timer.current === null) return;
    clearTimeout(timer.current);
    timer.current = null;
    persist();
  }, [persist]);
  const schedulePersist = useCallback(() => {
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      timer.current = null;
      persist();
    }, DRAFT_DEBOUNCE_MS);
  }, [persist]);
  const flushNow = useCallback(() => {
    if (timer.current !== null) flush();
    else persist();
  }, [flush, persist]);
  const finish = useCallback(() => {
    done.current = true;
    if (timer.current !== null) clearTimeout(timer.current);
    timer.current = null;
  }, []);

  useEffect(() => {
    window.addEventListener('pagehide', flush);
    return () => {
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [flush]);
  // An answered call always has a draft: the wrap-up policy counts it until it is saved.
  useEffect(() => {
    if (context.talked && !done.current) persist({ talked: true });
  }, [context.talked, persist]);
  // An emergency word heard on this call (keyword spotting) pre-ticks 紧急 once; the agent may untick it.
  const heardEmergency = useCallSpeech(context.callId).emergency?.keyword ?? null;
  const urgedFor = useRef<string | null>(null);
  useEffect(() => {
    if (!heardEmergency || !context.callId || urgedFor.current === context.callId || done.current) return;
    urgedFor.current = context.callId;
    fields.set({ urgent: true });
    persist();
  }, [heardEmergency, context.callId, fields, persist]);

  const contextNow = useCallback(() => ctx.current, []);
  const isDone = useCallback(() => done.current, []);
  return {
    initialValues,
    itemLabel,
    setItemLabel,
    pending: current?.pendingSubmit ?? null,
    persist,
    schedulePersist,
    flushNow,
    finish,
    isDone,
    context: contextNow,
  };
}
