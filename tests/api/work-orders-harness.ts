// Shared setup of the work-order API tests (tests/api/work-orders-*.test.ts): fastify + createCrm + real session
// tokens and users, over PGlite — or, when DATABASE_URL is set, PostgreSQL in a schema of its own
// (tests/db/test-database.ts). A fake clock drives time. Each test file calls useWorkOrderApi() once and gets its
// own database; the exported state (db, crm, clock …) is that file's (vitest isolates modules per file).
import Fastify, { type FastifyInstance, type InjectOptions } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import type { Role } from '../../contracts/api.js';
import type { CreateWorkOrderResponse, WorkOrderActionResponse, WorkOrderDetailResponse } from '../../contracts/work-orders.js';
import { createCrm, seedCrmIfEmpty, type Crm } from '../../crm/index.js';
import type { OutgoingSms, SmsGateway } from '../../crm/sms/outbox.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import type { Database } from '../../platform/db/database.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

/** Instant of a China local wall-clock time. */
export const local = (s: string) => Date.parse(`${s.replace(' ', 'T')}:00+08:00`);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const MONDAY = local('2026-11-23 10:00'); // an ordinary working week

export let clock = MONDAY;
export const setClock = (ms: number) => {
  clock = ms;
};
export const tick = (ms = MIN) => {
  clock += ms;
};

export class TestGateway implements SmsGateway {
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
export let db: Database;
export let crm: Crm;
export let app: FastifyInstance;
export let gateway: TestGateway;
export const token: Record<string, string> = {};
export const log = pino({ level: 'silent' });
/** `username:role:departmentCode` of the accounts seedCrmIfEmpty created. */
export let seededUsers: string[] = [];

/** Opens this file's database and app before its tests, closes them after, resets the clock before each test. */
export function useWorkOrderApi(): void {
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
    await crm.registerRoutes(app, createAuthGuard({ tokens, users: new UserRepository(db) }));
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
}

export function call(method: InjectOptions['method'], url: string, who?: string, body?: unknown, extra: Partial<InjectOptions> = {}) {
  return app.inject({
    method,
    url,
    headers: who ? { authorization: `Bearer ${token[who]}` } : {},
    ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
    ...extra,
  });
}

export function input(overrides: Record<string, unknown> = {}) {
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

export async function create(who = 'agent1', overrides: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/work-orders', who, { ...input(overrides), ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreateWorkOrderResponse>();
}

export async function act(who: string, code: string, body: Record<string, unknown>, status = 200) {
  tick();
  const res = await call('POST', `/api/work-orders/${code}/actions`, who, body);
  expect(res.statusCode, res.body).toBe(status);
  return res.json<WorkOrderActionResponse>();
}

export async function detail(who: string, code: string) {
  const res = await call('GET', `/api/work-orders/${code}`, who);
  expect(res.statusCode, res.body).toBe(200);
  return res.json<WorkOrderDetailResponse>();
}

export async function count(table: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM ${table}`);
  return rows[0]!.n;
}

export const DISSATISFIED = { speed: 2, result: 1, attitude: 3, replyQuality: 2, satisfied: false };
export const SATISFIED = { speed: 5, result: 5, attitude: 5, replyQuality: 4, satisfied: true };
