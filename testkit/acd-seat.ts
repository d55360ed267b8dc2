// An agent seat without a browser: log in over HTTP and hold the desktop's socket.io connection, so tests and
// benchmarks with sipp desk phones can change agent states and see what the ACD pushes.
import { io, type Socket } from 'socket.io-client';
import type { AgentStatePush, ClientToServerEvents, ServerToClientEvents } from '../contracts/desktop-events.js';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import { waitUntil } from './wait.js';

export type AgentSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export async function logInSocket(url: string, cred: IssuedCredential): Promise<AgentSocket> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: cred.username, password: cred.password }),
  });
  if (!res.ok) throw new Error(`login ${cred.username}: HTTP ${res.status}`);
  const { token } = (await res.json()) as { token: string };
  const socket: AgentSocket = io(url, { path: '/socket.io', auth: { token }, transports: ['websocket'] });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** Sets the agent's ACD state; retries while the ACD has not yet seen the agent's phone register. */
export async function setAgentState(socket: AgentSocket, state: 'available' | 'offline' | 'break', who = 'agent'): Promise<void> {
  const request = state === 'break' ? { state, reason: 'rest' as const } : { state };
  let refusal: unknown = null;
  await waitUntil(
    async () => {
      const r = await socket.timeout(5000).emitWithAck('agent:set-state', request);
      refusal = r;
      return r.ok ? true : null;
    },
    { timeoutMs: 5_000, intervalMs: 100, what: `${who} set-state ${state}` },
  ).catch((err: unknown) => {
    throw new Error(`${who}: set-state ${state} refused: ${JSON.stringify(refusal)}`, { cause: err });
  });
}

/** Every state the ACD pushed to this agent, in order. */
export function recordStates(socket: AgentSocket): AgentStatePush[] {
  const seen: AgentStatePush[] = [];
  socket.on('agent:state', (push) => seen.push(push));
  return seen;
}
