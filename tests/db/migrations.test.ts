import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../platform/db/migrate.js';
import { openDatabase } from '../../platform/db/open-database.js';
import type { MigratableDatabase } from '../../platform/db/database.js';
import { createTestSchema, openTestDatabase, type TestDatabase } from './test-database.js';

const MIGRATIONS = [
  '001_initial',
  '002_work_orders',
  '003_agent_skills',
  '004_call_emergency',
  '005_work_order_search_grams',
  '006_emergency_linkage_and_supervision_audit',
  '007_call_recordings_and_access_audit',
  '008_acd_queue_callbacks',
  '009_work_orders_received_by_paging',
  '010_work_order_requests',
  '011_auth_events',
  '012_user_sessions_valid_from',
];

describe('database + migrations', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reports the expected backend and answers ping', async () => {
    expect(t.db.kind).toBe(process.env.DATABASE_URL ? 'postgres' : 'pglite');
    expect(await t.db.ping()).toBe(true);
  });

  it('recorded every migration once, and a second run applies nothing', async () => {
    const before = await t.db.query<{ version: string; applied_at: Date }>('SELECT version, applied_at FROM schema_migrations ORDER BY version');
    expect(before.rows.map((r) => r.version)).toEqual(MIGRATIONS);
    expect(before.rows[0]?.applied_at).toBeInstanceOf(Date);

    // openDatabase returns the adapter, which is migratable; the public type just hides it.
    const again = await runMigrations(t.db as MigratableDatabase);
    expect(again).toEqual([]);
    const after = await t.db.query('SELECT version FROM schema_migrations');
    expect(after.rows).toHaveLength(MIGRATIONS.length);
  });

  it('created every table with the expected columns', async () => {
    const { rows } = await t.db.query<{ table_name: string; n: number }>(
      `SELECT table_name, count(*)::integer AS n FROM information_schema.columns
       WHERE table_schema = current_schema() GROUP BY table_name ORDER BY table_name`,
    );
    expect(rows).toEqual([
      { table_name: 'agent_profiles', n: 4 },
      { table_name: 'agent_skills', n: 3 },
      { table_name: 'agent_state_log', n: 7 },
      { table_name: 'auth_events', n: 7 },
      { table_name: 'call_offers', n: 6 },
      { table_name: 'call_recordings', n: 16 },
      { table_name: 'calls', n: 24 },
      { table_name: 'catalog_versions', n: 6 },
      { table_name: 'departments', n: 6 },
      { table_name: 'emergency_linkages', n: 15 },
      { table_name: 'knowledge_articles', n: 9 },
      { table_name: 'order_code_sequences', n: 2 },
      { table_name: 'recording_access_log', n: 8 },
      { table_name: 'schema_migrations', n: 2 },
      { table_name: 'sms_outbox', n: 13 },
      { table_name: 'supervision_sessions', n: 8 },
      { table_name: 'users', n: 11 },
      { table_name: 'work_order_calls', n: 3 },
      { table_name: 'work_order_events', n: 12 },
      { table_name: 'work_order_requests', n: 5 },
      { table_name: 'work_orders', n: 45 },
    ]);
  });

  it('returns timestamptz as Date and bigint as number', async () => {
    const { rows } = await t.db.query<{ ts: unknown; big: unknown; cnt: unknown }>(
      `SELECT '2024-05-01T08:00:00.250Z'::timestamptz AS ts, 9007199254740991::bigint AS big, count(*) AS cnt FROM users`,
    );
    expect(rows[0]?.ts).toEqual(new Date('2024-05-01T08:00:00.250Z'));
    expect(rows[0]?.big).toBe(9007199254740991);
    expect(rows[0]?.cnt).toBe(0);
  });

  it('rolls a failed transaction back completely and rethrows', async () => {
    const boom = new Error('boom');
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO users (id, username, display_name, role, password_hash) VALUES ('u-tx', 'tx', 'Tx', 'agent', 'x')`);
        const inside = await tx.query('SELECT id FROM users WHERE id = $1', ['u-tx']);
        expect(inside.rows).toHaveLength(1);
        throw boom;
      }),
    ).rejects.toBe(boom);
    const { rows } = await t.db.query('SELECT id FROM users WHERE id = $1', ['u-tx']);
    expect(rows).toEqual([]);
  });

  it('commits a successful transaction and returns its value', async () => {
    const result = await t.db.transaction(async (tx) => {
      await tx.query(`INSERT INTO users (id, username, display_name, role, password_hash) VALUES ('u-ok', 'ok', 'Ok', 'admin', 'x')`);
      return 42;
    });
    expect(result).toBe(42);
    const { rows } = await t.db.query<{ username: string }>('SELECT username FROM users WHERE id = $1', ['u-ok']);
    expect(rows).toEqual([{ username: 'ok' }]);
  });

  it('refuses to commit when a statement inside failed and the error was swallowed', async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO users (id, username, display_name, role, password_hash) VALUES ('u-lost', 'lost', 'L', 'agent', 'x')`);
        await tx.query('SELECT no_such_column FROM users').catch(() => undefined);
      }),
    ).rejects.toThrow();
    const { rows } = await t.db.query('SELECT id FROM users WHERE id = $1', ['u-lost']);
    expect(rows).toEqual([]);
    expect(await t.db.ping()).toBe(true);
  });

  it('enforces the role check constraint', async () => {
    await expect(
      t.db.query(`INSERT INTO users (id, username, display_name, role, password_hash) VALUES ('u-bad', 'bad', 'Bad', 'root', 'x')`),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('close', () => {
  it('is idempotent and ping reports false afterwards', async () => {
    const t = await openTestDatabase();
    await t.db.close();
    await t.db.close();
    expect(await t.db.ping()).toBe(false);
    await t.cleanup();
  });
});

describe.runIf(process.env.DATABASE_URL)('two processes migrating one PostgreSQL at once', () => {
  it('applies each migration exactly once', async () => {
    const schema = await createTestSchema(process.env.DATABASE_URL as string);
    try {
      const [a, b] = await Promise.all([openDatabase({ url: schema.url, dataDir: 'memory://' }), openDatabase({ url: schema.url, dataDir: 'memory://' })]);
      const { rows } = await a.query<{ version: string }>('SELECT version FROM schema_migrations');
      expect(rows.map((r) => r.version).sort()).toEqual(MIGRATIONS);
      await Promise.all([a.close(), b.close()]);
    } finally {
      await schema.drop();
    }
  });
});

describe('PGlite on disk', () => {
  it('keeps data across reopen and does not migrate again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hotline-pglite-'));
    try {
      const dataDir = join(dir, 'nested', 'pgdata'); // parent does not exist yet
      const first = await openDatabase({ url: undefined, dataDir });
      expect(first.kind).toBe('pglite');
      await first.query(`INSERT INTO users (id, username, display_name, role, password_hash) VALUES ('u-disk', 'disk', 'D', 'agent', 'x')`);
      await first.close();

      const second = await openDatabase({ url: '', dataDir });
      expect(second.kind).toBe('pglite');
      const { rows } = await second.query('SELECT username FROM users');
      expect(rows).toEqual([{ username: 'disk' }]);
      expect(await runMigrations(second as MigratableDatabase)).toEqual([]);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
