// Recordings without Asterisk: the recorder merges the caller/heard halves (as MixMonitor leaves them) into one
// stereo file, stores and describes it; a failed start is reported on the call; the API serves ranges by role,
// audits every access and refuses a tampered file; retention deletes old recordings except those on legal hold
// or linked to an order under special supervision. PGlite, or PostgreSQL when DATABASE_URL is set.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/api.js';
import { CallRecorder } from '../../recordings/capture.js';
import { RecordingRepository } from '../../recordings/repository.js';
import { RecordingRetention } from '../../recordings/retention.js';
import { parseRange, registerRecordingRoutes } from '../../recordings/routes.js';
import { FsRecordingStorage } from '../../recordings/storage.js';
import { seedCrmIfEmpty } from '../../crm/index.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import type { Database } from '../../platform/db/database.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { installErrorHandler } from '../../platform/http/error-handler.js';
import { sine, wavBuffer } from '../../testkit/media.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

const log = pino({ level: 'silent' });
const DAY = 86_400_000;
let t: TestDatabase;
let db: Database;
let app: FastifyInstance;
let dir: string;
let storage: FsRecordingStorage;
let repo: RecordingRepository;
let recorder: CallRecorder;
const failures: string[] = [];
const token: Record<string, string> = {};
let clock = Date.parse('2026-11-23T10:00:00+08:00');
const USERS: { id: string; role: Role; department?: string }[] = [
  { id: 'a1', role: 'agent' },
  { id: 'a2', role: 'agent' },
  { id: 'sup', role: 'supervisor' },
  { id: 'disp', role: 'dispatcher' },
  { id: 'water', role: 'handler', department: 'util.water' },
  { id: 'hpf', role: 'handler', department: 'city.hpf' },
];

async function insertCall(id: string, at: number): Promise<void> {
  await db.query(`INSERT INTO calls (id, channel_id, caller_number, dialed_number, arrived_at, agent_id) VALUES ($1, $1, '13800138000', '12345', $2, 'a1')`, [
    id,
    new Date(at),
  ]);
}

async function recordCall(callId: string, seconds: number): Promise<void> {
  await insertCall(callId, clock);
  const ami = {
    mixMonitor: async (_channel: string, files: { read: string; write: string }) => {
      // what MixMonitor leaves behind: the caller's speech (here 300 Hz) and what they heard (1 kHz)
      fs.writeFileSync(path.join(dir, 'parts', path.basename(files.read)), wavBuffer(sine(300, seconds, 8000, 0.3), 8000));
      fs.writeFileSync(path.join(dir, 'parts', path.basename(files.write)), wavBuffer(sine(1000, seconds, 8000, 0.3), 8000));
    },
  };
  const r = new CallRecorder({ ami, storage, repo, log, partsDir: { asterisk: '/srv/x/parts', host: path.join(dir, 'parts') }, settleMs: 5, now: () => clock });
  expect(await r.callConnected({ callId, channelId: `ch-${callId}`, callerNumber: '13800138000', log }, 'a1')).toBe(true);
  r.callEnded(callId);
  await r.drain();
}

beforeAll(async () => {
  t = await openTestDatabase();
  db = t.db;
  await seedCrmIfEmpty(db);
  const users = new UserRepository(db);
  for (const u of USERS) {
    await users.createUser({ id: u.id, username: u.id, displayName: u.id, role: u.role, extension: null, passwordHash: 'x', sipHa1: null });
    if (u.department) await db.query('UPDATE users SET department_code = $2 WHERE id = $1', [u.id, u.department]);
  }
  const tokens = new SessionTokens('recordings-test-key');
  for (const u of USERS) token[u.id] = tokens.issue(u.id, u.role);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recordings-test-'));
  storage = new FsRecordingStorage(path.join(dir, 'store'));
  repo = new RecordingRepository(db);
  recorder = new CallRecorder({
    ami: { mixMonitor: async () => Promise.reject(new Error('Response: Error, Message: No such channel')) },
    storage,
    repo,
    log,
    partsDir: { asterisk: '/srv/x/parts', host: path.join(dir, 'parts') },
    settleMs: 5,
    onFailure: (callId, reason) => failures.push(`${callId}: ${reason}`),
  });
  app = Fastify({ logger: false });
  installErrorHandler(app);
  registerRecordingRoutes(app, { guard: createAuthGuard({ tokens, users }), repo, storage, policy: { handlersMayListen: true }, now: () => clock });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const get = (url: string, who: string, range?: string) =>
  app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token[who]}`, ...(range ? { range } : {}) } });

describe('recorder', () => {
  it('merges the two halves into one stereo file, stores it with its sha256 and duration', async () => {
    await recordCall('call-1', 6);
    const rec = await repo.get('call-1');
    expect(rec).toMatchObject({ channels: 2, agentId: 'a1', callerNumber: '13800138000', storage: 'fs', status: 'stored' });
    expect(rec!.durationMs).toBeCloseTo(6000, -1);
    const file = fs.readFileSync(path.join(dir, 'store', rec!.storageKey));
    expect(rec!.sizeBytes).toBe(file.length);
    expect(rec!.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    expect(file.readUInt16LE(22)).toBe(2); // channels in the fmt chunk
    expect(fs.readdirSync(path.join(dir, 'parts'))).toEqual([]); // halves removed
  });

  it('reports a recording that did not start: on the call and to supervisors, never silently', async () => {
    await insertCall('call-x', clock);
    expect(await recorder.callConnected({ callId: 'call-x', channelId: 'gone', callerNumber: '1', log }, 'a1')).toBe(false);
    expect(await repo.callError('call-x')).toMatch(/stereo recording did not start: .*No such channel/);
    expect(failures).toEqual([expect.stringMatching(/^call-x: stereo recording did not start/)]);
    recorder.callEnded('call-x');
    await recorder.drain();
    expect(failures[1]).toMatch(/no recording file after the call/);
    expect(await repo.get('call-x')).toBeNull();
  });
});

describe('recording API', () => {
  it('serves byte ranges to those who may listen, refuses others, audits every access', async () => {
    const rec = (await repo.get('call-1'))!;
    const file = fs.readFileSync(path.join(dir, 'store', rec.storageKey));
    const part = await get('/api/recordings/call-1/audio', 'sup', 'bytes=100-199');
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${file.length}`);
    expect(part.rawPayload.equals(file.subarray(100, 200))).toBe(true);
    const tail = await get('/api/recordings/call-1/audio', 'a1', 'bytes=-10');
    expect(tail.rawPayload.equals(file.subarray(file.length - 10))).toBe(true);
    expect((await get('/api/recordings/call-1/audio', 'sup', `bytes=${file.length}-`)).statusCode).toBe(416);
    const whole = await get('/api/recordings/call-1/audio?download=1', 'sup');
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-disposition']).toContain('attachment');
    expect(whole.rawPayload.equals(file)).toBe(true);
    for (const who of ['a2', 'disp', 'water']) expect((await get('/api/recordings/call-1/audio', who)).statusCode, who).toBe(403);
    expect((await get('/api/recordings/call-1/audio?download=1', 'a1')).statusCode).toBe(403);
    expect((await get('/api/recordings/nope/audio', 'sup')).statusCode).toBe(404);
    expect((await repo.accessLog('call-1')).map((e) => `${e.userId}:${e.action}:${e.byteRange ?? ''}`)).toEqual([
      'sup:play:100-199',
      `a1:play:${file.length - 10}-${file.length - 1}`,
      'sup:download:',
      'a2:denied:',
      'disp:denied:',
      'water:denied:',
      'a1:denied:download',
    ]);
  });

  it('lets handlers of the department holding a linked order listen', async () => {
    await db.query(
      `INSERT INTO work_orders (id, code, version, state, state_since, channel, citizen_phone, citizen_phone_norm, type, catalog_item_code, district, content, summary,
         urgency, time_limit_class, received_at, received_by, updated_at, resolve_started_at, resolve_due_at, resolve_basis, search_text, created_at, department_code)
       VALUES ('wo-1', 'GD20261123-000001', 2, 'dispatched', now(), 'phone', '13800138000', '13800138000', 'help', 'C12.001', '南山区', '停水', '停水', 'normal',
         'general', now(), 'a1', now(), now(), now(), 'working', 'x', now(), 'util.water')`,
    );
    await db.query(`INSERT INTO work_order_calls (order_id, call_id, linked_at) VALUES ('wo-1', 'call-1', now())`);
    expect((await get('/api/recordings/call-1/audio', 'water', 'bytes=0-9')).statusCode).toBe(206);
    expect((await get('/api/recordings/call-1/audio', 'hpf', 'bytes=0-9')).statusCode).toBe(403);
    const meta = await get('/api/recordings/call-1', 'water');
    expect(meta.json()).toMatchObject({ orderCodes: ['GD20261123-000001'], mayDownload: false });
  });

  it('refuses a file whose bytes no longer match the stored sha256', async () => {
    clock += 3_600_000; // past the integrity cache
    const rec = (await repo.get('call-1'))!;
    const f = path.join(dir, 'store', rec.storageKey);
    const good = fs.readFileSync(f);
    const bad = Buffer.from(good);
    bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 0xff;
    fs.writeFileSync(f, bad);
    const res = await get('/api/recordings/call-1/audio', 'sup', 'bytes=0-9');
    expect(res.statusCode).toBe(500);
    expect(res.json().error.message).toMatch(/校验失败/);
    expect((await repo.accessLog('call-1')).at(-1)).toMatchObject({ userId: 'sup', action: 'integrity_failed' });
    fs.writeFileSync(f, good);
  });
});

describe('retention', () => {
  it('deletes recordings past the period, keeping legal holds and orders under special supervision', async () => {
    clock = Date.parse('2026-11-23T10:00:00+08:00') - 200 * DAY;
    for (const id of ['old-1', 'old-held', 'old-supervised']) await recordCall(id, 1);
    clock = Date.parse('2026-11-23T10:00:00+08:00');
    await recordCall('recent', 1);
    await repo.setLegalHold('old-held', true);
    await db.query(`UPDATE work_orders SET special_supervision = true WHERE id = 'wo-1'`);
    await db.query(`INSERT INTO work_order_calls (order_id, call_id, linked_at) VALUES ('wo-1', 'old-supervised', now())`);
    const retention = new RecordingRetention({ repo, storage, log, retentionDays: 180, now: () => clock });
    expect(await retention.run()).toBe(1);
    expect((await repo.get('old-1'))!.status).toBe('deleted');
    expect(await storage.size((await repo.get('old-1'))!.storageKey)).toBeNull();
    for (const id of ['old-held', 'old-supervised', 'recent', 'call-1']) expect((await repo.get(id))!.status, id).toBe('stored');
    expect((await repo.accessLog('old-1')).at(-1)).toMatchObject({ action: 'retention_delete', role: 'system' });
    expect((await get('/api/recordings/old-1/audio', 'sup')).statusCode).toBe(404);
  });

  it('parses Range headers', () => {
    expect(parseRange(undefined, 100)).toBeNull();
    expect(parseRange('bytes=0-9', 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange('bytes=90-', 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange('bytes=95-200', 100)).toEqual({ start: 95, end: 99 });
    expect(parseRange('bytes=-5', 100)).toEqual({ start: 95, end: 99 });
    for (const bad of ['bytes=100-', 'bytes=5-1', 'items=0-1', 'bytes=-0', 'bytes=0-1,5-6']) expect(parseRange(bad, 100), bad).toBe('unsatisfiable');
  });
});
