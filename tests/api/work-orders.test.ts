// The work-order API in-process: fastify + createCrm + real session tokens and users, over PGlite — or, when
// DATABASE_URL is set, PostgreSQL in a schema of its own (tests/db/test-database.ts). A fake clock drives time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/api.js';
import type {
  CatalogCsvExport,
  CatalogResponse,
  CatalogSuggestResponse,
  CreateWorkOrderResponse,
  DepartmentsResponse,
  KnowledgeListResponse,
  PublicProgressResponse,
  ScreenPopResponse,
  WorkOrderActionResponse,
  WorkOrderDetailResponse,
  WorkOrderListResponse,
} from '../../contracts/work-orders.js';
import { CallRecordRepository } from '../../crm/call-records.js';
import { loadSampleCatalog } from '../../crm/catalog/sample.js';
import { createCrm, seedCrmIfEmpty, type Crm } from '../../crm/index.js';
import { HttpSmsGateway, renderSms, type OutgoingSms, type SmsGateway } from '../../crm/sms/outbox.js';
import { DeadlineScheduler } from '../../crm/work-orders/deadline-scheduler.js';
import { DEFAULT_WORK_ORDER_CONFIG } from '../../crm/work-orders/config.js';
import { resolveDeadlineFrom } from '../../crm/work-orders/deadlines.js';
import { WorkOrderService } from '../../crm/work-orders/service.js';
import { localDayStart } from '../../crm/work-orders/working-calendar.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

/** Instant of a China local wall-clock time. */
const local = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
const MIN = 60_000;
const HOUR = 60 * MIN;
const MONDAY = local('2026-11-23 10:00'); // an ordinary working week

let clock = MONDAY;
const setClock = (ms: number) => {
  clock = ms;
};
const tick = (ms = MIN) => {
  clock += ms;
};

class TestGateway implements SmsGateway {
  fail = false;
  sent: OutgoingSms[] = [];
  async send(sms: OutgoingSms): Promise<void> {
    if (this.fail) throw new Error('gateway down');
    this.sent.push(sms);
  }
}

const USERS: { id: string; role: Role; department?: string; name: string }[] = [
  { id: 'agent1', role: 'agent', name: '座席一' },
  { id: 'agent2', role: 'agent', name: '座席二' },
  { id: 'agent3', role: 'agent', name: '座席三' },
  { id: 'disp1', role: 'dispatcher', name: '派单员甲' },
  { id: 'sup1', role: 'supervisor', name: '值班长甲' },
  { id: 'admin1', role: 'admin', name: '管理员甲' },
  { id: 'hpf1', role: 'handler', department: 'city.hpf', name: '公积金中心承办人' },
  { id: 'water1', role: 'handler', department: 'util.water', name: '水务集团承办人' },
  { id: 'ns1', role: 'handler', department: 'nanshan.urban', name: '南山城管承办人' },
];

let t: TestDatabase;
let db: Database;
let crm: Crm;
let app: FastifyInstance;
let gateway: TestGateway;
const token: Record<string, string> = {};
const log = pino({ level: 'silent' });
let seededUsers: string[] = [];

beforeAll(async () => {
  t = await openTestDatabase();
  db = t.db;
  const seeded = await seedCrmIfEmpty(db, { now: () => clock });
  seededUsers = seeded.created.map((c) => `${c.username}:${c.role}:${c.departmentCode ?? ''}`);
  const users = new UserRepository(db);
  const hashes = await Promise.all(USERS.map((u) => hashPassword(`pw-${u.id}`)));
  for (const [i, u] of USERS.entries()) {
    await users.createUser({
      id: u.id,
      username: `t-${u.id}`,
      displayName: u.name,
      role: u.role,
      extension: u.role === 'agent' ? String(2000 + i) : null,
      passwordHash: hashes[i]!,
      sipHa1: null,
    });
    if (u.department) await db.query('UPDATE users SET department_code = $2 WHERE id = $1', [u.id, u.department]);
  }
  const tokens = new SessionTokens('api-test-session-key');
  for (const u of USERS) token[u.id] = tokens.issue(u.id, u.role);
  gateway = new TestGateway();
  crm = createCrm({ db, log, now: () => clock, smsGateway: gateway, sms: { baseDelayMs: 1000, maxAttempts: 3 } });
  app = Fastify({ logger: false });
  await crm.registerRoutes(app, { tokens });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await crm?.close();
  await t?.cleanup();
});

beforeEach(() => {
  setClock(MONDAY);
  gateway.fail = false;
});

function call(method: InjectOptions['method'], url: string, who?: string, body?: unknown, extra: Partial<InjectOptions> = {}) {
  return app.inject({
    method,
    url,
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
    ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
    ...extra,
  });
}

function input(overrides: Record<string, unknown> = {}) {
  return {
    channel: 'phone',
    citizen: { phone: '13800138000', name: '李先生' },
    type: 'help',
    catalogItemCode: 'C03.001', // 住房公积金提取: city-wide, 市住房公积金管理中心
    place: { district: '南山区', street: '粤海街道', address: '科技园南区1栋' },
    content: '想咨询如何提取住房公积金用于支付房租，需要准备哪些材料。',
    summary: '咨询公积金提取用于租房',
    timeLimitClass: 'general',
    ...overrides,
  };
}

async function create(who = 'agent1', overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/work-orders', who, { ...input(overrides), ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreateWorkOrderResponse>();
}

async function act(who: string, code: string, body: Record<string, unknown>, status = 200) {
  tick();
  const res = await call('POST', `/api/work-orders/${code}/actions`, who, body);
  expect(res.statusCode, res.body).toBe(status);
  return res.json<WorkOrderActionResponse>();
}

async function detail(who: string, code: string) {
  const res = await call('GET', `/api/work-orders/${code}`, who);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<WorkOrderDetailResponse>();
}

async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`);
  return rows[0]!.n;
}

const DISSATISFIED = { speed: 2, result: 1, attitude: 3, replyQuality: 2, satisfied: false };
const SATISFIED = { speed: 5, result: 5, attitude: 5, replyQuality: 4, satisfied: true };

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
      'receive', 'dispatch', 'sign', 'start', 'reply', 'accept_reply', 'rate', 'rework',
      'reply', 'accept_reply', 'rate', 'close', 'archive',
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
      'order_accepted', 'rating_request', 'rating_request', 'order_closed',
    ]);
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
    const requested = await act('hpf1', order.code, { type: 'request_extension', version: 3, reason: '需调取历年缴存记录核实', requestedDueDate: '2026-12-15' });
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

describe('validation', () => {
  it('names every bad field in Chinese', async () => {
    const res = await call('POST', '/api/work-orders', 'agent1', input({ citizen: { phone: '12345' }, type: 'complaint', place: { district: '南山区' }, catalogItemCode: 'X99.999' }));
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
    expect(badQuery.json().error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['limit', 'state']);
    const notJson = await call('POST', '/api/work-orders', 'agent1', '{"channel":', { headers: { authorization: `Bearer ${token.agent1}`, 'content-type': 'application/json' } });
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

describe('nothing partial', () => {
  it('a failing SMS gateway does not stop a step; the message is retried with backoff', async () => {
    gateway.fail = true;
    const { order } = await create('agent1', { citizen: { phone: '13600136000' } });
    expect(order.state).toBe('dispatched');
    const first = await crm.outbox.runOnce();
    expect(first.sent).toBe(0);
    expect(first.retried).toBeGreaterThanOrEqual(1);
    const row = async () =>
      (await db.query<{ status: string; attempts: number; last_error: string; next_attempt_at: Date }>(
        `SELECT status, attempts, last_error, next_attempt_at FROM sms_outbox WHERE order_id = $1`, [order.id],
      )).rows[0]!;
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
      outbox: { enqueue: async () => { throw new Error('outbox unavailable'); } },
      log,
      now: () => clock,
    });
    const before = await Promise.all(['work_orders', 'work_order_events', 'sms_outbox'].map(count));
    await expect(failing.create({ id: 'agent1', role: 'agent' }, input())).rejects.toThrow('outbox unavailable');
    expect(await Promise.all(['work_orders', 'work_order_events', 'sms_outbox'].map(count))).toEqual(before);

    const { order } = await create('agent1');
    await expect(failing.act({ id: 'disp1', role: 'dispatcher' }, order.code, { type: 'return', reason: 'x' }, 2)).rejects.toThrow();
    const { order: orderCreated } = await create('agent1', { catalogItemCode: 'C04.001', place: { district: '外地', address: '某路1号' } });
    await expect(
      failing.act({ id: 'disp1', role: 'dispatcher' }, orderCreated.code, { type: 'dispatch', departmentId: 'nanshan.urban' }, 1),
    ).rejects.toThrow('outbox unavailable');
    const d = await detail('sup1', orderCreated.code);
    expect(d.order).toMatchObject({ state: 'received', version: 1 });
    expect(d.events).toHaveLength(1);
  });
});

describe('order codes', () => {
  it('are unique under 50 concurrent creations', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call('POST', '/api/work-orders', i % 2 ? 'agent1' : 'agent2', input({ summary: `并发受理${i}` }))));
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
    expect(overdue.items.map((o) => [o.code, o.overdue])).toEqual([[b.order.code, true], [a.order.code, true]]);
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

describe('catalog and knowledge', () => {
  it('searches, suggests and exports the catalog', async () => {
    const all = (await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>();
    expect(all.items.length).toBeGreaterThan(100);
    const hpf = (await call('GET', `/api/catalog?q=${encodeURIComponent('公积金')}`, 'agent1')).json<CatalogResponse>();
    expect(hpf.items.length).toBeGreaterThan(3);
    expect(hpf.items.every((i) => i.code.startsWith('C03.') || i.keywords.some((k) => k.includes('公积金')) || i.name.includes('公积金'))).toBe(true);

    const s = (await call('GET', `/api/catalog/suggest?text=${encodeURIComponent('楼上装修噪音太吵了')}&address=${encodeURIComponent('南山区桃源街道')}`, 'agent1')).json<CatalogSuggestResponse>();
    expect(s.items[0]).toMatchObject({ itemCode: 'C04.001', name: '住宅装修噪声扰民' });
    expect(s.district).toMatchObject({ districtCode: 'nanshan', name: '南山区' });
    expect(s.dispatch).toMatchObject({ kind: 'auto' });
    expect((await call('GET', '/api/catalog/suggest', 'agent1')).json().error.fields[0]).toMatchObject({ field: 'text', message: '诉求文本不能为空' });

    expect((await call('GET', '/api/catalog/export?format=json', 'agent1')).statusCode).toBe(403);
    const json = await call('GET', '/api/catalog/export?format=json', 'admin1');
    expect(json.statusCode).toBe(200);
    expect(JSON.parse(json.body)).toEqual(loadSampleCatalog());
    const csv = (await call('GET', '/api/catalog/export?format=csv', 'admin1')).json<CatalogCsvExport>();
    expect(Object.keys(csv).sort()).toEqual(['classes', 'departments', 'districts', 'items', 'meta']);
    const items = await call('GET', '/api/catalog/export?format=csv&table=items', 'admin1');
    expect(items.headers['content-type']).toContain('text/csv');
    expect(items.body.startsWith('\uFEFFcode,class_code')).toBe(true);
  });

  it('imports a catalog atomically (admin only) and refuses an inconsistent one whole', async () => {
    const sample = loadSampleCatalog();
    expect((await call('POST', '/api/catalog/import', 'sup1', { format: 'json', catalog: sample })).statusCode).toBe(403);

    const broken = { ...sample, version: 'broken', items: [...sample.items, { ...sample.items[0]!, responsibility: { kind: 'city', departmentCode: 'city.nowhere' } }] };
    const refused = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: broken });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toContain('职责清单校验失败');
    expect(refused.json().error.fields.map((f: { message: string }) => f.message)).toEqual(
      expect.arrayContaining([expect.stringContaining('duplicate item code'), expect.stringContaining('unknown department city.nowhere')]),
    );
    expect((await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>().version).toBe(sample.version);

    const next = {
      ...sample,
      version: '2026.1-test',
      departments: [...sample.departments, { code: 'city.test', name: '市测试局', level: 'city' as const }],
    };
    const ok = await call('POST', '/api/catalog/import', 'admin1', { format: 'json', catalog: next });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ version: '2026.1-test', items: sample.items.length, departments: sample.departments.length + 1 });
    expect((await call('GET', '/api/catalog', 'agent1')).json<CatalogResponse>().version).toBe('2026.1-test');

    // back to the sample through CSV: the department only the test version had stays, inactive
    const csv = (await call('GET', '/api/catalog/export?format=csv', 'admin1')).json<CatalogCsvExport>();
    const sampleCsv = { ...csv, meta: csv.meta.replace('2026.1-test', sample.version), departments: csv.departments.replace(/\r\ncity\.test,[^\r\n]*/, '') };
    const back = await call('POST', '/api/catalog/import', 'admin1', { format: 'csv', files: sampleCsv });
    expect(back.statusCode, back.body).toBe(200);
    expect(back.json()).toMatchObject({ version: sample.version, departments: sample.departments.length });
    const deps = (await call('GET', '/api/departments', 'agent1')).json<DepartmentsResponse>().departments;
    expect(deps.find((d) => d.code === 'city.test')).toMatchObject({ active: false });
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM catalog_versions`);
    expect(rows[0]!.n).toBe(3);
  });

  it('keeps a knowledge base searchable by words; only supervisors and admins write', async () => {
    const article = {
      title: '住房公积金租房提取办理指南',
      body: '租房提取住房公积金需提供身份证、租赁合同备案证明，可在网上办事大厅申请，每季度可提取一次。',
      keywords: ['租房提取', '提取公积金'],
      catalogItemCodes: ['C03.001'],
    };
    expect((await call('POST', '/api/knowledge', 'agent1', article)).statusCode).toBe(403);
    const created = await call('POST', '/api/knowledge', 'sup1', article);
    expect(created.statusCode, created.body).toBe(201);
    await call('POST', '/api/knowledge', 'admin1', { title: '燃气报修电话', body: '燃气泄漏请立即拨打燃气集团抢修热线。', keywords: ['燃气泄漏'] });
    const bad = await call('POST', '/api/knowledge', 'sup1', { ...article, title: '', catalogItemCodes: [] });
    expect(bad.json().error.fields).toEqual([{ field: 'title', message: '标题不能为空' }]);
    const badItem = await call('POST', '/api/knowledge', 'sup1', { ...article, catalogItemCodes: ['C03.001', 'Z99.999'] });
    expect(badItem.json().error.fields).toEqual([{ field: 'catalogItemCodes.1', message: '事项目录编码不存在：Z99.999' }]);

    const sentence = (await call('GET', `/api/knowledge?q=${encodeURIComponent('市民想提取公积金付房租')}`, 'agent1')).json<KnowledgeListResponse>();
    expect(sentence.items.map((a) => a.title)).toEqual(['住房公积金租房提取办理指南']);
    const words = (await call('GET', `/api/knowledge?q=${encodeURIComponent('租赁合同 身份证')}`, 'agent1')).json<KnowledgeListResponse>();
    expect(words.items.map((a) => a.title)).toEqual(['住房公积金租房提取办理指南']);
    expect((await call('GET', `/api/knowledge?q=${encodeURIComponent('身份证 燃气')}`, 'agent1')).json<KnowledgeListResponse>().items).toEqual([]);
    expect((await call('GET', '/api/knowledge', 'agent1')).json<KnowledgeListResponse>().items).toHaveLength(2);
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
      expect(received[0]!.body).toEqual({ id: 7, to: '13800138000', template: 'order_closed', params, text: '【12345热线】您的工单GD20261123-000001已办结。感谢您对12345热线工作的支持。' });
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
    scheduler.start();
    await new Promise((r) => setTimeout(r, 60));
    await scheduler.stop();
    const n = seen.length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(new Set(seen)).toEqual(new Set([42]));
    await new Promise((r) => setTimeout(r, 30));
    expect(seen.length).toBe(n);
  });
});
