// The work-order list in SQL: who may see what (Visibility), the filters of GET /api/work-orders and the screen
// pop, keyset pagination (newest received first) and the text search's choice of plan.
import type { Queryable } from '../../platform/db/database.js';
import type { WorkOrder } from '../../contracts/work-order-model.js';
import type { WorkOrderState } from '../../contracts/work-order-states.js';
import { toOrder, type OrderRow } from './order-rows.js';
import { containsPattern, hasSearchGrams } from './search-text.js';

/** Who may see what in a list (see contracts/work-orders.ts). */
export type Visibility =
  | { kind: 'all' }
  | { kind: 'department'; departmentCode: string | null }
  /** Orders received by the agent, or of a citizen whose number is in `phones` (normalized). */
  | { kind: 'agent'; agentId: string; phones: readonly string[] };

export interface ListFilter {
  visibility: Visibility;
  states?: readonly WorkOrderState[] | undefined;
  departmentCode?: string | undefined;
  /** Normalized phone. */
  phone?: string | undefined;
  code?: string | undefined;
  /** Normalized search text (see searchKey). */
  text?: string | undefined;
  /** Only orders whose reply is due and not given, at this instant. */
  overdueAt?: number | undefined;
  limit: number;
  /** Continue after this (receivedAt, id). */
  after?: { receivedAt: number; id: string } | undefined;
}

const OPEN_RESOLVE_STATES: readonly WorkOrderState[] = ['received', 'returned', 'dispatched', 'signed', 'in_progress'];

export const SELECT_ORDER = `SELECT wo.* FROM work_orders wo`;
const NEWEST_FIRST = 'ORDER BY wo.received_at DESC, wo.id DESC';

/** Text search (see listOrders): rows probed per row of the page, and the share of them matching that means a common word. */
const TEXT_PROBE_ROWS_PER_ITEM = 25;
const TEXT_DENSE_SHARE = 0.005;

/** Adds a parameter, returns its placeholder. */
type Param = (value: unknown) => string;

const whereClause = (conditions: readonly string[]) => (conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '');

/** The list's conditions except the text. */
function listConditions(f: ListFilter, p: Param): string[] {
  const where: string[] = [];
  const v = f.visibility;
  if (v.kind === 'department') {
    where.push(`wo.department_code = ${p(v.departmentCode)}`);
  } else if (v.kind === 'agent') {
    where.push(`(wo.received_by = ${p(v.agentId)} OR wo.citizen_phone_norm = ANY(${p([...v.phones])}::text[]))`);
  }
  if (f.states && f.states.length > 0) where.push(`wo.state = ANY(${p([...f.states])}::text[])`);
  if (f.departmentCode !== undefined) where.push(`wo.department_code = ${p(f.departmentCode)}`);
  if (f.phone !== undefined) where.push(`wo.citizen_phone_norm = ${p(f.phone)}`);
  if (f.code !== undefined) where.push(`wo.code = ${p(f.code)}`);
  if (f.overdueAt !== undefined) {
    where.push(`wo.state = ANY(${p([...OPEN_RESOLVE_STATES])}::text[]) AND wo.resolve_due_at <= ${p(new Date(f.overdueAt))}`);
  }
  if (f.after !== undefined) {
    where.push(`(wo.received_at, wo.id) < (${p(new Date(f.after.receivedAt))}::timestamptz, ${p(f.after.id)}::text)`);
  }
  return where;
}

/**
 * Newest received first; one more row than `limit` tells the caller there is a next page.
 *
 * Text (`f.text`) is a substring of search_text, found by one of two plans, and which one is fast depends on how
 * often the text occurs — which the planner cannot tell (it multiplies the LIKE estimate by the grams' as if
 * independent, and a word's grams by each other): a common word is found soonest by reading newest first until
 * the page is full; a rare or absent one by the bigram index (migrations/005), then sorting its few rows. Reading
 * newest first costs (limit + 1) / share rows, the index about share × all rows. So the rows themselves decide:
 * a probe reads the newest TEXT_PROBE_ROWS_PER_ITEM × (limit + 1) rows of the list; a full page there is the
 * answer; else at least TEXT_DENSE_SHARE of them matching means newest first, fewer the index. Every plan returns
 * the same rows (the newest limit + 1 that pass every filter); only their cost differs.
 */
export async function listOrders(db: Queryable, f: ListFilter): Promise<WorkOrder[]> {
  if (f.visibility.kind === 'department' && f.visibility.departmentCode === null) return [];
  const n = f.limit + 1;
  const text = f.text ?? '';
  const page = (extra: (p: Param) => string[]) =>
    queryOrders(db, (p) => `${SELECT_ORDER} ${whereClause([...listConditions(f, p), ...extra(p)])} ${NEWEST_FIRST} LIMIT ${p(n)}`);
  if (text === '') return page(() => []);

  const probeRows = TEXT_PROBE_ROWS_PER_ITEM * n;
  const hits = await queryOrders(
    db,
    (p) =>
      `SELECT wo.* FROM (${SELECT_ORDER} ${whereClause(listConditions(f, p))} ${NEWEST_FIRST} LIMIT ${p(probeRows)}) wo
         WHERE strpos(wo.search_text, ${p(text)}) <> 0 ${NEWEST_FIRST} LIMIT ${p(n)}`,
  );
  if (hits.length === n) return hits;
  // strpos(…) <> 0 is LIKE without an estimate (the planner takes 99.5 %), so the plan reads newest first;
  // LIKE's estimate of a rare word is tiny, so with the grams the plan takes the GIN index
  if (hits.length >= TEXT_DENSE_SHARE * probeRows) return page((p) => [`strpos(wo.search_text, ${p(text)}) <> 0`]);
  return page((p) => [
    `wo.search_text LIKE ${p(containsPattern(text))}`,
    // a necessary condition the GIN index answers (1 character: no gram, LIKE alone)
    ...(hasSearchGrams(text) ? [`work_order_search_grams(wo.search_text) @> work_order_search_grams(${p(text)}::text)`] : []),
  ]);
}

async function queryOrders(db: Queryable, build: (p: Param) => string): Promise<WorkOrder[]> {
  const params: unknown[] = [];
  const sql = build((v) => {
    params.push(v);
    return `$${params.length}`;
  });
  const { rows } = await db.query<OrderRow>(sql, params);
  return rows.map(toOrder);
}
