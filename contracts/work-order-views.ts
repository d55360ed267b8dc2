// Work orders as the API serves them (no zod here, so the desktop may import it without the schemas): the order
// view, a list row, a history row, where a new order went, and the calls beside an order.
import type { ManualReasonCode } from './catalog.js';
import type { WorkOrder, WorkOrderEvent } from './work-order-model.js';
import type { Channel, OrderType, TimeLimitClass, Urgency } from './work-order-schemas.js';
import type { WorkOrderState } from './work-order-states.js';

/** A work order as served: the domain order, possibly masked, plus display helpers. */
export interface WorkOrderView extends WorkOrder {
  stateLabel: string;
  /** Name of the department holding the order (departmentId is the department code). */
  departmentName: string | null;
  /** The reply is due and not given (see deadlines.ts isOverdue). */
  overdue: boolean;
  /** true when citizen.phone / citizen.name were masked for this user. */
  masked: boolean;
}

/** One list row: what a table of orders needs. */
export interface WorkOrderSummary {
  id: string;
  code: string;
  version: number;
  state: WorkOrderState;
  stateLabel: string;
  type: OrderType;
  channel: Channel;
  urgency: Urgency;
  timeLimitClass: TimeLimitClass;
  catalogItemCode: string;
  summary: string;
  citizen: { phone: string; name?: string | undefined; confidential: boolean };
  district: string;
  departmentId: string | null;
  departmentName: string | null;
  receivedAt: number;
  receivedBy: string;
  updatedAt: number;
  /** Reply due time (办理时限). */
  dueAt: number;
  overdue: boolean;
  specialSupervision: boolean;
  reworkCount: number;
  closedAt: number | null;
  masked: boolean;
}

/** A history row with display helpers. */
export interface WorkOrderEventView extends WorkOrderEvent {
  actionLabel: string;
  /** Display name of the acting user; null for the system or an unknown user. */
  actorName: string | null;
}

/** Where a new order went: a department (auto-dispatch by the catalog) or the manual dispatch desk. */
export type DispatchOutcome =
  | { kind: 'auto'; departmentCode: string; departmentName: string; itemCode: string; reason: string }
  | { kind: 'manual'; code: ManualReasonCode; reason: string }
  /** Not dispatched: answered and closed on the spot (直办) at creation. */
  | { kind: 'on_spot'; reason: string };

/** A call linked to an order (or shown on the screen pop). */
export interface LinkedCall {
  id: string;
  callerNumber: string;
  arrivedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: 'answered' | 'abandoned' | 'failed' | null;
  agentId: string | null;
  recordingName: string | null;
  /** 录音失败: why the recording failed to start or be stored; null when it did not fail. */
  recordingError: string | null;
  /** 疑似紧急: an emergency word heard from the caller in this call (keyword spotting). */
  emergencyKeyword: string | null;
}

/** Chinese message of the 409 `conflict` answer when `version` is stale. */
export const VERSION_CONFLICT_MESSAGE = '工单已被他人修改，请刷新后重试';
