// Report figures computed in SQL from the operational tables (calls, work_orders, work_order_events), the same
// statements on PGlite and PostgreSQL. Local days are counted without the session's TimeZone setting:
// floor((epoch + 8 h) / 1 day) is the local (UTC+8) day number of an instant.
//
// DEFINITIONS (terms after GB/T 33358-2016 政府热线服务规范 where it has one; "period" = [from, to) local time)
//
// Calls — every call that ARRIVED in the period (calls.arrived_at):
//   arrived (呼入总量)            every inbound call, IVR-only ones included.
//   offered (人工服务请求量)      calls that asked for an agent: reached the ACD queue (queued_at set).
//   answered (人工接通量)         offered calls an agent answered (answered_at set).
//   abandoned (放弃量)            offered calls whose caller hung up before an answer (outcome 'abandoned').
//   answeredWithin15s             answered calls with answered_at − queued_at ≤ 15 s.
//   15-second answer rate (15秒接通率) = answeredWithin15s / offered.
//   connection rate (人工接通率)  = answered / offered.
//   abandon rate (呼损率)         = abandoned / offered.
//   ASA (平均应答时长)            mean of answered_at − queued_at over answered calls, seconds.
//   AHT (平均通话时长)            mean of ended_at − answered_at over answered, ended calls, seconds. The calls
//                                 table has no after-call work time, so this is talk time (holds included).
//
// Work orders — the cohort of orders RECEIVED in the period (work_orders.received_at); everything that happens to
// them later (dispatch, sign, reply, rating) counts for that period, as of `asOf`:
//   received (受理量); by type, by catalog class (the part of the item code before the dot) and by district.
//   answeredOnSpot (直办量)       orders closed by an answer_on_spot event.
//   dispatchedOrders              orders with at least one dispatch event.
//   firstDispatchSuccess (一次派单成功) dispatched orders no department ever returned (no return event).
//   first-dispatch success rate (一次派单准确率) = firstDispatchSuccess / dispatchedOrders.
//   Per dispatch event, the department's response is the first sign or return event after it.
//   dispatchesDue                 dispatches with a response, or whose sign time limit has passed at asOf.
//   signedOnTime (按时签收)       dispatches followed by a sign within the sign limit (default 24 h).
//   on-time sign rate (按时签收率) = signedOnTime / dispatchesDue.
//   respondedOnTime               dispatches followed by a sign OR a return within the sign limit.
//   closed (办结量)               orders with closed_at set (closed or archived).
//   closedOnTime (按期办结)       closed orders none of whose reply events was late (直办 is on time).
//   on-time closure rate (按期办结率) = closedOnTime / closed.
//   closedWithin1Day/3Days        orders closed within 24 h / 72 h of receipt (calendar time); rates over received.
//   rated (回访评价量)            orders with a rate event; the LATEST rating per order is the citizen's verdict.
//   satisfied                     rated orders whose latest rating says 满意 (satisfied = true).
//   resolved                      rated orders whose latest rating scores the result (办理结果) 4 or 5.
//   reworks (重办次数) = sum of rework events; reworkOrders = orders reworked at least once.
//
// 三率 (the three rates of the national 12345 assessment):
//   response rate (响应率)        = respondedOnTime / dispatchesDue: the department acted (签收 or 回退) in time.
//   resolution rate (解决率)      = resolved / rated: the citizen says the matter was solved or mostly solved.
//   satisfaction rate (满意率)    = satisfied / rated.
import type { CallFigures, CountByKey, DailyFigures, OrderFigures, Rate, ReportResponse, ThreeRates } from '../../contracts/reports.js';
import type { Queryable } from '../../platform/db/database.js';
import { ORDER_TYPE_LABELS_ZH, type OrderType } from '../../contracts/work-order-schemas.js';
import { DAY_MS } from '../work-orders/working-calendar.js';
import type { PeriodRange } from './periods.js';

export interface ReportOptions {
  /** Time a department has to sign a dispatched order (default 24 h). */
  signLimitMs?: number;
  /** Catalog class code → name, item code → name (display only). */
  classNames?: ReadonlyMap<string, string>;
  districtNames?: ReadonlyMap<string, string>;
}

export const DEFAULT_SIGN_LIMIT_MS = DAY_MS;
export const ANSWER_TARGET_SECONDS = 15;

/** NULL for 0/0, so "no calls" is not shown as 0 %. */
export function rate(num: number, den: number): Rate {
  return den === 0 ? null : num / den;
}

/** local (UTC+8) day number of a timestamptz column */
const localDay = (col: string) => `floor((extract(epoch FROM ${col}) + 28800) / 86400)::integer`;

interface CallRow {
  arrived: number;
  offered: number;
  answered: number;
  abandoned: number;
  answered15: number;
  asa: number | null;
  aht: number | null;
}

async function callFigures(db: Queryable, from: Date, to: Date): Promise<CallFigures> {
  const { rows } = await db.query<CallRow>(
    `SELECT
       count(*)::integer AS arrived,
       count(*) FILTER (WHERE queued_at IS NOT NULL)::integer AS offered,
       count(*) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NOT NULL)::integer AS answered,
       count(*) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NULL AND outcome = 'abandoned')::integer AS abandoned,
       count(*) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NOT NULL
                          AND answered_at - queued_at <= make_interval(secs => $3))::integer AS answered15,
       (avg(extract(epoch FROM answered_at - queued_at)) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NOT NULL))::float8 AS asa,
       (avg(extract(epoch FROM ended_at - answered_at)) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NOT NULL AND ended_at IS NOT NULL))::float8 AS aht
     FROM calls WHERE arrived_at >= $1 AND arrived_at < $2`,
    [from, to, ANSWER_TARGET_SECONDS],
  );
  const r = rows[0] as CallRow;
  return {
    arrived: r.arrived,
    offered: r.offered,
    answered: r.answered,
    abandoned: r.abandoned,
    answeredWithin15s: r.answered15,
    answerRate15s: rate(r.answered15, r.offered),
    connectionRate: rate(r.answered, r.offered),
    abandonRate: rate(r.abandoned, r.offered),
    asaSeconds: r.asa === null ? null : Number(r.asa),
    ahtSeconds: r.aht === null ? null : Number(r.aht),
  };
}

const COHORT = `o AS (SELECT * FROM work_orders WHERE received_at >= $1 AND received_at < $2)`;

interface OrderRow {
  received: number;
  on_spot: number;
  dispatched_orders: number;
  first_ok: number;
  closed: number;
  closed_on_time: number;
  closed_1d: number;
  closed_3d: number;
  rework_orders: number;
  reworks: number;
}

interface DispatchRow {
  due: number;
  signed_on_time: number;
  responded_on_time: number;
}

interface RatingRow {
  rated: number;
  satisfied: number;
  resolved: number;
}

async function orderFigures(db: Queryable, from: Date, to: Date, asOf: Date, signLimitMs: number, opts: ReportOptions): Promise<OrderFigures> {
  const {
    rows: [o],
  } = await db.query<OrderRow>(
    `WITH ${COHORT},
     ev AS (
       SELECT e.order_id,
         bool_or(e.action = 'answer_on_spot') AS on_spot,
         count(*) FILTER (WHERE e.action = 'dispatch') AS dispatches,
         count(*) FILTER (WHERE e.action = 'return') AS returns,
         count(*) FILTER (WHERE e.action = 'reply' AND e.details->>'late' = 'true') AS late_replies,
         count(*) FILTER (WHERE e.action = 'rework') AS reworks
       FROM work_order_events e JOIN o ON o.id = e.order_id
       GROUP BY e.order_id)
     SELECT
       count(*)::integer AS received,
       count(*) FILTER (WHERE ev.on_spot)::integer AS on_spot,
       count(*) FILTER (WHERE ev.dispatches > 0)::integer AS dispatched_orders,
       count(*) FILTER (WHERE ev.dispatches > 0 AND ev.returns = 0)::integer AS first_ok,
       count(*) FILTER (WHERE o.closed_at IS NOT NULL)::integer AS closed,
       count(*) FILTER (WHERE o.closed_at IS NOT NULL AND COALESCE(ev.late_replies, 0) = 0)::integer AS closed_on_time,
       count(*) FILTER (WHERE o.closed_at IS NOT NULL AND o.closed_at - o.received_at <= interval '1 day')::integer AS closed_1d,
       count(*) FILTER (WHERE o.closed_at IS NOT NULL AND o.closed_at - o.received_at <= interval '3 days')::integer AS closed_3d,
       count(*) FILTER (WHERE COALESCE(ev.reworks, 0) > 0)::integer AS rework_orders,
       COALESCE(sum(ev.reworks), 0)::integer AS reworks
     FROM o LEFT JOIN ev ON ev.order_id = o.id`,
    [from, to],
  );
  const {
    rows: [d],
  } = await db.query<DispatchRow>(
    `WITH ${COHORT},
     d AS (
       SELECT disp.at AS dispatched_at, r.action AS response, r.at AS response_at
       FROM work_order_events disp JOIN o ON o.id = disp.order_id
       LEFT JOIN LATERAL (
         SELECT x.action, x.at FROM work_order_events x
         WHERE x.order_id = disp.order_id AND x.version > disp.version AND x.action IN ('sign', 'return')
         ORDER BY x.version LIMIT 1) r ON true
       WHERE disp.action = 'dispatch')
     SELECT
       count(*) FILTER (WHERE response_at IS NOT NULL OR dispatched_at + make_interval(secs => $4) <= $3)::integer AS due,
       count(*) FILTER (WHERE response = 'sign' AND response_at - dispatched_at <= make_interval(secs => $4))::integer AS signed_on_time,
       count(*) FILTER (WHERE response_at - dispatched_at <= make_interval(secs => $4))::integer AS responded_on_time
     FROM d`,
    [from, to, asOf, signLimitMs / 1000],
  );
  const {
    rows: [r],
  } = await db.query<RatingRow>(
    `WITH ${COHORT},
     last_rating AS (
       SELECT DISTINCT ON (e.order_id) e.order_id, e.details->'rating' AS rating
       FROM work_order_events e JOIN o ON o.id = e.order_id
       WHERE e.action = 'rate'
       ORDER BY e.order_id, e.version DESC)
     SELECT
       count(*)::integer AS rated,
       count(*) FILTER (WHERE (rating->>'satisfied')::boolean)::integer AS satisfied,
       count(*) FILTER (WHERE (rating->>'result')::integer >= 4)::integer AS resolved
     FROM last_rating`,
    [from, to],
  );
  const group = async (expr: string, names: (key: string) => string): Promise<CountByKey[]> => {
    const { rows } = await db.query<{ key: string; count: number }>(
      `WITH ${COHORT} SELECT ${expr} AS key, count(*)::integer AS count FROM o GROUP BY 1 ORDER BY 2 DESC, 1`,
      [from, to],
    );
    return rows.map((x) => ({ key: x.key, name: names(x.key), count: x.count }));
  };
  const orders = o as OrderRow;
  const disp = d as DispatchRow;
  const rt = r as RatingRow;
  return {
    received: orders.received,
    answeredOnSpot: orders.on_spot,
    dispatchedOrders: orders.dispatched_orders,
    firstDispatchSuccess: orders.first_ok,
    firstDispatchSuccessRate: rate(orders.first_ok, orders.dispatched_orders),
    dispatchesDue: disp.due,
    signedOnTime: disp.signed_on_time,
    onTimeSignRate: rate(disp.signed_on_time, disp.due),
    respondedOnTime: disp.responded_on_time,
    closed: orders.closed,
    closedOnTime: orders.closed_on_time,
    onTimeClosureRate: rate(orders.closed_on_time, orders.closed),
    closedWithin1Day: orders.closed_1d,
    closedWithin3Days: orders.closed_3d,
    closedWithin1DayRate: rate(orders.closed_1d, orders.received),
    closedWithin3DaysRate: rate(orders.closed_3d, orders.received),
    rated: rt.rated,
    satisfied: rt.satisfied,
    resolved: rt.resolved,
    satisfactionRate: rate(rt.satisfied, rt.rated),
    reworkOrders: orders.rework_orders,
    reworks: orders.reworks,
    byType: await group('type', (k) => ORDER_TYPE_LABELS_ZH[k as OrderType] ?? k),
    byClass: await group(`split_part(catalog_item_code, '.', 1)`, (k) => opts.classNames?.get(k) ?? k),
    byDistrict: await group('district', (k) => opts.districtNames?.get(k) ?? k),
  };
}

async function dailyFigures(db: Queryable, range: PeriodRange): Promise<DailyFigures[]> {
  const from = new Date(range.from);
  const to = new Date(range.to);
  const { rows: calls } = await db.query<{ day: number; offered: number; answered: number; abandoned: number }>(
    `SELECT ${localDay('arrived_at')} AS day,
       count(*) FILTER (WHERE queued_at IS NOT NULL)::integer AS offered,
       count(*) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NOT NULL)::integer AS answered,
       count(*) FILTER (WHERE queued_at IS NOT NULL AND answered_at IS NULL AND outcome = 'abandoned')::integer AS abandoned
     FROM calls WHERE arrived_at >= $1 AND arrived_at < $2 GROUP BY 1`,
    [from, to],
  );
  const { rows: orders } = await db.query<{ day: number; n: number }>(
    `SELECT ${localDay('received_at')} AS day, count(*)::integer AS n
     FROM work_orders WHERE received_at >= $1 AND received_at < $2 GROUP BY 1`,
    [from, to],
  );
  const firstDay = Math.floor((range.from + 8 * 3_600_000) / DAY_MS);
  const callsByDay = new Map(calls.map((c) => [Number(c.day), c]));
  const ordersByDay = new Map(orders.map((o) => [Number(o.day), o.n]));
  return range.days.map((date, i) => {
    const c = callsByDay.get(firstDay + i);
    return { date, offered: c?.offered ?? 0, answered: c?.answered ?? 0, abandoned: c?.abandoned ?? 0, ordersReceived: ordersByDay.get(firstDay + i) ?? 0 };
  });
}

export async function computeReport(db: Queryable, range: PeriodRange, asOf: number, opts: ReportOptions = {}): Promise<ReportResponse> {
  const from = new Date(range.from);
  const to = new Date(range.to);
  const calls = await callFigures(db, from, to);
  const orders = await orderFigures(db, from, to, new Date(asOf), opts.signLimitMs ?? DEFAULT_SIGN_LIMIT_MS, opts);
  const threeRates: ThreeRates = {
    response: rate(orders.respondedOnTime, orders.dispatchesDue),
    resolution: rate(orders.resolved, orders.rated),
    satisfaction: orders.satisfactionRate,
  };
  return {
    period: range.period,
    firstDate: range.firstDate,
    lastDate: range.lastDate,
    from: range.from,
    to: range.to,
    asOf,
    calls,
    orders,
    threeRates,
    daily: await dailyFigures(db, range),
  };
}
