// The work-order lifecycle core: 受理 and the whole path from receipt to archive.
import { describe, expect, it } from 'vitest';
import { WorkOrderError } from './errors.js';
import { createWorkOrder, transition } from './lifecycle.js';
import { agent, caught, DEPT, dispatcher, handler, HOUR, MIN, newOrder, orderIn, ratings, supervisor, system, t, T0, validInput, walk } from './testing.js';
import { VALID } from './lifecycle-testing.js';

describe('createWorkOrder (受理)', () => {
  it('creates a received order with its code, deadline and a receive event', () => {
    const { order, event } = createWorkOrder({ id: 'wo-9', seq: 123, input: validInput(), actor: agent, now: T0 });
    expect(order).toMatchObject({
      id: 'wo-9',
      code: 'GD20261123-000123',
      version: 1,
      state: 'received',
      receivedAt: T0,
      receivedBy: agent.id,
      departmentId: null,
      dispatchDeadline: null,
      resolveDeadline: { startedAt: T0, dueAt: t('2026-12-03 00:00'), basis: 'working' },
      reworkCount: 0,
      specialSupervision: false,
      citizen: { phone: '13812345678', name: '张女士', confidential: false },
    });
    expect(event).toEqual({
      orderId: 'wo-9',
      orderCode: 'GD20261123-000123',
      version: 1,
      action: 'receive',
      from: null,
      to: 'received',
      actor: agent,
      at: T0,
      reason: null,
      details: { dueAt: t('2026-12-03 00:00') },
    });
  });

  it('gives urgent orders a 15-minute dispatch deadline', () => {
    const o = newOrder(T0, { urgency: 'urgent' });
    expect(o.dispatchDeadline).toEqual({ startedAt: T0, dueAt: T0 + 15 * MIN, basis: 'calendar' });
  });

  it('refuses invalid input with every field issue, the first one as message', () => {
    const err = caught(() => createWorkOrder({ id: 'x', seq: 1, input: validInput({ content: '短', summary: '' }), actor: agent, now: T0 }));
    expect(err).toBeInstanceOf(WorkOrderError);
    const e = err as WorkOrderError;
    expect(e.code).toBe('validation_failed');
    expect(e.apiCode).toBe('validation_failed');
    expect(e.field).toBe('content');
    expect(e.message).toBe('诉求内容不能少于5个字');
    expect(e.issues.map((i) => i.field)).toEqual(['content', 'summary']);
  });

  it('refuses a department handler as the receiver', () => {
    expect(caught(() => createWorkOrder({ id: 'x', seq: 1, input: validInput(), actor: handler, now: T0 }))).toMatchObject({
      code: 'forbidden_role',
      message: '承办部门无权受理工单',
    });
  });
});

describe('the full lifecycle', () => {
  it('goes 受理 → 派单 → 签收 → 办理 → 答复 → 回访 → 评价 → 办结 → 归档, one event per step', () => {
    const start = newOrder();
    const before = structuredClone(start);
    const { order, events } = walk(
      start,
      [
        [{ type: 'dispatch', departmentId: DEPT, comment: '请尽快处理' }, dispatcher],
        [{ type: 'sign' }, handler],
        [{ type: 'start' }, handler],
        [{ type: 'reply', content: '已恢复供水。' }, handler],
        [{ type: 'accept_reply' }, dispatcher],
        [{ type: 'rate', rating: ratings.SATISFIED, comment: '很快' }, agent],
        [{ type: 'close' }, agent],
        [{ type: 'archive' }, system],
      ],
      T0 + HOUR,
    );
    expect(start).toEqual(before); // never mutated
    expect(events.map((e) => [e.action, e.from, e.to, e.actor.id, e.version])).toEqual([
      ['dispatch', 'received', 'dispatched', dispatcher.id, 2],
      ['sign', 'dispatched', 'signed', handler.id, 3],
      ['start', 'signed', 'in_progress', handler.id, 4],
      ['reply', 'in_progress', 'replied', handler.id, 5],
      ['accept_reply', 'replied', 'callback_pending', dispatcher.id, 6],
      ['rate', 'callback_pending', 'rated', agent.id, 7],
      ['close', 'rated', 'closed', agent.id, 8],
      ['archive', 'closed', 'archived', 'system', 9],
    ]);
    expect(events[0]).toMatchObject({ at: T0 + HOUR, reason: '请尽快处理', details: { departmentId: DEPT, dueAt: t('2026-12-03 00:00') } });
    expect(events[3]?.details).toMatchObject({ content: '已恢复供水。', late: false });
    expect(events[5]?.details.rating).toMatchObject({ ...ratings.SATISFIED, comment: '很快', round: 0, by: agent.id });
    expect(order).toMatchObject({
      state: 'archived',
      version: 9,
      departmentId: DEPT,
      dispatchCount: 1,
      closedAt: T0 + HOUR + 6 * MIN,
      archivedAt: T0 + HOUR + 7 * MIN,
      stateSince: T0 + HOUR + 7 * MIN,
      updatedAt: T0 + HOUR + 7 * MIN,
    });
    expect(order.replies).toHaveLength(1);
  });

  it('closes on the spot (直办) straight from received, keeping the answer', () => {
    const { order, event } = transition(newOrder(), { type: 'answer_on_spot', answer: '  已告知办理流程。 ' }, agent, T0 + 5 * MIN);
    expect(order).toMatchObject({ state: 'closed', answer: '已告知办理流程。', closedAt: T0 + 5 * MIN, version: 2 });
    expect(event).toMatchObject({ action: 'answer_on_spot', from: 'received', to: 'closed', actor: agent });
    expect(caught(() => transition(newOrder(), { type: 'answer_on_spot', answer: ' ' }, agent, T0))).toMatchObject({
      code: 'content_required',
      field: 'answer',
    });
  });

  it('sends a rejected reply back to the department, with the reason', () => {
    const { order, event } = transition(orderIn('replied'), VALID.reject_reply, dispatcher, T0 + HOUR);
    expect(order.state).toBe('in_progress');
    expect(event.reason).toBe('答复未说明停水原因');
    expect(caught(() => transition(orderIn('replied'), { type: 'reject_reply', reason: '' }, dispatcher, T0 + HOUR))).toMatchObject({
      code: 'reason_required',
    });
  });

  it('closes without rating when the citizen cannot be reached, reason required', () => {
    const { order, event } = transition(orderIn('callback_pending'), VALID.close_unrated, supervisor, T0 + HOUR);
    expect(order).toMatchObject({ state: 'closed', closedAt: T0 + HOUR });
    expect(event.reason).toBe('三次回访均未接通');
    expect(caught(() => transition(orderIn('callback_pending'), { type: 'close_unrated', reason: '' }, supervisor, T0))).toMatchObject({
      code: 'reason_required',
    });
  });
});
