// The work-order API, who sees what: roles and departments, the list and its search, the screen pop with
// confidential citizens masked, and the citizen's public progress query.
import { describe, expect, it } from 'vitest';
import type { PublicProgressResponse, ScreenPopResponse, WorkOrderListResponse } from '../../contracts/work-orders.js';
import { CallRecordRepository } from '../../crm/call-records.js';
import { local, HOUR, clock, setClock, tick, db, call, input, create, detail, useWorkOrderApi } from './work-orders-harness.js';

useWorkOrderApi();

describe('roles', () => {
  it('a handler of another department gets 404, never 403; lists hold only their department', async () => {
    const { order } = await create('agent1');
    const other = await call('GET', `/api/work-orders/${order.code}`, 'water1');
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('not_found');
    const acting = await call('POST', `/api/work-orders/${order.code}/actions`, 'water1', { type: 'sign', version: 2 });
    expect(acting.statusCode).toBe(404);
    const missing = await call('GET', '/api/work-orders/GD20261123-999999', 'water1');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.message).toBe(other.json().error.message.replace(order.code, 'GD20261123-999999'));

    const list = (await call('GET', '/api/work-orders?limit=100', 'water1')).json<WorkOrderListResponse>();
    expect(list.items.every((o) => o.departmentId === 'util.water')).toBe(true);
    const hpf = (await call('GET', '/api/work-orders?limit=100', 'hpf1')).json<WorkOrderListResponse>();
    expect(hpf.items.map((o) => o.code)).toContain(order.code);
    expect(hpf.items.every((o) => o.departmentId === 'city.hpf')).toBe(true);
  });

  it('agents see the orders they received; handlers cannot create; no token is 401', async () => {
    const mine = await create('agent3', { citizen: { phone: '13700137000', name: '赵先生' } });
    const agent3 = (await call('GET', '/api/work-orders?limit=100', 'agent3')).json<WorkOrderListResponse>();
    expect(agent3.items.map((o) => o.code)).toEqual([mine.order.code]);
    expect((await call('GET', `/api/work-orders/${mine.order.code}`, 'agent2')).statusCode).toBe(404);
    const byHandler = await call('POST', '/api/work-orders', 'hpf1', input());
    expect(byHandler.statusCode).toBe(403);
    expect((await call('GET', '/api/work-orders', undefined)).statusCode).toBe(401);
    expect((await call('GET', '/api/work-orders', undefined, undefined, { headers: { authorization: 'Bearer forged.token' } })).statusCode).toBe(401);
  });
});

describe('list and search', () => {
  it('filters by state, department, phone, code, text and overdue, newest first with a cursor', async () => {
    const a = await create('agent1', { summary: '咨询公积金冲还贷业务', citizen: { phone: '13300133000' } });
    tick();
    const b = await create('agent1', { summary: '公积金提取进度查询', citizen: { phone: '13300133000' } });
    const byPhone = (await call('GET', '/api/work-orders?phone=13300133000', 'sup1')).json<WorkOrderListResponse>();
    expect(byPhone.items.map((o) => o.code)).toEqual([b.order.code, a.order.code]);

    const page1 = (await call('GET', '/api/work-orders?phone=13300133000&limit=1', 'sup1')).json<WorkOrderListResponse>();
    expect(page1.items.map((o) => o.code)).toEqual([b.order.code]);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (await call('GET', `/api/work-orders?phone=13300133000&limit=1&cursor=${page1.nextCursor}`, 'sup1')).json<WorkOrderListResponse>();
    expect(page2.items.map((o) => o.code)).toEqual([a.order.code]);
    expect(page2.nextCursor).toBeNull();

    const text = (await call('GET', `/api/work-orders?q=${encodeURIComponent('冲还贷')}`, 'sup1')).json<WorkOrderListResponse>();
    expect(text.items.map((o) => o.code)).toEqual([a.order.code]);
    const byCode = (await call('GET', `/api/work-orders?code=${a.order.code}`, 'disp1')).json<WorkOrderListResponse>();
    expect(byCode.items).toHaveLength(1);
    const states = (await call('GET', '/api/work-orders?state=received,returned&limit=100', 'disp1')).json<WorkOrderListResponse>();
    expect(states.items.every((o) => o.state === 'received' || o.state === 'returned')).toBe(true);
    const dept = (await call('GET', '/api/work-orders?departmentCode=city.hpf&limit=100', 'sup1')).json<WorkOrderListResponse>();
    expect(dept.items.length).toBeGreaterThan(0);
    expect(dept.items.every((o) => o.departmentId === 'city.hpf')).toBe(true);

    expect((await call('GET', '/api/work-orders?overdue=true&phone=13300133000', 'sup1')).json<WorkOrderListResponse>().items).toEqual([]);
    setClock(local('2026-12-03 09:00')); // after 7 working days
    const overdue = (await call('GET', '/api/work-orders?overdue=true&phone=13300133000', 'sup1')).json<WorkOrderListResponse>();
    expect(overdue.items.map((o) => [o.code, o.overdue])).toEqual([
      [b.order.code, true],
      [a.order.code, true],
    ]);
  });

  it('searches the text (q) for 2-character words, codes and phone digits, newest first', async () => {
    const a = await create('agent1', { summary: '窨井盖松动', content: '人行道窨井盖松动，踩上去会翻，来电人留了回电号码13766554433。' });
    tick();
    const b = await create('agent1', { summary: '窨井冒水', content: '路口窨井往外冒水。' });
    const q = async (text: string) =>
      (await call('GET', `/api/work-orders?q=${encodeURIComponent(text)}&limit=100`, 'sup1')).json<WorkOrderListResponse>().items.map((o) => o.code);
    expect(await q('窨井')).toEqual([b.order.code, a.order.code]);
    expect(await q('松动')).toEqual([a.order.code]);
    expect(await q(a.order.code)).toEqual([a.order.code]);
    expect(await q(a.order.code.toLowerCase())).toEqual([a.order.code]);
    expect(await q('13766554433')).toEqual([a.order.code]);
    expect(await q('6655')).toEqual([a.order.code]);
    expect(await q('量子')).toEqual([]);
  });
});

describe('screen pop and confidentiality', () => {
  it('shows an agent the earlier orders and calls of their caller, masked when confidential', async () => {
    const calls = new CallRecordRepository(db);
    const secret = await create('agent1', { citizen: { phone: '13900139000', name: '王女士', confidential: true } });
    expect(secret.order.masked).toBe(true); // the receiving agent does not see it in clear either
    expect(secret.order.citizen).toEqual({ phone: '139****9000', name: '王**', confidential: true });

    // the citizen calls again; the call rings agent2
    tick(HOUR);
    await calls.createCall({ id: 'call-sp-1', channelId: 'ch-sp-1', callerNumber: '+8613900139000', dialedNumber: '12345', arrivedAt: new Date(clock) });
    await calls.recordOffer('call-sp-1', 'agent2', new Date(clock + 2000));
    const pop = await call('GET', '/api/screen-pop?phone=13900139000', 'agent2');
    expect(pop.statusCode).toBe(200);
    const body = pop.json<ScreenPopResponse>();
    expect(body.orders.map((o) => o.code)).toContain(secret.order.code);
    const row = body.orders.find((o) => o.code === secret.order.code)!;
    expect(row).toMatchObject({ masked: true, citizen: { phone: '139****9000', name: '王**' } });
    expect(body.calls.map((c) => c.id)).toEqual(['call-sp-1']);
    expect(body.calls[0]!.callerNumber).toBe('139****9000');
    // the number the agent asked about is echoed; nothing of the confidential citizen is
    expect(JSON.stringify([body.orders, body.calls])).not.toContain('13900139000');
    expect(pop.body).not.toContain('王女士');

    // the agent it rang may open the order; another agent may not, and sees nothing on a pop
    expect((await detail('agent2', secret.order.code)).order.citizen.phone).toBe('139****9000');
    expect((await call('GET', `/api/work-orders/${secret.order.code}`, 'agent3')).statusCode).toBe(404);
    expect((await call('GET', '/api/screen-pop?phone=13900139000', 'agent3')).json<ScreenPopResponse>()).toMatchObject({ orders: [], calls: [] });

    // supervisors and the handling department see the citizen in clear; the dispatch desk does not
    expect((await detail('sup1', secret.order.code)).order).toMatchObject({ masked: false, citizen: { phone: '13900139000', name: '王女士' } });
    expect((await detail('hpf1', secret.order.code)).order.citizen.phone).toBe('13900139000');
    expect((await detail('disp1', secret.order.code)).order.citizen).toMatchObject({ phone: '139****9000', name: '王**' });
    const supPop = (await call('GET', '/api/screen-pop?phone=13900139000', 'sup1')).json<ScreenPopResponse>();
    expect(supPop.orders.find((o) => o.code === secret.order.code)!.citizen.phone).toBe('13900139000');
    expect((await call('GET', '/api/screen-pop?phone=13900139000', 'hpf1')).statusCode).toBe(403);
  });

  it('links the call an order was taken from', async () => {
    const calls = new CallRecordRepository(db);
    await calls.createCall({ id: 'call-link-1', channelId: 'ch-l1', callerNumber: '13500135000', dialedNumber: '12345', arrivedAt: new Date(clock) });
    const { order } = await create('agent1', { citizen: { phone: '13500135000' } }, { callId: 'call-link-1' });
    expect(order.links.callIds).toEqual(['call-link-1']);
    expect((await detail('agent1', order.code)).calls.map((c) => c.id)).toEqual(['call-link-1']);
  });
});

describe('citizen progress query', () => {
  it('answers the right phone with the status only, 404 otherwise', async () => {
    const { order } = await create('agent1', { citizen: { phone: '010-62345678', name: '钱女士' } });
    const ok = await call('GET', `/api/public/progress?code=${order.code}&phone=01062345678`, undefined, undefined, { remoteAddress: '10.1.0.1' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json<PublicProgressResponse>()).toEqual({ code: order.code, stateLabel: '已派单', receivedDate: '2026-11-23', expectedDate: '2026-12-02' });
    const wrong = await call('GET', `/api/public/progress?code=${order.code}&phone=13800138000`, undefined, undefined, { remoteAddress: '10.1.0.1' });
    expect(wrong.statusCode).toBe(404);
    const unknown = await call('GET', `/api/public/progress?code=GD20261123-999999&phone=13800138000`, undefined, undefined, { remoteAddress: '10.1.0.1' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
    const bad = await call('GET', `/api/public/progress?code=${order.code}&phone=abc`, undefined, undefined, { remoteAddress: '10.1.0.1' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.fields[0]).toMatchObject({ field: 'phone', message: '联系电话格式不正确' });
  });

  it('limits each IP to 10 queries a minute with a clear 429', async () => {
    const url = '/api/public/progress?code=GD20261123-000001&phone=13800138000';
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await call('GET', url, undefined, undefined, { remoteAddress: '10.9.9.9' })).statusCode);
    expect(statuses.slice(0, 10).every((s) => s !== 429)).toBe(true);
    const limited = await call('GET', url, undefined, undefined, { remoteAddress: '10.9.9.9' });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited' });
    expect(limited.json().error.message).toMatch(/^查询过于频繁，请\d+秒后再试$/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // another IP is not affected; the window passes
    expect((await call('GET', url, undefined, undefined, { remoteAddress: '10.9.9.10' })).statusCode).not.toBe(429);
    tick(61_000);
    expect((await call('GET', url, undefined, undefined, { remoteAddress: '10.9.9.9' })).statusCode).not.toBe(429);
  });
});
