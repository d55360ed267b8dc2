// Work orders in SQL: rows ↔ the domain shapes of model.ts. No rules here (lifecycle.ts decides, service.ts
// orchestrates); every method runs on the Queryable it was built with, so the service builds one per
// transaction. Instants are ms numbers in the model and timestamptz in the database.
import { normalizePhone } from '../../contracts/phone.js';
import type { Queryable } from '../../platform/db/database.js';
import type { DeadlineBasis } from './config.js';
import type {
  Actor,
  Deadline,
  DeadlineActionRecord,
  EventDetails,
  ExtensionRequest,
  Rating,
  ReplyRecord,
  ReturnRecord,
  WorkOrder,
  WorkOrderEvent,
} from '../../contracts/work-order-model.js';
import type { Channel, OrderType, TimeLimitClass, Urgency } from '../../contracts/work-order-schemas.js';
import type { ActorRole, WorkOrderEventAction, WorkOrderState } from '../../contracts/work-order-states.js';

interface OrderRow {
  id: string;
  code: string;
  version: number;
  state: WorkOrderState;
  state_since: Date;
  channel: Channel;
  citizen_phone: string;
  citizen_phone_norm: string;
  citizen_name: string | null;
  confidential: boolean;
  type: OrderType;
  catalog_item_code: string;
  district: string;
  street: string | null;
  address: string | null;
  content: string;
  summary: string;
  urgency: Urgency;
  time_limit_class: TimeLimitClass;
  links: WorkOrder['links'];
  received_at: Date;
  received_by: string;
  updated_at: Date;
  department_code: string | null;
  dispatched_at: Date | null;
  dispatch_count: number;
  dispatch_started_at: Date | null;
  dispatch_due_at: Date | null;
  dispatch_basis: DeadlineBasis | null;
  resolve_started_at: Date;
  resolve_due_at: Date;
  resolve_basis: DeadlineBasis;
  answer: string | null;
  replies: ReplyRecord[];
  returns: ReturnRecord[];
  extensions: ExtensionRequest[];
  ratings: Rating[];
  rework_count: number;
  special_supervision: boolean;
  deadline_actions: DeadlineActionRecord[];
  closed_at: Date | null;
  archived_at: Date | null;
}

interface EventRow {
  order_id: string;
  order_code: string;
  version: number;
  action: WorkOrderEventAction;
  from_state: WorkOrderState | null;
  to_state: WorkOrderState;
  actor_id: string;
  actor_role: ActorRole;
  actor_department: string | null;
  at: Date;
  reason: string | null;
  details: EventDetails;
  actor_name: string | null;
}

export interface StoredEvent extends WorkOrderEvent {
  actorName: string | null;
}

export interface CallLink {
  id: string;
  callerNumber: string;
  arrivedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: 'answered' | 'abandoned' | 'failed' | null;
  agentId: string | null;
  recordingName: string | null;
  /** Why the call's recording failed to start or be stored (recordings/), null when it did not fail. */
  recordingError: string | null;
  /** 疑似紧急: an emergency word heard from the caller in this call. */
  emergencyKeyword: string | null;
}

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

/** What text search compares: lower case, no whitespace (Chinese text has no word boundaries anyway). */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** A LIKE pattern matching `key` anywhere, with LIKE's own wildcards escaped. */
export function containsPattern(key: string): string {
  return `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether `key` has a 2-character gram for the search index (characters = code points, as PostgreSQL counts). */
function hasSearchGrams(key: string): boolean {
  return [...key].length >= 2;
}

function orderSearchText(o: WorkOrder): string {
  return searchKey([o.code, o.summary, o.content, o.place.district, o.place.street ?? '', o.place.address ?? ''].join(' '));
}

const ms = (d: Date | null): number | null => (d === null ? null : d.getTime());
const date = (n: number | null | undefined): Date | null => (n === null || n === undefined ? null : new Date(n));
const json = (v: unknown): string => JSON.stringify(v);

function toOrder(r: OrderRow): WorkOrder {
  const dispatchDeadline: Deadline | null =
    r.dispatch_due_at !== null && r.dispatch_started_at !== null
      ? { startedAt: r.dispatch_started_at.getTime(), dueAt: r.dispatch_due_at.getTime(), basis: r.dispatch_basis ?? 'calendar' }
      : null;
  const citizen: WorkOrder['citizen'] = { phone: r.citizen_phone, confidential: r.confidential };
  if (r.citizen_name !== null) citizen.name = r.citizen_name;
  const place: WorkOrder['place'] = { district: r.district };
  if (r.street !== null) place.street = r.street;
  if (r.address !== null) place.address = r.address;
  return {
    id: r.id,
    code: r.code,
    version: r.version,
    state: r.state,
    stateSince: r.state_since.getTime(),
    channel: r.channel,
    citizen,
    type: r.type,
    catalogItemCode: r.catalog_item_code,
    place,
    content: r.content,
    summary: r.summary,
    urgency: r.urgency,
    timeLimitClass: r.time_limit_class,
    links: r.links,
    receivedAt: r.received_at.getTime(),
    receivedBy: r.received_by,
    updatedAt: r.updated_at.getTime(),
    departmentId: r.department_code,
    dispatchedAt: ms(r.dispatched_at),
    dispatchCount: r.dispatch_count,
    dispatchDeadline,
    resolveDeadline: { startedAt: r.resolve_started_at.getTime(), dueAt: r.resolve_due_at.getTime(), basis: r.resolve_basis },
    answer: r.answer,
    replies: r.replies,
    returns: r.returns,
    extensions: r.extensions,
    ratings: r.ratings,
    reworkCount: r.rework_count,
    specialSupervision: r.special_supervision,
    deadlineActions: r.deadline_actions,
    closedAt: ms(r.closed_at),
    archivedAt: ms(r.archived_at),
  };
}

function toEvent(r: EventRow): StoredEvent {
  const actor: Actor = { id: r.actor_id, role: r.actor_role, departmentId: r.actor_department };
  return {
    orderId: r.order_id,
    orderCode: r.order_code,
    version: r.version,
    action: r.action,
    from: r.from_state,
    to: r.to_state,
    actor,
    at: r.at.getTime(),
    reason: r.reason,
    details: r.details,
    actorName: r.actor_name,
  };
}

/** The columns that change over an order's life, in UPDATE order ($3 …). */
function mutableValues(o: WorkOrder, nextDeadlineAt: number | null): unknown[] {
  return [
    o.version,
    o.state,
    date(o.stateSince),
    date(o.updatedAt),
    o.departmentId,
    date(o.dispatchedAt),
    o.dispatchCount,
    date(o.dispatchDeadline?.startedAt),
    date(o.dispatchDeadline?.dueAt),
    o.dispatchDeadline?.basis ?? null,
    date(o.resolveDeadline.startedAt),
    date(o.resolveDeadline.dueAt),
    o.resolveDeadline.basis,
    o.answer,
    json(o.replies),
    json(o.returns),
    json(o.extensions),
    json(o.ratings),
    o.reworkCount,
    o.specialSupervision,
    json(o.deadlineActions),
    date(o.closedAt),
    date(o.archivedAt),
    o.urgency,
    date(nextDeadlineAt),
  ];
}

const MUTABLE_COLUMNS = [
  'version',
  'state',
  'state_since',
  'updated_at',
  'department_code',
  'dispatched_at',
  'dispatch_count',
  'dispatch_started_at',
  'dispatch_due_at',
  'dispatch_basis',
  'resolve_started_at',
  'resolve_due_at',
  'resolve_basis',
  'answer',
  'replies',
  'returns',
  'extensions',
  'ratings',
  'rework_count',
  'special_supervision',
  'deadline_actions',
  'closed_at',
  'archived_at',
  // normal at receipt, urgent from then on once the call is linked with 110/120/119 (service.markUrgentForLinkage)
  'urgency',
  'next_deadline_at',
] as const;
const JSONB_COLUMNS = new Set(['replies', 'returns', 'extensions', 'ratings', 'deadline_actions', 'links']);
const cast = (col: string, n: number) => (JSONB_COLUMNS.has(col) ? `$${n}::jsonb` : `$${n}`);

const SELECT_ORDER = `SELECT wo.* FROM work_orders wo`;
const NEWEST_FIRST = 'ORDER BY wo.received_at DESC, wo.id DESC';

/** Text search (see list): rows probed per row of the page, and the share of them matching that means a common word. */
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

export class WorkOrderRepository {
  constructor(private readonly db: Queryable) {}

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
    await this.db.query(
      `INSERT INTO work_orders (${cols.join(', ')}) VALUES (${cols.map((c, i) => cast(c, i + 1)).join(', ')})`,
      params,
    );
  }

  /**
   * Writes the order's new state when the stored version is still `expectedVersion`.
   * false: somebody else changed it first (nothing was written).
   */
  async updateOrder(o: WorkOrder, expectedVersion: number, nextDeadlineAt: number | null): Promise<boolean> {
    const sets = MUTABLE_COLUMNS.map((c, i) => `${c} = ${cast(c, i + 3)}`).join(', ');
    const { rows } = await this.db.query(
      `UPDATE work_orders SET ${sets} WHERE id = $1 AND version = $2 RETURNING id`,
      [o.id, expectedVersion, ...mutableValues(o, nextDeadlineAt)],
    );
    return rows.length === 1;
  }

  async insertEvent(e: WorkOrderEvent): Promise<void> {
    await this.db.query(
      `INSERT INTO work_order_events (order_id, version, action, from_state, to_state, actor_id, actor_role, actor_department, at, reason, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::jsonb)`,
      [
        e.orderId,
        e.version,
        e.action,
        e.from,
        e.to,
        e.actor.id,
        e.actor.role,
        e.actor.departmentId ?? null,
        new Date(e.at),
        e.reason,
        json(e.details),
      ],
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
  async list(f: ListFilter): Promise<WorkOrder[]> {
    if (f.visibility.kind === 'department' && f.visibility.departmentCode === null) return [];
    const n = f.limit + 1;
    const text = f.text ?? '';
    const page = (extra: (p: Param) => string[]) =>
      this.queryOrders((p) => `${SELECT_ORDER} ${whereClause([...listConditions(f, p), ...extra(p)])} ${NEWEST_FIRST} LIMIT ${p(n)}`);
    if (text === '') return page(() => []);

    const probeRows = TEXT_PROBE_ROWS_PER_ITEM * n;
    const hits = await this.queryOrders(
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

  private async queryOrders(build: (p: Param) => string): Promise<WorkOrder[]> {
    const params: unknown[] = [];
    const sql = build((v) => {
      params.push(v);
      return `$${params.length}`;
    });
    const { rows } = await this.db.query<OrderRow>(sql, params);
    return rows.map(toOrder);
  }

  /** Oldest first, with the acting user's display name. */
  async listEvents(orderId: string): Promise<StoredEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `SELECT e.*, wo.code AS order_code, u.display_name AS actor_name
       FROM work_order_events e
       JOIN work_orders wo ON wo.id = e.order_id
       LEFT JOIN users u ON u.id = e.actor_id
       WHERE e.order_id = $1 ORDER BY e.version`,
      [orderId],
    );
    return rows.map(toEvent);
  }

  async countEvents(orderId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM work_order_events WHERE order_id = $1`, [orderId]);
    return rows[0]?.n ?? 0;
  }

  /** Links calls to an order; a call id that does not exist fails with a foreign-key violation (23503). */
  async linkCalls(orderId: string, callIds: readonly string[], at: number): Promise<void> {
    for (const callId of callIds) {
      await this.db.query(
        `INSERT INTO work_order_calls (order_id, call_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [orderId, callId, new Date(at)],
      );
    }
  }

  /** Which of these call ids exist. */
  async existingCalls(callIds: readonly string[]): Promise<string[]> {
    if (callIds.length === 0) return [];
    const { rows } = await this.db.query<{ id: string }>(`SELECT id FROM calls WHERE id = ANY($1::text[])`, [[...callIds]]);
    return rows.map((r) => r.id);
  }

  async linkedCalls(orderId: string): Promise<CallLink[]> {
    const { rows } = await this.db.query<CallRowLite>(
      `SELECT c.id, c.caller_number, c.arrived_at, c.answered_at, c.ended_at, c.outcome, c.agent_id, c.recording_name, c.recording_error, c.emergency_keyword
       FROM work_order_calls l JOIN calls c ON c.id = l.call_id WHERE l.order_id = $1 ORDER BY c.arrived_at`,
      [orderId],
    );
    return rows.map(toCallLink);
  }

  /** Calls from a (normalized) number, newest first. Matches the stored caller number after normalization. */
  async callsFrom(phoneNorm: string, limit: number): Promise<CallLink[]> {
    const { rows } = await this.db.query<CallRowLite>(
      `SELECT id, caller_number, arrived_at, answered_at, ended_at, outcome, agent_id, recording_name, recording_error, emergency_keyword
       FROM calls WHERE caller_number = ANY($1::text[]) ORDER BY arrived_at DESC LIMIT $2`,
      [phoneVariants(phoneNorm), limit],
    );
    return rows.map(toCallLink);
  }

  /**
   * Normalized numbers of the callers whose calls rang this agent since `since` (an answered call always has
   * its ring attempt in call_offers, so answered ones are included). Uses call_offers (agent_id, offered_at).
   */
  async callerPhonesOfAgent(agentId: string, since: number): Promise<string[]> {
    const { rows } = await this.db.query<{ caller_number: string }>(
      `SELECT DISTINCT c.caller_number FROM call_offers o JOIN calls c ON c.id = o.call_id
       WHERE o.agent_id = $1 AND o.offered_at >= $2`,
      [agentId, new Date(since)],
    );
    return [...new Set(rows.map((r) => normalizePhone(r.caller_number)))];
  }

  /** Open orders whose next reminder/escalation is due at `now`. */
  async dueForDeadlineCheck(now: number, limit: number): Promise<WorkOrder[]> {
    const { rows } = await this.db.query<OrderRow>(
      `${SELECT_ORDER} WHERE wo.next_deadline_at IS NOT NULL AND wo.next_deadline_at <= $1 ORDER BY wo.next_deadline_at LIMIT $2`,
      [new Date(now), limit],
    );
    return rows.map(toOrder);
  }
}

interface CallRowLite {
  id: string;
  caller_number: string;
  arrived_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: CallLink['outcome'];
  agent_id: string | null;
  recording_name: string | null;
  recording_error: string | null;
  emergency_keyword: string | null;
}

function toCallLink(r: CallRowLite): CallLink {
  return {
    id: r.id,
    callerNumber: r.caller_number,
    arrivedAt: r.arrived_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    agentId: r.agent_id,
    recordingName: r.recording_name,
    recordingError: r.recording_error,
    emergencyKeyword: r.emergency_keyword,
  };
}

/** The ways a carrier may present a normalized number as caller id (so the calls index can be used). */
export function phoneVariants(norm: string): string[] {
  if (/^1[3-9]\d{9}$/.test(norm)) return [norm, `0${norm}`, `86${norm}`, `+86${norm}`, `0086${norm}`];
  const variants = [norm];
  // landline 01012345678 may be stored as 010-12345678 (3- or 4-digit area code)
  if (/^0\d{9,11}$/.test(norm)) variants.push(`${norm.slice(0, 3)}-${norm.slice(3)}`, `${norm.slice(0, 4)}-${norm.slice(4)}`);
  return variants;
}

// ---------------------------------------------------------------------------------------------------------------
// The responsibility catalog: one JSONB document per imported version, plus the departments registry
// (see migrations/002_work_orders.sql for why).

export interface DepartmentRecord {
  code: string;
  name: string;
  level: 'city' | 'utility' | 'district';
  districtCode: string | null;
  active: boolean;
}

export class CatalogRepository {
  constructor(private readonly db: Queryable) {}

  async activeVersionId(): Promise<number | null> {
    const { rows } = await this.db.query<{ id: number }>(`SELECT id FROM catalog_versions WHERE active`);
    return rows[0]?.id ?? null;
  }

  /** The active document as stored (validated when it was imported). */
  async loadActive(): Promise<{ id: number; document: unknown } | null> {
    const { rows } = await this.db.query<{ id: number; document: unknown }>(`SELECT id, document FROM catalog_versions WHERE active`);
    return rows[0] ?? null;
  }

  /**
   * Stores `document` as the new active version and brings the departments registry in line: listed departments
   * are inserted or updated and active, the others are kept but inactive. Run it inside a transaction.
   */
  async replace(
    document: { version: string; departments: readonly { code: string; name: string; level: string; districtCode?: string | undefined }[] },
    by: string | null,
    at: number,
  ): Promise<number> {
    await this.db.query(`UPDATE catalog_versions SET active = false WHERE active`);
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO catalog_versions (version, document, active, imported_by, imported_at) VALUES ($1, $2::jsonb, true, $3, $4) RETURNING id`,
      [document.version, JSON.stringify(document), by, new Date(at)],
    );
    const departments = document.departments.map((d) => ({ code: d.code, name: d.name, level: d.level, district_code: d.districtCode ?? null }));
    await this.db.query(
      `INSERT INTO departments (code, name, level, district_code, active, updated_at)
       SELECT x.code, x.name, x.level, x.district_code, true, $2
       FROM jsonb_to_recordset($1::jsonb) AS x(code text, name text, level text, district_code text)
       ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, district_code = EXCLUDED.district_code,
                                        active = true, updated_at = EXCLUDED.updated_at`,
      [JSON.stringify(departments), new Date(at)],
    );
    await this.db.query(`UPDATE departments SET active = false, updated_at = $2 WHERE active AND NOT (code = ANY($1::text[]))`, [
      departments.map((d) => d.code),
      new Date(at),
    ]);
    return (rows[0] as { id: number }).id;
  }

  async listDepartments(): Promise<DepartmentRecord[]> {
    const { rows } = await this.db.query<{ code: string; name: string; level: DepartmentRecord['level']; district_code: string | null; active: boolean }>(
      `SELECT code, name, level, district_code, active FROM departments ORDER BY code`,
    );
    return rows.map((r) => ({ code: r.code, name: r.name, level: r.level, districtCode: r.district_code, active: r.active }));
  }
}
