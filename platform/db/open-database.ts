// Opens the configured backend and brings its schema up to date before anyone queries it.
import { mkdir } from 'node:fs/promises';
import type { Database, DatabaseOptions, MigratableDatabase } from './database.js';
import { runMigrations } from './migrate.js';

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  const db = opts.url ? await openPostgres(opts.url) : await openPglite(opts.dataDir);
  try {
    await runMigrations(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

async function openPostgres(url: string): Promise<MigratableDatabase> {
  // Imported lazily so an embedded deployment never loads pg, and vice versa.
  const { PostgresDatabase } = await import('./postgres-database.js');
  return PostgresDatabase.open(url);
}

async function openPglite(dataDir: string): Promise<MigratableDatabase> {
  // PGlite wants the parent directory to exist; scheme-prefixed dirs (memory://, idb://) are not paths.
  if (!/^[a-z]+:\/\//i.test(dataDir)) await mkdir(dataDir, { recursive: true });
  const { PgliteDatabase } = await import('./pglite-database.js');
  return PgliteDatabase.open(dataDir);
}
