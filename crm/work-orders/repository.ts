// Work orders in SQL. No rules here (lifecycle.ts decides, service.ts orchestrates); every method runs on the
// Queryable it was built with, so the service builds one per transaction. The writes are here; the row mapping
// is order-rows.ts, the list and its text search order-list.ts, the calls beside orders call-links.ts.
import { normalizePhone } from '../../contracts/phone.js';
import type { WorkOrder, WorkOrderEvent } from '../../contracts/work-order-model.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import type { Queryable } from '../../platform/db/database.js';
import { CallLinkRepository, type CallLink } from './call-links.js';
import { listOrders, SELECT_ORDER, type ListFilter } from './order-list.js';
import { cast, date, json, MUTABLE_COLUMNS, mutableValues, toEvent, toOrder, type EventRow, type OrderRow, type StoredEvent } from './order-rows.js';
import { orderSearchText } from './search-text.js';

export { CatalogRepository, type DepartmentRecord } from '../catalog/repository.js';
export { phoneVariants, type CallLink } from './call-links.js';
export type { ListFilter, Visibility } from './order-list.js';
export type { StoredEvent } from './order-rows.js';
export { containsPattern, searchKey } from './search-text.js';

export class WorkOrderRepository {
  private readonly calls: CallLinkRepository;

  constructor(private readonly db: Queryable) {
    this.calls = new CallLinkRepository(db);
  }

  /** The next number of the local day's counter (1, 2, …); never hands out the same number twice. */
  async nextSequence(day: string): Promise<number> {
    const { rows } = await this.db.query<{ last: number }>(
      `INSERT INTO order_code_sequences (day, last) VALUES ($1::date, 1)
       ON CONFLICT (day) DO UPDATE SET last = order_code_sequences.last + 1
       RETURNING last`,
      [day],
    );
    return (rows[0] as { last: number }).last;
  }

  async insertOrder(o: WorkOrder, nextDeadlineAt: number | null): Promise<void> {
    const fixed: [string, unknown][] = [
      ['id', o.id],
      ['code', o.code],
      ['channel', o.channel],
      ['citizen_phone', o.citizen.phone],
      ['citizen_phone_norm', normalizePhone(o.citizen.phone)],
      ['citizen_name', o.citizen.name ?? null],
      ['confidential', o.citizen.confidential],
      ['type', o.type],
      ['catalog_item_code', o.catalogItemCode],
      ['district', o.place.district],
      ['street', o.place.street ?? null],
      ['address', o.place.address ?? null],
      ['content', o.content],
      ['summary', o.summary],
      ['time_limit_class', o.timeLimitClass],
      ['links', json(o.links)],
      ['received_at', date(o.receivedAt)],
      ['received_by', o.receivedBy],
      ['search_text', orderSearchText(o)],
      ['created_at', date(o.receivedAt)],
    ];
    const values = mutableValues(o, nextDeadlineAt);
    const cols = [...fixed.map(([c]) => c), ...MUTABLE_COLUMNS];
    const params = [...fixed.map(([, v]) => v), ...values];
    await this.db.query(`INSERT INTO work_orders (${cols.join(', ')}) VALUES (${cols.map((c, i) => cast(c, i + 1)).join(', ')})`, params);
  }

  /**
   * Writes the order's new state when the stored version is still `expectedVersion`.
   * false: somebody else changed it first (nothing was written).
   */
  async updateOrder(o: WorkOrder, expectedVersion: number, nextDeadlineAt: number | null): Promise<boolean> {
    const sets = MUTABLE_COLUMNS.map((c, i) => `${c} = ${cast(c, i + 3)}`).join(', ');
    const { rows } = await this.db.query(`UPDATE work_orders SET ${sets} WHERE id = $1 AND version = $2 RETURNING id`, [
      o.id,
      expectedVersion,
      ...mutableValues(o, nextDeadlineAt),
    ]);
    return rows.length === 1;
  }

  async insertEvent(e: WorkOrderEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO work_order_events (order_id, version, action, from_state, to_state, actor_id, actor_role, actor_department, at, reason, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
      [e.orderId, e.version, e.action, e.from, e.to, e.actor.id, e.actor.role, e.actor.departmentId ?? null, new Date(e.at), e.reason, json(e.details)],
    );
  }

  async findByCode(code: string): Promise<WorkOrder | null> {
    const { rows } = await this.db.query<OrderRow>(`${SELECT_ORDER} WHERE wo.code = $1`, [code]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async findById(id: string): Promise<WorkOrder | null> {
    const { rows } = await this.db.query<OrderRow>(`${SELECT_ORDER} WHERE wo.id = $1`, [id]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  /** Newest received first; one more row than `limit` tells the caller there is a next page (see listOrders). */
  list(f: ListFilter): Promise<WorkOrder[]> {
    return listOrders(this.db, f);
  }

  /** Oldest first, with the acting user's display name (the users table is platform/auth's). */
  async listEvents(orderId: string): Promise<StoredEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `SELECT e.*, wo.code AS order_code
       FROM work_order_events e
       JOIN work_orders wo ON wo.id = e.order_id
       WHERE e.order_id = $1 ORDER BY e.version`,
      [orderId],
    );
    const names = await new UserRepository(this.db).displayNames(rows.map((r) => r.actor_id));
    return rows.map((r) => toEvent(r, names.get(r.actor_id) ?? null));
  }

  async countEvents(orderId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM work_order_events WHERE order_id = $1`, [orderId]);
    return rows[0]?.n ?? 0;
  }

  /** Open orders whose next reminder/escalation is due at `now`. */
  async dueForDeadlineCheck(now: number, limit: number): Promise<WorkOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `${SELECT_ORDER} WHERE wo.next_deadline_at IS NOT NULL AND wo.next_deadline_at <= $1 ORDER BY wo.next_deadline_at LIMIT $2`,
      [new Date(now), limit],
    );
    return rows.map(toOrder);
  }

  // The calls beside orders (call-links.ts), here too so a transaction's one repository reaches them.

  /** Links calls to an order; a call id that does not exist fails with a foreign-key violation (23503). */
  linkCalls(orderId: string, callIds: readonly string[], at: number): Promise<void> {
    return this.calls.linkCalls(orderId, callIds, at);
  }

  /** Which of these call ids exist. */
  existingCalls(callIds: readonly string[]): Promise<string[]> {
    return this.calls.existingCalls(callIds);
  }

  linkedCalls(orderId: string): Promise<CallLink[]> {
    return this.calls.linkedCalls(orderId);
  }

  /** Calls from a (normalized) number, newest first. */
  callsFrom(phoneNorm: string, limit: number): Promise<CallLink[]> {
    return this.calls.callsFrom(phoneNorm, limit);
  }

  /** Normalized numbers of the callers whose calls rang this agent since `since`. */
  callerPhonesOfAgent(agentId: string, since: number): Promise<string[]> {
    return this.calls.callerPhonesOfAgent(agentId, since);
  }

  /** Ids of the orders linked to a call. */
  ordersOfCall(callId: string): Promise<string[]> {
    return this.calls.ordersOfCall(callId);
  }

  /** Whether any of these calls was linked with 110/120/119 (联动). */
  anyEmergencyLinked(callIds: readonly string[]): Promise<boolean> {
    return this.calls.anyEmergencyLinked(callIds);
  }
}
