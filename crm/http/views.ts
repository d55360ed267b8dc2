// What each user may see of an order: visibility (404 when not) and masking of confidential citizens.
import type { LinkedCall, WorkOrderEventView, WorkOrderSummary, WorkOrderView } from '../../contracts/work-orders.js';
import { maskPhone, normalizePhone } from '../../contracts/phone.js';
import { isOverdue } from '../work-orders/deadlines.js';
import type { WorkOrder, WorkOrderEvent } from '../../contracts/work-order-model.js';
import type { CallLink, Visibility } from '../work-orders/repository.js';
import type { CatalogSnapshot } from '../work-orders/service.js';
import { ACTION_LABELS_ZH, STATE_LABELS_ZH } from '../../contracts/work-order-states.js';
import type { AuthUser } from '../../platform/http/auth-guard.js';

export { maskPhone };

/** 张** — the family name stays, the rest is hidden. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : `${chars[0]}${'*'.repeat(chars.length - 1)}`;
}

/** Supervisors, admins and the department holding the order see a confidential citizen in clear. */
export function seesConfidential(user: AuthUser, order: { departmentId: string | null }): boolean {
  if (user.role === 'supervisor' || user.role === 'admin') return true;
  return user.role === 'handler' && user.departmentCode !== null && user.departmentCode === order.departmentId;
}

export function mustMask(user: AuthUser, order: WorkOrder): boolean {
  return order.citizen.confidential && !seesConfidential(user, order);
}

/** The list filter of a user. `agentPhones`: normalized numbers of the agent's recent callers. */
export function visibilityOf(user: AuthUser, agentPhones: readonly string[]): Visibility {
  switch (user.role) {
    case 'dispatcher':
    case 'supervisor':
    case 'admin':
      return { kind: 'all' };
    case 'handler':
      return { kind: 'department', departmentCode: user.departmentCode };
    case 'agent':
      return { kind: 'agent', agentId: user.id, phones: agentPhones };
  }
}

export function canSee(visibility: Visibility, order: WorkOrder): boolean {
  switch (visibility.kind) {
    case 'all':
      return true;
    case 'department':
      return visibility.departmentCode !== null && order.departmentId === visibility.departmentCode;
    case 'agent':
      return order.receivedBy === visibility.agentId || visibility.phones.includes(normalizePhone(order.citizen.phone));
  }
}

function maskedCitizen(order: WorkOrder, masked: boolean): WorkOrder['citizen'] {
  if (!masked) return order.citizen;
  const c: WorkOrder['citizen'] = { phone: maskPhone(order.citizen.phone), confidential: true };
  if (order.citizen.name !== undefined) c.name = maskName(order.citizen.name);
  return c;
}

function departmentName(snap: CatalogSnapshot, code: string | null): string | null {
  return code === null ? null : (snap.departments.get(code)?.name ?? code);
}

export function toView(order: WorkOrder, user: AuthUser, snap: CatalogSnapshot, now: number): WorkOrderView {
  const masked = mustMask(user, order);
  return {
    ...order,
    citizen: maskedCitizen(order, masked),
    stateLabel: STATE_LABELS_ZH[order.state],
    departmentName: departmentName(snap, order.departmentId),
    overdue: isOverdue(order, now),
    masked,
  };
}

export function toSummary(order: WorkOrder, user: AuthUser, snap: CatalogSnapshot, now: number): WorkOrderSummary {
  const masked = mustMask(user, order);
  return {
    id: order.id,
    code: order.code,
    version: order.version,
    state: order.state,
    stateLabel: STATE_LABELS_ZH[order.state],
    type: order.type,
    channel: order.channel,
    urgency: order.urgency,
    timeLimitClass: order.timeLimitClass,
    catalogItemCode: order.catalogItemCode,
    summary: order.summary,
    citizen: maskedCitizen(order, masked),
    district: order.place.district,
    departmentId: order.departmentId,
    departmentName: departmentName(snap, order.departmentId),
    receivedAt: order.receivedAt,
    receivedBy: order.receivedBy,
    updatedAt: order.updatedAt,
    dueAt: order.resolveDeadline.dueAt,
    overdue: isOverdue(order, now),
    specialSupervision: order.specialSupervision,
    reworkCount: order.reworkCount,
    closedAt: order.closedAt,
    masked,
  };
}

export function toEventView(e: WorkOrderEvent & { actorName?: string | null }, actorName?: string | null): WorkOrderEventView {
  const { actorName: stored, ...event } = e;
  return { ...event, actionLabel: ACTION_LABELS_ZH[e.action], actorName: actorName ?? stored ?? null };
}

export function toLinkedCall(c: CallLink, masked: boolean): LinkedCall {
  return {
    id: c.id,
    callerNumber: masked ? maskPhone(normalizePhone(c.callerNumber)) : c.callerNumber,
    arrivedAt: c.arrivedAt.getTime(),
    answeredAt: c.answeredAt?.getTime() ?? null,
    endedAt: c.endedAt?.getTime() ?? null,
    outcome: c.outcome,
    agentId: c.agentId,
    recordingName: c.recordingName,
    recordingError: c.recordingError,
    emergencyKeyword: c.emergencyKeyword,
  };
}

/** Opaque page cursor: the last row's (receivedAt, id). */
export function encodeCursor(order: WorkOrder): string {
  return Buffer.from(JSON.stringify([order.receivedAt, order.id])).toString('base64url');
}

export function decodeCursor(cursor: string): { receivedAt: number; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string') return { receivedAt: v[0] as number, id: v[1] };
  } catch {
    // fall through
  }
  return null;
}
