// socket.io connection to the hotline server, typed by the shared contract.
import { io, type Socket } from 'socket.io-client';
import type {
  AgentStatePush,
  ClientToServerEvents,
  ServerToClientEvents,
  SetStateRequest,
} from '../../../contracts/desktop-events.js';
import type { ErrorCode } from '../../../contracts/errors.js';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type SetStateResult =
  | { ok: true; state: AgentStatePush }
  | { ok: false; code: ErrorCode | 'timeout' | 'disconnected'; message: string };

const ACK_TIMEOUT_MS = 5000;

export function connectAgentSocket(token: string): AgentSocket {
  // Same origin: the server (or vite's dev proxy) serves /socket.io next to the app.
  return io({ path: '/socket.io', auth: { token } });
}

export async function requestAgentState(socket: AgentSocket, req: SetStateRequest): Promise<SetStateResult> {
  // socket.io would buffer the emit until reconnect; the agent needs an answer now.
  if (!socket.connected) return { ok: false, code: 'disconnected', message: 'not connected' };
  try {
    const reply = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('agent:set-state', req);
    if (reply.ok) return { ok: true, state: reply.state };
    return { ok: false, code: reply.error.code, message: reply.error.message };
  } catch {
    return { ok: false, code: 'timeout', message: 'no ack' };
  }
}

/** True when the server refused the handshake because the token is no longer valid. */
export function isUnauthorized(err: Error & { data?: unknown }): boolean {
  const code = (err.data as { error?: { code?: unknown } } | undefined)?.error?.code;
  return err.message === 'unauthorized' || code === 'unauthorized';
}
