import { describe, expect, it } from 'vitest';
import { DEFAULT_WORK_ORDER_CONFIG, hours, makeWorkOrderConfig, minutes, workingDays } from './config.js';
import {
  addDuration,
  checkDeadlines,
  durationLabelZh,
  escalationLevel,
  halveDuration,
  isOverdue,
  recordDeadlineActions,
  usedFractionInstant,
} from './deadlines.js';
import { transition } from './lifecycle.js';
import { SYSTEM_ACTOR, type WorkOrder } from '../../contracts/work-order-model.js';
import { CHINA_2026_CALENDAR as CAL } from './working-calendar.js';
import { caught, DEPT, dispatcher, handler, HOUR, MIN, newOrder, orderIn, t, T0 } from './testing.js';

const C = DEFAULT_WORK_ORDER_CONFIG;
const kinds = (o: WorkOrder, now: number) => checkDeadlines(o, now, C).map((a) => `${a.deadline}:${a.kind}${a.level}`);
const record = (o: WorkOrder, now: number) => recordDeadlineActions(o, checkDeadlines(o, now, C), now).order;

describe('due times by time-limit class', () => {
  it.each([
    ['life_property', T0 + 2 * HOUR, 'calendar'],
    ['utility', T0 + 24 * HOUR, 'calendar'],
    ['urgent_dispatch', T0 + 24 * HOUR, 'calendar'],
    ['general', t('2026-12-03 00:00'), 'working'], // Tue … Wed next week
    ['complex', t('2026-12-15 00:00'), 'working'], // 15 working days: end of Monday 12-14
  ] as const)('%s received Monday 10:00 is due %s', (cls, dueAt, basis) => {
    const urgency = cls === 'urgent_dispatch' ? 'urgent' : 'normal';
    expect(newOrder(T0, { timeLimitClass: cls, urgency }).resolveDeadline).toEqual({ startedAt: T0, dueAt, basis });
  });

  it('counts hour limits in calendar time, through holidays', () => {
    const o = newOrder(t('2026-09-30 20:00'), { timeLimitClass: 'utility' });
    expect(o.resolveDeadline.dueAt).toBe(t('2026-10-01 20:00'));
  });

  it('counts day limits in working days, skipping a holiday and counting make-up days', () => {
    expect(newOrder(t('2026-09-29 15:00')).resolveDeadline.dueAt).toBe(t('2026-10-15 00:00'));
    // Fri 02-13: Sat 02-14 make-up (1) | Spring Festival | 02-24 … 02-27 (2–5), Sat 02-28 make-up (6), Mon 03-02 (7)
    expect(newOrder(t('2026-02-13 09:00'), { timeLimitClass: 'general' }).resolveDeadline.dueAt).toBe(t('2026-03-03 00:00'));
  });

  it('takes limits from the configuration', () => {
    const config = makeWorkOrderConfig({ resolve: { ...C.resolve, general: { limit: workingDays(5), escalateAfterOverdue: [] } } });
    expect(newOrder(T0, {}, config).resolveDeadline.dueAt).toBe(t('2026-12-01 00:00'));
  });

  it('halves limits for a rework: exact for hours, in half days rounded up for working days', () => {
    expect(halveDuration(hours(2))).toEqual(hours(1));
    expect(halveDuration(minutes(15))).toEqual(minutes(7.5));
    expect(halveDuration(workingDays(7))).toEqual(workingDays(3.5));
    expect(halveDuration(workingDays(15))).toEqual(workingDays(7.5));
    expect(halveDuration(workingDays(3.5))).toEqual(workingDays(2));
    expect(halveDuration(workingDays(0.5))).toEqual(workingDays(0.5));
    expect(addDuration(CAL, T0, halveDuration(workingDays(7)))).toBe(t('2026-11-27 12:00'));
  });

  it('words durations in Chinese', () => {
    expect([workingDays(2), hours(24), minutes(15)].map(durationLabelZh)).toEqual(['2个工作日', '24小时', '15分钟']);
  });

  it('measures the used fraction in working time for day limits', () => {
    const d = newOrder().resolveDeadline;
    expect(usedFractionInstant(CAL, d, 0.8)).toBe(t('2026-12-01 14:24')); // 5.6 of 7 working days
    expect(usedFractionInstant(CAL, d, 0.5)).toBe(t('2026-11-27 12:00')); // 3.5 of 7
    expect(usedFractionInstant(CAL, d, 1)).toBe(d.dueAt);
  });
});

describe('checkDeadlines: 催办 reminders and 督办 escalation', () => {
  it('reminds at 80% and at the due time, escalates 1 and 3 working days after, each once', () => {
    let o = orderIn('signed');
    expect(kinds(o, t('2026-12-01 14:23'))).toEqual([]);
    expect(kinds(o, t('2026-12-01 14:24'))).toEqual(['resolve:remind1']);
    o = record(o, t('2026-12-01 14:24'));
    expect(kinds(o, t('2026-12-02 23:59'))).toEqual([]); // idempotent
    expect(kinds(o, t('2026-12-03 00:00'))).toEqual(['resolve:remind2']);
    o = record(o, t('2026-12-03 00:00'));
    expect(kinds(o, t('2026-12-03 23:59'))).toEqual([]);
    expect(kinds(o, t('2026-12-04 00:00'))).toEqual(['resolve:escalate1']); // Thu 12-03 was the 1st overdue working day
    o = record(o, t('2026-12-04 00:00'));
    expect(escalationLevel(o)).toBe(1);
    expect(kinds(o, t('2026-12-07 23:59'))).toEqual([]); // the weekend does not count
    expect(kinds(o, t('2026-12-08 00:00'))).toEqual(['resolve:escalate2']);
    o = record(o, t('2026-12-08 00:00'));
    expect(escalationLevel(o)).toBe(2);
    expect(kinds(o, t('2027-06-01 00:00'))).toEqual([]);
  });

  it('returns every missed step at once, oldest first, when checked late', () => {
    const actions = checkDeadlines(orderIn('in_progress'), t('2026-12-09 00:00'), C);
    expect(actions.map((a) => [a.kind, a.level, a.thresholdAt])).toEqual([
      ['remind', 1, t('2026-12-01 14:24')],
      ['remind', 2, t('2026-12-03 00:00')],
      ['escalate', 1, t('2026-12-04 00:00')],
      ['escalate', 2, t('2026-12-08 00:00')],
    ]);
    expect(actions.every((a) => a.dueAt === t('2026-12-03 00:00'))).toBe(true);
  });

  it('targets the department holding the order, or the dispatch desk', () => {
    const late = t('2026-12-03 00:00');
    expect(checkDeadlines(orderIn('dispatched'), late, C)[0]?.target).toEqual({ kind: 'department', departmentId: DEPT });
    expect(checkDeadlines(orderIn('received'), late, C)[0]?.target).toEqual({ kind: 'dispatch_desk' });
    expect(checkDeadlines(orderIn('returned'), late, C)[0]?.target).toEqual({ kind: 'dispatch_desk' });
  });

  it('stops once the department has replied, and for closed orders', () => {
    for (const state of ['replied', 'callback_pending', 'rated', 'closed', 'archived'] as const) {
      const o = orderIn(state);
      expect(kinds(o, t('2027-01-01 00:00'))).toEqual([]);
      expect(isOverdue(o, t('2027-01-01 00:00'))).toBe(false);
    }
    expect(isOverdue(orderIn('in_progress'), t('2026-12-02 23:59'))).toBe(false);
    expect(isOverdue(orderIn('in_progress'), t('2026-12-03 00:00'))).toBe(true);
  });

  it('watches the 15-minute dispatch limit of urgent orders until dispatched', () => {
    let o = newOrder(T0, { urgency: 'urgent', timeLimitClass: 'life_property' });
    expect(kinds(o, T0 + 11 * MIN)).toEqual([]);
    expect(kinds(o, T0 + 12 * MIN)).toEqual(['dispatch:remind1']);
    expect(kinds(o, T0 + 15 * MIN)).toEqual(['dispatch:remind1', 'dispatch:remind2']);
    o = record(o, T0 + 15 * MIN);
    expect(kinds(o, T0 + 30 * MIN)).toEqual(['dispatch:escalate1']);
    o = record(o, T0 + 30 * MIN);
    const { order: dispatched, event } = transition(o, { type: 'dispatch', departmentId: DEPT }, dispatcher, T0 + 40 * MIN);
    expect(event.details.late).toBe(true);
    // the dispatch ladder stops; the 2-hour reply limit goes on: 80% = 96 min, due 2 h, escalations at +1 h, +2 h
    expect(kinds(dispatched, T0 + 50 * MIN)).toEqual([]);
    expect(kinds(dispatched, T0 + 96 * MIN)).toEqual(['resolve:remind1']);
    expect(kinds(dispatched, T0 + 3 * HOUR)).toEqual(['resolve:remind1', 'resolve:remind2', 'resolve:escalate1']);
    expect(kinds(dispatched, T0 + 4 * HOUR)).toContain('resolve:escalate2');
  });

  it('restarts the ladder when an extension moves the due time', () => {
    let o = orderIn('signed');
    o = record(o, t('2026-12-01 14:24'));
    o = transition(o, { type: 'request_extension', reason: '需协调', requestedDueDate: '2026-12-10' }, handler, t('2026-12-01 15:00')).order;
    o = transition(o, { type: 'approve_extension' }, dispatcher, t('2026-12-01 16:00')).order;
    expect(kinds(o, t('2026-12-03 00:00'))).toEqual([]); // the old due time no longer applies
    // 80% of 13 working days (11-24 … 12-10) = 10.4 days → 12-08 09:36
    expect(kinds(o, t('2026-12-08 09:35'))).toEqual([]);
    expect(kinds(o, t('2026-12-08 09:36'))).toEqual(['resolve:remind1']);
    expect(kinds(o, t('2026-12-11 00:00'))).toEqual(['resolve:remind1', 'resolve:remind2']);
  });

  it('restarts the ladder for a rework, with the halved limit', () => {
    const rated = orderIn('rated', T0, { timeLimitClass: 'life_property' });
    let o = record(rated, T0); // nothing: the rated order is not on the clock
    expect(o).toBe(rated);
    o = transition(o, { type: 'rework' }, dispatcher, T0 + 5 * HOUR).order; // 1 hour: 80% = 48 min
    expect(kinds(o, T0 + 5 * HOUR + 47 * MIN)).toEqual([]);
    expect(kinds(o, T0 + 5 * HOUR + 48 * MIN)).toEqual(['resolve:remind1']);
  });
});

describe('recordDeadlineActions', () => {
  it('records one system event per action, versions in sequence, state unchanged', () => {
    const o = orderIn('signed');
    const now = t('2026-12-04 00:00');
    const { order, events } = recordDeadlineActions(o, checkDeadlines(o, now, C), now);
    expect(events.map((e) => [e.action, e.details.level, e.version])).toEqual([
      ['remind', 1, o.version + 1],
      ['remind', 2, o.version + 2],
      ['escalate', 1, o.version + 3],
    ]);
    expect(events[0]).toMatchObject({
      from: 'signed',
      to: 'signed',
      actor: SYSTEM_ACTOR,
      at: now,
      reason: null,
      details: { deadline: 'resolve', departmentId: DEPT, dueAt: t('2026-12-03 00:00') },
    });
    expect(order).toMatchObject({ state: 'signed', version: o.version + 3, updatedAt: now });
    expect(order.deadlineActions).toHaveLength(3);
  });

  it('skips what is already recorded and repeated entries; nothing new → same order, no events', () => {
    const o = orderIn('signed');
    const now = t('2026-12-03 00:00');
    const actions = checkDeadlines(o, now, C);
    const once = recordDeadlineActions(o, [...actions, ...actions], now);
    expect(once.events).toHaveLength(2);
    const twice = recordDeadlineActions(once.order, actions, now);
    expect(twice.events).toEqual([]);
    expect(twice.order).toBe(once.order);
  });

  it('refuses to record an action before it is due', () => {
    const o = orderIn('signed');
    const [first] = checkDeadlines(o, t('2026-12-03 00:00'), C);
    expect(caught(() => recordDeadlineActions(o, [first!], t('2026-11-24 00:00')))).toMatchObject({ code: 'illegal_transition' });
  });
});

describe('configuration', () => {
  it('has the documented defaults', () => {
    expect(C.urgentDispatch.limit).toEqual(minutes(15));
    expect(C.resolve.life_property.limit).toEqual(hours(2));
    expect(C.resolve.utility.limit).toEqual(hours(24));
    expect(C.resolve.general.limit).toEqual(workingDays(7));
    expect(C.resolve.complex.limit).toEqual(workingDays(15));
    expect(C.returnWindow).toEqual(workingDays(2));
    expect(C.remindAtUsedFractions).toEqual([0.8, 1]);
  });

  it.each([
    ['a zero limit', { urgentDispatch: { limit: minutes(0), escalateAfterOverdue: [] } }],
    ['a non-half working day', { returnWindow: workingDays(1.3) }],
    ['fractions out of order', { remindAtUsedFractions: [1, 0.8] }],
    ['a fraction above 1', { remindAtUsedFractions: [0.8, 1.2] }],
    ['escalations out of order', { urgentDispatch: { limit: minutes(15), escalateAfterOverdue: [minutes(30), minutes(15)] } }],
    ['escalations in mixed units', { urgentDispatch: { limit: minutes(15), escalateAfterOverdue: [minutes(30), hours(1)] } }],
    ['a missing class', { resolve: { general: C.resolve.general } as never }],
  ])('refuses %s', (_what, overrides) => {
    expect(caught(() => makeWorkOrderConfig(overrides))).toMatchObject({ code: 'invalid_config', apiCode: 'internal' });
  });
});
