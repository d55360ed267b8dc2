// The shape of a work order and of the facts recorded about it. Plain data: JSON-friendly (instants are ms
// since the epoch), never mutated by this package: every step returns a new order with `version` + 1, so an
// adapter can UPDATE … WHERE version = <old> (optimistic locking) and INSERT the event as a history row.
import type { CreateWorkOrderInput } from './work-order-schemas.js';
import type { ActorRole, WorkOrderEventAction, WorkOrderState } from './work-order-states.js';

/** Whether a time limit counts calendar days or working days (holidays and weekends skipped). */
export type DeadlineBasis = 'calendar' | 'working';

export interface Actor {
  id: string;
  role: ActorRole;
  /** The handler's department; ignored for other roles. */
  departmentId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { id: 'system', role: 'system', departmentId: null };

/** One running time limit. `dueAt` is exclusive: the order is late from that instant on. */
export interface Deadline {
  startedAt: number;
  dueAt: number;
  basis: DeadlineBasis;
}

export type ExtensionStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/** 延期申请: asked by the department, decided by the hotline. At most one is pending. */
export interface ExtensionRequest {
  departmentId: string;
  requestedBy: string;
  requestedAt: number;
  reason: string;
  /** Local date (UTC+8) the department asks to reply by, inclusive. */
  requestedDueDate: string;
  /** Due time when the request was made. */
  previousDueAt: number;
  status: ExtensionStatus;
  decidedBy: string | null;
  decidedAt: number | null;
  /** Approval comment or rejection reason; for 'withdrawn', why it lapsed. */
  decisionComment: string | null;
  /** New due time when approved (end of the granted local date). */
  grantedDueAt: number | null;
}

export interface ReturnRecord {
  departmentId: string;
  by: string;
  at: number;
  reason: string;
}

export interface ReplyRecord {
  departmentId: string;
  by: string;
  at: number;
  content: string;
  /** Replied at or after the due time. */
  late: boolean;
}

export interface RatingScores {
  /** 办理速度 1–5 */
  speed: number;
  /** 办理结果 1–5 */
  result: number;
  /** 服务态度 1–5 */
  attitude: number;
  /** 答复质量 1–5 */
  replyQuality: number;
  /** 总体评价：满意 / 不满意 */
  satisfied: boolean;
}

export interface Rating extends RatingScores {
  comment: string | null;
  by: string;
  at: number;
  /** 0 for the first handling, n after the nth rework. */
  round: number;
}

export type DeadlineName = 'dispatch' | 'resolve';
export type DeadlineActionKind = 'remind' | 'escalate';

/** A reminder (催办) or escalation (督办) already taken: never repeated for the same due time. */
export interface DeadlineActionRecord {
  deadline: DeadlineName;
  kind: DeadlineActionKind;
  level: number;
  dueAt: number;
  at: number;
}

export interface WorkOrder extends CreateWorkOrderInput {
  id: string;
  /** GDyyyymmdd-nnnnnn, see order-code.ts */
  code: string;
  /** 1 at creation, + 1 with every recorded event. */
  version: number;
  state: WorkOrderState;
  stateSince: number;
  receivedAt: number;
  receivedBy: string;
  updatedAt: number;
  /** The department holding the order (dispatched … replied and after), null at the desk. */
  departmentId: string | null;
  /** Last dispatch, start of the return window. */
  dispatchedAt: number | null;
  dispatchCount: number;
  /** Urgent orders only: dispatch by this time (restarts when a department returns the order). */
  dispatchDeadline: Deadline | null;
  /** The reply deadline: from receipt, moved by approved extensions, restarted (halved) by a rework. */
  resolveDeadline: Deadline;
  /** Answer given on the spot (直办), when closed that way. */
  answer: string | null;
  replies: readonly ReplyRecord[];
  returns: readonly ReturnRecord[];
  extensions: readonly ExtensionRequest[];
  ratings: readonly Rating[];
  reworkCount: number;
  /** 专项督办: dissatisfied again after a rework. Sticky; the order is still processed normally. */
  specialSupervision: boolean;
  deadlineActions: readonly DeadlineActionRecord[];
  closedAt: number | null;
  archivedAt: number | null;
}

/** Extra facts of an event, for a JSON column. Only the keys relevant to the action are present. */
export interface EventDetails {
  departmentId?: string;
  dueAt?: number;
  previousDueAt?: number;
  requestedDueDate?: string;
  content?: string;
  late?: boolean;
  rating?: Rating;
  reworkCount?: number;
  specialSupervision?: boolean;
  extensionWithdrawn?: boolean;
  deadline?: DeadlineName;
  level?: number;
}

/** One history row: who (actor), when (at), why (reason), from, to — plus details. */
export interface WorkOrderEvent {
  orderId: string;
  orderCode: string;
  /** The order's version after this event. */
  version: number;
  action: WorkOrderEventAction;
  /** null for the creation event. */
  from: WorkOrderState | null;
  to: WorkOrderState;
  actor: Actor;
  at: number;
  /** Mandatory reason or free comment, as given. */
  reason: string | null;
  details: EventDetails;
}

export function pendingExtension(order: WorkOrder): ExtensionRequest | null {
  return order.extensions.find((e) => e.status === 'pending') ?? null;
}

export function lastRating(order: WorkOrder): Rating | null {
  return order.ratings[order.ratings.length - 1] ?? null;
}
