// The work-order REST API (see contracts/work-orders.ts for every endpoint, its roles and shapes). Each route
// names the permission it needs (platform/auth/permissions.ts); the CRM's domain errors answer through the app's
// one error handler (crm/http/errors.ts registers them). Every body and query is validated with the contract's
// zod schemas; messages are Chinese.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  CatalogExportQuery,
  CatalogImportRequest,
  CatalogQuery,
  CatalogSuggestQuery,
  CreateWorkOrderExtras,
  IdempotencyKeyHeader,
  KnowledgeQuery,
  NewKnowledgeArticle,
  PUBLIC_PROGRESS_LIMIT_PER_MINUTE,
  PublicProgressQuery,
  ScreenPopQuery,
  WorkOrderActionRequest,
  WorkOrderListQuery,
  type CatalogImportResponse,
  type CatalogResponse,
  type CatalogSuggestResponse,
  type CreateWorkOrderResponse,
  type DepartmentsResponse,
  type KnowledgeArticle,
  type KnowledgeArticleResponse,
  type KnowledgeListResponse,
  type PublicProgressResponse,
  type ScreenPopResponse,
  type WorkOrderActionResponse,
  type WorkOrderDetailResponse,
  type WorkOrderListResponse,
} from '../contracts/work-orders.js';
import type { Database } from '../platform/db/database.js';
import { userOf } from '../platform/http/auth-guard.js';
import { installErrorHandler } from '../platform/http/error-handler.js';
import { ApiError, parseBody } from '../platform/http/errors.js';
import { exportCatalogCsv, importCatalogCsv } from './catalog/csv.js';
import { detectDistrict, dispatch as dispatchByCatalog, suggestItems } from './catalog/dispatch.js';
import { exportCatalogJson, importCatalogJson } from './catalog/json.js';
import { parseCatalog } from './catalog/validate.js';
import { actorOf, type CrmAuth } from './http/auth.js';
import type { AuthUser } from '../platform/http/auth-guard.js';
import { RateLimitedError, registerCrmErrorMappings } from './http/errors.js';
import { FixedWindowRateLimit } from './http/rate-limit.js';
import { canSee, decodeCursor, encodeCursor, mustMask, toEventView, toLinkedCall, toSummary, toView, visibilityOf } from './http/views.js';
import { KnowledgeRepository, type KnowledgeArticleRecord } from './knowledge/repository.js';
import type { WorkOrder } from '../contracts/work-order-model.js';
import { searchKey, WorkOrderRepository } from './work-orders/repository.js';
import { normalizePhone } from '../contracts/phone.js';
import type { CatalogStore, DispatchOutcome, WorkOrderService } from './work-orders/service.js';
import { STATE_LABELS_ZH } from '../contracts/work-order-states.js';
import { localDateKey } from './work-orders/working-calendar.js';

export interface CrmRouteDeps {
  db: Database;
  log: Logger;
  service: WorkOrderService;
  catalog: CatalogStore;
  auth: CrmAuth;
  now: () => number;
  /** How far back an agent's callers count for seeing their orders (screen pop). Default 7 days. */
  agentCallerWindowMs?: number;
  /** Public progress queries per IP per minute. */
  publicLimitPerMinute?: number;
}

const SCREEN_POP_MAX = 20;
const NOT_FOUND_MESSAGE = (code: string) => `工单 ${code} 不存在或您无权查看`;

const CodeParam = z.object({ code: z.string().trim().min(1, { error: '工单编号不能为空' }).max(40, { error: '工单编号格式不正确' }) });

export async function registerCrmRoutes(app: FastifyInstance, deps: CrmRouteDeps): Promise<void> {
  const { db, service, catalog, now } = deps;
  const callerWindow = deps.agentCallerWindowMs ?? 7 * 86_400_000;
  const publicLimit = new FixedWindowRateLimit(deps.publicLimitPerMinute ?? PUBLIC_PROGRESS_LIMIT_PER_MINUTE, 60_000, now);
  const knowledge = new KnowledgeRepository(db);

  const guard = deps.auth;
  const agentPhones = async (u: AuthUser): Promise<string[]> =>
    u.role === 'agent' ? new WorkOrderRepository(db).callerPhonesOfAgent(u.id, now() - callerWindow) : [];

  /** The order `code` if this user may see it; 404 otherwise (also when it exists: codes cannot be probed). */
  async function visibleOrder(u: AuthUser, code: string): Promise<WorkOrder> {
    const order = await service.findByCode(code);
    if (order && canSee(visibilityOf(u, await agentPhones(u)), order)) return order;
    throw new ApiError('not_found', NOT_FOUND_MESSAGE(code));
  }

  registerCrmErrorMappings();
  // the work-order routes are also mounted on bare apps (tests/api/work-orders.test.ts, bench/crm.ts): make sure
  // the app answers with the one error handler (a no-op on an app built by buildApp)
  installErrorHandler(app);

  // ---------------------------------------------------------------------------------------------------------
  // Work orders

  app.post('/api/work-orders', { preHandler: guard.require('workorder.create') }, async (req, reply) => {
    const u = userOf(req);
    const body = req.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ApiError('validation_failed', '工单信息不能为空', [{ field: '(body)', message: '工单信息不能为空' }]);
    }
    const extras = parseBody(CreateWorkOrderExtras, body);
    const { 'idempotency-key': idempotencyKey } = parseBody(IdempotencyKeyHeader, req.headers, 'headers');
    const r = await service.create(actorOf(u), body, { callId: extras.callId, answerOnSpot: extras.answerOnSpot, idempotencyKey });
    const snap = await catalog.snapshot();
    const res: CreateWorkOrderResponse = {
      order: toView(r.order, u, snap, now()),
      dispatch: r.dispatch,
      events: r.events.map((e) => toEventView(e, e.actor.id === u.id ? u.displayName : null)),
    };
    // a request sent again: the order its first sending made (RFC 9110 leaves the replay's status to us; 200 says "nothing new")
    if (r.replayed) return reply.code(200).header('idempotent-replayed', 'true').send(res);
    return reply.code(201).send(res);
  });

  app.get('/api/work-orders', { preHandler: guard.signedIn }, async (req) => {
    const u = userOf(req);
    const q = parseBody(WorkOrderListQuery, req.query);
    let after: { receivedAt: number; id: string } | undefined;
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (!c) throw new ApiError('validation_failed', '分页游标无效', [{ field: 'cursor', message: '分页游标无效' }]);
      after = c;
    }
    const at = now();
    const rows = await new WorkOrderRepository(db).list({
      visibility: visibilityOf(u, await agentPhones(u)),
      states: q.state,
      departmentCode: q.departmentCode,
      phone: q.phone === undefined ? undefined : normalizePhone(q.phone),
      code: q.code,
      text: q.q === undefined || q.q === '' ? undefined : searchKey(q.q),
      overdueAt: q.overdue === true ? at : undefined,
      limit: q.limit,
      after,
    });
    const page = rows.slice(0, q.limit);
    const snap = await catalog.snapshot();
    const res: WorkOrderListResponse = {
      items: page.map((o) => toSummary(o, u, snap, at)),
      nextCursor: rows.length > q.limit ? encodeCursor(page[page.length - 1] as WorkOrder) : null,
    };
    return res;
  });

  app.get('/api/work-orders/:code', { preHandler: guard.signedIn }, async (req) => {
    const u = userOf(req);
    const { code } = parseBody(CodeParam, req.params);
    const order = await visibleOrder(u, code);
    const repo = new WorkOrderRepository(db);
    const [events, calls, snap] = [await repo.listEvents(order.id), await repo.linkedCalls(order.id), await catalog.snapshot()];
    const at = now();
    const masked = mustMask(u, order);
    const res: WorkOrderDetailResponse = {
      order: toView(order, u, snap, at),
      events: events.map((e) => toEventView(e)),
      legalActions: service.availableActions(order, actorOf(u), at),
      calls: calls.map((c) => toLinkedCall(c, masked)),
    };
    return res;
  });

  app.post('/api/work-orders/:code/actions', { preHandler: guard.signedIn }, async (req) => {
    const u = userOf(req);
    const { code } = parseBody(CodeParam, req.params);
    await visibleOrder(u, code);
    const { version, ...command } = parseBody(WorkOrderActionRequest, req.body);
    const r = await service.act(actorOf(u), code, command, version);
    const snap = await catalog.snapshot();
    const at = now();
    const res: WorkOrderActionResponse = {
      order: toView(r.order, u, snap, at),
      event: toEventView(r.event, u.displayName),
      legalActions: service.availableActions(r.order, actorOf(u), at),
    };
    return res;
  });

  app.get('/api/screen-pop', { preHandler: guard.require('workorder.screen-pop') }, async (req) => {
    const u = userOf(req);
    const phone = normalizePhone(parseBody(ScreenPopQuery, req.query).phone);
    const phones = await agentPhones(u);
    const repo = new WorkOrderRepository(db);
    const orders = await repo.list({ visibility: visibilityOf(u, phones), phone, limit: SCREEN_POP_MAX });
    // an agent sees the call history of the numbers that called them
    const calls = u.role !== 'agent' || phones.includes(phone) ? await repo.callsFrom(phone, SCREEN_POP_MAX) : [];
    const snap = await catalog.snapshot();
    const at = now();
    const summaries = orders.slice(0, SCREEN_POP_MAX).map((o) => toSummary(o, u, snap, at));
    // a confidential citizen's number stays hidden on the call list too
    const hide = summaries.some((s) => s.masked);
    const res: ScreenPopResponse = { phone, orders: summaries, calls: calls.map((c) => toLinkedCall(c, hide)) };
    return res;
  });

  // ---------------------------------------------------------------------------------------------------------
  // Catalog and departments

  app.get('/api/catalog', { preHandler: guard.signedIn }, async (req) => {
    const { q } = parseBody(CatalogQuery, req.query);
    const { catalog: c } = await catalog.snapshot();
    if (q === undefined || q === '') return c satisfies CatalogResponse;
    const needle = q.toLowerCase();
    const className = new Map(c.classes.map((k) => [k.code, k.name]));
    const items = c.items.filter(
      (i) =>
        i.code.toLowerCase().includes(needle) ||
        i.name.includes(q) ||
        (className.get(i.classCode) ?? '').includes(q) ||
        i.keywords.some((k) => k.includes(q) || q.includes(k)),
    );
    return { ...c, items } satisfies CatalogResponse;
  });

  app.get('/api/catalog/suggest', { preHandler: guard.signedIn }, async (req) => {
    const q = parseBody(CatalogSuggestQuery, req.query);
    const snap = await catalog.snapshot();
    const c = snap.catalog;
    const byCode = new Map(c.items.map((i) => [i.code, i]));
    const items = suggestItems(c, q.text, { limit: q.limit }).map((s) => {
      const item = byCode.get(s.itemCode)!;
      return { ...s, name: item.name, classCode: item.classCode, timeLimit: item.timeLimit };
    });
    const d = detectDistrict(c, q.address ?? q.text);
    const district = d ? { ...d, name: c.districts.find((x) => x.code === d.districtCode)?.name ?? d.districtCode } : null;
    let dispatch: DispatchOutcome | null = null;
    const top = items[0];
    if (top) {
      const r = dispatchByCatalog(c, { itemCode: top.itemCode, district: d?.districtCode ?? null });
      dispatch =
        r.kind === 'auto'
          ? {
              kind: 'auto',
              departmentCode: r.departmentCode,
              departmentName: snap.departments.get(r.departmentCode)?.name ?? r.departmentCode,
              itemCode: r.itemCode,
              reason: r.reason,
            }
          : { kind: 'manual', code: r.code, reason: r.reason };
    }
    const res: CatalogSuggestResponse = { items, district, dispatch };
    return res;
  });

  app.get('/api/catalog/export', { preHandler: guard.require('catalog.export') }, async (req, reply) => {
    const q = parseBody(CatalogExportQuery, req.query);
    const { catalog: c } = await catalog.snapshot();
    const base = `catalog-${c.version.replace(/[^\w.-]/g, '_') || 'empty'}`;
    if (q.format === 'json') {
      return reply.type('application/json; charset=utf-8').header('content-disposition', `attachment; filename="${base}.json"`).send(exportCatalogJson(c));
    }
    const files = exportCatalogCsv(c);
    if (q.table !== undefined) {
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${base}-${q.table}.csv"`).send(files[q.table]);
    }
    return reply.send(files);
  });

  app.post('/api/catalog/import', { bodyLimit: 16 << 20, preHandler: guard.require('catalog.import') }, async (req) => {
    const u = userOf(req);
    const body = parseBody(CatalogImportRequest, req.body);
    const parsed =
      body.format === 'csv' ? importCatalogCsv(body.files) : typeof body.catalog === 'string' ? importCatalogJson(body.catalog) : parseCatalog(body.catalog);
    const snap = await catalog.replace(parsed, u.id);
    deps.log.info({ userId: u.id, version: parsed.version, items: parsed.items.length }, 'catalog imported');
    const c = snap.catalog;
    const res: CatalogImportResponse = {
      version: c.version,
      districts: c.districts.length,
      departments: c.departments.length,
      classes: c.classes.length,
      items: c.items.length,
    };
    return res;
  });

  app.get('/api/departments', { preHandler: guard.signedIn }, async () => {
    const snap = await catalog.snapshot();
    const res: DepartmentsResponse = {
      departments: [...snap.departments.values()].map((d) => ({ code: d.code, name: d.name, level: d.level, districtCode: d.districtCode, active: d.active })),
    };
    return res;
  });

  // ---------------------------------------------------------------------------------------------------------
  // Knowledge base

  app.get('/api/knowledge', { preHandler: guard.signedIn }, async (req) => {
    const q = parseBody(KnowledgeQuery, req.query);
    const res: KnowledgeListResponse = { items: (await knowledge.search(q.q, q.limit)).map(toArticle) };
    return res;
  });

  app.post('/api/knowledge', { preHandler: guard.require('knowledge.edit') }, async (req, reply) => {
    const u = userOf(req);
    const a = parseBody(NewKnowledgeArticle, req.body);
    const { catalog: c } = await catalog.snapshot();
    const known = new Set(c.items.map((i) => i.code));
    const unknown = a.catalogItemCodes.map((code, i) => ({ code, i })).filter((x) => !known.has(x.code));
    if (unknown.length > 0) {
      const fields = unknown.map((x) => ({ field: `catalogItemCodes.${x.i}`, message: `事项目录编码不存在：${x.code}` }));
      throw new ApiError('validation_failed', fields.map((f) => f.message).join('；'), fields);
    }
    const article = await knowledge.create({ ...a, createdBy: u.id }, new Date(now()));
    const res: KnowledgeArticleResponse = { article: toArticle(article) };
    return reply.code(201).send(res);
  });

  // ---------------------------------------------------------------------------------------------------------
  // Citizen progress query: no login; the phone must be the order's citizen phone; rate-limited per IP.

  app.get('/api/public/progress', async (req) => {
    const wait = publicLimit.hit(req.ip);
    if (wait > 0) throw new RateLimitedError(wait);
    const q = parseBody(PublicProgressQuery, req.query);
    const order = await service.findByCode(q.code.toUpperCase());
    // the same answer for "no such code" and "wrong phone", so neither can be probed
    if (!order || normalizePhone(order.citizen.phone) !== normalizePhone(q.phone)) {
      throw new ApiError('not_found', '未查询到该工单，请核对工单编号和联系电话');
    }
    const closed = order.state === 'closed' || order.state === 'archived';
    const res: PublicProgressResponse = {
      code: order.code,
      stateLabel: STATE_LABELS_ZH[order.state],
      receivedDate: localDateKey(order.receivedAt),
      expectedDate: closed ? null : localDateKey(order.resolveDeadline.dueAt - 1),
    };
    return res;
  });
}

function toArticle(a: KnowledgeArticleRecord): KnowledgeArticle {
  return { ...a, createdAt: a.createdAt.getTime(), updatedAt: a.updatedAt.getTime() };
}
