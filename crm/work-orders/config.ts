// The rules an operator may tune: time limits by class, reminder and escalation ladders, the return window
// and the working calendar. makeWorkOrderConfig() fills in the defaults and refuses nonsense.
import { WorkOrderError } from './errors.js';
import { TIME_LIMIT_CLASSES, type TimeLimitClass } from '../../contracts/work-order-schemas.js';
import { CHINA_2026_CALENDAR, type WorkingCalendar } from './working-calendar.js';
import type { DeadlineBasis } from '../../contracts/work-order-model.js';

/**
 * A span of time. Minutes and hours are calendar time (nights and holidays count). Working days count only
 * working days of the calendar, in steps of half a day (morning 00:00–12:00 / afternoon 12:00–24:00 local).
 */
export type Duration = { unit: 'minutes' | 'hours' | 'working_days'; amount: number };
export type { DeadlineBasis };

export const minutes = (amount: number): Duration => ({ unit: 'minutes', amount });
export const hours = (amount: number): Duration => ({ unit: 'hours', amount });
export const workingDays = (amount: number): Duration => ({ unit: 'working_days', amount });

export function basisOf(d: Duration): DeadlineBasis {
  return d.unit === 'working_days' ? 'working' : 'calendar';
}

export interface DeadlinePolicy {
  /** Time allowed, counted from the start of the deadline (receipt, return or rework). */
  limit: Duration;
  /** Escalation (督办) levels 1, 2, …: how far past the due time each level is reached; increasing. */
  escalateAfterOverdue: readonly Duration[];
}

export interface WorkOrderConfig {
  calendar: WorkingCalendar;
  /** Deadline for the department's reply (办理时限), by time-limit class. */
  resolve: Readonly<Record<TimeLimitClass, DeadlinePolicy>>;
  /** Deadline to dispatch an urgent order (urgency 'urgent' or class 'urgent_dispatch'). */
  urgentDispatch: DeadlinePolicy;
  /** Reminders (催办) levels 1, 2, …: at these fractions of the time used; 1 = at the due time. Increasing, in (0, 1]. */
  remindAtUsedFractions: readonly number[];
  /** A department may return (回退) an order until this long after the dispatch. */
  returnWindow: Duration;
}

export const DEFAULT_RESOLVE_LIMITS: Readonly<Record<TimeLimitClass, DeadlinePolicy>> = {
  // ASSUMPTION: the issue only fixes the 15-minute dispatch limit for this class; its reply limit is ours.
  urgent_dispatch: { limit: hours(24), escalateAfterOverdue: [hours(12), hours(24)] },
  life_property: { limit: hours(2), escalateAfterOverdue: [hours(1), hours(2)] },
  utility: { limit: hours(24), escalateAfterOverdue: [hours(12), hours(24)] },
  general: { limit: workingDays(7), escalateAfterOverdue: [workingDays(1), workingDays(3)] },
  complex: { limit: workingDays(15), escalateAfterOverdue: [workingDays(2), workingDays(5)] },
};

export function makeWorkOrderConfig(overrides: Partial<WorkOrderConfig> = {}): WorkOrderConfig {
  const config: WorkOrderConfig = {
    calendar: CHINA_2026_CALENDAR,
    resolve: DEFAULT_RESOLVE_LIMITS,
    urgentDispatch: { limit: minutes(15), escalateAfterOverdue: [minutes(15), minutes(30)] },
    remindAtUsedFractions: [0.8, 1],
    returnWindow: workingDays(2),
    ...overrides,
  };
  for (const cls of TIME_LIMIT_CLASSES) {
    const p = config.resolve[cls];
    if (p === undefined) throw new WorkOrderError('invalid_config', `缺少时限类别 ${cls} 的办理时限配置`);
    checkPolicy(p, `时限类别 ${cls}`);
  }
  checkPolicy(config.urgentDispatch, '紧急派单');
  checkDuration(config.returnWindow, '回退期限');
  if (!increasing(config.remindAtUsedFractions) || config.remindAtUsedFractions.some((f) => !(f > 0 && f <= 1))) {
    throw new WorkOrderError('invalid_config', '催办比例须在0到1之间（含1）并严格递增');
  }
  return config;
}

function checkPolicy(p: DeadlinePolicy, what: string): void {
  checkDuration(p.limit, `${what}的时限`);
  p.escalateAfterOverdue.forEach((d) => checkDuration(d, `${what}的督办间隔`));
  // levels must be comparable: only compare margins of the same unit
  const units = new Set(p.escalateAfterOverdue.map((d) => d.unit));
  if (units.size > 1 || !increasing(p.escalateAfterOverdue.map((d) => d.amount))) {
    throw new WorkOrderError('invalid_config', `${what}的督办间隔须使用同一单位并严格递增`);
  }
}

function checkDuration(d: Duration, what: string): void {
  if (!(d.amount > 0) || !Number.isFinite(d.amount)) throw new WorkOrderError('invalid_config', `${what}须为正数`);
  if (d.unit === 'working_days' && !Number.isInteger(d.amount * 2)) {
    throw new WorkOrderError('invalid_config', `${what}的工作日数须为0.5的整数倍`);
  }
}

function increasing(xs: readonly number[]): boolean {
  return xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));
}

export const DEFAULT_WORK_ORDER_CONFIG: WorkOrderConfig = makeWorkOrderConfig();
