// What the queue tells agents' desktops. Implemented over socket.io in acd/socket-handlers.ts.
import type { AgentStatePush, CallEndedPush, CallOfferPush } from '../contracts/desktop-events.js';

export interface AgentNotifier {
  agentState(agentId: string, push: AgentStatePush): void;
  callOffered(agentId: string, push: CallOfferPush): void;
  callConnected(agentId: string, callId: string): void;
  callEnded(agentId: string, push: CallEndedPush): void;
}

/** Maps SIP devices ("1001", "1001-desk") to agents and back. */
export interface AgentDirectory {
  agentIdForDevice(device: string): string | undefined;
  devicesOf(agentId: string): { web: string; desk: string } | undefined;
}
