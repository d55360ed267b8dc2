// Work-order use-cases over the database. Each one is ONE transaction: the pure core (lifecycle.ts) decides,
// the repository writes the order (optimistic locking on `version`), its history rows and the SMS outbox rows;
// when anything fails, nothing of it is kept. The catalog (职责清单) decides auto-dispatch at creation.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../../platform/db/database.js';
import { lastRating, pendingExtension, SYSTEM_ACTOR, type Actor, type WorkOrder, type WorkOrderEvent } from '../../contracts/work-order-model.js';
import { validateCreateWorkOrder } from '../../contracts/work-order-schemas.js';
import { legalActions, MOVES, RECEIVE_ROLES, ROLE_LABELS_ZH, type WorkOrderAction } from '../../contracts/work-order-states.js';
import type { CatalogSnapshot, CatalogStore } from '../catalog/store.js';
import { checkDepartment, decideDispatch, dispatchActor, type DispatchOutcome } from './auto-dispatch.js';
import { smsForStep, type OutboxWriter } from './citizen-sms.js';
import { DEFAULT_WORK_ORDER_CONFIG, type WorkOrderConfig } from './config.js';
import { addDuration, checkDeadlines, DISPATCH_CLOCK_STATES, dispatchDeadlineFrom, recordDeadlineActions } from './deadlines.js';
import { isForeignKeyViolation, OrderNotFoundError, VersionConflictError, WorkOrderError } from './errors.js';
import { CreateRequestRepository, isDuplicateRequest } from './create-requests.js';
import { createWorkOrder, transition, type WorkOrderCommand } from './lifecycle.js';
import { WorkOrderRepository } from './repository.js';
import { localDateKey } from './working-calendar.js';

// Where these lived before the split; importers keep working.
export { CatalogStore, type CatalogSnapshot } from '../catalog/store.js';
export type { DispatchOutcome } from './auto-dispatch.js';
export type { OutboxWriter } from './citizen-sms.js';
export { isForeignKeyViolation, OrderNotFoundError, VersionConflictError } from './errors.js';
export { VERSION_CONFLICT_MESSAGE } from '../../contracts/work-order-views.js';

export interface WorkOrderServiceDeps {
  db: Database;
  catalog: CatalogStore;
  outbox: OutboxWriter;
  log: Logger;
  now?: () => number;
  config?: WorkOrderConfig;
  newId?: () => string;
  /**
   * The lifecycle table lets the whole desk (agents too) dispatch. This deployment's policy defaults to the
   * dispatch desk only (dispatcher, supervisor, admin): agents receive and answer on the spot, dispatchers
   * dispatch. true restores the table's rule.
   */
  agentsMayDispatch?: boolean;
}

export interface CreateResult {
  order: WorkOrder;
  events: WorkOrderEvent[];
  dispatch: DispatchOutcome;
  /** The request's Idempotency-Key had made this order already: nothing new was written. */
  replayed: boolean;
}

export interface CreateOptions {
  callId?: string | undefined;
  answerOnSpot?: string | undefined;
  /** The sender's key for this request: sent again, it returns the order the first one made. */
  idempotencyKey?: string | undefined;
}

export interface ActResult {
  order: WorkOrder;
  event: WorkOrderEvent;
}

export interface DeadlineRunResult {
  orders: number;
  events: number;
  conflicts: number;
}

const DEADLINE_BATCH = 200;

/** Told after a lifecycle step has been committed (e.g. to place the 回访 call once a reply is accepted). */
export type CommittedListener = (result: ActResult) => void;

export class WorkOrderService {
  readonly config: WorkOrderConfig;
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly committed = new Set<CommittedListener>();

  constructor(private readonly deps: WorkOrderServiceDeps) {
    this.config = deps.config ?? DEFAULT_WORK_ORDER_CONFIG;
    this.now = deps.now ?? Date.now;
    this.newId = deps.newId ?? (() => `wo-${randomUUID()}`);
  }

  /**
   * 受理: validate → next order code → insert the order and its 'receive' event → auto-dispatch by the catalog
   * (a 'dispatch' event by the system) or leave it at the dispatch desk → SMS rows. One transaction.
   * With `answerOnSpot` (直办) the order is closed with that answer instead of being dispatched, in the same
   * transaction: a second request could not close it any more once auto-dispatch had taken it.
   * With `idempotencyKey` the request is remembered in the same transaction; the same key again (also while
   * the first is still committing) returns that order with `replayed`, whatever the body says this time.
   */
  async create(actor: Actor, raw: unknown, opts: CreateOptions = {}): Promise<CreateResult> {
    if (!RECEIVE_ROLES.includes(actor.role)) throw new WorkOrderError('forbidden_role', `${ROLE_LABELS_ZH[actor.role]}无权受理工单`);
    const key = opts.idempotencyKey;
    if (key === undefined) return this.createOnce(actor, raw, opts);
    const earlier = await this.replay(actor, key);
    if (earlier) return earlier;
    try {
      return await this.createOnce(actor, raw, opts);
    } catch (err) {
      if (!isDuplicateRequest(err)) throw err;
      const first = await this.replay(actor, key);
      if (!first) throw err;
      return first;
    }
  }

  private async replay(actor: Actor, key: string): Promise<CreateResult | null> {
    const request = await new CreateRequestRepository(this.deps.db).find(actor.id, key);
    if (!request) return null;
    const repo = new WorkOrderRepository(this.deps.db);
    const order = await repo.findById(request.orderId);
    if (!order) return null;
    return { order, events: await repo.listEvents(order.id), dispatch: request.dispatch, replayed: true };
  }

  private async createOnce(actor: Actor, raw: unknown, opts: CreateOptions): Promise<CreateResult> {
    const snap = await this.deps.catalog.snapshot();
    const input = withCallId(raw, opts.callId);
    const v = validateCreateWorkOrder(input);
    const issues = v.ok ? [] : [...v.issues];
    const itemCode = v.ok ? v.value.catalogItemCode : (input as { catalogItemCode?: unknown }).catalogItemCode;
    if (typeof itemCode === 'string' && itemCode.trim() !== '' && !issues.some((i) => i.field === 'catalogItemCode')) {
      if (!snap.catalog.items.some((i) => i.code === itemCode.trim())) {
        issues.push({ field: 'catalogItemCode', message: `事项目录编码不存在：${itemCode.trim()}，请从职责清单中选择` });
      }
    }
    if (!v.ok || issues.length > 0) {
      const first = issues[0];
      throw new WorkOrderError('validation_failed', first?.message ?? '工单信息有误', first?.field, issues);
    }
    // 联动: a call already linked to 110/120/119 makes the order urgent (15-minute dispatch deadline) whatever was chosen
    const value = (await new WorkOrderRepository(this.deps.db).anyEmergencyLinked(v.value.links.callIds))
      ? { ...v.value, urgency: 'urgent' as const }
      : v.value;
    const now = this.now();
    // Own statement, before the transaction: a number is never reused, even when the transaction rolls back.
    const seq = await new WorkOrderRepository(this.deps.db).nextSequence(localDateKey(now));
    const id = this.newId();

    return this.deps.db
      .transaction(async (tx) => {
        const repo = new WorkOrderRepository(tx);
        const remember = async (dispatch: DispatchOutcome) => {
          if (opts.idempotencyKey !== undefined) await new CreateRequestRepository(tx).insert(actor.id, opts.idempotencyKey, { orderId: id, dispatch }, now);
        };
        const created = createWorkOrder({ id, seq, input: value, actor, now, config: this.config });
        let order = created.order;
        const events: WorkOrderEvent[] = [created.event];
        await repo.insertOrder(order, this.nextDeadlineAt(order));
        await repo.insertEvent(created.event);
        // The call the order is taken from must exist (a foreign-key violation rolls everything back); calls of
        // other systems (web chat, earlier platforms) may be listed in links without a row here.
        const known = new Set(await repo.existingCalls(order.links.callIds));
        const linked = new Set([...order.links.callIds.filter((c) => known.has(c)), ...(opts.callId === undefined ? [] : [opts.callId])]);
        await repo.linkCalls(order.id, [...linked], now);

        if (opts.answerOnSpot !== undefined) {
          const r = transition(order, { type: 'answer_on_spot', answer: opts.answerOnSpot }, actor, now, this.config);
          if (!(await repo.updateOrder(r.order, order.version, this.nextDeadlineAt(r.order)))) throw new VersionConflictError(null);
          await repo.insertEvent(r.event);
          await this.enqueueSms(tx, order, r.order, r.event, snap);
          const onSpot: DispatchOutcome = { kind: 'on_spot', reason: '直办：受理时当场答复办结，不派单' };
          await remember(onSpot);
          return { order: r.order, events: [...events, r.event], dispatch: onSpot, replayed: false };
        }
        const decision = decideDispatch(snap, order);
        if (decision.kind === 'auto') {
          const r = transition(order, { type: 'dispatch', departmentId: decision.departmentCode }, dispatchActor(), now, this.config);
          const event = { ...r.event, actor: SYSTEM_ACTOR };
          if (!(await repo.updateOrder(r.order, order.version, this.nextDeadlineAt(r.order)))) throw new VersionConflictError(null);
          await repo.insertEvent(event);
          await this.enqueueSms(tx, order, r.order, event, snap);
          order = r.order;
          events.push(event);
        }
        await remember(decision);
        return { order, events, dispatch: decision, replayed: false };
      })
      .catch((err: unknown) => {
        if (opts.callId !== undefined && isForeignKeyViolation(err, 'work_order_calls_call_id_fkey')) {
          throw new WorkOrderError('validation_failed', `关联通话不存在：${opts.callId}`, 'callId');
        }
        throw err;
      });
  }

  onCommitted(listener: CommittedListener): () => void {
    this.committed.add(listener);
    return () => this.committed.delete(listener);
  }

  /** One lifecycle step on the order `code`, if it is still at `expectedVersion`. One transaction. */
  async act(actor: Actor, code: string, command: WorkOrderCommand, expectedVersion: number): Promise<ActResult> {
    const result = await this.actInTransaction(actor, code, command, expectedVersion);
    for (const listener of this.committed) {
      try {
        listener(result);
      } catch (err) {
        // the step is saved; a failing follower must not turn it into an error for the user
        this.deps.log.error({ err, orderCode: code }, 'work-order listener failed');
      }
    }
    return result;
  }

  private async actInTransaction(actor: Actor, code: string, command: WorkOrderCommand, expectedVersion: number): Promise<ActResult> {
    const snap = await this.deps.catalog.snapshot();
    const now = this.now();
    return this.deps.db.transaction(async (tx) => {
      const repo = new WorkOrderRepository(tx);
      const order = await repo.findByCode(code);
      if (!order) throw new OrderNotFoundError(code);
      if (order.version !== expectedVersion) throw new VersionConflictError(order.version);
      if (command.type === 'dispatch') {
        this.checkDispatchPolicy(actor, order);
        checkDepartment(snap, command.departmentId);
      }
      const r = transition(order, command, actor, now, this.config);
      if (!(await repo.updateOrder(r.order, expectedVersion, this.nextDeadlineAt(r.order)))) throw new VersionConflictError(null);
      await repo.insertEvent(r.event);
      await this.enqueueSms(tx, order, r.order, r.event, snap);
      return r;
    });
  }

  /**
   * 联动 after the order was saved: the open orders of `callId` that are not yet urgent become urgent, and those
   * still at the dispatch desk get the urgent dispatch deadline from now. One recorded 'mark_urgent' event each.
   */
  async markUrgentForLinkage(callId: string): Promise<WorkOrder[]> {
    const now = this.now();
    const orderIds = await new WorkOrderRepository(this.deps.db).ordersOfCall(callId);
    const changed: WorkOrder[] = [];
    for (const orderId of orderIds) {
      const next = await this.deps.db.transaction(async (tx) => {
        const repo = new WorkOrderRepository(tx);
        const order = await repo.findById(orderId);
        if (!order || order.urgency === 'urgent' || order.state === 'closed' || order.state === 'archived') return null;
        const clockRuns = DISPATCH_CLOCK_STATES.includes(order.state);
        const marked: WorkOrder = {
          ...order,
          urgency: 'urgent',
          dispatchDeadline: clockRuns ? dispatchDeadlineFrom(now, this.config) : order.dispatchDeadline,
          version: order.version + 1,
          updatedAt: now,
        };
        if (!(await repo.updateOrder(marked, order.version, this.nextDeadlineAt(marked)))) throw new VersionConflictError(null);
        await repo.insertEvent({
          orderId: order.id,
          orderCode: order.code,
          version: marked.version,
          action: 'mark_urgent',
          from: order.state,
          to: order.state,
          actor: SYSTEM_ACTOR,
          at: now,
          reason: '来电已与110/120/119联动，转为紧急工单',
          details: marked.dispatchDeadline !== null && clockRuns ? { deadline: 'dispatch', dueAt: marked.dispatchDeadline.dueAt } : {},
        });
        return marked;
      });
      if (next) changed.push(next);
    }
    return changed;
  }

  async findByCode(code: string): Promise<WorkOrder | null> {
    return new WorkOrderRepository(this.deps.db).findByCode(code);
  }

  /**
   * The actions `actor` may take on `order` now: the legal moves of its state for the actor's role and
   * department, minus those the action's own rules would refuse (no pending extension, return window over, …).
   */
  availableActions(order: WorkOrder, actor: Actor, now: number = this.now()): WorkOrderAction[] {
    if (actor.role === 'handler' && (!actor.departmentId || actor.departmentId !== order.departmentId)) return [];
    const rating = lastRating(order);
    const dissatisfied = rating !== null && !rating.satisfied;
    const pending = pendingExtension(order) !== null;
    return legalActions(order.state).filter((a) => {
      if (!MOVES[a].roles.includes(actor.role)) return false;
      switch (a) {
        case 'dispatch':
          return actor.role !== 'agent' || this.deps.agentsMayDispatch === true;
        case 'request_extension':
          return !pending;
        case 'approve_extension':
        case 'reject_extension':
          return pending;
        case 'rework':
          return dissatisfied;
        case 'close':
          return !dissatisfied || actor.role === 'supervisor' || actor.role === 'admin';
        case 'return':
          return order.dispatchedAt !== null && now < addDuration(this.config.calendar, order.dispatchedAt, this.config.returnWindow);
        default:
          return true;
      }
    });
  }

  /**
   * Records the reminders (催办) and escalations (督办) due at `now` on every open order that has one, each order
   * in its own transaction. An order changed meanwhile by someone else is skipped; the next run picks it up.
   */
  async runDeadlineChecks(now: number = this.now()): Promise<DeadlineRunResult> {
    const result: DeadlineRunResult = { orders: 0, events: 0, conflicts: 0 };
    const seen = new Set<string>();
    for (let round = 0; round < 50; round++) {
      const due = (await new WorkOrderRepository(this.deps.db).dueForDeadlineCheck(now, DEADLINE_BATCH)).filter((o) => !seen.has(o.id));
      if (due.length === 0) break;
      for (const candidate of due) {
        seen.add(candidate.id);
        try {
          const written = await this.deps.db.transaction(async (tx) => {
            const repo = new WorkOrderRepository(tx);
            const order = await repo.findById(candidate.id);
            if (!order) return 0;
            const { order: next, events } = recordDeadlineActions(order, checkDeadlines(order, now, this.config), now);
            if (!(await repo.updateOrder(next, order.version, this.nextDeadlineAt(next)))) throw new VersionConflictError(null);
            for (const e of events) await repo.insertEvent(e);
            return events.length;
          });
          if (written > 0) result.orders += 1;
          result.events += written;
        } catch (err) {
          if (err instanceof VersionConflictError) result.conflicts += 1;
          else this.deps.log.error({ err, orderId: candidate.id }, 'deadline check failed for an order');
        }
      }
    }
    return result;
  }

  /** The earliest reminder/escalation threshold not yet taken; null when no clock runs. */
  nextDeadlineAt(order: WorkOrder): number | null {
    const pending = checkDeadlines(order, Number.MAX_SAFE_INTEGER, this.config);
    return pending.length === 0 ? null : Math.min(...pending.map((a) => a.thresholdAt));
  }

  private checkDispatchPolicy(actor: Actor, order: WorkOrder): void {
    if (actor.role === 'agent' && this.deps.agentsMayDispatch !== true && MOVES.dispatch.from.includes(order.state)) {
      throw new WorkOrderError('forbidden_role', `${ROLE_LABELS_ZH.agent}无权执行「派单」，请转派单员处理`);
    }
  }

  /** The citizen SMS the step causes (citizen-sms.ts), written in the step's transaction. */
  private async enqueueSms(tx: Queryable, before: WorkOrder, after: WorkOrder, event: WorkOrderEvent, snap: CatalogSnapshot): Promise<void> {
    const departmentName = (code: string | null) => (code ? (snap.departments.get(code)?.name ?? code) : '相关部门');
    for (const m of smsForStep(before, after, event, departmentName)) await this.deps.outbox.enqueue(tx, m, event.at);
  }
}

function withCallId(raw: unknown, callId: string | undefined): unknown {
  if (callId === undefined || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const o = raw as Record<string, unknown>;
  const links = typeof o.links === 'object' && o.links !== null && !Array.isArray(o.links) ? (o.links as Record<string, unknown>) : {};
  const callIds: unknown[] = Array.isArray(links.callIds) ? (links.callIds as unknown[]) : [];
  return { ...o, links: { ...links, callIds: callIds.includes(callId) ? callIds : [...callIds, callId] } };
}
