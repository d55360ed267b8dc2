// socket.io connection to the hotline server, typed by the shared contract.
import { io, type Socket, type SocketReservedEvents } from 'socket.io-client';
import type { AgentStatePush, ClientToServerEvents, ServerToClientEvents, SetStateRequest } from '../../../contracts/desktop-events.js';
import type { ErrorCode } from '../../../contracts/errors.js';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Every event a desktop hears: the server's pushes and socket.io's own connect / disconnect / connect_error. */
export type IncomingEvents = ServerToClientEvents & SocketReservedEvents;
/** The listener of an incoming event, spelled as socket.io spells it so a real socket fits AgentConnection. */
export type IncomingListener<E> = FallbackToUntyped<
  E extends keyof SocketReservedEvents ? SocketReservedEvents[E] : E extends keyof ServerToClientEvents ? ServerToClientEvents[E] : never
>;
type FallbackToUntyped<T> = [T] extends [never] ? (...args: never[]) => void : T;

/**
 * What the desktop uses of a socket.io client socket. The real one is an AgentSocket; tests hand in a fake they
 * drive themselves.
 */
export interface AgentConnection {
  readonly connected: boolean;
  /** socket.io is still trying to (re)connect on its own. */
  readonly active: boolean;
  on<E extends keyof IncomingEvents>(event: E, listener: IncomingListener<E>): unknown;
  off<E extends keyof IncomingEvents>(event: E, listener?: IncomingListener<E>): unknown;
  emit<E extends keyof ClientToServerEvents>(event: E, ...args: Parameters<ClientToServerEvents[E]>): unknown;
  connect(): unknown;
  disconnect(): unknown;
  removeAllListeners(): unknown;
}

export type SetStateResult = { ok: true; state: AgentStatePush } | { ok: false; code: ErrorCode | 'timeout' | 'disconnected'; message: string };

export const ACK_TIMEOUT_MS = 5000;

export function connectAgentSocket(token: string): AgentSocket {
  // Same origin: the server (or vite's dev proxy) serves /socket.io next to the app.
  return io({ path: '/socket.io', auth: { token } });
}

export function requestAgentState(socket: AgentConnection, req: SetStateRequest): Promise<SetStateResult> {
  // socket.io would buffer the emit until reconnect; the agent needs an answer now.
  if (!socket.connected) return Promise.resolve({ ok: false, code: 'disconnected', message: 'not connected' });
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ ok: false, code: 'timeout', message: 'no ack' }), ACK_TIMEOUT_MS);
    socket.emit('agent:set-state', req, (reply) => {
      clearTimeout(timer);
      resolve(reply.ok ? { ok: true, state: reply.state } : { ok: false, code: reply.error.code, message: reply.error.message });
    });
  });
}

/** True when the server refused the handshake because the token is no longer valid. */
export function isUnauthorized(err: Error & { data?: unknown }): boolean {
  const code = (err.data as { error?: { code?: unknown } } | undefined)?.error?.code;
  return err.message === 'unauthorized' || code === 'unauthorized';
}
