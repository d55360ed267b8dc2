// Which of two views of the agent's transfer is the newer: the `transfer:state` push, the answer to the agent's
// own request and the fallback poll can arrive in any order, and a transfer's phase only moves forward.
import { TRANSFER_PHASES, type TransferView } from '../../../contracts/transfer.js';

const rank = (v: TransferView) => TRANSFER_PHASES.indexOf(v.phase);

/** The view to show after `incoming` arrived: a stale one (an earlier phase of the same transfer) is dropped. */
export function newerTransfer(current: TransferView | null, incoming: TransferView): TransferView {
  if (!current || current.transferId !== incoming.transferId) return incoming;
  if (rank(incoming) < rank(current)) return current;
  // same phase: the agent may have left since (agentReleased only ever becomes true)
  if (rank(incoming) === rank(current) && current.agentReleased && !incoming.agentReleased) return current;
  return incoming;
}
