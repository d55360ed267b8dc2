// The wallboard's agent grid: every agent's state, time in state and current call (with its transfer phase).
// Queue figures come from the ACD itself (GET /api/acd/figures and the `acd:figures` push).
import type { WallboardAgent } from '../contracts/transfer.js';
import type { LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { TransferService } from '../transfer/service.js';

export class Wallboard {
  /** callId → when the agent took it (for "call over N minutes"). */
  private readonly connectedAt = new Map<string, number>();

  constructor(
    private readonly d: {
      agents: readonly { id: string; extension: string; displayName: string }[];
      queue: QueueService;
      calls: LiveCalls;
      transfers: TransferService;
      now?: () => number;
    },
  ) {
    d.queue.onConnected((callId) => {
      this.connectedAt.set(callId, (d.now ?? Date.now)());
      // calls that ended are dropped here rather than on every hang-up: the map stays as small as the live calls
      const live = new Set(d.calls.all().map((c) => c.callId));
      for (const id of this.connectedAt.keys()) if (!live.has(id) && id !== callId) this.connectedAt.delete(id);
    });
  }

  agents(): WallboardAgent[] {
    const byAgent = new Map(
      this.d.calls
        .all()
        .filter((c) => c.agentLeg)
        .map((c) => [c.agentLeg!.agentId, c]),
    );
    return this.d.agents.map((a) => {
      const push = this.d.queue.agentPush(a.id);
      const call = byAgent.get(a.id);
      const at = call ? this.connectedAt.get(call.callId) : undefined;
      return {
        agentId: a.id,
        extension: a.extension,
        name: a.displayName,
        state: push.state,
        since: push.since,
        call: call
          ? {
              callId: call.callId,
              callerNumber: call.callerNumber,
              connectedAt: call.stage === 'connected' && at ? new Date(at).toISOString() : null,
              transfer: this.d.transfers.phaseOf(call.callId),
            }
          : null,
      };
    });
  }
}
