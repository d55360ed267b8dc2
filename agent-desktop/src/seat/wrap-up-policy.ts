// Policy: every call the agent talked in ends with a saved work order, or with the agent's explicit "no order
// needed" (wrong number, silent call…), before they may take the next call. Until then 示闲 is refused here —
// also during the call, because the ACD keeps a state asked for while busy and applies it after the call.
import type { StoredDraft } from './drafts';
import type { CallContext } from './useCallContext';

export type AvailabilityBlock = { kind: 'order_required'; callerNumber: string | null; count: number } | null;

export function availabilityBlock(context: CallContext | null, agentDrafts: readonly StoredDraft[]): AvailabilityBlock {
  const open = new Map<string, string | null>();
  if (context && context.talked && context.outcome === null) open.set(context.key, context.callerNumber);
  for (const d of agentDrafts) if (d.talked && !(context && context.key === d.key && context.outcome)) open.set(d.key, d.callerNumber);
  if (open.size === 0) return null;
  const first = context && open.has(context.key) ? context.callerNumber : ([...open.values()][0] ?? null);
  return { kind: 'order_required', callerNumber: first, count: open.size };
}
