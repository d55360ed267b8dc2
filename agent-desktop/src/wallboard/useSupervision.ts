// The supervisor's actions from the wallboard over the supervision API (supervision/routes.ts): listen / whisper /
// barge on an agent's call, switch mode, stop; force an agent's state or sign them out. The running session is
// polled (GET /api/supervision) so 'connecting' → 'active' → gone shows without a push.
import { useCallback, useEffect, useState } from 'react';
import type { SupervisionMode, SupervisionView } from '../../../contracts/transfer.js';
import { ApiError, requestJson } from '../api/http';

const POLL_MS = 1000;

export type ForcedState = 'available' | 'break' | 'offline';

export interface Supervision {
  /** This supervisor's running session, if any. */
  session: SupervisionView | null;
  /** The last refusal, in the server's words. */
  error: string | null;
  busy: boolean;
  /** `phone`: a number through the trunk; without it the account's softphone extension rings. */
  start(agentId: string, mode: SupervisionMode, phone?: string): Promise<void>;
  switchMode(mode: SupervisionMode): Promise<void>;
  stop(): Promise<void>;
  forceState(agentId: string, state: ForcedState): Promise<boolean>;
  clearError(): void;
}

export function useSupervision(token: string, supervisorId: string, onExpired: () => void): Supervision {
  const [session, setSession] = useState<SupervisionView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async <T>(request: () => Promise<T>): Promise<T | null> => {
      setBusy(true);
      try {
        const r = await request();
        setError(null);
        return r;
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) onExpired();
        setError(err instanceof ApiError ? (err.body?.error.message ?? err.message) : String(err));
        return null;
      } finally {
        setBusy(false);
      }
    },
    [onExpired],
  );

  const running = session !== null;
  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const timer = setInterval(() => {
      requestJson<{ sessions: SupervisionView[] }>('GET', '/api/supervision', { token }).then(
        (r) => !stopped && setSession(r.sessions.find((s) => s.supervisorId === supervisorId && s.phase !== 'ended') ?? null),
        () => {},
      );
    }, POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [running, token, supervisorId]);

  const post = <T>(path: string, body?: unknown) => requestJson<T>('POST', path, { token, body: body ?? {} });
  const id = session?.id;
  return {
    session,
    error,
    busy,
    start: async (agentId, mode, phone) => {
      const r = await run(() => post<{ session: SupervisionView }>('/api/supervision', { agentId, mode, ...(phone ? { phone } : {}) }));
      if (r) setSession(r.session);
    },
    switchMode: async (mode) => {
      if (!id) return;
      const r = await run(() => post<{ session: SupervisionView }>(`/api/supervision/${encodeURIComponent(id)}/mode`, { mode }));
      if (r) setSession(r.session);
    },
    stop: async () => {
      if (!id) return;
      await run(() => post(`/api/supervision/${encodeURIComponent(id)}/stop`));
      setSession(null);
    },
    forceState: async (agentId, state) => (await run(() => post(`/api/agents/${encodeURIComponent(agentId)}/force-state`, { state }))) !== null,
    clearError: () => setError(null),
  };
}
