// Reports over a generated month: calls and work orders (with their event histories) are generated from a fixed
// seed (reports-generated-data.ts), inserted into the real tables, and the API's figures are compared with expectations
// computed in plain TypeScript over the generated arrays (reports-expectations.ts). PGlite, or PostgreSQL when DATABASE_URL is set.
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/api.js';
import { PlaceInput } from '../../contracts/work-order-schemas.js';
import type { HotspotListResponse, ReportResponse } from '../../contracts/reports.js';
import { seedCrmIfEmpty } from '../../crm/index.js';
import { HotspotMonitor } from '../../crm/hotspots/monitor.js';
import { registerHotspotRoutes } from '../../crm/hotspots/routes.js';
import { registerReportRoutes } from '../../crm/reports/routes.js';
import { unzip } from '../../crm/reports/zip.js';
import { CatalogStore } from '../../crm/work-orders/service.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import type { Database } from '../../platform/db/database.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { installErrorHandler } from '../../platform/http/error-handler.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';
import { AS_OF, DAY, HOTSPOT_CODES, data, local } from './reports-generated-data.js';
import { expectedCalls, expectedOrders } from './reports-expectations.js';

let t: TestDatabase;
let db: Database;
let app: FastifyInstance;
const token: Record<string, string> = {};
const USERS: { id: string; role: Role }[] = [
  { id: 'r-agent', role: 'agent' },
  { id: 'r-disp', role: 'dispatcher' },
  { id: 'r-sup', role: 'supervisor' },
  { id: 'r-admin', role: 'admin' },
  { id: 'r-handler', role: 'handler' },
];

async function insertData(db: Database): Promise<void> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  await db.query(
    `INSERT INTO calls (id, channel_id, caller_number, dialed_number, arrived_at, queued_at, offered_at, answered_at, ended_at, outcome, agent_id, queue)
     SELECT x.id, x.id, '13800000000', '12345', x.arrived_at, x.queued_at, x.answered_at, x.answered_at, x.ended_at, x.outcome,
            CASE WHEN x.answered_at IS NULL THEN NULL ELSE 'r-agent' END, 'general'
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, arrived_at timestamptz, queued_at timestamptz, answered_at timestamptz, ended_at timestamptz, outcome text)`,
    [
      JSON.stringify(
        data.calls.map((c) => ({
          id: c.id,
          arrived_at: iso(c.arrivedAt),
          queued_at: iso(c.queuedAt),
          answered_at: iso(c.answeredAt),
          ended_at: iso(c.endedAt),
          outcome: c.outcome,
        })),
      ),
    ],
  );
  await db.query(
    `INSERT INTO work_orders (id, code, version, state, state_since, channel, citizen_phone, citizen_phone_norm, type, catalog_item_code,
        district, street, content, summary, urgency, time_limit_class, received_at, received_by, updated_at, resolve_started_at, resolve_due_at,
        resolve_basis, rework_count, closed_at, search_text, created_at, dispatch_count)
     SELECT x.id, x.code, x.version, x.state, x.received_at, 'phone', '13800000000', '13800000000', x.type, x.item,
        x.district, x.street, '生成的测试工单内容', '测试工单', 'normal', 'general', x.received_at, 'r-agent', x.received_at, x.received_at,
        x.received_at + interval '7 days', 'working', x.rework_count, x.closed_at, x.code, x.received_at, x.dispatches
     FROM jsonb_to_recordset($1::jsonb) AS x(id text, code text, version integer, state text, type text, item text, district text, street text,
        received_at timestamptz, rework_count integer, closed_at timestamptz, dispatches integer)`,
    [
      JSON.stringify(
        data.orders.map((o) => ({
          id: o.id,
          code: o.code,
          version: o.events.length,
          state: o.state,
          type: o.type,
          item: o.item,
          district: o.district,
          street: o.street ?? null,
          received_at: iso(o.receivedAt),
          rework_count: o.reworkCount,
          closed_at: iso(o.closedAt),
          dispatches: o.events.filter((e) => e.action === 'dispatch').length,
        })),
      ),
    ],
  );
  await db.query(
    `INSERT INTO work_order_events (order_id, version, action, from_state, to_state, actor_id, actor_role, at, details)
     SELECT x.order_id, x.version, x.action, x.from_state, x.to_state, 'gen', 'system', x.at, x.details
     FROM jsonb_to_recordset($1::jsonb) AS x(order_id text, version integer, action text, from_state text, to_state text, at timestamptz, details jsonb)`,
    [
      JSON.stringify(
        data.orders.flatMap((o) =>
          o.events.map((e) => ({
            order_id: o.id,
            version: e.version,
            action: e.action,
            from_state: e.from,
            to_state: e.to,
            at: iso(e.at),
            details: e.details,
          })),
        ),
      ),
    ],
  );
}

beforeAll(async () => {
  t = await openTestDatabase();
  db = t.db;
  await seedCrmIfEmpty(db);
  const users = new UserRepository(db);
  for (const u of USERS) {
    await users.createUser({ id: u.id, username: u.id, displayName: u.id, role: u.role, extension: null, passwordHash: 'x', sipHa1: null });
  }
  const tokens = new SessionTokens('reports-test-key');
  for (const u of USERS) token[u.id] = tokens.issue(u.id, u.role);
  await insertData(db);
  app = Fastify({ logger: false });
  installErrorHandler(app);
  const guard = createAuthGuard({ tokens, users });
  const catalog = new CatalogStore(db, () => AS_OF);
  const log = pino({ level: 'silent' });
  await registerReportRoutes(app, { db, log, catalog, auth: guard, now: () => AS_OF });
  await registerHotspotRoutes(app, { db, log, auth: guard, monitor: new HotspotMonitor({ db, catalog, log, now: () => AS_OF }) });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

async function report(query: string, who = 'r-sup'): Promise<ReportResponse> {
  const res = await app.inject({ method: 'GET', url: `/api/reports?${query}`, headers: { authorization: `Bearer ${token[who]}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<ReportResponse>();
}

function expectClose(actual: Record<string, unknown>, expected: Record<string, number | null>): void {
  for (const [k, v] of Object.entries(expected)) {
    if (v === null || Number.isInteger(v)) expect(actual[k], k).toBe(v);
    else expect(actual[k] as number, k).toBeCloseTo(v, 9);
  }
}

const byKey = (xs: { key: string; count: number }[]) => Object.fromEntries(xs.map((x) => [x.key, x.count]));

describe.each([
  ['month', '2026-11-17', local('2026-11-01 00:00:00'), local('2026-12-01 00:00:00'), 30],
  ['week', '2026-12-03', local('2026-11-30 00:00:00'), local('2026-12-07 00:00:00'), 7],
  ['day', '2026-11-01', local('2026-11-01 00:00:00'), local('2026-11-02 00:00:00'), 1],
] as const)('%s report for %s', (period, date, from, to, days) => {
  it('matches the figures computed independently over the generated calls and orders', async () => {
    const r = await report(`period=${period}&date=${date}`);
    expect([r.from, r.to, r.daily.length]).toEqual([from, to, days]);
    const calls = expectedCalls(data.calls, from, to);
    expect(calls.offered).toBeGreaterThan(0);
    expectClose(r.calls as unknown as Record<string, unknown>, calls);
    const orders = expectedOrders(data.orders, from, to);
    expect(orders.figures.received).toBeGreaterThan(0);
    expectClose(r.orders as unknown as Record<string, unknown>, orders.figures);
    expectClose(r.threeRates as unknown as Record<string, unknown>, orders.threeRates);
    expect(byKey(r.orders.byType)).toEqual(orders.byType);
    expect(byKey(r.orders.byClass)).toEqual(orders.byClass);
    expect(byKey(r.orders.byDistrict)).toEqual(orders.byDistrict);
    // per local day
    for (const d of r.daily) {
      const dayFrom = local(`${d.date} 00:00:00`);
      const c = expectedCalls(data.calls, dayFrom, dayFrom + DAY);
      expect([d.offered, d.answered, d.abandoned], d.date).toEqual([c.offered, c.answered, c.abandoned]);
      expect(d.ordersReceived, d.date).toBe(data.orders.filter((o) => o.receivedAt >= dayFrom && o.receivedAt < dayFrom + DAY).length);
    }
  });
});

describe('report API', () => {
  it('has enough variety in the generated data to exercise every definition', () => {
    const m = expectedOrders(data.orders, local('2026-11-01 00:00:00'), local('2026-12-01 00:00:00')).figures;
    expect(m.received).toBeGreaterThan(300);
    for (const k of ['answeredOnSpot', 'reworkOrders', 'rated', 'closed'] as const) expect(m[k], k).toBeGreaterThan(5);
    expect(m.firstDispatchSuccess).toBeLessThan(m.dispatchedOrders);
    expect(m.signedOnTime).toBeLessThan(m.dispatchesDue);
    expect(m.closedOnTime).toBeLessThan(m.closed);
    // the week with AS_OF holds dispatches that are not yet due
    const w = expectedOrders(data.orders, local('2026-11-30 00:00:00'), local('2026-12-07 00:00:00'));
    const allDispatches = data.orders
      .filter((o) => o.receivedAt >= local('2026-11-30 00:00:00'))
      .reduce((n, o) => n + o.events.filter((e) => e.action === 'dispatch').length, 0);
    expect(w.figures.dispatchesDue).toBeLessThan(allDispatches);
  });

  it('names catalog classes from the active catalog', async () => {
    const r = await report('period=month&date=2026-11-01');
    expect(r.orders.byClass.find((c) => c.key === 'C03')?.name).toBe('住房公积金');
    expect(r.orders.byType.find((c) => c.key === 'complaint')?.name).toBe('投诉');
  });

  it('is for the dispatch desk, supervisors and admins only', async () => {
    for (const who of ['r-disp', 'r-admin']) await report('period=day', who);
    for (const who of ['r-agent', 'r-handler']) {
      const res = await app.inject({ method: 'GET', url: '/api/reports?period=day', headers: { authorization: `Bearer ${token[who]}` } });
      expect(res.statusCode, who).toBe(403);
    }
    const anon = await app.inject({ method: 'GET', url: '/api/reports' });
    expect(anon.statusCode).toBe(401);
  });

  it('validates the query with Chinese field messages', async () => {
    for (const q of ['period=year', 'date=2026-13-01', 'date=yesterday']) {
      const res = await app.inject({ method: 'GET', url: `/api/reports?${q}`, headers: { authorization: `Bearer ${token['r-sup']}` } });
      expect(res.statusCode, q).toBe(400);
      expect(res.json().error.fields[0].message, q).toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('exports the same figures as CSV and as an Excel workbook', async () => {
    const r = await report('period=month&date=2026-11-01');
    const auth = { authorization: `Bearer ${token['r-sup']}` };
    const csv = await app.inject({ method: 'GET', url: '/api/reports/export?period=month&date=2026-11-01&format=csv', headers: auth });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain('12345-report-month-2026-11-01.csv');
    expect(csv.body.startsWith('\ufeff')).toBe(true);
    expect(csv.body).toContain(`calls.offered,人工服务请求量,${r.calls.offered}\r\n`);
    expect(csv.body).toContain(`threeRates.satisfaction,满意率,${(r.threeRates.satisfaction as number).toFixed(4)}\r\n`);
    expect(csv.body).toContain(`2026-11-17,${r.daily[16]!.offered},${r.daily[16]!.answered},`);

    const x = await app.inject({ method: 'GET', url: '/api/reports/export?period=month&date=2026-11-01&format=xlsx', headers: auth });
    expect(x.statusCode).toBe(200);
    expect(x.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const files = unzip(x.rawPayload);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining(['[Content_Types].xml', 'xl/workbook.xml', 'xl/worksheets/sheet1.xml', 'xl/worksheets/sheet3.xml']),
    );
    expect(files.get('xl/workbook.xml')!.toString()).toContain('<sheet name="汇总"');
    const sheet1 = files.get('xl/worksheets/sheet1.xml')!.toString();
    expect(sheet1).toContain(`<t xml:space="preserve">人工服务请求量</t></is></c><c r="C6"><v>${r.calls.offered}</v>`);
    expect(sheet1).toContain(`s="1"><v>${r.threeRates.response}</v>`);
  });
});

describe('report export and formula injection', () => {
  // The district of a work order is what the agent typed from the citizen's words (any text up to 50 characters);
  // the report lists it as both key and name. A day before the generated data, so no other figure changes.
  const HOSTILE = ['=HYPERLINK("http://x")', '-1+1', '@SUM(A1)'];

  beforeAll(async () => {
    for (const d of HOSTILE) expect(PlaceInput.parse({ district: d }).district).toBe(d);
    await db.query(
      `INSERT INTO work_orders (id, code, version, state, state_since, channel, citizen_phone, citizen_phone_norm, type, catalog_item_code,
          district, content, summary, urgency, time_limit_class, received_at, received_by, updated_at, resolve_started_at, resolve_due_at,
          resolve_basis, rework_count, search_text, created_at, dispatch_count)
       SELECT 'formula-' || n, 'F2026101500' || n, 1, 'received', $2::timestamptz, 'phone', '13800000000', '13800000000', 'help', 'C03.001',
          d, '生成的测试工单内容', '测试工单', 'normal', 'general', $2::timestamptz, 'r-agent', $2::timestamptz, $2::timestamptz,
          $2::timestamptz + interval '7 days', 'working', 0, 'formula', $2::timestamptz, 0
       FROM unnest($1::text[]) WITH ORDINALITY AS x(d, n)`,
      [HOSTILE, new Date(local('2026-10-15 10:00:00')).toISOString()],
    );
  });

  const exportDay = (format: string) =>
    app.inject({
      method: 'GET',
      url: `/api/reports/export?period=day&date=2026-10-15&format=${format}`,
      headers: { authorization: `Bearer ${token['r-sup']}` },
    });

  it('writes a district that looks like a formula as text in the CSV', async () => {
    const csv = await exportDay('csv');
    expect(csv.statusCode, csv.body).toBe(200);
    expect(csv.body).toContain('区县,"\'=HYPERLINK(""http://x"")","\'=HYPERLINK(""http://x"")",1\r\n');
    expect(csv.body).toContain("区县,'-1+1,'-1+1,1\r\n");
    expect(csv.body).toContain("区县,'@SUM(A1),'@SUM(A1),1\r\n");
    expect(csv.body).toContain('orders.received,受理工单量,3\r\n');
  });

  it('writes it as an inline string with the quote-prefix style, never a formula, in the workbook', async () => {
    const x = await exportDay('xlsx');
    expect(x.statusCode).toBe(200);
    const files = unzip(x.rawPayload);
    const breakdown = files.get('xl/worksheets/sheet3.xml')!.toString();
    for (const d of ['=HYPERLINK(&quot;http://x&quot;)', '-1+1', '@SUM(A1)'])
      expect(breakdown).toContain(`s="2" t="inlineStr"><is><t xml:space="preserve">${d}</t>`);
    for (const [name, data] of files) expect(data.toString(), name).not.toMatch(/<f[ >]/);
  });
});

describe('hotspot alerts API (未诉先办)', () => {
  it('lists the planted cluster with its orders for the dispatch desk, not for agents', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/hotspots', headers: { authorization: `Bearer ${token['r-disp']}` } });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<HotspotListResponse>();
    expect(body.windowHours).toBe(24);
    const alert = body.alerts.find((a) => a.catalogItemCode === 'C07.002' && a.place === '粤海街道');
    expect(alert).toMatchObject({ district: '南山区', placeKind: 'street', count: 4 });
    expect(alert!.orders.map((o) => o.code)).toEqual(HOTSPOT_CODES);
    expect(alert!.catalogItemName).not.toBe('C07.002');
    const agent = await app.inject({ method: 'GET', url: '/api/hotspots', headers: { authorization: `Bearer ${token['r-agent']}` } });
    expect(agent.statusCode).toBe(403);
  });
});
