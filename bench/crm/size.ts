// One size of the benchmark: its own schema, loaded once, then measured once per round.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Role } from '../../contracts/api.js';
import type { WorkOrderListResponse } from '../../contracts/work-orders.js';
import { loadLabelledOrders, loadSampleCatalog } from '../../crm/catalog/sample.js';
import { createCrm, type Crm } from '../../crm/index.js';
import type { WorkOrderCommand } from '../../crm/work-orders/lifecycle.js';
import type { Actor } from '../../contracts/work-order-model.js';
import type { CreateWorkOrderRawInput } from '../../contracts/work-order-schemas.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import type { Database } from '../../platform/db/database.js';
import { OrderGenerator, rng } from './generate.js';
import { parallelLoad, withoutSecondaryIndexes, type LoadSamples, type LoadStats } from './load.js';
import {
  ON_PG,
  KEEP,
  EXPLAIN,
  SEARCH_BUDGET_MS,
  SEARCH_MAX_SAMPLES,
  SEARCH_MIN_SAMPLES,
  ROUNDS,
  CREATE_SEQ,
  CREATE_CONC,
  CLIENTS,
  WORKERS,
  SEED,
  TRANSITION_ORDERS_SEQ,
  TRANSITION_ORDERS_CONC,
  ABSENT_WORD,
  COMMON_WORD,
  LESS_COMMON_WORD,
  LONGER_WORD,
  log,
  say,
} from './settings.js';
import { openTarget, RecordingDb, type Target } from './target.js';
import { Figure, pct, ms } from './figures.js';

function pickFrom<T>(xs: readonly T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)] as T;
}

export const SEARCH_KINDS = [
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
export type SearchKind = (typeof SEARCH_KINDS)[number];

export class Size {
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

  constructor(
    readonly label: string,
    readonly total: number,
  ) {}

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
    await crm.registerRoutes(this.app, createAuthGuard({ tokens, users: new UserRepository(db) }));
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
      while (times.length < SEARCH_MAX_SAMPLES / ROUNDS && (times.length < SEARCH_MIN_SAMPLES / ROUNDS || performance.now() - t0 < SEARCH_BUDGET_MS / ROUNDS)) {
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
