// The work-order lifecycle core: 回退 within its window and 延期 requests.
import { describe, expect, it } from 'vitest';
import { transition } from './lifecycle.js';
import { pendingExtension, type WorkOrder } from '../../contracts/work-order-model.js';
import { caught, DEPT, dispatcher, handler, HOUR, MIN, newOrder, orderIn, OTHER_DEPT, otherHandler, supervisor, t, T0 } from './testing.js';
import { VALID } from './lifecycle-testing.js';

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
    expect(event).toMatchObject({
      action: 'approve_extension',
      reason: '同意',
      details: { previousDueAt: t('2026-12-03 00:00'), dueAt: t('2026-12-11 00:00') },
    });
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
