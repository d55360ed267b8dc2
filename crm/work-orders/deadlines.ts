// Time limits: due-time computation, the halved rework limit, and the reminder (催办) / escalation (督办)
// ladder. Pure: `now` is passed in, nothing is scheduled here; an adapter polls checkDeadlines() and stores
// what recordDeadlineActions() returns.
//
// Counting rules
// - Minutes/hours are calendar time from the start instant.
// - Working days: the start day never counts; the limit ends at the end of the Nth working day after it
//   (local UTC+8 midnight, exclusive). Half days are mornings (00:00–12:00) / afternoons (12:00–24:00):
//   3.5 working days after a Monday receipt end at Friday 12:00.
// - A rework (重办) gets half the class's original limit (extensions are not part of it), counted from the
//   rework: hours are halved exactly (2 h → 1 h); working days are halved in half-day steps, rounded up
//   (7 → 3.5, 15 → 7.5, 0.5 → 0.5).
import { basisOf, type DeadlinePolicy, type Duration, type WorkOrderConfig } from './config.js';
import { WorkOrderError } from './errors.js';
import {
  SYSTEM_ACTOR,
  type Deadline,
  type DeadlineActionKind,
  type DeadlineActionRecord,
  type DeadlineName,
  type WorkOrder,
  type WorkOrderEvent,
} from '../../contracts/work-order-model.js';
import type { TimeLimitClass, Urgency } from '../../contracts/work-order-schemas.js';
import type { WorkOrderState } from '../../contracts/work-order-states.js';
import { addWorkingDays, addWorkingTime, DAY_MS, endOfLocalDay, workingTimeBetween, type WorkingCalendar } from './working-calendar.js';

const MINUTE_MS = 60_000;

function calendarMs(d: Duration): number {
  return d.unit === 'hours' ? d.amount * 60 * MINUTE_MS : d.amount * MINUTE_MS;
}

/** The instant a limit `d` that starts at `start` runs out. */
export function addDuration(calendar: WorkingCalendar, start: number, d: Duration): number {
  return d.unit === 'working_days' ? addWorkingDays(calendar, start, d.amount) : start + calendarMs(d);
}

/** A margin after a due time: calendar time, or working time counted from the due instant itself. */
export function addOverdueMargin(calendar: WorkingCalendar, dueAt: number, d: Duration): number {
  return d.unit === 'working_days' ? addWorkingTime(calendar, dueAt, d.amount * DAY_MS) : dueAt + calendarMs(d);
}

/** Half of a limit, for a rework. Working days are rounded up to whole half days. */
export function halveDuration(d: Duration): Duration {
  if (d.unit === 'working_days') return { unit: d.unit, amount: Math.ceil(d.amount) / 2 };
  return { unit: d.unit, amount: d.amount / 2 };
}

/** Chinese wording of a duration, for messages: "2个工作日", "15分钟", "24小时". */
export function durationLabelZh(d: Duration): string {
  return `${d.amount}${d.unit === 'working_days' ? '个工作日' : d.unit === 'hours' ? '小时' : '分钟'}`;
}

export function needsUrgentDispatch(order: { urgency: Urgency; timeLimitClass: TimeLimitClass }): boolean {
  return order.urgency === 'urgent' || order.timeLimitClass === 'urgent_dispatch';
}

export function dispatchDeadlineFrom(start: number, config: WorkOrderConfig): Deadline {
  const { limit } = config.urgentDispatch;
  return { startedAt: start, dueAt: addDuration(config.calendar, start, limit), basis: basisOf(limit) };
}

/** The reply deadline of a `cls` order starting at `start`; halved when it is a rework. */
export function resolveDeadlineFrom(start: number, cls: TimeLimitClass, config: WorkOrderConfig, opts: { rework?: boolean } = {}): Deadline {
  const full = config.resolve[cls].limit;
  const limit = opts.rework === true ? halveDuration(full) : full;
  return { startedAt: start, dueAt: addDuration(config.calendar, start, limit), basis: basisOf(limit) };
}

/**
 * The instant `fraction` of the deadline's time is used. Working deadlines measure working time from the
 * end of their start day (the start day never counts), so extensions and reworks scale the same way.
 */
export function usedFractionInstant(calendar: WorkingCalendar, deadline: Deadline, fraction: number): number {
  if (fraction >= 1) return deadline.dueAt;
  if (deadline.basis === 'calendar') return deadline.startedAt + Math.round(fraction * (deadline.dueAt - deadline.startedAt));
  const countFrom = endOfLocalDay(deadline.startedAt);
  const total = workingTimeBetween(calendar, countFrom, deadline.dueAt);
  return addWorkingTime(calendar, countFrom, Math.round(fraction * total));
}

/** States in which the reply clock runs: until the department replies. */
export const RESOLVE_CLOCK_STATES: readonly WorkOrderState[] = ['received', 'returned', 'dispatched', 'signed', 'in_progress'];
/** States in which the dispatch clock of an urgent order runs. */
export const DISPATCH_CLOCK_STATES: readonly WorkOrderState[] = ['received', 'returned'];

/** True when the reply is due and has not been given (`now` at or after the due time). */
export function isOverdue(order: WorkOrder, now: number): boolean {
  return RESOLVE_CLOCK_STATES.includes(order.state) && now >= order.resolveDeadline.dueAt;
}

export type DeadlineTarget = { kind: 'dispatch_desk' } | { kind: 'department'; departmentId: string };

export interface DeadlineAction {
  deadline: DeadlineName;
  kind: DeadlineActionKind;
  /** Reminder levels follow remindAtUsedFractions; escalation levels follow escalateAfterOverdue. */
  level: number;
  /** The due time this action is about (part of the idempotency key). */
  dueAt: number;
  /** When the action became due. */
  thresholdAt: number;
  /** Who should be told: the dispatch desk, or the department holding the order. */
  target: DeadlineTarget;
}

function sameKey(a: { deadline: DeadlineName; kind: DeadlineActionKind; level: number; dueAt: number }, b: typeof a): boolean {
  return a.deadline === b.deadline && a.kind === b.kind && a.level === b.level && a.dueAt === b.dueAt;
}

function ladder(calendar: WorkingCalendar, name: DeadlineName, d: Deadline, policy: DeadlinePolicy, fractions: readonly number[]) {
  const steps: Omit<DeadlineAction, 'target'>[] = [];
  fractions.forEach((f, i) => {
    steps.push({ deadline: name, kind: 'remind', level: i + 1, dueAt: d.dueAt, thresholdAt: usedFractionInstant(calendar, d, f) });
  });
  policy.escalateAfterOverdue.forEach((m, i) => {
    steps.push({ deadline: name, kind: 'escalate', level: i + 1, dueAt: d.dueAt, thresholdAt: addOverdueMargin(calendar, d.dueAt, m) });
  });
  return steps;
}

/**
 * The reminders and escalations due at `now` and not yet taken for the current due time, oldest threshold
 * first. Calling it again after recordDeadlineActions() returns nothing new until the next threshold (or a
 * new due time: an approved extension or a rework restarts the ladder).
 */
export function checkDeadlines(order: WorkOrder, now: number, config: WorkOrderConfig): DeadlineAction[] {
  const atDesk = order.state === 'received' || order.state === 'returned' || order.departmentId === null;
  const target: DeadlineTarget = atDesk ? { kind: 'dispatch_desk' } : { kind: 'department', departmentId: order.departmentId as string };
  const steps: Omit<DeadlineAction, 'target'>[] = [];
  if (order.dispatchDeadline !== null && DISPATCH_CLOCK_STATES.includes(order.state)) {
    steps.push(...ladder(config.calendar, 'dispatch', order.dispatchDeadline, config.urgentDispatch, config.remindAtUsedFractions));
  }
  if (RESOLVE_CLOCK_STATES.includes(order.state)) {
    const policy = config.resolve[order.timeLimitClass];
    steps.push(...ladder(config.calendar, 'resolve', order.resolveDeadline, policy, config.remindAtUsedFractions));
  }
  return steps
    .filter((s) => s.thresholdAt <= now && !order.deadlineActions.some((r) => sameKey(r, s)))
    .sort((a, b) => a.thresholdAt - b.thresholdAt)
    .map((s) => ({ ...s, target }));
}

/**
 * Records reminders/escalations (normally checkDeadlines' result) as taken, one `remind`/`escalate` event
 * each, by the system actor; the state does not change. Actions already recorded are skipped; when nothing
 * is new, the order comes back unchanged (same version) with no events.
 */
export function recordDeadlineActions(order: WorkOrder, actions: readonly DeadlineAction[], now: number): { order: WorkOrder; events: WorkOrderEvent[] } {
  const fresh: DeadlineAction[] = [];
  for (const a of actions) {
    if (a.thresholdAt > now) throw new WorkOrderError('illegal_transition', '催办/督办尚未到期，不能提前记录');
    if (!order.deadlineActions.some((r) => sameKey(r, a)) && !fresh.some((f) => sameKey(f, a))) fresh.push(a);
  }
  if (fresh.length === 0) return { order, events: [] };
  let version = order.version;
  const records: DeadlineActionRecord[] = [];
  const events: WorkOrderEvent[] = fresh.map((a) => {
    version += 1;
    records.push({ deadline: a.deadline, kind: a.kind, level: a.level, dueAt: a.dueAt, at: now });
    return {
      orderId: order.id,
      orderCode: order.code,
      version,
      action: a.kind,
      from: order.state,
      to: order.state,
      actor: SYSTEM_ACTOR,
      at: now,
      reason: null,
      details: {
        deadline: a.deadline,
        level: a.level,
        dueAt: a.dueAt,
        ...(a.target.kind === 'department' ? { departmentId: a.target.departmentId } : {}),
      },
    };
  });
  return { order: { ...order, version, updatedAt: now, deadlineActions: [...order.deadlineActions, ...records] }, events };
}

/** Highest escalation level reached for the current reply due time (0 = none). */
export function escalationLevel(order: WorkOrder): number {
  return order.deadlineActions
    .filter((r) => r.deadline === 'resolve' && r.kind === 'escalate' && r.dueAt === order.resolveDeadline.dueAt)
    .reduce((max, r) => Math.max(max, r.level), 0);
}
