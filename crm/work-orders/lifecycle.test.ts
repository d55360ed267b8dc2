import { describe, expect, it } from 'vitest';
import { WorkOrderError } from './errors.js';
import { createWorkOrder, transition, type WorkOrderCommand } from './lifecycle.js';
import { pendingExtension, type Actor, type WorkOrder } from '../../contracts/work-order-model.js';
import { ACTION_LABELS_ZH, MOVES, STATE_LABELS_ZH, WORK_ORDER_ACTIONS, WORK_ORDER_STATES, type ActorRole, type WorkOrderAction } from '../../contracts/work-order-states.js';
import {
  admin,
  agent,
  caught,
  DEPT,
  dispatcher,
  handler,
  HOUR,
  MIN,
  newOrder,
  orderIn,
  OTHER_DEPT,
  otherHandler,
  ratings,
  supervisor,
  system,
  t,
  T0,
  validInput,
  walk,
  type Step,
} from './testing.js';

/** A command that satisfies each action's own rules in the fixture states. */
const VALID: Record<WorkOrderAction, WorkOrderCommand> = {
  answer_on_spot: { type: 'answer_on_spot', answer: '已告知市民停水原因及恢复时间。' },
  dispatch: { type: 'dispatch', departmentId: OTHER_DEPT },
  sign: { type: 'sign' },
  return: { type: 'return', reason: '不属于本部门职责' },
  start: { type: 'start' },
  request_extension: { type: 'request_extension', reason: '需协调多个部门', requestedDueDate: '2026-12-31' },
  approve_extension: { type: 'approve_extension' },
  reject_extension: { type: 'reject_extension', reason: '理由不充分' },
  reply: { type: 'reply', content: '已恢复供水。' },
  accept_reply: { type: 'accept_reply' },
  reject_reply: { type: 'reject_reply', reason: '答复未说明停水原因' },
  rate: { type: 'rate', rating: ratings.SATISFIED },
  close_unrated: { type: 'close_unrated', reason: '三次回访均未接通' },
  rework: { type: 'rework' },
  close: { type: 'close', reason: '诉求超出政策范围，认定办结' }, // fixture `rated` is dissatisfied
  archive: { type: 'archive' },
};

const ACTOR_BY_ROLE: Record<ActorRole, Actor> = { agent, dispatcher, supervisor, handler, admin, system };

/** An actor the table allows; supervisor where several are allowed (it may also close dissatisfied orders). */
function allowedActor(action: WorkOrderAction): Actor {
  const roles = MOVES[action].roles;
  return roles.includes('supervisor') ? supervisor : ACTOR_BY_ROLE[roles[0] as ActorRole];
}

/** Puts the order in a condition where `action` is possible by its own rules (pending extension …). */
function prepared(order: WorkOrder, action: WorkOrderAction): WorkOrder {
  if (action === 'approve_extension' || action === 'reject_extension') {
    return transition(order, VALID.request_extension, handler, T0 + HOUR).order;
  }
  return order;
}

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

describe('legal moves: every state × action', () => {
  const pairs = WORK_ORDER_STATES.flatMap((s) => WORK_ORDER_ACTIONS.map((a) => [s, a] as const));

  it('covers 10 states × 16 actions', () => {
    expect(pairs).toHaveLength(160);
  });

  it.each(pairs.filter(([s, a]) => MOVES[a].from.includes(s)))('%s --%s--> allowed', (state, action) => {
    const order = prepared(orderIn(state), action);
    const { order: next, event } = transition(order, VALID[action], allowedActor(action), T0 + 2 * HOUR);
    const to = MOVES[action].to ?? state;
    expect(next.state).toBe(to);
    expect(event).toMatchObject({ action, from: state, to, version: order.version + 1, at: T0 + 2 * HOUR });
  });

  it.each(pairs.filter(([s, a]) => !MOVES[a].from.includes(s)))('%s --%s--> refused', (state, action) => {
    const order = orderIn(state);
    const err = caught(() => transition(order, VALID[action], allowedActor(action), T0 + 2 * HOUR));
    expect(err).toBeInstanceOf(WorkOrderError);
    expect(err).toMatchObject({ code: 'illegal_transition' });
    expect(err.message).toBe(`工单当前状态为「${STATE_LABELS_ZH[state]}」，不能执行「${ACTION_LABELS_ZH[action]}」`);
  });
});

describe('roles and departments', () => {
  const ROLES: ActorRole[] = ['agent', 'dispatcher', 'supervisor', 'handler', 'admin', 'system'];
  const cases = WORK_ORDER_ACTIONS.flatMap((a) => ROLES.map((r) => [a, r, MOVES[a].roles.includes(r)] as const));

  it.each(cases)('%s by %s: allowed = %s', (action, role, allowed) => {
    const state = MOVES[action].from[0]!;
    const order = prepared(orderIn(state), action);
    const run = () => transition(order, VALID[action], ACTOR_BY_ROLE[role], T0 + 2 * HOUR);
    if (!allowed) {
      expect(caught(run)).toMatchObject({ code: 'forbidden_role', apiCode: 'forbidden' });
      return;
    }
    // closing a dissatisfied order is the only further role restriction
    if (action === 'close' && role !== 'supervisor' && role !== 'admin') {
      expect(caught(run)).toMatchObject({ code: 'close_dissatisfied_requires_supervisor' });
      return;
    }
    expect(run().order.state).toBe(MOVES[action].to ?? state);
  });

  it('names the role in the refusal', () => {
    expect(caught(() => transition(orderIn('dispatched'), VALID.sign, agent, T0 + HOUR)).message).toBe('话务员无权执行「签收」');
  });

  it.each(['sign', 'return', 'start', 'request_extension', 'reply'] as const)('refuses %s by a handler of another department', (action) => {
    const state = MOVES[action].from[MOVES[action].from.length - 1]!;
    const err = caught(() => transition(orderIn(state), VALID[action], otherHandler, T0 + HOUR));
    expect(err).toMatchObject({ code: 'wrong_department', apiCode: 'forbidden' });
    expect(err.message).toBe(`该工单不属于您所在的部门，不能执行「${ACTION_LABELS_ZH[action]}」`);
  });

  it('refuses unknown actions and roles coming from untyped input', () => {
    expect(caught(() => transition(orderIn('received'), { type: 'teleport' } as never, agent, T0))).toMatchObject({ code: 'illegal_transition' });
    expect(caught(() => transition(orderIn('received'), VALID.dispatch, { id: 'x', role: 'mayor' } as never, T0))).toMatchObject({
      code: 'forbidden_role',
    });
  });

  it('refuses a handler without a department', () => {
    const nobody: Actor = { id: 'h-x', role: 'handler' };
    expect(caught(() => transition(orderIn('dispatched'), VALID.sign, nobody, T0 + HOUR))).toMatchObject({ code: 'wrong_department' });
  });
});

describe('回退 return within 2 working days of dispatch', () => {
  function dispatchedAt(at: number, state: 'dispatched' | 'signed' = 'dispatched'): WorkOrder {
    const o = transition(newOrder(at - HOUR), { type: 'dispatch', departmentId: DEPT }, dispatcher, at).order;
    return state === 'signed' ? transition(o, VALID.sign, handler, at + MIN).order : o;
  }
  const ret = (o: WorkOrder, now: number, reason = '非本部门职责') => transition(o, { type: 'return', reason }, handler, now);

  it('is open until the end of the 2nd working day, across a weekend', () => {
    const o = dispatchedAt(t('2026-11-27 15:00')); // Friday → Mon (1), Tue (2)
    expect(ret(o, t('2026-12-01 23:59')).order.state).toBe('returned');
    const err = caught(() => ret(o, t('2026-12-02 00:00')));
    expect(err).toMatchObject({ code: 'return_window_expired' });
    expect(err.message).toBe('回退须在派单后2个工作日内提出（截止 2026-12-02 00:00），现已超过回退期限');
  });

  it('does not count National Day, and counts the make-up Saturday', () => {
    const o = dispatchedAt(t('2026-09-30 10:00'), 'signed'); // Thu 10-08 (1), Fri 10-09 (2)
    expect(ret(o, t('2026-10-09 20:00')).order.state).toBe('returned');
    expect(caught(() => ret(o, t('2026-10-10 09:00')))).toMatchObject({ code: 'return_window_expired' });
    const beforeMakeUp = dispatchedAt(t('2026-10-09 10:00')); // Sat 10-10 make-up (1), Mon 10-12 (2)
    expect(ret(beforeMakeUp, t('2026-10-12 18:00')).order.state).toBe('returned');
    expect(caught(() => ret(beforeMakeUp, t('2026-10-13 08:00')))).toMatchObject({ code: 'return_window_expired' });
  });

  it('follows a configured window', async () => {
    const { makeWorkOrderConfig, workingDays } = await import('./config.js');
    const config = makeWorkOrderConfig({ returnWindow: workingDays(1) });
    const o = dispatchedAt(t('2026-11-23 10:00'));
    expect(transition(o, { type: 'return', reason: 'x' }, handler, t('2026-11-24 23:00'), config).order.state).toBe('returned');
    expect(caught(() => transition(o, { type: 'return', reason: 'x' }, handler, t('2026-11-25 00:00'), config))).toMatchObject({
      code: 'return_window_expired',
    });
  });

  it('requires a reason', () => {
    expect(caught(() => ret(dispatchedAt(T0), T0 + HOUR, '   '))).toMatchObject({ code: 'reason_required', field: 'reason', message: '回退须填写原因' });
  });

  it('goes back to the desk and can be re-dispatched to another department', () => {
    const { order, event } = ret(dispatchedAt(T0), T0 + HOUR);
    expect(order).toMatchObject({ state: 'returned', departmentId: null });
    expect(order.returns).toEqual([{ departmentId: DEPT, by: handler.id, at: T0 + HOUR, reason: '非本部门职责' }]);
    expect(event).toMatchObject({ action: 'return', from: 'dispatched', to: 'returned', reason: '非本部门职责', details: { departmentId: DEPT } });

    const again = transition(order, { type: 'dispatch', departmentId: OTHER_DEPT }, dispatcher, T0 + 2 * HOUR).order;
    expect(again).toMatchObject({ state: 'dispatched', departmentId: OTHER_DEPT, dispatchedAt: T0 + 2 * HOUR, dispatchCount: 2 });
    // the new department signs; the old one no longer can act
    expect(transition(again, VALID.sign, otherHandler, T0 + 3 * HOUR).order.state).toBe('signed');
    expect(caught(() => transition(again, VALID.sign, handler, T0 + 3 * HOUR))).toMatchObject({ code: 'wrong_department' });
  });

  it('lets only a supervisor send it back to the department that returned it', () => {
    const returned = ret(dispatchedAt(T0), T0 + HOUR).order;
    const back = { type: 'dispatch', departmentId: DEPT } as const;
    expect(caught(() => transition(returned, back, dispatcher, T0 + 2 * HOUR))).toMatchObject({ code: 'department_returned', field: 'departmentId' });
    expect(transition(returned, back, supervisor, T0 + 2 * HOUR).order.departmentId).toBe(DEPT);
  });

  it('requires a department to dispatch to', () => {
    expect(caught(() => transition(newOrder(), { type: 'dispatch', departmentId: '' }, dispatcher, T0))).toMatchObject({
      code: 'department_required',
      field: 'departmentId',
      message: '请选择承办部门',
    });
  });

  it('restarts the 15-minute dispatch clock of an urgent order', () => {
    const urgent = transition(newOrder(T0, { urgency: 'urgent' }), { type: 'dispatch', departmentId: DEPT }, dispatcher, T0 + 5 * MIN).order;
    const back = ret(urgent, T0 + HOUR).order;
    expect(back.dispatchDeadline).toEqual({ startedAt: T0 + HOUR, dueAt: T0 + HOUR + 15 * MIN, basis: 'calendar' });
    expect(ret(dispatchedAt(T0), T0 + HOUR).order.dispatchDeadline).toBeNull();
  });
});

describe('延期 extension', () => {
  const signed = () => orderIn('signed');
  const request = (o: WorkOrder, date = '2026-12-10', reason = '需现场勘查并协调供水公司') =>
    transition(o, { type: 'request_extension', reason, requestedDueDate: date }, handler, T0 + HOUR);

  it('is requested by the department and visible as pending, state unchanged', () => {
    const { order, event } = request(signed());
    expect(order.state).toBe('signed');
    expect(pendingExtension(order)).toMatchObject({
      status: 'pending',
      departmentId: DEPT,
      requestedBy: handler.id,
      requestedDueDate: '2026-12-10',
      previousDueAt: t('2026-12-03 00:00'),
      reason: '需现场勘查并协调供水公司',
    });
    expect(event).toMatchObject({
      action: 'request_extension',
      from: 'signed',
      to: 'signed',
      reason: '需现场勘查并协调供水公司',
      details: { requestedDueDate: '2026-12-10', previousDueAt: t('2026-12-03 00:00') },
    });
  });

  it('approved: the due time becomes the end of the requested date', () => {
    const { order, event } = transition(request(signed()).order, { type: 'approve_extension', comment: '同意' }, dispatcher, T0 + 2 * HOUR);
    expect(order.resolveDeadline.dueAt).toBe(t('2026-12-11 00:00'));
    expect(order.resolveDeadline.startedAt).toBe(T0);
    expect(pendingExtension(order)).toBeNull();
    expect(order.extensions[0]).toMatchObject({ status: 'approved', decidedBy: dispatcher.id, decisionComment: '同意', grantedDueAt: t('2026-12-11 00:00') });
    expect(event).toMatchObject({ action: 'approve_extension', reason: '同意', details: { previousDueAt: t('2026-12-03 00:00'), dueAt: t('2026-12-11 00:00') } });
  });

  it('approved with a different date chosen by the hotline', () => {
    const { order } = transition(request(signed()).order, { type: 'approve_extension', newDueDate: '2026-12-07' }, supervisor, T0 + 2 * HOUR);
    expect(order.resolveDeadline.dueAt).toBe(t('2026-12-08 00:00'));
  });

  it('rejected: reason required, due time unchanged, a new request is possible', () => {
    const pending = request(signed()).order;
    expect(caught(() => transition(pending, { type: 'reject_extension', reason: '' }, dispatcher, T0 + 2 * HOUR))).toMatchObject({
      code: 'reason_required',
    });
    const { order, event } = transition(pending, { type: 'reject_extension', reason: '时限内可以办结' }, dispatcher, T0 + 2 * HOUR);
    expect(order.resolveDeadline.dueAt).toBe(t('2026-12-03 00:00'));
    expect(order.extensions[0]).toMatchObject({ status: 'rejected', decisionComment: '时限内可以办结' });
    expect(event.reason).toBe('时限内可以办结');
    expect(pendingExtension(request(order).order)).not.toBeNull();
  });

  it('allows one pending request at a time', () => {
    expect(caught(() => request(request(signed()).order))).toMatchObject({ code: 'extension_pending', apiCode: 'conflict' });
  });

  it('refuses decisions without a pending request', () => {
    expect(caught(() => transition(signed(), { type: 'approve_extension' }, dispatcher, T0 + HOUR))).toMatchObject({
      code: 'no_pending_extension',
      message: '该工单没有待审批的延期申请',
    });
    expect(caught(() => transition(signed(), VALID.reject_extension, dispatcher, T0 + HOUR))).toMatchObject({ code: 'no_pending_extension' });
  });

  it('refuses bad or earlier dates, and a missing reason', () => {
    expect(caught(() => request(signed(), '2026-12-02'))).toMatchObject({ code: 'invalid_due_date', field: 'requestedDueDate' });
    expect(caught(() => request(signed(), '2026/12/10'))).toMatchObject({ code: 'invalid_due_date', field: 'requestedDueDate' });
    expect(caught(() => request(signed(), '2026-12-10', ''))).toMatchObject({ code: 'reason_required', field: 'reason' });
    const pending = request(signed()).order;
    expect(caught(() => transition(pending, { type: 'approve_extension', newDueDate: '2026-11-30' }, dispatcher, T0 + HOUR))).toMatchObject({
      code: 'invalid_due_date',
      field: 'newDueDate',
    });
  });

  it('is decided by the hotline, not by the department', () => {
    expect(caught(() => transition(request(signed()).order, { type: 'approve_extension' }, handler, T0 + HOUR))).toMatchObject({
      code: 'forbidden_role',
    });
  });

  it('lapses when the department replies or returns', () => {
    const inProgress = transition(signed(), VALID.start, handler, T0 + 30 * MIN).order;
    const replied = transition(request(inProgress).order, VALID.reply, handler, T0 + 2 * HOUR);
    expect(replied.order.extensions[0]).toMatchObject({ status: 'withdrawn', decisionComment: '部门已答复' });
    expect(replied.event.details.extensionWithdrawn).toBe(true);
    const returned = transition(request(signed()).order, VALID.return, handler, T0 + 2 * HOUR).order;
    expect(pendingExtension(returned)).toBeNull();
    expect(returned.extensions[0]?.status).toBe('withdrawn');
  });
});

describe('评价 rating, 重办 rework and 专项督办 special supervision', () => {
  const rate = (o: WorkOrder, rating: (typeof ratings)[keyof typeof ratings], now: number) =>
    transition(o, { type: 'rate', rating }, agent, now);

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
    expect(event).toMatchObject({ action: 'rework', from: 'rated', to: 'in_progress', reason: '市民反映仍未供水', details: { reworkCount: 1, dueAt: t('2026-12-04 12:00') } });
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
    const steps: Step[] = [[VALID.start, handler], [VALID.reply, handler], [VALID.accept_reply, dispatcher], [{ type: 'rate', rating: ratings.DISSATISFIED }, agent]];
    o = walk(o, steps, S + 2 * HOUR).order;
    // rework Tue 09-29: Wed 09-30 (1) | National Day | Thu 10-08 (2) Fri 10-09 (3), make-up Sat 10-10 morning (0.5)
    const reworked = transition(o, VALID.rework, dispatcher, t('2026-09-29 10:00')).order;
    expect(reworked.resolveDeadline.dueAt).toBe(t('2026-10-10 12:00'));
  });

  it('dissatisfied twice → special supervision flag, and the order is still processed', () => {
    let o = orderIn('rated'); // first verdict: dissatisfied
    expect(o.specialSupervision).toBe(false);
    o = transition(o, VALID.rework, dispatcher, T0 + HOUR).order;
    o = walk(o, [[VALID.reply, handler], [VALID.accept_reply, dispatcher]], T0 + 2 * HOUR).order;
    const second = rate(o, ratings.DISSATISFIED, T0 + 3 * HOUR);
    expect(second.order.specialSupervision).toBe(true);
    expect(second.event.details).toMatchObject({ specialSupervision: true, rating: { round: 1, satisfied: false } });
    // still processed: a further rework is possible, and the flag stays
    const third = transition(second.order, VALID.rework, supervisor, T0 + 4 * HOUR).order;
    expect(third).toMatchObject({ state: 'in_progress', reworkCount: 2, specialSupervision: true });
    const satisfiedLater = rate(walk(third, [[VALID.reply, handler], [VALID.accept_reply, dispatcher]], T0 + 5 * HOUR).order, ratings.SATISFIED, T0 + 6 * HOUR);
    expect(satisfiedLater.order.specialSupervision).toBe(true);
    expect(satisfiedLater.order.ratings.map((r) => [r.round, r.satisfied])).toEqual([[0, false], [1, false], [2, true]]);
  });

  it('satisfied after a rework raises no flag', () => {
    let o = transition(orderIn('rated'), VALID.rework, dispatcher, T0 + HOUR).order;
    o = walk(o, [[VALID.reply, handler], [VALID.accept_reply, dispatcher], [{ type: 'rate', rating: ratings.SATISFIED }, agent]], T0 + 2 * HOUR).order;
    expect(o.specialSupervision).toBe(false);
    expect(transition(o, { type: 'close' }, agent, T0 + 3 * HOUR).order.state).toBe('closed');
  });
});
