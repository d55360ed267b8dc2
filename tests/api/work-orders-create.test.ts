// The work-order API, creating orders: first-start seeding, auto-dispatch or the dispatch desk, 直办, validation,
// unique order codes, and creation that leaves nothing behind when a part of it fails.
import { describe, expect, it } from 'vitest';
import type { CreateWorkOrderResponse, DepartmentsResponse } from '../../contracts/work-orders.js';
import { seedCrmIfEmpty } from '../../crm/index.js';
import { WorkOrderService } from '../../crm/work-orders/service.js';
import { local, clock, setClock, db, crm, token, log, seededUsers, call, input, create, act, detail, count, useWorkOrderApi } from './work-orders-harness.js';

useWorkOrderApi();

describe('seeding', () => {
  it('loaded the sample catalog and created a dispatcher and demo handlers once', async () => {
    expect(db.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(seededUsers).toContain('dispatcher:dispatcher:');
    expect(seededUsers).toContain('handler-city-hpf:handler:city.hpf');
    const again = await seedCrmIfEmpty(db);
    expect(again).toEqual({ catalogVersion: null, created: [] });
    const res = await call('GET', '/api/departments', 'agent1');
    const deps = res.json<DepartmentsResponse>().departments;
    expect(deps.find((d) => d.code === 'city.hpf')).toMatchObject({ name: '市住房公积金管理中心', active: true });
  });
});

describe('dispatch desk', () => {
  it('leaves an order the catalog cannot place at the desk; a dispatcher dispatches it, an agent may not', async () => {
    const created = await create('agent1', {
      catalogItemCode: 'C04.001', // 装修噪音: local responsibility, needs the district
      place: { district: '外地', address: '某小区3栋' },
      content: '楼上邻居每天晚上装修到十点，电钻声音很大影响休息。',
      summary: '夜间装修噪音扰民',
    });
    expect(created.dispatch).toMatchObject({ kind: 'manual', code: 'district_missing' });
    expect(created.order).toMatchObject({ state: 'received', departmentId: null, version: 1 });
    const code = created.order.code;

    const agentView = await detail('agent1', code);
    expect(agentView.legalActions).toContain('answer_on_spot');
    expect(agentView.legalActions).not.toContain('dispatch');
    const refused = await call('POST', `/api/work-orders/${code}/actions`, 'agent1', { type: 'dispatch', version: 1, departmentId: 'nanshan.urban' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.message).toContain('无权执行「派单」');

    const unknownDept = await call('POST', `/api/work-orders/${code}/actions`, 'disp1', { type: 'dispatch', version: 1, departmentId: 'city.nowhere' });
    expect(unknownDept.statusCode).toBe(400);
    expect(unknownDept.json().error.fields).toEqual([{ field: 'departmentId', message: '承办部门不存在：city.nowhere' }]);

    const dispatched = await act('disp1', code, { type: 'dispatch', version: 1, departmentId: 'nanshan.urban' });
    expect(dispatched.order).toMatchObject({ state: 'dispatched', departmentId: 'nanshan.urban', departmentName: '南山区城市管理和综合执法局' });
    expect(dispatched.event).toMatchObject({ action: 'dispatch', actor: { id: 'disp1', role: 'dispatcher' }, actorName: '派单员甲' });
    expect((await detail('ns1', code)).legalActions).toEqual(expect.arrayContaining(['sign', 'return']));
  });

  it('dispatches a local item to the district department found in the address', async () => {
    const created = await create('agent2', {
      catalogItemCode: 'C04.001',
      place: { district: '南山区', address: '桃源街道某花园5栋' },
      content: '隔壁装修噪音从早到晚不停，周末也施工。',
      summary: '装修噪音扰民',
    });
    expect(created.dispatch.kind).toBe('auto');
    expect(created.order.departmentId).toMatch(/^nanshan\./);
  });

  it('closes an order on the spot (直办) at creation instead of dispatching it, or names the empty answer', async () => {
    const before = await count('work_orders');
    const empty = await call('POST', '/api/work-orders', 'agent1', { ...input(), answerOnSpot: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.fields).toEqual([{ field: 'answerOnSpot', message: '直办答复内容不能为空' }]);
    expect(await count('work_orders'), 'nothing saved').toBe(before);

    const answer = '离职提取：账户封存满6个月后，持身份证和银行卡到服务网点或网上营业厅办理。';
    // C03.001 is auto-dispatched to the housing fund centre when no answer is given
    const created = await create('agent1', {}, { answerOnSpot: answer });
    expect(created.dispatch.kind).toBe('on_spot');
    expect(created.order).toMatchObject({ state: 'closed', departmentId: null, answer });
    expect(created.events.map((e) => e.action)).toEqual(['receive', 'answer_on_spot']);
  });
});

describe('validation', () => {
  it('names every bad field in Chinese', async () => {
    const res = await call(
      'POST',
      '/api/work-orders',
      'agent1',
      input({ citizen: { phone: '12345' }, type: 'complaint', place: { district: '南山区' }, catalogItemCode: 'X99.999' }),
    );
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('validation_failed');
    const byField = Object.fromEntries((error.fields as { field: string; message: string }[]).map((f) => [f.field, f.message]));
    expect(byField['citizen.phone']).toContain('联系电话格式不正确');
    expect(byField['place.address']).toBe('投诉、举报类工单须填写详细地址');
    expect(byField['catalogItemCode']).toContain('事项目录编码不存在：X99.999');
  });

  it('refuses malformed actions and queries with field messages', async () => {
    const { order } = await create('agent1');
    const noVersion = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'sign' });
    expect(noVersion.statusCode).toBe(400);
    expect(noVersion.json().error.fields).toEqual([{ field: 'version', message: '版本号不能为空，请刷新后重试' }]);
    const badType = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'teleport', version: 2 });
    expect(badType.statusCode).toBe(400);
    expect(badType.json().error.fields[0].message).toContain('操作类型无效');
    const noReason = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'return', version: 2, reason: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.fields).toEqual([{ field: 'reason', message: '回退须填写原因' }]);
    const badQuery = await call('GET', '/api/work-orders?limit=1000&state=lost', 'sup1');
    expect(badQuery.statusCode).toBe(400);
    expect(
      badQuery
        .json()
        .error.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['limit', 'state']);
    const notJson = await call('POST', '/api/work-orders', 'agent1', '{"channel":', {
      headers: { authorization: `Bearer ${token.agent1}`, 'content-type': 'application/json' },
    });
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.code).toBe('validation_failed');
  });

  it('an illegal step is 422 illegal_transition with a Chinese message', async () => {
    const { order } = await create('agent1');
    const res = await call('POST', `/api/work-orders/${order.code}/actions`, 'hpf1', { type: 'reply', version: 2, content: '已处理' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toEqual({ code: 'illegal_transition', message: '工单当前状态为「已派单」，不能执行「答复」' });
  });
});

describe('order codes', () => {
  it('are unique under 50 concurrent creations', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => call('POST', '/api/work-orders', i % 2 ? 'agent1' : 'agent2', input({ summary: `并发受理${i}` }))),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(50).fill(201));
    const codes = results.map((r) => r.json<CreateWorkOrderResponse>().order.code);
    expect(new Set(codes).size).toBe(50);
    for (const c of codes) expect(c).toMatch(/^GD20261123-\d{6}$/);
    // a new local day starts again at 000001
    setClock(local('2026-11-24 00:30'));
    const next = await create('agent1');
    expect(next.order.code).toBe('GD20261124-000001');
  });
});

describe('nothing partial', () => {
  it('a failing insert rolls the whole creation back', async () => {
    const before = await Promise.all(['work_orders', 'work_order_events', 'work_order_calls', 'sms_outbox'].map(count));
    const res = await call('POST', '/api/work-orders', 'agent1', { ...input(), callId: 'no-such-call' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.fields).toEqual([{ field: 'callId', message: '关联通话不存在：no-such-call' }]);
    const after = await Promise.all(['work_orders', 'work_order_events', 'work_order_calls', 'sms_outbox'].map(count));
    expect(after).toEqual(before);
  });

  it('a failing outbox write rolls back the order and its events', async () => {
    const failing = new WorkOrderService({
      db,
      catalog: crm.catalog,
      outbox: {
        enqueue: async () => {
          throw new Error('outbox unavailable');
        },
      },
      log,
      now: () => clock,
    });
    const before = await Promise.all(['work_orders', 'work_order_events', 'sms_outbox'].map(count));
    await expect(failing.create({ id: 'agent1', role: 'agent' }, input())).rejects.toThrow('outbox unavailable');
    expect(await Promise.all(['work_orders', 'work_order_events', 'sms_outbox'].map(count))).toEqual(before);

    const { order } = await create('agent1');
    await expect(failing.act({ id: 'disp1', role: 'dispatcher' }, order.code, { type: 'return', reason: 'x' }, 2)).rejects.toThrow();
    const { order: orderCreated } = await create('agent1', { catalogItemCode: 'C04.001', place: { district: '外地', address: '某路1号' } });
    await expect(failing.act({ id: 'disp1', role: 'dispatcher' }, orderCreated.code, { type: 'dispatch', departmentId: 'nanshan.urban' }, 1)).rejects.toThrow(
      'outbox unavailable',
    );
    const d = await detail('sup1', orderCreated.code);
    expect(d.order).toMatchObject({ state: 'received', version: 1 });
    expect(d.events).toHaveLength(1);
  });
});

describe('sent again (Idempotency-Key)', () => {
  const send = (who: string, key: string, body: unknown = input()) =>
    call('POST', '/api/work-orders', undefined, body, { headers: { authorization: `Bearer ${token[who]}`, 'idempotency-key': key } });

  it('given a save whose answer was lost, when the desktop sends it again with its key, then the first order comes back and no second one is made', async () => {
    const before = await count('work_orders');
    const first = await send('agent1', 'save-0f3c9a1e-lost-answer');
    expect(first.statusCode).toBe(201);
    const again = await send('agent1', 'save-0f3c9a1e-lost-answer', input({ summary: '第二次发送的内容不同也不会再建单' }));
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const a = first.json<CreateWorkOrderResponse>();
    const b = again.json<CreateWorkOrderResponse>();
    expect(b.order.code).toBe(a.order.code);
    expect(b.order.summary).toBe(a.order.summary);
    expect(b.dispatch).toEqual(a.dispatch);
    expect(b.events.map((e) => e.action)).toEqual(a.events.map((e) => e.action));
    expect(await count('work_orders')).toBe(before + 1);
  });

  it('given ten retries of one save racing each other, then exactly one order is made and all ten get it', async () => {
    const before = await count('work_orders');
    const answers = await Promise.all(Array.from({ length: 10 }, () => send('agent2', 'save-race-7d41b2')));
    expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((r) => r.json<CreateWorkOrderResponse>().order.code)).size).toBe(1);
    expect(await count('work_orders')).toBe(before + 1);
  });

  it('keys are each user’s own: the same key from another agent makes that agent’s order', async () => {
    const mine = await send('agent1', 'save-shared-key-01');
    const theirs = await send('agent2', 'save-shared-key-01');
    expect([mine.statusCode, theirs.statusCode]).toEqual([201, 201]);
    expect(theirs.json<CreateWorkOrderResponse>().order.code).not.toBe(mine.json<CreateWorkOrderResponse>().order.code);
  });

  it('refuses a key that is too short or not visible ASCII, naming the header in Chinese', async () => {
    const before = await count('work_orders');
    for (const key of ['short', '有中文的幂等键12345']) {
      const res = await send('agent1', key);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.fields).toEqual([{ field: 'headers.idempotency-key', message: '幂等键（Idempotency-Key）须为8到100个可见ASCII字符' }]);
    }
    expect(await count('work_orders')).toBe(before);
  });
});
