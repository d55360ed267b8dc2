// A transfer in progress, kept on the caller's channel in Asterisk (HOTLINE_TRANSFER) each time it changes: a
// server that restarts mid-transfer (consulting 110, three-way, or after the agent handed the call over) adopts
// it from there and the agent's desktop gets its transfer controls back. Cleared once the transfer has ended.
import type { TransferState } from './machine.js';

export const TRANSFER_MEMO_VARIABLE = 'HOTLINE_TRANSFER';

export interface TransferMemo {
  state: TransferState;
  /** The linkage sheet sent with an emergency transfer, once stored. */
  linkage: { id: string; status: string } | null;
}

export function encodeTransferMemo(m: TransferMemo): string {
  return m.state.phase === 'ended' ? '' : JSON.stringify({ v: 1, state: m.state, linkage: m.linkage });
}

const PHASES: readonly string[] = ['dialing', 'consulting', 'three_way', 'completed'];

export function decodeTransferMemo(value: string | null | undefined): TransferMemo | null {
  if (!value) return null;
  let v: { v?: unknown; state?: Partial<TransferState>; linkage?: { id?: unknown; status?: unknown } | null };
  try {
    v = JSON.parse(value) as typeof v;
  } catch {
    return null;
  }
  const s = v?.state;
  if (v?.v !== 1 || !s || typeof s !== 'object' || !PHASES.includes(String(s.phase))) return null;
  const text = ['transferId', 'callId', 'agentId', 'callerChannelId', 'agentChannelId', 'callBridgeId', 'targetChannelId'] as const;
  if (text.some((k) => typeof s[k] !== 'string' || !s[k])) return null;
  if ((s.kind !== 'warm' && s.kind !== 'blind') || typeof s.target?.number !== 'string' || typeof s.agentReleased !== 'boolean') return null;
  const l = v.linkage;
  const linkage = l && typeof l.id === 'string' && typeof l.status === 'string' ? { id: l.id, status: l.status } : null;
  return { state: s as TransferState, linkage };
}
