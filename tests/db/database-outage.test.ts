// The database goes away under a live hotline (issue 14): a private PostgreSQL server of this test's own is
// stopped with `pg_ctl stop -m immediate` (a crash: no shutdown handshake) between a call's events; the call
// records held meanwhile land once it is started again, in their order, and nothing is lost; held writes are also
// kept on disk, so a server that goes down during the outage leaves them for the next start, which writes each
// exactly once. An agent's order saved during the outage is refused with 503 (the desktop keeps it queued in
// its draft) and, sent again with the same Idempotency-Key once the database is back, is made exactly once. Runs the same in
// the embedded and the PostgreSQL tier, as it brings its own server (Debian's postgresql, run as `postgres`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateWorkOrderResponse } from '../../contracts/work-orders.js';
import { subscribeCallRecords } from '../../crm/call-record-subscriber.js';
import { createCrm, seedCrmIfEmpty } from '../../crm/index.js';
import { CallRecordRepository } from '../../crm/call-records.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import type { Database } from '../../platform/db/database.js';
import { openDatabase } from '../../platform/db/open-database.js';
import { WriteJournal } from '../../platform/db/write-journal.js';
import { LinkageService, type NewLinkage } from '../../transfer/linkage.js';
import { LinkageWriter } from '../../transfer/linkage-writer.js';
import { createCallEventBus } from '../../platform/events/call-event-bus.js';
import { createPostgresServer } from '../../testkit/postgres-server.js';
import { waitUntil } from '../../testkit/wait.js';

/** A port no other test file uses. */
const PORT = 25_433;

describe('call records while the database is down', () => {
  const pg = createPostgresServer(PORT, 'outage');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-pg-outage-journals-'));
  let db: Database;

  beforeAll(async () => {
    pg.start();
    db = await openDatabase({ url: pg.url, dataDir: 'memory://' });
  }, 60_000);

  afterAll(async () => {
    await db?.close();
    pg.remove();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('given a call whose queueing and end happen while PostgreSQL is down, when it comes back, then its record has both, in order', async () => {
    const records = new CallRecordRepository(db);
    const bus = createCallEventBus({ error: () => {} });
    const retries: string[] = [];
    const off = subscribeCallRecords(bus, records, { firstPauseMs: 100, maxPauseMs: 500, onRetry: (err) => void retries.push(String(err)) });
    const t0 = Date.parse('2026-12-07T09:00:00Z');
    await bus.emit('call.arrived', { callId: 'c-outage', channelId: 'ch-1', callerNumber: '13800138000', dialedNumber: '12345', at: t0 });

    pg.crash();
    const queued = bus.emit('call.queued', { callId: 'c-outage', queueId: 'general', at: t0 + 11_000 });
    const ended = bus.emit('call.ended', { callId: 'c-outage', at: t0 + 40_000, hangupCause: 'Normal Clearing' });
    // the writes are held and tried again while the server is down
    await waitUntil(async () => (retries.length > 0 ? true : null), { timeoutMs: 10_000, intervalMs: 50, what: 'the held writes to be retried' });

    pg.start();
    await Promise.all([queued, ended]);
    const row = await records.getCall('c-outage');
    expect(row).toMatchObject({ queue: 'general', queuedAt: new Date(t0 + 11_000), endedAt: new Date(t0 + 40_000) });
    off();
  }, 60_000);

  it('given writes held on disk when the server goes down during the outage, when the next start subscribes after the database is back, then each lands exactly once', async () => {
    const records = new CallRecordRepository(db);
    await new UserRepository(db).createUser({
      id: 'u-1001',
      username: '1001',
      displayName: '座席1001',
      role: 'agent',
      extension: '1001',
      passwordHash: 'x',
      sipHa1: null,
    });
    const journalFile = path.join(dir, 'held-call-writes.jsonl');
    const t0 = Date.parse('2026-12-07T10:00:00Z');
    const first = createCallEventBus({ error: () => {} });
    const retries: string[] = [];
    const offFirst = subscribeCallRecords(
      first,
      records,
      { firstPauseMs: 100, maxPauseMs: 500, onRetry: (err) => void retries.push(String(err)) },
      new WriteJournal(journalFile),
    );
    await first.emit('call.arrived', { callId: 'c-crash', channelId: 'ch-2', callerNumber: '13900139000', dialedNumber: '12345', at: t0 });

    pg.crash();
    const held = [
      first.emit('call.queued', { callId: 'c-crash', queueId: 'social_security', at: t0 + 9_000 }),
      first.emit('call.offered', { callId: 'c-crash', agentId: 'u-1001', offerId: 'o-1', at: t0 + 10_000 }),
      first.emit('call.offer_closed', { callId: 'c-crash', offerId: 'o-1', result: 'answered', at: t0 + 12_000 }),
      first.emit('call.answered', { callId: 'c-crash', agentId: 'u-1001', at: t0 + 12_000 }),
      first.emit('call.ended', { callId: 'c-crash', at: t0 + 70_000, hangupCause: 'Normal Clearing' }),
    ];
    await waitUntil(async () => (retries.length > 0 ? true : null), { timeoutMs: 10_000, intervalMs: 50, what: 'the first write to be held' });
    // the server goes away: its retries stop; what it held is on disk (each hold is fsynced before it is retried)
    offFirst();
    await Promise.allSettled(held);
    expect(fs.readFileSync(journalFile, 'utf8').split('\n').filter(Boolean)).toHaveLength(5);

    pg.start();
    const next = createCallEventBus({ error: () => {} });
    const journal = new WriteJournal(journalFile);
    const offNext = subscribeCallRecords(next, records, {}, journal);
    const row = await waitUntil(
      async () => {
        const r = await records.getCall('c-crash');
        return r?.endedAt ? r : null;
      },
      { timeoutMs: 20_000, intervalMs: 100, what: 'the held writes to land' },
    );
    expect(row).toMatchObject({
      queue: 'social_security',
      queuedAt: new Date(t0 + 9_000),
      answeredAt: new Date(t0 + 12_000),
      endedAt: new Date(t0 + 70_000),
      outcome: 'answered',
    });
    const offers = await db.query<{ result: string | null }>('SELECT result FROM call_offers WHERE call_id = $1', ['c-crash']);
    expect(offers.rows, 'the offer written once, and closed').toEqual([{ result: 'answered' }]);
    await waitUntil(async () => (journal.size === 0 ? true : null), { timeoutMs: 5_000, intervalMs: 50, what: 'the journal to empty' });
    expect(fs.readFileSync(journalFile, 'utf8')).toBe('');
    offNext();
    journal.close();
  }, 60_000);

  it('given an agent saving an order while PostgreSQL is down, when the desktop sends the save again after it is back, then the order is there exactly once', async () => {
    await seedCrmIfEmpty(db);
    await new UserRepository(db).createUser({
      id: 'u-1002',
      username: '1002',
      displayName: '座席1002',
      role: 'agent',
      extension: '1002',
      passwordHash: 'x',
      sipHa1: null,
    });
    const tokens = new SessionTokens('outage-test-session-key');
    const crm = createCrm({ db, log: pino({ level: 'silent' }) });
    const app = Fastify({ logger: false });
    await crm.registerRoutes(app, createAuthGuard({ tokens, users: new UserRepository(db) }));
    await app.ready();
    const body = {
      channel: 'phone',
      citizen: { phone: '13700137009', name: '陈女士' },
      type: 'help',
      catalogItemCode: 'C03.001',
      place: { district: '福田区' },
      content: '想咨询离职后住房公积金怎么提取，需要带什么材料。',
      summary: '咨询离职提取公积金',
      timeLimitClass: 'general',
    };
    // the desktop's key for this one save, on every sending (agent-desktop/src/seat/useDraftSync.ts)
    const save = () =>
      app.inject({
        method: 'POST',
        url: '/api/work-orders',
        headers: { authorization: `Bearer ${tokens.issue('u-1002', 'agent')}`, 'idempotency-key': 'save-outage-5b7e21' },
        payload: body,
      });
    const orders = async () => (await db.query<{ code: string }>(`SELECT code FROM work_orders WHERE citizen_phone = '13700137009'`)).rows;

    pg.crash();
    const refused = await save();
    expect(refused.statusCode, 'the desktop keeps a 503 queued in its draft and retries').toBe(503);
    expect(refused.json().error.code).toBe('database_unavailable');
    expect(refused.headers['retry-after']).toBe('5');

    pg.start();
    const landed = await waitUntil(
      async () => {
        const r = await save();
        expect([200, 201, 503], r.body).toContain(r.statusCode);
        return r.statusCode === 201 || r.statusCode === 200 ? r : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the save to land once PostgreSQL is back' },
    );
    // the answer of the landing sending may be lost too: the next retry gets the same order back
    const again = await save();
    expect(again.statusCode).toBe(200);
    expect(again.json<CreateWorkOrderResponse>().order.code).toBe(landed.json<CreateWorkOrderResponse>().order.code);
    expect(await orders()).toEqual([{ code: landed.json<CreateWorkOrderResponse>().order.code }]);
    await app.close();
    await crm.close();
  }, 60_000);

  it('given a 转120 linkage sheet written while PostgreSQL is down by a server that then goes away, when the next start replays it, then it is stored exactly once with its first id and time', async () => {
    const log = pino({ level: 'silent' });
    const records = new CallRecordRepository(db);
    const t0 = Date.parse('2026-12-07T11:00:00Z');
    await records.createCall({ id: 'c-linkage', channelId: 'ch-3', callerNumber: '13700137008', dialedNumber: '12345', arrivedAt: new Date(t0) });
    const linkage = new LinkageService({ db, log, centre: () => undefined });
    const file = path.join(dir, 'held-linkage-sheets.jsonl');
    const sheet: NewLinkage = {
      centre: '120',
      callId: 'c-linkage',
      callerNumber: '13700137008',
      place: '福田区莲花路某小区',
      summary: '家中老人晕倒，已无意识',
      transcript: null,
      emergencyKeyword: '晕倒',
      recordingUrl: 'https://hotline.example/api/recordings/c-linkage/audio',
      agentId: 'u-1001',
    };
    const rows = async () =>
      (await db.query<{ id: string; created_at: Date }>(`SELECT id, created_at FROM emergency_linkages WHERE call_id = 'c-linkage'`)).rows;

    pg.crash();
    const first = new LinkageWriter({ linkage, journal: new WriteJournal(file), log, retry: { firstPauseMs: 100, maxPauseMs: 500 }, now: () => t0 + 30_000 });
    const written = first.write(sheet);
    await waitUntil(async () => (first.held === 1 ? true : null), { timeoutMs: 10_000, intervalMs: 50, what: 'the sheet to be held on disk' });
    first.stop();
    await expect(written).rejects.toThrow();

    pg.start();
    const landed: string[] = [];
    const next = new LinkageWriter({ linkage, journal: new WriteJournal(file), log });
    expect(next.replayHeld(async (r) => void landed.push(r.id))).toBe(1);
    await waitUntil(async () => (landed.length === 1 ? true : null), { timeoutMs: 20_000, intervalMs: 100, what: 'the held sheet to land' });
    expect(await rows()).toEqual([{ id: landed[0], created_at: new Date(t0 + 30_000) }]);
    expect(fs.readFileSync(file, 'utf8')).toBe('');

    // a crash after the write landed but before the journal said so: the sheet is replayed again, and stays one
    const stale = new WriteJournal(file);
    stale.pending();
    stale.hold('c-linkage', 'linkage.create', { ...sheet, linkageId: landed[0], at: t0 + 30_000 });
    stale.close();
    const third = new LinkageWriter({ linkage, journal: new WriteJournal(file), log });
    expect(third.replayHeld(async (r) => void landed.push(r.id))).toBe(1);
    await waitUntil(async () => (landed.length === 2 ? true : null), { timeoutMs: 10_000, intervalMs: 50, what: 'the replayed sheet' });
    expect(landed[1]).toBe(landed[0]);
    expect(await rows()).toHaveLength(1);
  }, 60_000);
});
