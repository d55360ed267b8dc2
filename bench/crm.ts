// Work-order throughput and search latency with a big order table: how order creation, lifecycle steps and the
// list searches of the REST API scale from a small table (BASE orders, default 10,000) to a big one (ORDERS,
// default 1,000,000 on PostgreSQL). Both tables are built and measured in the same run, each in its own schema;
// every figure is printed for both sizes and as the big/small ratio. Figures are printed, never asserted.
//
// The history is synthetic but goes through the real pure core (bench/crm/generate.ts: a year of orders, daytime
// peaks, repeat callers, the sample catalog's items and auto-dispatch, returns, extensions, late replies,
// reminders/escalations, ratings, reworks, archiving) and is written with the values of the repository's own
// INSERTs, batched (bench/crm/load.ts; generated in worker threads). On PostgreSQL the secondary indexes and
// FK/unique constraints are dropped for the load and rebuilt from their own definitions, then VACUUM ANALYZE (as
// autovacuum would have by then). Then, with the table in place:
//   - creation: WorkOrderService.create, sequential and 8 concurrent clients (orders/s)
//   - transitions: WorkOrderService.act sign → start → reply → accept_reply on orders just created (steps/s)
//   - searches: GET /api/work-orders through fastify's inject (auth, zod, repository.list, views — the REST path),
//     by code, phone, text `q` (words of ~3.5 %, ~0.9 % and a 3-character one of ~4 %, a rare compound name, an
//     order code, a word found nowhere), state + department (a handler's portal list and a dispatcher's history
//     filter), overdue, and an agent's own list: p50/p95/p99.
//     Each kind is sampled up to 200 times or SEARCH_BUDGET_S seconds (at least 8 samples), after 3 warm-ups.
//
// Run:  eval "$(bash scripts/ci-postgres.sh)" && npm run bench:crm
// Env:  DATABASE_URL  PostgreSQL (schemas bench_<random>_*); without it, reduced sizes on in-memory PGlite
//       ORDERS=…      big table (default 1,000,000 on PostgreSQL, 100,000 on PGlite)
//       BASE=…        small table (default 10,000)
//       KEEP=1        keep the schemas (their names are printed) for EXPLAIN sessions
//       EXPLAIN=1     print EXPLAIN (ANALYZE, BUFFERS) of each search's SQL on the big table (PostgreSQL)
//       SEARCH_BUDGET_S=… seconds per search kind and size (default 12)
//       WORKERS=…     generator threads for the load (default 2)
//       ROUNDS=…      measurement rounds per size, alternating small/big (default 2)
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import pg from 'pg';
import pino from 'pino';
import type { Role } from '../contracts/api.js';
import type { WorkOrderListResponse } from '../contracts/work-orders.js';
import { loadLabelledOrders, loadSampleCatalog } from '../crm/catalog/sample.js';
import { createCrm, type Crm } from '../crm/index.js';
import type { WorkOrderCommand } from '../crm/work-orders/lifecycle.js';
import type { Actor } from '../contracts/work-order-model.js';
import type { CreateWorkOrderRawInput } from '../contracts/work-order-schemas.js';
import { SessionTokens } from '../platform/auth/session-tokens.js';
import { openDatabase } from '../platform/db/open-database.js';
import type { Database, Queryable } from '../platform/db/database.js';
import { OrderGenerator, rng } from './crm/generate.js';
import { parallelLoad, withoutSecondaryIndexes, type LoadSamples, type LoadStats } from './crm/load.js';

const BASE_URL = process.env.DATABASE_URL || undefined;
const ON_PG = BASE_URL !== undefined;
const ORDERS = Number(process.env.ORDERS ?? (ON_PG ? 1_000_000 : 100_000));
const BASE = Math.min(Number(process.env.BASE ?? 10_000), ORDERS);
const KEEP = process.env.KEEP === '1';
const EXPLAIN = process.env.EXPLAIN === '1' && ON_PG;
const SEARCH_BUDGET_MS = Number(process.env.SEARCH_BUDGET_S ?? 12) * 1_000;
const SEARCH_MAX_SAMPLES = 200;
const SEARCH_MIN_SAMPLES = 8;
const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 2));
/** Per round and size. */
const CREATE_SEQ = 300;
const CREATE_CONC = 800;
const CLIENTS = 8;
const WORKERS = Math.max(1, Number(process.env.WORKERS ?? 2));
const SEED = 20261123;
const TRANSITION_ORDERS_SEQ = 75;
const TRANSITION_ORDERS_CONC = 200;
/** Two Chinese characters found in no order (before the bigram index of migrations/005, every row was read). */
const ABSENT_WORD = '量子';
/** In ~3.5 % of the generated orders; 噪音 in ~0.9 %; 公积金 (three characters, two grams) in ~4 %. */
const COMMON_WORD = '装修';
const LESS_COMMON_WORD = '噪音';
const LONGER_WORD = '公积金';

const log = pino({ level: 'silent' });
const RUN = `bench_${randomBytes(4).toString('hex')}`;
const started = performance.now();
const say = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);

// ---------------------------------------------------------------------------------------------------------------
// Database per size: a schema on the PostgreSQL server, or an in-memory PGlite.

interface Target {
  db: Database;
  schema: string | null;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

async function openTarget(label: string): Promise<Target> {
  if (!BASE_URL) {
    const db = await openDatabase({ url: undefined, dataDir: 'memory://' });
    return { db, schema: null, drop: () => db.close() };
  }
  const schema = `${RUN}_${label}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(BASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const db = await openDatabase({ url: url.toString(), dataDir: 'memory://' });
  return {
    db,
    schema,
    async drop() {
      await db.close();
      if (!KEEP) await admin(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/**
 * Passes everything through; remembers the list queries (SELECT wo.* … ORDER BY received_at) while asked — a text
 * search may run two (the probe, then newest first or the gram index: WorkOrderRepository.list).
 */
class RecordingDb implements Database {
  record = false;
  recorded: { sql: string; params: unknown[] }[] = [];
  constructor(private readonly inner: Database) {}
  get kind() {
    return this.inner.kind;
  }
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    if (this.record && sql.startsWith('SELECT wo.* FROM') && sql.includes('ORDER BY wo.received_at')) this.recorded.push({ sql, params: params ?? [] });
    return this.inner.query<T>(sql, params);
  }
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.inner.transaction(fn);
  }
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Figures

const pct = (xs: readonly number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  n: number;
  /** Average items on the page. */
  items: number;
}

/** Samples of one figure over all rounds: durations of the timed operations, and the rate of each round. */
class Figure {
  readonly times: number[] = [];
  readonly rates: number[] = [];
  private ops = 0;
  private ms = 0;
  private items = 0;
  addRound(ops: number, ms: number): number {
    this.ops += ops;
    this.ms += ms;
    const rate = ops / (ms / 1000);
    this.rates.push(rate);
    return rate;
  }
  addItems(n: number): void {
    this.items += n;
  }
  /** Operations per second over all rounds. */
  get rate(): number {
    return this.ops / (this.ms / 1000);
  }
  latency(): Latency {
    const t = this.times;
    return { p50: pct(t, 50), p95: pct(t, 95), p99: pct(t, 99), n: t.length, items: this.items / Math.max(1, t.length) };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One size: its own schema, loaded once, then measured once per round.

function pickFrom<T>(xs: readonly T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

const SEARCH_KINDS = [
  'code (exact)',
  'citizen phone',
  `q common word「${COMMON_WORD}」`,
  `q less common「${LESS_COMMON_WORD}」`,
  `q 3 characters「${LONGER_WORD}」`,
  'q compound name (rare)',
  'q order code',
  `q absent word「${ABSENT_WORD}」`,
  'portal: handler, open states',
  'state=closed,archived+dept',
  'overdue',
  'agent: own list (agent-007)',
  'agent: own list (new agent)',
] as const;
type SearchKind = (typeof SEARCH_KINDS)[number];

class Size {
  orders = 0;
  events = 0;
  /** Generating + inserting (+ rebuilding indexes on PostgreSQL). */
  loadMs = 0;
  rebuildMs = 0;
  vacuumMs = 0;
  profile = '';
  readonly createSeq = new Figure();
  readonly createConc = new Figure();
  readonly actSeq = new Figure();
  readonly actConc = new Figure();
  readonly search = new Map<SearchKind, Figure>(SEARCH_KINDS.map((k) => [k, new Figure()]));

  private target!: Target;
  private db!: RecordingDb;
  private crm!: Crm;
  private app!: FastifyInstance;
  private gen!: OrderGenerator;
  private samples!: LoadSamples;
  private bearer: Record<string, string> = {};
  private portalDept = '';
  private readonly r = rng(7);
  private explained = false;

  constructor(readonly label: string, readonly total: number) {}

  async prepare(): Promise<void> {
    const { label, total } = this;
    say(`${label}: ${total.toLocaleString('en')} orders — opening ${ON_PG ? 'PostgreSQL' : 'PGlite'}`);
    this.target = await openTarget(label);
    const db = (this.db = new RecordingDb(this.target.db));
    const crm = (this.crm = createCrm({ db, log }));
    const catalogDoc = loadSampleCatalog();
    const snap = await crm.catalog.replace(catalogDoc, null);
    const active = new Set([...snap.departments.values()].filter((d) => d.active).map((d) => d.code));
    const now = Date.now();
    const labelled = loadLabelledOrders();
    // this thread's generator only makes create requests for the service benchmark (the history comes from workers)
    this.gen = new OrderGenerator({
      total,
      now,
      catalog: catalogDoc,
      activeDepartments: active,
      labelled,
      config: crm.service.config,
      nextDeadlineAt: (o) => crm.service.nextDeadlineAt(o),
      seed: SEED + 1,
    });

    // --- load (worker threads generate, this thread writes)
    const t0load = performance.now();
    let lastReport = t0load;
    const progress = (n: number) => {
      if (performance.now() - lastReport > 20_000) {
        lastReport = performance.now();
        say(`${label}: loaded ${n.toLocaleString('en')} orders (${Math.round(n / ((performance.now() - t0load) / 1000)).toLocaleString('en')} orders/s)`);
      }
    };
    const loadOnce = () =>
      parallelLoad(db, {
        generator: { total, now, catalog: catalogDoc, activeDepartments: [...active], labelled, seed: SEED },
        workers: WORKERS,
        sampleEvery: Math.max(1, Math.floor(total / 4_000)),
        progress,
      });
    let load: LoadStats | null = null;
    if (ON_PG) {
      // bulk-load practice: secondary indexes and FK/unique constraints are rebuilt once at the end (then checked)
      this.rebuildMs = (
        await withoutSecondaryIndexes(this.target.db, ['work_orders', 'work_order_events'], async () => {
          load = await loadOnce();
        })
      ).rebuildMs;
    } else {
      load = await loadOnce();
    }
    if (load === null) throw new Error('nothing loaded');
    const loaded: LoadStats = load;
    this.samples = loaded.samples;
    this.orders = loaded.orders;
    this.events = loaded.events;
    this.loadMs = loaded.ms + this.rebuildMs;
    say(
      `${label}: loaded ${loaded.orders.toLocaleString('en')} orders + ${loaded.events.toLocaleString('en')} events in ${(loaded.ms / 1000).toFixed(1)} s ` +
        `(${WORKERS} generator threads; statements ${(loaded.dbMs / 1000).toFixed(1)} s in all)` +
        (ON_PG ? `, indexes and constraints rebuilt in ${(this.rebuildMs / 1000).toFixed(1)} s` : ''),
    );
    const tv = performance.now();
    if (ON_PG) {
      for (const t of ['work_orders', 'work_order_events', 'order_code_sequences']) await db.query(`VACUUM (ANALYZE) ${t}`);
    } else {
      await db.query('ANALYZE');
    }
    this.vacuumMs = performance.now() - tv;

    // --- users and the API (real session tokens, the same routes as the server)
    const { rows: deps } = await db.query<{ department_code: string; n: number }>(
      `SELECT department_code, count(*)::int AS n FROM work_orders WHERE state IN ('dispatched', 'signed', 'in_progress')
       GROUP BY department_code ORDER BY n DESC, department_code LIMIT 1`,
    );
    this.portalDept = deps[0]?.department_code ?? 'city.hrss';
    const users: { id: string; role: Role; dept: string | null }[] = [
      { id: 'bench-dispatcher', role: 'dispatcher', dept: null },
      { id: 'bench-handler', role: 'handler', dept: this.portalDept },
      // an agent of the loaded history (one of 20 at 10,000 orders, of 400 at 1,000,000) and one hired today
      { id: 'agent-007', role: 'agent', dept: null },
      { id: 'bench-agent-new', role: 'agent', dept: null },
    ];
    for (const u of users) {
      await db.query(
        `INSERT INTO users (id, username, display_name, role, extension, password_hash, sip_ha1, department_code) VALUES ($1, $1, $1, $2, NULL, 'x', NULL, $3)`,
        [u.id, u.role, u.dept],
      );
    }
    const tokens = new SessionTokens(randomBytes(32).toString('hex'));
    this.bearer = Object.fromEntries(users.map((u) => [u.id, `Bearer ${tokens.issue(u.id, u.role)}`]));
    this.app = Fastify({ logger: false });
    await crm.registerRoutes(this.app, { tokens });
    await this.app.ready();

    this.profile = await dataProfile(db, this.portalDept, now);
    say(`${label}: ${this.profile}`);
  }

  /** One round of every search kind. */
  async measureSearches(round: number): Promise<void> {
    const { r, samples, portalDept } = this;
    const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();
    const kinds: Record<SearchKind, [string, () => string]> = {
      'code (exact)': ['bench-dispatcher', () => qs({ code: pickFrom(samples.codes, r) })],
      'citizen phone': ['bench-dispatcher', () => qs({ phone: pickFrom(samples.phones, r) })],
      [`q common word「${COMMON_WORD}」`]: ['bench-dispatcher', () => qs({ q: COMMON_WORD })],
      [`q less common「${LESS_COMMON_WORD}」`]: ['bench-dispatcher', () => qs({ q: LESS_COMMON_WORD })],
      [`q 3 characters「${LONGER_WORD}」`]: ['bench-dispatcher', () => qs({ q: LONGER_WORD })],
      'q compound name (rare)': ['bench-dispatcher', () => qs({ q: pickFrom(samples.compounds, r) })],
      'q order code': ['bench-dispatcher', () => qs({ q: pickFrom(samples.codes, r) })],
      [`q absent word「${ABSENT_WORD}」`]: ['bench-dispatcher', () => qs({ q: ABSENT_WORD })],
      'portal: handler, open states': ['bench-handler', () => qs({ state: 'dispatched,signed,in_progress' })],
      'state=closed,archived+dept': ['bench-dispatcher', () => qs({ state: 'closed,archived', departmentCode: portalDept })],
      overdue: ['bench-dispatcher', () => qs({ overdue: 'true' })],
      // an agent's own list: orders they received or of citizens who called them (visibility 'agent')
      'agent: own list (agent-007)': ['agent-007', () => ''],
      'agent: own list (new agent)': ['bench-agent-new', () => ''],
    };
    for (const name of SEARCH_KINDS) {
      const [user, query] = kinds[name];
      const fig = this.search.get(name)!;
      const get = async (record: boolean) => {
        this.db.record = record;
        const t0 = performance.now();
        const res = await this.app.inject({ method: 'GET', url: `/api/work-orders?${query()}`, headers: { authorization: this.bearer[user]! } });
        const dt = performance.now() - t0;
        this.db.record = false;
        if (res.statusCode !== 200) throw new Error(`${name}: HTTP ${res.statusCode} ${res.body.slice(0, 300)}`);
        return { dt, n: res.json<WorkOrderListResponse>().items.length };
      };
      for (let i = 0; i < 3; i++) await get(false); // warm-up (JIT, plan cache, pages)
      const t0 = performance.now();
      const times: number[] = [];
      while (
        times.length < SEARCH_MAX_SAMPLES / ROUNDS &&
        (times.length < SEARCH_MIN_SAMPLES / ROUNDS || performance.now() - t0 < SEARCH_BUDGET_MS / ROUNDS)
      ) {
        const s = await get(false);
        times.push(s.dt);
        fig.addItems(s.n);
      }
      fig.times.push(...times);
      say(`${this.label} round ${round}: search ${name}: p50 ${ms(pct(times, 50))} p95 ${ms(pct(times, 95))} (${times.length} samples)`);
      if (EXPLAIN && this.label === 'big' && !this.explained) {
        this.db.recorded = [];
        await get(true);
        for (const q of this.db.recorded) {
          const { rows } = await this.target.db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.sql}`, q.params);
          console.log(`\n-- ${name}\n-- ${q.sql.replace(/\s+/g, ' ')}\n-- params ${JSON.stringify(q.params)}`);
          console.log(rows.map((x) => x['QUERY PLAN']).join('\n'));
        }
      }
    }
    this.explained = true;
  }

  /** One round of creation, then lifecycle steps on orders just created and auto-dispatched by the catalog. */
  async measureWrites(round: number): Promise<void> {
    const { crm, gen } = this;
    const agent: Actor = { id: 'agent-001', role: 'agent', departmentId: null };
    const inputs: CreateWorkOrderRawInput[] = Array.from({ length: CREATE_SEQ + CREATE_CONC + 50 }, () => gen.input());
    for (let i = 0; i < 50; i++) await crm.service.create(agent, inputs.pop()); // warm-up
    const created: { code: string; version: number; dept: string | null; state: string }[] = [];
    const createOne = async (input: CreateWorkOrderRawInput, times?: number[]) => {
      const t = performance.now();
      const res = await crm.service.create(agent, input);
      times?.push(performance.now() - t);
      created.push({ code: res.order.code, version: res.order.version, dept: res.order.departmentId, state: res.order.state });
    };
    let t0 = performance.now();
    for (let i = 0; i < CREATE_SEQ; i++) await createOne(inputs.pop()!, this.createSeq.times);
    const cs = this.createSeq.addRound(CREATE_SEQ, performance.now() - t0);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let x = inputs.pop(); x !== undefined; x = inputs.pop()) await createOne(x, this.createConc.times);
      }),
    );
    const cc = this.createConc.addRound(CREATE_CONC, performance.now() - t0);

    const dispatcher: Actor = { id: 'bench-dispatcher', role: 'dispatcher', departmentId: null };
    const walkable = created.filter((c) => c.state === 'dispatched' && c.dept !== null);
    const need = TRANSITION_ORDERS_SEQ + TRANSITION_ORDERS_CONC + 10;
    if (walkable.length < need) throw new Error(`only ${walkable.length} auto-dispatched orders to walk, need ${need}`);
    const steps = (dept: string): [WorkOrderCommand, Actor][] => {
      const handler: Actor = { id: `handler-${dept}-1`, role: 'handler', departmentId: dept };
      return [
        [{ type: 'sign' }, handler],
        [{ type: 'start' }, handler],
        [{ type: 'reply', content: '经核实，已安排工作人员到现场处理，问题已解决，并已电话告知来电人。' }, handler],
        [{ type: 'accept_reply' }, dispatcher],
      ];
    };
    const walkOrder = async (o: (typeof walkable)[number], times?: number[]) => {
      let version = o.version;
      for (const [cmd, actor] of steps(o.dept!)) {
        const t = performance.now();
        version = (await crm.service.act(actor, o.code, cmd, version)).order.version;
        times?.push(performance.now() - t);
      }
    };
    for (const o of walkable.splice(0, 10)) await walkOrder(o); // warm-up
    t0 = performance.now();
    for (const o of walkable.splice(0, TRANSITION_ORDERS_SEQ)) await walkOrder(o, this.actSeq.times);
    const as = this.actSeq.addRound(TRANSITION_ORDERS_SEQ * 4, performance.now() - t0);
    const concOrders = walkable.splice(0, TRANSITION_ORDERS_CONC);
    t0 = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let o = concOrders.pop(); o !== undefined; o = concOrders.pop()) await walkOrder(o, this.actConc.times);
      }),
    );
    const ac = this.actConc.addRound(TRANSITION_ORDERS_CONC * 4, performance.now() - t0);
    say(
      `${this.label} round ${round}: create ${cs.toFixed(0)}/s sequential, ${cc.toFixed(0)}/s with ${CLIENTS} clients; ` +
        `steps ${as.toFixed(0)}/s sequential, ${ac.toFixed(0)}/s with ${CLIENTS} clients`,
    );
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.crm?.close();
    if (this.target) {
      await this.target.drop();
      if (KEEP && this.target.schema) say(`kept schema ${this.target.schema}`);
    }
  }
}

async function dataProfile(db: Database, portalDept: string, now: number): Promise<string> {
  const { rows } = await db.query<{ open: number; overdue: number; phones: number; portal: number; dept_hist: number }>(
    `SELECT count(*) FILTER (WHERE state IN ('received', 'returned', 'dispatched', 'signed', 'in_progress'))::int AS open,
            count(*) FILTER (WHERE state IN ('received', 'returned', 'dispatched', 'signed', 'in_progress') AND resolve_due_at <= $1)::int AS overdue,
            count(DISTINCT citizen_phone_norm)::int AS phones,
            count(*) FILTER (WHERE department_code = $2 AND state IN ('dispatched', 'signed', 'in_progress'))::int AS portal,
            count(*) FILTER (WHERE department_code = $2 AND state IN ('closed', 'archived'))::int AS dept_hist
     FROM work_orders`,
    [new Date(now), portalDept],
  );
  const p = rows[0]!;
  let size = '';
  if (ON_PG) {
    const { rows: s } = await db.query<{ t: string; i: string; e: string }>(
      `SELECT pg_size_pretty(pg_table_size('work_orders')) AS t, pg_size_pretty(pg_indexes_size('work_orders')) AS i,
              pg_size_pretty(pg_total_relation_size('work_order_events')) AS e`,
    );
    size = `; work_orders ${s[0]!.t} + indexes ${s[0]!.i}, events ${s[0]!.e}`;
  }
  return `${p.open.toLocaleString('en')} open (${p.overdue.toLocaleString('en')} overdue), ${p.phones.toLocaleString('en')} distinct phones, portal ${portalDept}: ${p.portal.toLocaleString('en')} open / ${p.dept_hist.toLocaleString('en')} closed${size}`;
}

function ms(x: number): string {
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`;
}

// ---------------------------------------------------------------------------------------------------------------

const engine = ON_PG ? `PostgreSQL (${(await serverVersion()) ?? '?'})` : 'PGlite in memory — no DATABASE_URL, REDUCED SIZES';
console.log(`Work orders at scale — ${engine}, Node ${process.version}; small ${BASE.toLocaleString('en')} vs big ${ORDERS.toLocaleString('en')} orders`);
if (!ON_PG) console.log('NOTE: without DATABASE_URL this runs on PGlite at reduced sizes; set DATABASE_URL (scripts/ci-postgres.sh) for the 1M run.');

// Both sizes stay loaded; the rounds alternate between them (small, big, then big, small, …) so that a slow
// spell of this shared machine does not land on one size only.
const small = new Size('small', BASE);
const big = new Size('big', ORDERS);
try {
  await small.prepare();
  await big.prepare();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of round % 2 === 1 ? [small, big] : [big, small]) {
      await s.measureSearches(round);
      await s.measureWrites(round);
    }
  }
} finally {
  await small.close();
  await big.close();
}

const ratio = (b: number, s: number) => `${(b / s).toFixed(2)}×`;
const range = (f: Figure) => `${Math.min(...f.rates).toFixed(0)}–${Math.max(...f.rates).toFixed(0)}`;
console.log('');
for (const s of [small, big]) {
  console.log(
    `${s.label}: ${s.orders.toLocaleString('en')} orders + ${s.events.toLocaleString('en')} events loaded in ${(s.loadMs / 1000).toFixed(1)} s ` +
      `(${Math.round(s.orders / (s.loadMs / 1000)).toLocaleString('en')} orders/s, ${Math.round((s.orders + s.events) / (s.loadMs / 1000)).toLocaleString('en')} rows/s` +
      `${ON_PG ? `, of which index/constraint rebuild ${(s.rebuildMs / 1000).toFixed(1)} s` : ''}; then ${ON_PG ? 'VACUUM ANALYZE' : 'ANALYZE'} ${(s.vacuumMs / 1000).toFixed(1)} s)`,
  );
  console.log(`  ${s.profile}`);
}
console.log('');
const head = (a: string, b: string, c: string, d: string, e: string) => console.log(`${a.padEnd(34)} ${b.padStart(16)} ${c.padStart(16)} ${d.padStart(9)} ${e.padStart(24)}`);
head(`${ROUNDS} rounds each`, `${ORDERS.toLocaleString('en')} orders`, `${BASE.toLocaleString('en')} orders`, 'big/small', 'per-round big | small');
const rateLine = (name: string, b: Figure, s: Figure) => head(name, b.rate.toFixed(0), s.rate.toFixed(0), ratio(b.rate, s.rate), `${range(b)} | ${range(s)}`);
const p50Line = (name: string, b: Figure, s: Figure) => head(name, ms(b.latency().p50), ms(s.latency().p50), ratio(b.latency().p50, s.latency().p50), '');
rateLine('create, sequential (orders/s)', big.createSeq, small.createSeq);
p50Line('  one create, p50', big.createSeq, small.createSeq);
rateLine(`create, ${CLIENTS} clients (orders/s)`, big.createConc, small.createConc);
rateLine('transition, sequential (steps/s)', big.actSeq, small.actSeq);
p50Line('  one step, p50', big.actSeq, small.actSeq);
rateLine(`transition, ${CLIENTS} clients (steps/s)`, big.actConc, small.actConc);
console.log('');
console.log(`${'GET /api/work-orders?…'.padEnd(30)} ${'p50 / p95 / p99 (big)'.padStart(30)} ${'p50 / p95 / p99 (small)'.padStart(30)}  p50 ratio p99 ratio  samples big/small`);
for (const name of SEARCH_KINDS) {
  const b = big.search.get(name)!.latency();
  const s = small.search.get(name)!.latency();
  const trio = (l: Latency) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`;
  console.log(`${name.padEnd(30)} ${trio(b).padStart(30)} ${trio(s).padStart(30)}  ${ratio(b.p50, s.p50).padStart(9)} ${ratio(b.p99, s.p99).padStart(9)}  ${b.n}/${s.n}`);
}
console.log('');
console.log(`Total run ${((performance.now() - started) / 1000).toFixed(0)} s.`);

async function serverVersion(): Promise<string | null> {
  try {
    const c = new pg.Client({ connectionString: BASE_URL });
    await c.connect();
    const { rows } = await c.query<{ v: string }>(`SELECT current_setting('server_version') AS v`);
    await c.end();
    return rows[0]?.v ?? null;
  } catch {
    return null;
  }
}
