// The wallboard's live data: queue figures (GET /api/acd/figures, then the `acd:figures` push), the agent grid
// (polled: states change with every call), emergency alerts (`alert:emergency` push), recordings that failed
// (`alert:recording_failed` push) and new 未诉先办 hotspots (`alert:hotspot` push).
import { useEffect, useState } from 'react';
import type { AcdFiguresPush, EmergencyAlertPush, RecordingFailedPush } from '../../../contracts/desktop-events.js';
import type { HotspotAlertView } from '../../../contracts/reports.js';
import type { WallboardAgent } from '../../../contracts/transfer.js';
import { ApiError, requestJson } from '../api/http';
import { connectAgentSocket } from '../realtime/agent-socket';

const AGENTS_POLL_MS = 1000;
const MAX_ALERTS = 20;

export interface WallboardData {
  figures: AcdFiguresPush | null;
  agents: WallboardAgent[];
  emergencies: EmergencyAlertPush[];
  recordingFailures: RecordingFailedPush[];
  /** Newest first; a hotspot pushed again (same id) replaces its earlier entry. */
  hotspots: HotspotAlertView[];
}

export function useWallboard(token: string, onExpired: () => void): WallboardData {
  const [figures, setFigures] = useState<AcdFiguresPush | null>(null);
  const [agents, setAgents] = useState<WallboardAgent[]>([]);
  const [emergencies, setEmergencies] = useState<EmergencyAlertPush[]>([]);
  const [recordingFailures, setRecordingFailures] = useState<RecordingFailedPush[]>([]);
  const [hotspots, setHotspots] = useState<HotspotAlertView[]>([]);

  useEffect(() => {
    let stopped = false;
    const expired = (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) onExpired();
    };
    requestJson<AcdFiguresPush>('GET', '/api/acd/figures', { token }).then((f) => !stopped && setFigures(f), expired);
    const loadAgents = () =>
      requestJson<{ agents: WallboardAgent[] }>('GET', '/api/wallboard/agents', { token }).then((r) => !stopped && setAgents(r.agents), expired);
    void loadAgents();
    const timer = setInterval(() => void loadAgents(), AGENTS_POLL_MS);
    const socket = connectAgentSocket(token);
    socket.on('acd:figures', (push) => setFigures(push));
    socket.on('alert:emergency', (push) => setEmergencies((list) => [push, ...list].slice(0, MAX_ALERTS)));
    socket.on('alert:recording_failed', (push) => setRecordingFailures((list) => [push, ...list].slice(0, MAX_ALERTS)));
    socket.on('alert:hotspot', (alerts) => setHotspots((list) => [...alerts, ...list.filter((h) => !alerts.some((a) => a.id === h.id))].slice(0, MAX_ALERTS)));
    return () => {
      stopped = true;
      clearInterval(timer);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token, onExpired]);

  return { figures, agents, emergencies, recordingFailures, hotspots };
}
