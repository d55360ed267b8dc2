// Orders of a call linked to 110/120/119 are urgent with the 15-minute dispatch deadline: at creation when the
// linkage sheet exists already, and afterwards (WorkOrderService.markUrgentForLinkage, run by the transfer
// service once it stored the sheet) when the agent saved the order first. PGlite, or DATABASE_URL.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkOrderResponse, WorkOrderDetailResponse } from '../../contracts/work-orders.js';
import { CallRecordRepository } from '../../crm/call-records.js';
import { createCrm, seedCrmIfEmpty, type Crm } from '../../crm/index.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { installErrorHandler } from '../../platform/http/error-handler.js';
import { LinkageService } from '../../transfer/linkage.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

const MIN = 60_000;
const MONDAY = Date.parse('2026-11-23T10:00:00+08:00');
let clock = MONDAY;

let t: TestDatabase;
let crm: Crm;
let app: FastifyInstance;
let linkage: LinkageService;
let calls: CallRecordRepository;
let agentToken = '';
const log = pino({ level: 'silent' });

beforeAll(async () => {
  t = await openTestDatabase();
  await seedCrmIfEmpty(t.db, { now: () => clock });
  const users = new UserRepository(t.db);
  await users.createUser({
    id: 'lk-agent',
    username: 'lk-agent',
    displayName: '座席',
    role: 'agent',
    extension: '2901',
    passwordHash: await hashPassword('pw'),
    sipHa1: null,
  });
  const tokens = new SessionTokens('linkage-urgency-test');
  agentToken = tokens.issue('lk-agent', 'agent');
  crm = createCrm({ db: t.db, log, now: () => clock });
  app = Fastify({ logger: false });
  installErrorHandler(app);
  await crm.registerRoutes(app, createAuthGuard({ tokens, users }));
  await app.ready();
  linkage = new LinkageService({ db: t.db, log, centre: () => undefined, now: () => clock });
  calls = new CallRecordRepository(t.db);
});

afterAll(async () => {
  await app?.close();
  await crm?.close();
  await t?.cleanup();
});

// 装修噪音 in an unknown district: the catalog cannot place it, so it waits at the dispatch desk
const atTheDesk = (callId: string) => ({
  channel: 'phone',
  citizen: { phone: '13800138000' },
  type: 'complaint',
  catalogItemCode: 'C04.001',
  place: { district: '外地', address: '某小区3栋' },
  content: '楼下有人持刀争吵，已转110联动处置。',
  summary: '持刀争吵，已联动110',
  timeLimitClass: 'general',
  callId,
});

async function createOrder(callId: string) {
  const res = await app.inject({ method: 'POST', url: '/api/work-orders', headers: { authorization: `Bearer ${agentToken}` }, payload: atTheDesk(callId) });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<CreateWorkOrderResponse>().order;
}

async function newCall(id: string) {
  await calls.createCall({ id, channelId: `ch-${id}`, callerNumber: '13800138000', dialedNumber: '12345', arrivedAt: new Date(clock) });
}

const sheet = (callId: string) => ({
  centre: '110',
  callId,
  callerNumber: '13800138000',
  place: null,
  summary: null,
  transcript: null,
  emergencyKeyword: '持刀',
  recordingUrl: `/api/recordings/${callId}/audio`,
  agentId: 'lk-agent',
});

describe('work orders of an emergency linkage', () => {
  it('an order saved after the 转110 is urgent with the 15-minute dispatch deadline, though the agent chose 一般', async () => {
    await newCall('lk-call-1');
    await linkage.create(sheet('lk-call-1'));
    clock += 2 * MIN;
    const view = await createOrder('lk-call-1');
    expect(view).toMatchObject({ urgency: 'urgent', state: 'received' });
    const order = (await crm.service.findByCode(view.code))!;
    expect(order.dispatchDeadline).toMatchObject({ startedAt: clock, dueAt: clock + 15 * MIN, basis: 'calendar' });
  });

  it('an order saved before the linkage becomes urgent when the sheet is stored, with one recorded event', async () => {
    await newCall('lk-call-2');
    const view = await createOrder('lk-call-2');
    expect(view.urgency).toBe('normal');
    expect((await crm.service.findByCode(view.code))!.dispatchDeadline).toBeNull();

    clock += 3 * MIN;
    await linkage.create(sheet('lk-call-2'));
    const changed = await crm.service.markUrgentForLinkage('lk-call-2');
    expect(changed.map((o) => o.code)).toEqual([view.code]);
    const order = (await crm.service.findByCode(view.code))!;
    expect(order).toMatchObject({ urgency: 'urgent', version: view.version + 1, state: 'received' });
    expect(order.dispatchDeadline).toMatchObject({ startedAt: clock, dueAt: clock + 15 * MIN });

    const res = await app.inject({ method: 'GET', url: `/api/work-orders/${view.code}`, headers: { authorization: `Bearer ${agentToken}` } });
    const events = res.json<WorkOrderDetailResponse>().events.filter((e) => e.action === 'mark_urgent');
    expect(events.map((e) => [e.actor.role, e.details.dueAt])).toEqual([['system', clock + 15 * MIN]]);

    // a second sheet for the same call (e.g. 120 after 110) changes nothing more
    expect(await crm.service.markUrgentForLinkage('lk-call-2')).toEqual([]);
  });

  it('a dispatch-desk reminder falls due on the urgent clock', async () => {
    await newCall('lk-call-3');
    const view = await createOrder('lk-call-3');
    await crm.service.markUrgentForLinkage('lk-call-3'); // no sheet needed by the service itself
    const r = await crm.service.runDeadlineChecks(clock + 15 * MIN);
    expect(r.events).toBeGreaterThan(0);
    const res = await app.inject({ method: 'GET', url: `/api/work-orders/${view.code}`, headers: { authorization: `Bearer ${agentToken}` } });
    const reminders = res.json<WorkOrderDetailResponse>().events.filter((e) => e.action === 'remind' && e.details.deadline === 'dispatch');
    expect(reminders.length).toBeGreaterThan(0);
  });
});
