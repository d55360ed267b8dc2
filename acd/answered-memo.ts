// Who a connected caller is talking to, kept on the caller's channel in Asterisk (HOTLINE_ANSWERED) next to
// their place in the queue (HOTLINE_QUEUED): a server that restarts finds the bridge, its two legs and this memo,
// and adopts the conversation as it was (the same agent on the call, the same call record and recording) instead
// of leaving a call nobody owns. When the agent leaves a call that goes on (a completed transfer) it says so
// (`released`): the call is adopted without them, and its recording still names them.
import { memoFields, memoText, memoTime } from './channel-memo.js';

export const ANSWERED_MEMO_VARIABLE = 'HOTLINE_ANSWERED';

export interface AnsweredMemo {
  agentId: string;
  /** The agent's leg (its ARI channel id): only a bridge holding this leg is the conversation the memo describes. */
  legChannelId: string;
  offerId: string;
  /** Epoch ms: when the agent answered (talk time, the recording's start). */
  answeredAt: number;
  /** The agent has left the call, which goes on with someone else. */
  released: boolean;
}

export function encodeAnsweredMemo(m: AnsweredMemo): string {
  return JSON.stringify([1, m.agentId, m.legChannelId, m.offerId, m.answeredAt, m.released ? 1 : 0]);
}

export function decodeAnsweredMemo(value: string | null | undefined): AnsweredMemo | null {
  const v = memoFields(value, 6);
  if (!v) return null;
  const [, agentId, legChannelId, offerId, answeredAt, released] = v;
  if (!memoText(agentId) || !memoText(legChannelId) || !memoText(offerId) || !memoTime(answeredAt) || (released !== 0 && released !== 1)) return null;
  return { agentId, legChannelId, offerId, answeredAt, released: released === 1 };
}
