// React binding of the agent's socket.io session: connection flag, pushed agent state, call offer and the
// transfer of the agent's call. The one connection of the seat: what speech hears on the call goes from here
// into the store the seat's panels read.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AgentStatePush, CallOfferPush, SetStateRequest } from '../../../contracts/desktop-events.js';
import type { TransferView } from '../../../contracts/transfer.js';
import { speechStore } from '../transcript/speech-store';
import { connectAgentSocket, isUnauthorized, requestAgentState, type AgentConnection, type SetStateResult } from './agent-socket';

export const MANUAL_RECONNECT_MS = 3000;

export interface AgentSocketState {
  connected: boolean;
  /** False until the first connect attempt settled, so the banner does not flash on page load. */
  settled: boolean;
  agentState: AgentStatePush | null;
  offer: CallOfferPush | null;
  /** The callId of the last call:connected push (the ACD bridged the caller with this agent). */
  connectedCallId: string | null;
  /** The last `transfer:state` push: the agent's transfer of their call changed. */
  transfer: TransferView | null;
  setState: (req: SetStateRequest) => Promise<SetStateResult>;
}

export function useAgentSocket(
  token: string,
  onUnauthorized: () => void,
  /** Opens the connection; tests hand in a fake socket. */
  connect: (token: string) => AgentConnection = connectAgentSocket,
): AgentSocketState {
  const [connected, setConnected] = useState(false);
  const [settled, setSettled] = useState(false);
  const [agentState, setAgentState] = useState<AgentStatePush | null>(null);
  const [offer, setOffer] = useState<CallOfferPush | null>(null);
  const [connectedCallId, setConnectedCallId] = useState<string | null>(null);
  const [transfer, setTransfer] = useState<TransferView | null>(null);
  const socketRef = useRef<AgentConnection | null>(null);
  const connectRef = useRef(connect);
  const onUnauthorizedRef = useRef(onUnauthorized);
  useEffect(() => {
    onUnauthorizedRef.current = onUnauthorized;
  });

  useEffect(() => {
    const socket = connectRef.current(token);
    socketRef.current = socket;
    let retry: ReturnType<typeof setTimeout> | undefined;
    // socket.io retries dropped connections itself, but not a handshake the server refused
    // or a server-side disconnect; those we retry by hand.
    const reconnectLater = () => {
      clearTimeout(retry);
      retry = setTimeout(() => socket.connect(), MANUAL_RECONNECT_MS);
    };

    socket.on('connect', () => {
      setConnected(true);
      setSettled(true);
    });
    socket.on('disconnect', (reason) => {
      setConnected(false);
      if (reason === 'io server disconnect') reconnectLater();
    });
    socket.on('connect_error', (err) => {
      setSettled(true);
      if (isUnauthorized(err)) {
        onUnauthorizedRef.current();
        return;
      }
      if (!socket.active) reconnectLater();
    });
    socket.on('agent:state', setAgentState);
    socket.on('call:offered', setOffer);
    socket.on('call:connected', (push) => setConnectedCallId(push.callId));
    socket.on('call:ended', (push) => setOffer((current) => (current?.callId === push.callId ? null : current)));
    socket.on('speech:keyword', (p) => speechStore.keyword(p));
    socket.on('speech:status', (p) => speechStore.status(p));
    socket.on('alert:emergency', (p) => speechStore.emergency(p));
    socket.on('transfer:state', setTransfer);

    return () => {
      clearTimeout(retry);
      socket.removeAllListeners();
      socket.disconnect();
      socketRef.current = null;
    };
  }, [token]);

  const setState = useCallback(async (req: SetStateRequest): Promise<SetStateResult> => {
    const socket = socketRef.current;
    if (!socket) return { ok: false, code: 'disconnected', message: 'not connected' };
    const result = await requestAgentState(socket, req);
    if (result.ok) setAgentState(result.state);
    return result;
  }, []);

  return { connected, settled, agentState, offer, connectedCallId, transfer, setState };
}
