// Applies migrations/NNN_name.sql in name order, each exactly once, each in its own transaction.
import { readFile, readdir } from 'node:fs/promises';
import type { ScriptQueryable } from './database.js';

export interface MigrationTarget {
  transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T>;
}

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

// Arbitrary constant shared by every hotline process. The lock serializes two servers that start
// against the same PostgreSQL at once (the second one then sees the migration as applied);
// it is transaction-scoped, so it is released by COMMIT/ROLLBACK even if the process dies.
const MIGRATION_LOCK_KEY = 12345_0001;

/** Returns the versions (file names without .sql) applied by this call, in order. */
export async function runMigrations(db: MigrationTarget): Promise<string[]> {
  const applied: string[] = [];
  for (const file of await listMigrationFiles()) {
    const version = file.replace(/\.sql$/, '');
    const sql = await readFile(new URL(file, MIGRATIONS_DIR), 'utf8');
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.query('CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const done = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version]);
      if (done.rows.length > 0) return false;
      await tx.execScript(sql);
      await tx.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, now())', [version]);
      return true;
    });
    if (ran) applied.push(version);
  }
  return applied;
}

async function listMigrationFiles(): Promise<string[]> {
  const names = await readdir(MIGRATIONS_DIR);
  // Zero-padded numeric prefixes make plain string order the apply order.
  return names.filter((n) => /^\d+_[\w-]+\.sql$/.test(n)).sort();
}
