// PostgreSQL server adapter over a pg.Pool.
import pg from 'pg';
import type { MigratableDatabase, ScriptQueryable } from './database.js';

// pg returns int8 (bigserial ids, count(*)) as strings to avoid precision loss; PGlite returns numbers.
// Ours stay far below 2^53, so numbers in both keeps callers backend-agnostic.
// Set per pool, not via pg.types.setTypeParser, so other pg users in the process are unaffected.
const types = new pg.TypeOverrides();
types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

export class PostgresDatabase implements MigratableDatabase {
  readonly kind = 'postgres' as const;
  private closed = false;

  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string): Promise<PostgresDatabase> {
    const pool = new pg.Pool({ connectionString, types, connectionTimeoutMillis: 10_000 });
    // An idle client dying (server restart, network) emits 'error' on the pool, which would crash the
    // process if unhandled. The pool already discards that client; ping() reports the outage.
    pool.on('error', () => {});
    const db = new PostgresDatabase(pool);
    try {
      await pool.query('SELECT 1'); // fail fast on a bad URL instead of at the first real query
    } catch (err) {
      await db.close();
      throw err;
    }
    return db;
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const res = await this.pool.query(sql, params);
    return { rows: res.rows as T[] };
  }

  async transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T> {
    // A transaction must stay on one connection, so it gets a dedicated client.
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const tx: ScriptQueryable = {
        async query<R = Record<string, unknown>>(sql: string, params?: unknown[]) {
          const res = await client.query(sql, params);
          return { rows: res.rows as R[] };
        },
        async execScript(sql: string) {
          await client.query(sql); // no params → simple protocol, which allows several statements
        },
      };
      const result = await fn(tx);
      const commit = await client.query('COMMIT');
      // PostgreSQL answers COMMIT of an aborted transaction (fn swallowed a failed statement) with a
      // silent ROLLBACK; PGlite throws. Throw here too so no caller believes lost writes were saved.
      if (commit.command === 'ROLLBACK') throw new Error('transaction was aborted by an earlier error and rolled back');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        // The connection is in an unknown state; make the pool destroy it rather than reuse it.
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
      throw err;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}
