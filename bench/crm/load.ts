// Bulk load for bench/crm.ts.
//
// Rows: the repository's own insertOrder/insertEvent run against a recording Queryable, so columns, values,
// search_text and the normalized phone are exactly what the service writes (the text-search grams are not a
// column but a GIN index expression, migrations/005: rebuilding the indexes after the load computes them). They are replayed as one statement per
// batch of ~5,000 orders: `WITH orders AS (INSERT INTO work_orders … SELECT * FROM unnest($1::text[], …))
// INSERT INTO work_order_events … SELECT * FROM unnest(…)` — one array parameter per column, atomic like a
// transaction, one round trip.
//
// Generating the history is CPU work (the pure core walks the working calendar for every deadline), so worker
// threads (bench/crm/worker.ts) generate and encode, each a share of the days, while the main thread only
// feeds the statements to the database, at most two at a time.
import { Worker } from 'node:worker_threads';
import type { Database, Queryable } from '../../platform/db/database.js';
import { WorkOrderRepository } from '../../crm/work-orders/repository.js';
import type { GeneratedOrder, GeneratorOptions } from './generate.js';

interface Captured {
  sql: string;
  params: unknown[];
}

/** Records statements instead of running them. */
class Recorder implements Queryable {
  readonly calls: Captured[] = [];
  async query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    this.calls.push({ sql, params });
    return { rows: [] };
  }
}

/** table → column → SQL type (format_type), for the array casts. */
export type ColumnTypes = Record<string, Record<string, string>>;

export async function columnTypes(db: Queryable, tables: readonly string[]): Promise<ColumnTypes> {
  const out: ColumnTypes = {};
  for (const t of tables) {
    const { rows } = await db.query<{ name: string; type: string }>(
      `SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`,
      [t],
    );
    out[t] = Object.fromEntries(rows.map((r) => [r.name, r.type]));
  }
  return out;
}

/**
 * A PostgreSQL array literal of scalar parameters, as pg would send them but several times cheaper (pg's
 * arrayString formats every Date in local time and runs two regexes per element): instants as ISO 8601 UTC,
 * text quoted and escaped.
 */
function arrayLiteral(values: readonly unknown[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i];
    if (typeof v === 'string') out += v.includes('"') || v.includes('\\') ? '"' + v.replace(ESCAPE, '\\$&') + '"' : '"' + v + '"';
    else if (v === null || v === undefined) out += 'NULL';
    else if (v instanceof Date) out += v.toISOString();
    else if (typeof v === 'number' || typeof v === 'boolean') out += String(v);
    else throw new Error(`unexpected parameter ${typeof v}`);
  }
  return out + '}';
}
const ESCAPE = /["\\]/g;

/**
 * A jsonb column's values (JSON texts, as the repository passes them to `$n::jsonb`) as one JSON array: no
 * escaping needed, PostgreSQL's JSON parser splits it (much cheaper than quoting JSON inside an array literal).
 */
function jsonArray(values: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'string') throw new Error(`jsonb parameter is not JSON text: ${typeof v}`);
    out += i > 0 ? ',' + v : v;
  }
  return out + ']';
}

/** A single-row `INSERT INTO t (cols) VALUES (…)` as the repository wrote it, as INSERT … SELECT FROM unnest. */
function arrayInsert(calls: readonly Captured[], types: ColumnTypes, offset: number): Captured {
  const m = /^\s*INSERT INTO (\w+) \(([^)]*)\)\s*VALUES/.exec(calls[0]!.sql);
  if (!m) throw new Error(`not an INSERT … VALUES: ${calls[0]!.sql.slice(0, 80)}`);
  const table = m[1]!;
  const columns = m[2]!.split(',').map((c) => c.trim());
  const cols: unknown[][] = columns.map(() => new Array<unknown>(calls.length));
  for (let r = 0; r < calls.length; r++) {
    const p = calls[r]!.params;
    if (p.length !== columns.length) throw new Error(`${table}: ${p.length} values for ${columns.length} columns`);
    for (let c = 0; c < columns.length; c++) cols[c]![r] = p[c];
  }
  const ts = columns.map((c) => {
    const t = types[table]?.[c];
    if (t === undefined) throw new Error(`${table}.${c}: no such column`);
    return t;
  });
  const arrays = ts.map((t, i) =>
    t === 'jsonb' ? `ARRAY(SELECT v FROM jsonb_array_elements($${offset + i + 1}::jsonb) WITH ORDINALITY AS j(v, n) ORDER BY n)` : `$${offset + i + 1}::${t}[]`,
  );
  return {
    sql: `INSERT INTO ${table} (${columns.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})`,
    params: cols.map((values, i) => (ts[i] === 'jsonb' ? jsonArray(values) : arrayLiteral(values))),
  };
}

export interface EncodedBatch {
  sql: string;
  params: string[];
  orders: number;
  events: number;
}

/** One statement writing these orders and their events (see the top of this file). */
export async function encodeBatch(batch: readonly GeneratedOrder[], types: ColumnTypes): Promise<EncodedBatch> {
  const rec = new Recorder();
  const repo = new WorkOrderRepository(rec);
  for (const g of batch) await repo.insertOrder(g.order, g.nextDeadlineAt);
  const orderCalls = rec.calls.splice(0);
  for (const g of batch) for (const e of g.events) await repo.insertEvent(e);
  const eventCalls = rec.calls.splice(0);
  const o = arrayInsert(orderCalls, types, 0);
  const e = arrayInsert(eventCalls, types, o.params.length);
  return {
    sql: `WITH orders AS (${o.sql}) ${e.sql}`,
    params: [...(o.params as string[]), ...(e.params as string[])],
    orders: batch.length,
    events: eventCalls.length,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Main thread side

/** What a worker needs to build its generator (GeneratorOptions minus the functions). */
export interface WorkerJob {
  generator: Omit<GeneratorOptions, 'activeDepartments' | 'config' | 'nextDeadlineAt'> & { activeDepartments: string[] };
  part: number;
  parts: number;
  batchSize: number;
  sampleEvery: number;
  types: ColumnTypes;
}

export type WorkerMessage =
  { kind: 'batch'; batch: EncodedBatch; dayMax: [string, number][] } | { kind: 'done'; samples: LoadSamples } | { kind: 'error'; message: string };

export interface LoadSamples {
  codes: string[];
  phones: string[];
  /** Residential-compound names found in the content (rare search terms). */
  compounds: string[];
}

export interface LoadStats {
  orders: number;
  events: number;
  ms: number;
  /** Sum of the statements' durations (up to two run at once). */
  dbMs: number;
  samples: LoadSamples;
}

export interface ParallelLoadOptions {
  generator: WorkerJob['generator'];
  workers: number;
  batchSize?: number;
  /** Keep every n-th order's code/phone/compound name of each worker. */
  sampleEvery: number;
  progress?: (orders: number) => void;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

/** Generates in worker threads, writes from here. Also sets order_code_sequences as nextSequence would have. */
export async function parallelLoad(db: Database, opts: ParallelLoadOptions): Promise<LoadStats> {
  const t0 = performance.now();
  const types = await columnTypes(db, ['work_orders', 'work_order_events']);
  const stats: LoadStats = { orders: 0, events: 0, ms: 0, dbMs: 0, samples: { codes: [], phones: [], compounds: [] } };
  const dayMax = new Map<string, number>();
  const queue: { batch: EncodedBatch; ack: () => void }[] = [];
  let running = 0;
  // set from the workers' callbacks, which TypeScript's narrowing does not see (so not narrowed to null)
  let failure = null as Error | null;
  let wake: (() => void) | null = null;
  const poke = () => {
    wake?.();
    wake = null;
  };

  const pump = () => {
    while (running < 2 && queue.length > 0 && failure === null) {
      const { batch, ack } = queue.shift()!;
      running += 1;
      const ts = performance.now();
      db.query(batch.sql, batch.params).then(
        () => {
          stats.dbMs += performance.now() - ts;
          stats.orders += batch.orders;
          stats.events += batch.events;
          running -= 1;
          ack();
          opts.progress?.(stats.orders);
          pump();
          poke();
        },
        (err: unknown) => {
          failure = err instanceof Error ? err : new Error(String(err));
          running -= 1;
          poke();
        },
      );
    }
  };

  let done = 0;
  const workers: Worker[] = [];
  for (let part = 0; part < opts.workers; part++) {
    const job: WorkerJob = { generator: opts.generator, part, parts: opts.workers, batchSize: opts.batchSize ?? 5_000, sampleEvery: opts.sampleEvery, types };
    // tsx's loader has to be registered in the worker too; an eval'd CommonJS stub does that, then imports the entry
    const w = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL)}); })`, {
      eval: true,
      workerData: job,
    });
    workers.push(w);
    w.on('message', (m: WorkerMessage) => {
      if (m.kind === 'batch') {
        for (const [d, n] of m.dayMax) if (n > (dayMax.get(d) ?? 0)) dayMax.set(d, n);
        queue.push({ batch: m.batch, ack: () => w.postMessage('ack') });
        pump();
      } else if (m.kind === 'done') {
        stats.samples.codes.push(...m.samples.codes);
        stats.samples.phones.push(...m.samples.phones);
        stats.samples.compounds.push(...m.samples.compounds);
        done += 1;
        poke();
      } else {
        failure = new Error(`generator worker ${part}: ${m.message}`);
        poke();
      }
    });
    w.on('error', (err) => {
      failure = err;
      poke();
    });
  }
  try {
    while (failure === null && (done < workers.length || queue.length > 0 || running > 0)) {
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    if (failure !== null) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  const days = [...dayMax.entries()];
  await db.query(
    `INSERT INTO order_code_sequences (day, last) SELECT d::date, l FROM unnest($1::text[], $2::int[]) AS x(d, l)
     ON CONFLICT (day) DO UPDATE SET last = GREATEST(order_code_sequences.last, EXCLUDED.last)`,
    [days.map(([d]) => d), days.map(([, n]) => n)],
  );
  stats.ms = performance.now() - t0;
  return stats;
}

/**
 * PostgreSQL only: runs `fn` (the bulk load) with the secondary indexes and the foreign-key/unique constraints of
 * `tables` dropped, then recreates them from their own definitions (pg_get_indexdef / pg_get_constraintdef) and
 * checks that the schema is back to what it was. Primary keys stay. Returns the time spent rebuilding.
 */
export async function withoutSecondaryIndexes(db: Database, tables: readonly string[], fn: () => Promise<void>): Promise<{ rebuildMs: number }> {
  const snapshot = async () => {
    const idx = await db.query<{ name: string; tbl: string; def: string }>(
      `SELECT i.indexrelid::regclass::text AS name, i.indrelid::regclass::text AS tbl, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
       WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
       ORDER BY 1`,
      [tables],
    );
    const con = await db.query<{ name: string; tbl: string; def: string }>(
      `SELECT conname AS name, conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND contype IN ('f', 'u') ORDER BY 1`,
      [tables],
    );
    return { indexes: idx.rows, constraints: con.rows };
  };
  const before = await snapshot();
  await db.transaction(async (tx) => {
    for (const c of before.constraints) await tx.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT ${c.name}`);
    for (const i of before.indexes) await tx.query(`DROP INDEX ${i.name}`);
  });
  await fn();
  const t0 = performance.now();
  await db.transaction(async (tx) => {
    await tx.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    for (const i of before.indexes) await tx.query(i.def);
    // unique constraints before the foreign keys
    for (const c of [...before.constraints].sort((a, b) => Number(a.def.startsWith('FOREIGN')) - Number(b.def.startsWith('FOREIGN')))) {
      await tx.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT ${c.name} ${c.def}`);
    }
  });
  const after = await snapshot();
  if (JSON.stringify(after) !== JSON.stringify(before)) {
    throw new Error(`indexes/constraints not restored as they were:\n${JSON.stringify(before)}\n${JSON.stringify(after)}`);
  }
  return { rebuildMs: performance.now() - t0 };
}
