// Work-order rows ↔ the domain shapes of contracts/work-order-model.ts: what a SELECT gives back, and the columns an
// INSERT/UPDATE writes. Instants are ms numbers in the model and timestamptz in the database.
import type { DeadlineBasis } from './config.js';
import type {
  Actor,
  Deadline,
  DeadlineActionRecord,
  EventDetails,
  ExtensionRequest,
  Rating,
  ReplyRecord,
  ReturnRecord,
  WorkOrder,
  WorkOrderEvent,
} from '../../contracts/work-order-model.js';
import type { Channel, OrderType, TimeLimitClass, Urgency } from '../../contracts/work-order-schemas.js';
import type { ActorRole, WorkOrderEventAction, WorkOrderState } from '../../contracts/work-order-states.js';

export interface OrderRow {
  id: string;
  code: string;
  version: number;
  state: WorkOrderState;
  state_since: Date;
  channel: Channel;
  citizen_phone: string;
  citizen_phone_norm: string;
  citizen_name: string | null;
  confidential: boolean;
  type: OrderType;
  catalog_item_code: string;
  district: string;
  street: string | null;
  address: string | null;
  content: string;
  summary: string;
  urgency: Urgency;
  time_limit_class: TimeLimitClass;
  links: WorkOrder['links'];
  received_at: Date;
  received_by: string;
  updated_at: Date;
  department_code: string | null;
  dispatched_at: Date | null;
  dispatch_count: number;
  dispatch_started_at: Date | null;
  dispatch_due_at: Date | null;
  dispatch_basis: DeadlineBasis | null;
  resolve_started_at: Date;
  resolve_due_at: Date;
  resolve_basis: DeadlineBasis;
  answer: string | null;
  replies: ReplyRecord[];
  returns: ReturnRecord[];
  extensions: ExtensionRequest[];
  ratings: Rating[];
  rework_count: number;
  special_supervision: boolean;
  deadline_actions: DeadlineActionRecord[];
  closed_at: Date | null;
  archived_at: Date | null;
}

export interface EventRow {
  order_id: string;
  order_code: string;
  version: number;
  action: WorkOrderEventAction;
  from_state: WorkOrderState | null;
  to_state: WorkOrderState;
  actor_id: string;
  actor_role: ActorRole;
  actor_department: string | null;
  at: Date;
  reason: string | null;
  details: EventDetails;
}

export interface StoredEvent extends WorkOrderEvent {
  actorName: string | null;
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
export const date = (n: number | null | undefined): Date | null => (n === null || n === undefined ? null : new Date(n));
export const json = (v: unknown): string => JSON.stringify(v);

export function toOrder(r: OrderRow): WorkOrder {
  const dispatchDeadline: Deadline | null =
    r.dispatch_due_at !== null && r.dispatch_started_at !== null
      ? { startedAt: r.dispatch_started_at.getTime(), dueAt: r.dispatch_due_at.getTime(), basis: r.dispatch_basis ?? 'calendar' }
      : null;
  const citizen: WorkOrder['citizen'] = { phone: r.citizen_phone, confidential: r.confidential };
  if (r.citizen_name !== null) citizen.name = r.citizen_name;
  const place: WorkOrder['place'] = { district: r.district };
  if (r.street !== null) place.street = r.street;
  if (r.address !== null) place.address = r.address;
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    state: r.state,
    stateSince: r.state_since.getTime(),
    channel: r.channel,
    citizen,
    type: r.type,
    catalogItemCode: r.catalog_item_code,
    place,
    content: r.content,
    summary: r.summary,
    urgency: r.urgency,
    timeLimitClass: r.time_limit_class,
    links: r.links,
    receivedAt: r.received_at.getTime(),
    receivedBy: r.received_by,
    updatedAt: r.updated_at.getTime(),
    departmentId: r.department_code,
    dispatchedAt: ms(r.dispatched_at),
    dispatchCount: r.dispatch_count,
    dispatchDeadline,
    resolveDeadline: { startedAt: r.resolve_started_at.getTime(), dueAt: r.resolve_due_at.getTime(), basis: r.resolve_basis },
    answer: r.answer,
    replies: r.replies,
    returns: r.returns,
    extensions: r.extensions,
    ratings: r.ratings,
    reworkCount: r.rework_count,
    specialSupervision: r.special_supervision,
    deadlineActions: r.deadline_actions,
    closedAt: ms(r.closed_at),
    archivedAt: ms(r.archived_at),
  };
}

export function toEvent(r: EventRow, actorName: string | null): StoredEvent {
  const actor: Actor = { id: r.actor_id, role: r.actor_role, departmentId: r.actor_department };
  return {
    orderId: r.order_id,
    orderCode: r.order_code,
    version: r.version,
    action: r.action,
    from: r.from_state,
    to: r.to_state,
    actor,
    at: r.at.getTime(),
    reason: r.reason,
    details: r.details,
    actorName,
  };
}

/** The values of MUTABLE_COLUMNS, in that order. */
export function mutableValues(o: WorkOrder, nextDeadlineAt: number | null): unknown[] {
  return [
    o.version,
    o.state,
    date(o.stateSince),
    date(o.updatedAt),
    o.departmentId,
    date(o.dispatchedAt),
    o.dispatchCount,
    date(o.dispatchDeadline?.startedAt),
    date(o.dispatchDeadline?.dueAt),
    o.dispatchDeadline?.basis ?? null,
    date(o.resolveDeadline.startedAt),
    date(o.resolveDeadline.dueAt),
    o.resolveDeadline.basis,
    o.answer,
    json(o.replies),
    json(o.returns),
    json(o.extensions),
    json(o.ratings),
    o.reworkCount,
    o.specialSupervision,
    json(o.deadlineActions),
    date(o.closedAt),
    date(o.archivedAt),
    o.urgency,
    date(nextDeadlineAt),
  ];
}

export const MUTABLE_COLUMNS = [
  'version',
  'state',
  'state_since',
  'updated_at',
  'department_code',
  'dispatched_at',
  'dispatch_count',
  'dispatch_started_at',
  'dispatch_due_at',
  'dispatch_basis',
  'resolve_started_at',
  'resolve_due_at',
  'resolve_basis',
  'answer',
  'replies',
  'returns',
  'extensions',
  'ratings',
  'rework_count',
  'special_supervision',
  'deadline_actions',
  'closed_at',
  'archived_at',
  // normal at receipt, urgent from then on once the call is linked with 110/120/119 (service.markUrgentForLinkage)
  'urgency',
  'next_deadline_at',
] as const;
const JSONB_COLUMNS = new Set(['replies', 'returns', 'extensions', 'ratings', 'deadline_actions', 'links']);
export const cast = (col: string, n: number) => (JSONB_COLUMNS.has(col) ? `$${n}::jsonb` : `$${n}`);
