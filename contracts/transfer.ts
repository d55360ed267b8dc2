// Transfers, emergency linkage and supervision: request bodies (zod, field messages in Chinese) and the views
// and pushes the desktop and the wallboard read.
import { z } from 'zod';

export const TRANSFER_PHASES = ['dialing', 'consulting', 'three_way', 'completed', 'ended'] as const;
export type TransferPhaseName = (typeof TRANSFER_PHASES)[number];

export const StartTransferRequest = z
  .object({
    /** An emergency centre by its number ('110'), or a directory entry by its id. */
    to: z.union(
      [
        z.object({ centre: z.string({ error: '请选择联动单位' }).regex(/^\d{3}$/, { error: '联动单位号码须为3位数字' }) }),
        z.object({ entryId: z.string({ error: '请选择转接号码' }).min(1, { error: '请选择转接号码' }).max(40) }),
      ],
      { error: '请选择转接目标' },
    ),
    /** Default: warm for an emergency centre, blind for a directory entry. */
    kind: z.enum(['warm', 'blind'], { error: '转接方式须为 warm 或 blind' }).optional(),
    /** What the agent knows so far, for the linkage sheet. */
    sheet: z
      .object({
        place: z.string().trim().max(200, { error: '地点不能超过200个字' }).optional(),
        summary: z.string().trim().max(500, { error: '概要不能超过500个字' }).optional(),
      })
      .optional(),
  })
  .strict();
export type StartTransferRequest = z.infer<typeof StartTransferRequest>;

export const TRANSFER_ACTIONS = ['complete', 'cancel', 'three-way', 'leave'] as const;
export const TransferActionParam = z.enum(TRANSFER_ACTIONS, { error: '不支持的转接操作' });
export type TransferAction = (typeof TRANSFER_ACTIONS)[number];

export interface TransferView {
  callId: string;
  transferId: string;
  kind: 'warm' | 'blind';
  target: { number: string; name: string; emergency: boolean };
  phase: TransferPhaseName;
  outcome: 'cancelled' | 'failed' | 'completed' | 'caller_gone' | 'target_gone' | 'agent_gone' | null;
  /** The agent is no longer on the call. */
  agentReleased: boolean;
  linkage: { id: string; status: string } | null;
}

export interface TransferDirectoryView {
  centres: { number: string; name: string }[];
  directory: { id: string; name: string; number: string }[];
}

// ---------------------------------------------------------------------------------------------------------------
// Supervision

export const SUPERVISION_MODES = ['listen', 'whisper', 'barge'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];

export const SuperviseRequest = z
  .object({
    agentId: z.string({ error: '请选择座席' }).min(1, { error: '请选择座席' }).max(100),
    mode: z.enum(SUPERVISION_MODES, { error: '监控方式须为 listen、whisper 或 barge' }),
    /** The supervisor's phone, reached through the trunk, when their account has no softphone extension. */
    phone: z
      .string()
      .regex(/^[0-9*#+]{2,20}$/, { error: '电话号码只能包含数字、*、#、+' })
      .optional(),
  })
  .strict();
export type SuperviseRequest = z.infer<typeof SuperviseRequest>;

export const SwitchModeRequest = z.object({ mode: z.enum(SUPERVISION_MODES, { error: '监控方式须为 listen、whisper 或 barge' }) }).strict();

export const ForceStateRequest = z
  .object({
    state: z.enum(['available', 'break', 'offline'], { error: '只能强制示闲、小休或签出' }),
  })
  .strict();

export interface SupervisionView {
  id: string;
  supervisorId: string;
  agentId: string;
  callId: string;
  mode: SupervisionMode;
  /** 'connecting' until the supervisor's phone answers. */
  phase: 'connecting' | 'active' | 'ended';
}

export interface SupervisionAuditRow {
  id: string;
  supervisorId: string;
  agentId: string;
  callId: string | null;
  mode: string;
  detail: string | null;
  startedAt: number;
  endedAt: number | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Wallboard

export interface WallboardAgent {
  agentId: string;
  extension: string;
  name: string;
  state: string;
  /** ISO time the agent entered the state. */
  since: string;
  call: { callId: string; callerNumber: string; connectedAt: string | null; transfer: TransferPhaseName | null } | null;
}
