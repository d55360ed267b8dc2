// The work-order lifecycle core: 评价, 重办 and 专项督办.
import { describe, expect, it } from 'vitest';
import { transition } from './lifecycle.js';
import type { WorkOrder } from '../../contracts/work-order-model.js';
import { agent, caught, DEPT, dispatcher, handler, HOUR, orderIn, ratings, supervisor, t, T0, walk, type Step } from './testing.js';
import { VALID } from './lifecycle-testing.js';

describe('评价 rating, 重办 rework and 专项督办 special supervision', () => {
  const rate = (o: WorkOrder, rating: (typeof ratings)[keyof typeof ratings], now: number) => transition(o, { type: 'rate', rating }, agent, now);

  it('validates the four 1–5 scores and the overall verdict, naming the dimension', () => {
    const o = orderIn('callback_pending');
    const bad = (r: unknown) => caught(() => transition(o, { type: 'rate', rating: r as never }, agent, T0 + HOUR));
    expect(bad({ ...ratings.SATISFIED, speed: 0 })).toMatchObject({ code: 'invalid_rating', field: 'rating.speed', message: '办理速度评分须为1至5的整数' });
    expect(bad({ ...ratings.SATISFIED, result: 6 })).toMatchObject({ field: 'rating.result', message: '办理结果评分须为1至5的整数' });
    expect(bad({ ...ratings.SATISFIED, attitude: 3.5 })).toMatchObject({ field: 'rating.attitude', message: '服务态度评分须为1至5的整数' });
    expect(bad({ ...ratings.SATISFIED, replyQuality: '5' })).toMatchObject({ field: 'rating.replyQuality', message: '答复质量评分须为1至5的整数' });
    expect(bad({ ...ratings.SATISFIED, satisfied: undefined })).toMatchObject({ field: 'rating.satisfied', message: '总体评价须选择满意或不满意' });
  });

  it('refuses rework of a satisfied order', () => {
    const satisfied = rate(orderIn('callback_pending'), ratings.SATISFIED, T0 + HOUR).order;
    expect(caught(() => transition(satisfied, VALID.rework, dispatcher, T0 + 2 * HOUR))).toMatchObject({
      code: 'rework_requires_dissatisfied',
      message: '仅市民评价为不满意的工单可以重办',
    });
  });

  it('a dissatisfied order is closed only by a supervisor with a reason (认定办结)', () => {
    const o = orderIn('rated');
    expect(caught(() => transition(o, { type: 'close' }, dispatcher, T0 + HOUR))).toMatchObject({ code: 'close_dissatisfied_requires_supervisor' });
    expect(caught(() => transition(o, { type: 'close' }, supervisor, T0 + HOUR))).toMatchObject({ code: 'reason_required', field: 'reason' });
    expect(transition(o, VALID.close, supervisor, T0 + HOUR).event.reason).toBe('诉求超出政策范围，认定办结');
  });

  it('rework goes back to the same department with half the original limit: 7 → 3.5 working days', () => {
    const reworkAt = t('2026-11-30 10:00'); // Monday
    const { order, event } = transition(orderIn('rated'), { type: 'rework', comment: '市民反映仍未供水' }, dispatcher, reworkAt);
    expect(order).toMatchObject({ state: 'in_progress', departmentId: DEPT, reworkCount: 1 });
    // Tue (1) Wed (2) Thu (3), Friday morning (0.5) → Friday 12:00
    expect(order.resolveDeadline).toEqual({ startedAt: reworkAt, dueAt: t('2026-12-04 12:00'), basis: 'working' });
    expect(event).toMatchObject({
      action: 'rework',
      from: 'rated',
      to: 'in_progress',
      reason: '市民反映仍未供水',
      details: { reworkCount: 1, dueAt: t('2026-12-04 12:00') },
    });
    // the department carries on without signing again
    expect(transition(order, VALID.reply, handler, reworkAt + HOUR).order.state).toBe('replied');
  });

  it.each([
    ['complex', t('2026-11-23 10:00'), t('2026-12-03 12:00')], // 15 → 7.5 working days
    ['utility', t('2026-11-23 10:00'), t('2026-11-23 22:00')], // 24 h → 12 h
    ['life_property', t('2026-11-23 10:00'), t('2026-11-23 11:00')], // 2 h → 1 h
  ] as const)('halves the %s limit', (cls, reworkAt, dueAt) => {
    const rated = orderIn('rated', T0 - 3 * HOUR, { timeLimitClass: cls });
    expect(transition(rated, VALID.rework, dispatcher, reworkAt).order.resolveDeadline.dueAt).toBe(dueAt);
  });

  it('halves the original class limit, not an extended one, and is counted from the rework', () => {
    const S = t('2026-09-21 09:00'); // Monday; 7 working days skip Mid-Autumn and National Day → due end of 10-08
    let o = orderIn('signed', S);
    expect(o.resolveDeadline.dueAt).toBe(t('2026-10-09 00:00'));
    o = transition(o, { type: 'request_extension', reason: '复杂', requestedDueDate: '2026-10-20' }, handler, S + HOUR).order;
    o = transition(o, { type: 'approve_extension' }, dispatcher, S + HOUR).order;
    expect(o.resolveDeadline.dueAt).toBe(t('2026-10-21 00:00'));
    const steps: Step[] = [
      [VALID.start, handler],
      [VALID.reply, handler],
      [VALID.accept_reply, dispatcher],
      [{ type: 'rate', rating: ratings.DISSATISFIED }, agent],
    ];
    o = walk(o, steps, S + 2 * HOUR).order;
    // rework Tue 09-29: Wed 09-30 (1) | National Day | Thu 10-08 (2) Fri 10-09 (3), make-up Sat 10-10 morning (0.5)
    const reworked = transition(o, VALID.rework, dispatcher, t('2026-09-29 10:00')).order;
    expect(reworked.resolveDeadline.dueAt).toBe(t('2026-10-10 12:00'));
  });

  it('dissatisfied twice → special supervision flag, and the order is still processed', () => {
    let o = orderIn('rated'); // first verdict: dissatisfied
    expect(o.specialSupervision).toBe(false);
    o = transition(o, VALID.rework, dispatcher, T0 + HOUR).order;
    o = walk(
      o,
      [
        [VALID.reply, handler],
        [VALID.accept_reply, dispatcher],
      ],
      T0 + 2 * HOUR,
    ).order;
    const second = rate(o, ratings.DISSATISFIED, T0 + 3 * HOUR);
    expect(second.order.specialSupervision).toBe(true);
    expect(second.event.details).toMatchObject({ specialSupervision: true, rating: { round: 1, satisfied: false } });
    // still processed: a further rework is possible, and the flag stays
    const third = transition(second.order, VALID.rework, supervisor, T0 + 4 * HOUR).order;
    expect(third).toMatchObject({ state: 'in_progress', reworkCount: 2, specialSupervision: true });
    const satisfiedLater = rate(
      walk(
        third,
        [
          [VALID.reply, handler],
          [VALID.accept_reply, dispatcher],
        ],
        T0 + 5 * HOUR,
      ).order,
      ratings.SATISFIED,
      T0 + 6 * HOUR,
    );
    expect(satisfiedLater.order.specialSupervision).toBe(true);
    expect(satisfiedLater.order.ratings.map((r) => [r.round, r.satisfied])).toEqual([
      [0, false],
      [1, false],
      [2, true],
    ]);
  });

  it('satisfied after a rework raises no flag', () => {
    let o = transition(orderIn('rated'), VALID.rework, dispatcher, T0 + HOUR).order;
    o = walk(
      o,
      [
        [VALID.reply, handler],
        [VALID.accept_reply, dispatcher],
        [{ type: 'rate', rating: ratings.SATISFIED }, agent],
      ],
      T0 + 2 * HOUR,
    ).order;
    expect(o.specialSupervision).toBe(false);
    expect(transition(o, { type: 'close' }, agent, T0 + 3 * HOUR).order.state).toBe('closed');
  });
});
