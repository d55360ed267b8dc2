// Typed socket.io events between the hotline server and the agent desktop.
// Every client event carries an ack so the desktop can show the server's answer in place.
// Every server event here is emitted by the server and listened to by a desktop page (seat, wallboard); an event
// one side lacks is removed rather than kept "for later".
import { z } from 'zod';
import { BREAK_REASONS, REQUESTABLE_STATES, type AgentState, type BreakReason } from './agent-state.js';
import type { Role } from './api.js';
import type { ApiErrorBody } from './errors.js';
import type { AcdFigures } from './figures.js';
import type { HotspotAlertView } from './reports.js';
import type { TransferView } from './transfer.js';

export const SetStateRequest = z
  .object({
    state: z.enum(REQUESTABLE_STATES),
    reason: z.enum(BREAK_REASONS).optional(),
  })
  .refine((v) => v.state !== 'break' || v.reason !== undefined, { message: 'required for break', path: ['reason'] });
export type SetStateRequest = z.infer<typeof SetStateRequest>;

export type Ack<T = Record<string, never>> = (reply: ({ ok: true } & T) | ({ ok: false } & ApiErrorBody)) => void;

export interface AgentStatePush {
  state: AgentState;
  reason: BreakReason | null;
  /** ISO time the agent entered this state. */
  since: string;
  /** For wrap_up: ISO time it ends by itself. */
  until: string | null;
}

export interface CallOfferPush {
  callId: string;
  callerNumber: string;
  queue: string;
  /** How long the citizen has waited, in ms, when the offer was made. */
  waitedMs: number;
  /** 回电: a queue callback; the citizen is dialled once the agent answers (callerNumber is the number called). */
  callback?: boolean;
}

export interface CallEndedPush {
  callId: string;
  outcome: 'answered' | 'abandoned' | 'missed';
}

/** Real-time queue figures (contracts/figures.ts), pushed to supervisors every few seconds. */
export type AcdFiguresPush = AcdFigures;

/** 疑似紧急: an emergency word was heard from a caller. Sent to supervisors and to the agent on the call. */
export interface EmergencyAlertPush {
  callId: string;
  keyword: string;
  callerNumber: string;
  /** ISO time the word was heard. */
  at: string;
  /** The agent on (or being offered) the call, if any. */
  agentId: string | null;
}

/** A keyword the spotter heard on the agent's call (speech/), in the order heard. */
export interface SpeechKeywordPush {
  callId: string;
  keyword: string;
  category: 'emergency' | 'routing';
  speaker: 'caller' | 'agent';
  /** When it was heard, in ms from the start of that side's audio. */
  atMs: number;
  /** ISO time it was heard. */
  at: string;
}

/** What listens to the agent's call: sent to the agent when the call connects. */
export interface SpeechStatusPush {
  callId: string;
  keywordSpotting: boolean;
  /** A streaming recognizer (full transcript) is configured; none is wired into calls yet, so always false. */
  transcription: boolean;
}

/** A call recording failed to start or could not be stored. */
export interface RecordingFailedPush {
  callId: string;
  reason: string;
  /** ISO time of the failure. */
  at: string;
}

/** Who the socket belongs to, set by the server at the handshake from the session token (never from the client). */
export interface DesktopSocketData {
  userId: string;
  role: Role;
}

export interface ServerToClientEvents {
  'alert:emergency': (push: EmergencyAlertPush) => void;
  'speech:keyword': (push: SpeechKeywordPush) => void;
  'speech:status': (push: SpeechStatusPush) => void;
  /** New 未诉先办 hotspot alerts (supervisors' room: dispatchers, supervisors, admins; shown on the wallboard). */
  'alert:hotspot': (alerts: HotspotAlertView[]) => void;
  /** A call recording failed to start or could not be stored (supervisors, wallboard). */
  'alert:recording_failed': (push: RecordingFailedPush) => void;
  'acd:figures': (push: AcdFiguresPush) => void;
  'agent:state': (push: AgentStatePush) => void;
  'call:offered': (push: CallOfferPush) => void;
  'call:connected': (push: { callId: string }) => void;
  'call:ended': (push: CallEndedPush) => void;
  /** The agent's transfer of their call changed (contracts/transfer.ts). */
  'transfer:state': (push: TransferView) => void;
}

export interface ClientToServerEvents {
  'agent:set-state': (req: SetStateRequest, ack: Ack<{ state: AgentStatePush }>) => void;
}
