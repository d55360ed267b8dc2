// The work-order API, moving orders: the whole lifecycle over HTTP, return and extension, optimistic locking,
// the deadline scheduler's reminders and escalations, and the citizen SMS they cause.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { HttpSmsGateway, renderSms, type OutgoingSms } from '../../crm/sms/outbox.js';
import { DeadlineScheduler } from '../../crm/work-orders/deadline-scheduler.js';
import { DEFAULT_WORK_ORDER_CONFIG } from '../../crm/work-orders/config.js';
import { resolveDeadlineFrom } from '../../crm/work-orders/deadlines.js';
import { localDayStart } from '../../crm/work-orders/working-calendar.js';
import {
  local,
  MIN,
  HOUR,
  MONDAY,
  clock,
  setClock,
  tick,
  db,
  crm,
  gateway,
  log,
  call,
  create,
  act,
  detail,
  DISSATISFIED,
  SATISFIED,
  useWorkOrderApi,
} from './work-orders-harness.js';

useWorkOrderApi();

describe('full lifecycle through HTTP', () => {
  it('create → auto-dispatch → sign → start → reply → accept → dissatisfied → rework (halved) → … → close → archive', async () => {
    const created = await create('agent1');
    expect(created.dispatch).toMatchObject({ kind: 'auto', departmentCode: 'city.hpf', departmentName: '市住房公积金管理中心' });
    const code = created.order.code;
    expect(code).toMatch(/^GD20261123-\d{6}$/);
    expect(created.order).toMatchObject({ state: 'dispatched', version: 2, departmentId: 'city.hpf', stateLabel: '已派单', masked: false });
    expect(created.events.map((e) => [e.action, e.actor.role, e.version])).toEqual([
      ['receive', 'agent', 1],
      ['dispatch', 'system', 2],
    ]);

    const seen = await detail('hpf1', code);
    expect(seen.legalActions).toEqual(expect.arrayContaining(['sign', 'return']));
    expect(seen.legalActions).not.toContain('start');

    await act('hpf1', code, { type: 'sign', version: 2 });
    await act('hpf1', code, { type: 'start', version: 3 });
    await act('hpf1', code, { type: 'reply', version: 4, content: '已电话联系市民，告知租房提取公积金所需材料及网上办理流程。' });
    const accepted = await act('disp1', code, { type: 'accept_reply', version: 5 });
    expect(accepted.order.state).toBe('callback_pending');
    const rated = await act('agent1', code, { type: 'rate', version: 6, rating: DISSATISFIED, comment: '材料说明不清楚' });
    expect(rated.order.state).toBe('rated');

    tick(HOUR);
    const reworkAt = clock + MIN; // act() advances the clock by a minute
    const rework = await act('disp1', code, { type: 'rework', version: 7 });
    expect(rework.order).toMatchObject({ state: 'in_progress', reworkCount: 1, version: 8 });
    // a rework gets half the class's limit: 7 working days → 3.5, counted from the rework
    const halved = resolveDeadlineFrom(reworkAt, 'general', DEFAULT_WORK_ORDER_CONFIG, { rework: true });
    expect(rework.order.resolveDeadline).toEqual(halved);
    expect(halved.dueAt).toBe(local('2026-11-27 12:00')); // Monday + 3.5 working days: Friday noon

    await act('hpf1', code, { type: 'reply', version: 8, content: '已补充说明材料清单并邮寄纸质指南。' });
    await act('sup1', code, { type: 'accept_reply', version: 9 });
    await act('agent1', code, { type: 'rate', version: 10, rating: SATISFIED });
    // a handler may not close
    const refused = await call('POST', `/api/work-orders/${code}/actions`, 'hpf1', { type: 'close', version: 11 });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('forbidden');
    const closed = await act('agent1', code, { type: 'close', version: 11 });
    expect(closed.order).toMatchObject({ state: 'closed', stateLabel: '已办结' });
    const archived = await act('sup1', code, { type: 'archive', version: 12 });
    expect(archived.order.state).toBe('archived');

    const final = await detail('sup1', code);
    expect(final.events.map((e) => e.action)).toEqual([
      'receive',
      'dispatch',
      'sign',
      'start',
      'reply',
      'accept_reply',
      'rate',
      'rework',
      'reply',
      'accept_reply',
      'rate',
      'close',
      'archive',
    ]);
    expect(final.events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(final.events[2]).toMatchObject({ actorName: '公积金中心承办人', actionLabel: '签收', from: 'dispatched', to: 'signed' });
    expect(final.legalActions).toEqual([]);

    // SMS: accepted at dispatch, a rating request per accepted reply, closed
    const { rows } = await db.query<{ template: string; body: string }>(
      `SELECT template, body FROM sms_outbox o JOIN work_orders w ON w.id = o.order_id WHERE w.code = $1 ORDER BY o.id`,
      [code],
    );
    expect(rows.map((r) => r.template)).toEqual(['order_accepted', 'rating_request', 'rating_request', 'order_closed']);
    expect(rows[0]!.body).toContain(`您的诉求已受理，工单号${code}`);
    expect(rows[0]!.body).toContain('市住房公积金管理中心');
    await crm.outbox.runOnce();
    expect(gateway.sent.filter((s) => s.text.includes(code)).map((s) => s.template)).toEqual([
      'order_accepted',
      'rating_request',
      'rating_request',
      'order_closed',
    ]);
  });
});

describe('return and extension', () => {
  it('a department may return within 2 working days of the dispatch, not after', async () => {
    const early = await create('agent1');
    setClock(local('2026-11-24 16:00')); // Tuesday
    const returned = await act('hpf1', early.order.code, { type: 'return', version: 2, reason: '属于租房提取窗口业务，应由区管理部办理' });
    expect(returned.order).toMatchObject({ state: 'returned', departmentId: null });
    // the returning department no longer sees it
    expect((await call('GET', `/api/work-orders/${early.order.code}`, 'hpf1')).statusCode).toBe(404);

    setClock(MONDAY);
    const late = await create('agent1');
    setClock(local('2026-11-26 09:00')); // Thursday: the window closed at Wednesday's end
    const detailLate = await detail('hpf1', late.order.code);
    expect(detailLate.legalActions).not.toContain('return');
    tick();
    const res = await call('POST', `/api/work-orders/${late.order.code}/actions`, 'hpf1', { type: 'return', version: 2, reason: '不属于本单位职责' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatchObject({ code: 'illegal_transition' });
    expect(res.json().error.message).toContain('回退期限');
  });

  it('an approved extension moves the reply deadline to the end of the granted date', async () => {
    const { order } = await create('agent1');
    await act('hpf1', order.code, { type: 'sign', version: 2 });
    const requested = await act('hpf1', order.code, {
      type: 'request_extension',
      version: 3,
      reason: '需调取历年缴存记录核实',
      requestedDueDate: '2026-12-15',
    });
    expect(requested.order.extensions[0]).toMatchObject({ status: 'pending', requestedDueDate: '2026-12-15' });
    expect(requested.legalActions).not.toContain('request_extension');
    const badDate = await call('POST', `/api/work-orders/${order.code}/actions`, 'disp1', { type: 'approve_extension', version: 4, newDueDate: '15/12/2026' });
    expect(badDate.statusCode).toBe(400);
    expect(badDate.json().error.fields[0]).toMatchObject({ field: 'newDueDate' });
    expect((await detail('disp1', order.code)).legalActions).toEqual(expect.arrayContaining(['approve_extension', 'reject_extension']));
    const approved = await act('disp1', order.code, { type: 'approve_extension', version: 4, comment: '同意' });
    expect(approved.order.resolveDeadline.dueAt).toBe(localDayStart('2026-12-16'));
    expect(approved.order.extensions[0]).toMatchObject({ status: 'approved', decidedBy: 'disp1' });
  });
});

describe('optimistic locking', () => {
  it('the second update with the same version gets 409', async () => {
    const { order } = await create('agent1');
    const first = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'sign', version: 2 });
    expect(first.statusCode).toBe(200);
    const second = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'sign', version: 2 });
    expect(second.statusCode).toBe(409);
    expect(second.json().error).toEqual({ code: 'conflict', message: '工单已被他人修改，请刷新后重试' });
  });

  it('of two concurrent updates with the same version exactly one wins', async () => {
    const { order } = await create('agent1');
    const [a, b] = await Promise.all([
      call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'sign', version: 2 }),
      call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'return', version: 2, reason: '不属于本单位' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    const d = await detail('sup1', order.code);
    expect(d.order.version).toBe(3);
    expect(d.events).toHaveLength(3);
  });
});

describe('deadline scheduler', () => {
  it('records reminders and escalations once, as events by the system', async () => {
    const { order } = await create('agent1', { timeLimitClass: 'life_property', summary: '外墙瓷砖脱落砸到车辆' }); // 2 h limit
    expect((await crm.scheduler.tick()).events).toBeGreaterThanOrEqual(0);
    setClock(MONDAY + 100 * MIN); // 80 % of 2 h used (order received at MONDAY)
    await crm.scheduler.tick();
    let events = (await detail('sup1', order.code)).events.filter((e) => e.action === 'remind' || e.action === 'escalate');
    expect(events.map((e) => [e.action, e.details.level, e.actor.role])).toEqual([['remind', 1, 'system']]);
    await crm.scheduler.tick();
    expect((await detail('sup1', order.code)).events.filter((e) => e.action === 'remind')).toHaveLength(1);
    setClock(MONDAY + 3 * HOUR + MIN); // past due, and 1 h past it
    await crm.scheduler.tick();
    events = (await detail('sup1', order.code)).events.filter((e) => e.action === 'remind' || e.action === 'escalate');
    expect(events.map((e) => `${e.action}${e.details.level}`)).toEqual(['remind1', 'remind2', 'escalate1']);
    expect(events[2]!.details).toMatchObject({ deadline: 'resolve', departmentId: 'city.hpf' });
    const d = await detail('sup1', order.code);
    expect(d.order.overdue).toBe(true);
    expect(d.order.version).toBe(5);
    // still movable with the version the reminders left
    await act('hpf1', order.code, { type: 'sign', version: 5 });
  });
});

describe('SMS outbox', () => {
  it('a failing SMS gateway does not stop a step; the message is retried with backoff', async () => {
    gateway.fail = true;
    const { order } = await create('agent1', { citizen: { phone: '13600136000' } });
    expect(order.state).toBe('dispatched');
    const first = await crm.outbox.runOnce();
    expect(first.sent).toBe(0);
    expect(first.retried).toBeGreaterThanOrEqual(1);
    const row = async () =>
      (
        await db.query<{ status: string; attempts: number; last_error: string; next_attempt_at: Date }>(
          `SELECT status, attempts, last_error, next_attempt_at FROM sms_outbox WHERE order_id = $1`,
          [order.id],
        )
      ).rows[0]!;
    expect(await row()).toMatchObject({ status: 'pending', attempts: 1, last_error: 'gateway down' });
    expect((await row()).next_attempt_at.getTime()).toBe(clock + 1000);
    await crm.outbox.runOnce(); // not due yet
    expect((await row()).attempts).toBe(1);
    tick(1000);
    await crm.outbox.runOnce();
    expect(await row()).toMatchObject({ status: 'pending', attempts: 2 });
    expect((await row()).next_attempt_at.getTime()).toBe(clock + 2000); // doubled
    // the order keeps moving while SMS fail
    await act('hpf1', order.code, { type: 'sign', version: 2 });
    gateway.fail = false;
    tick(5000);
    await crm.outbox.runOnce();
    expect(await row()).toMatchObject({ status: 'sent', attempts: 3 });
    expect(gateway.sent.some((s) => s.to === '13600136000' && s.template === 'order_accepted')).toBe(true);
  });

  it('gives a message up after maxAttempts', async () => {
    gateway.fail = true;
    const { order } = await create('agent1', { citizen: { phone: '13600136001' } });
    for (let i = 0; i < 3; i++) {
      tick(HOUR);
      await crm.outbox.runOnce();
    }
    const { rows } = await db.query<{ status: string; attempts: number }>(`SELECT status, attempts FROM sms_outbox WHERE order_id = $1`, [order.id]);
    expect(rows).toEqual([{ status: 'failed', attempts: 3 }]);
  });
});

describe('SMS gateway over HTTP and the scheduler loop', () => {
  it('HttpSmsGateway POSTs JSON with an idempotency key and rejects on a non-2xx answer', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: unknown }[] = [];
    let status = 200;
    const server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(data) });
        res.writeHead(status).end(status === 200 ? 'ok' : 'quota exceeded');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
      const gw = new HttpSmsGateway({ url, headers: { authorization: 'Bearer sms-key' } });
      const params = { code: 'GD20261123-000001' };
      const sms: OutgoingSms = { id: 7, to: '13800138000', template: 'order_closed', params, text: renderSms('order_closed', params) };
      await gw.send(sms);
      expect(received[0]!.body).toEqual({
        id: 7,
        to: '13800138000',
        template: 'order_closed',
        params,
        text: '【12345热线】您的工单GD20261123-000001已办结。感谢您对12345热线工作的支持。',
      });
      expect(received[0]!.headers).toMatchObject({ 'idempotency-key': 'sms-7', authorization: 'Bearer sms-key', 'content-type': 'application/json' });
      status = 503;
      await expect(gw.send(sms)).rejects.toThrow('SMS gateway answered HTTP 503: quota exceeded');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('DeadlineScheduler ticks on its interval with the injected clock until stopped', async () => {
    const seen: number[] = [];
    const scheduler = new DeadlineScheduler({
      checker: { runDeadlineChecks: async (now) => (seen.push(now), { orders: 0, events: 0, conflicts: 0 }) },
      log,
      now: () => 42,
      intervalMs: 10,
    });
    // fake timers: the interval is driven, not waited for
    vi.useFakeTimers();
    try {
      scheduler.start();
      await vi.advanceTimersByTimeAsync(60);
      await scheduler.stop();
      const n = seen.length;
      expect(n).toBeGreaterThanOrEqual(2);
      expect(new Set(seen)).toEqual(new Set([42]));
      await vi.advanceTimersByTimeAsync(30);
      expect(seen.length).toBe(n);
    } finally {
      vi.useRealTimers();
    }
  });
});
