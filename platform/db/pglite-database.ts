// Embedded PostgreSQL (WASM) adapter. PGlite already parses timestamptz → Date and int4/int8 → number.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { MigratableDatabase, Queryable, ScriptQueryable } from './database.js';

export class PgliteDatabase implements MigratableDatabase {
  readonly kind = 'pglite' as const;

  private constructor(private readonly pg: PGlite) {}

  static async open(dataDir: string): Promise<PgliteDatabase> {
    return new PgliteDatabase(await PGlite.create(dataDir));
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }> {
    const res = await this.pg.query<T>(sql, params);
    return { rows: res.rows };
  }

  transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T> {
    return this.pg.transaction((tx) => fn(wrapTransaction(tx)));
  }

  async ping(): Promise<boolean> {
    if (this.pg.closed) return false;
    try {
      await this.pg.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    // PGlite throws when closed twice; our contract is idempotent.
    if (!this.pg.closed) await this.pg.close();
  }
}

function wrapTransaction(tx: Transaction): ScriptQueryable {
  const queryable: Queryable = {
    async query<T = Record<string, unknown>>(sql: string, params?: unknown[]) {
      const res = await tx.query<T>(sql, params);
      return { rows: res.rows };
    },
  };
  return {
    ...queryable,
    async execScript(sql: string) {
      await tx.exec(sql);
    },
  };
}
