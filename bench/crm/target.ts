// The database each size of the benchmark runs on: a schema on the PostgreSQL server, or an in-memory PGlite.
import pg from 'pg';
import { openDatabase } from '../../platform/db/open-database.js';
import type { Database, Queryable } from '../../platform/db/database.js';
import { BASE_URL, KEEP, RUN } from './settings.js';

export interface Target {
  db: Database;
  schema: string | null;
  drop(): Promise<void>;
}

export async function admin(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: BASE_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

export async function openTarget(label: string): Promise<Target> {
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
export class RecordingDb implements Database {
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

export async function serverVersion(): Promise<string | null> {
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
