// Opens the database the db tests run against: in-memory PGlite, or — when DATABASE_URL is set —
// the PostgreSQL server inside a fresh schema per test file, so parallel files and reruns never collide.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase } from '../../platform/db/open-database.js';
import type { Database } from '../../platform/db/database.js';

export interface TestDatabase {
  db: Database;
  /** Closes the connection and drops the test schema (PostgreSQL). */
  cleanup(): Promise<void>;
}

export async function openTestDatabase(): Promise<TestDatabase> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const db = await openDatabase({ url: undefined, dataDir: 'memory://' });
    return { db, cleanup: () => db.close() };
  }
  const schema = await createTestSchema(baseUrl);
  const db = await openDatabase({ url: schema.url, dataDir: 'memory://' });
  return {
    db,
    async cleanup() {
      await db.close();
      await schema.drop();
    },
  };
}

/** An empty schema `t_<random>` and a connection URL whose search_path points at it. */
export async function createTestSchema(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin(baseUrl, `CREATE SCHEMA ${name}`);
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return { url: url.toString(), drop: () => admin(baseUrl, `DROP SCHEMA ${name} CASCADE`) };
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
