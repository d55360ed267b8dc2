// The login, as an attacker and as an agent meet it: a guessed password is slowed, then locked on that address,
// in Chinese and with retry-after; the agent at another seat still gets in; every refusal and lock is in the
// audit with the address; a flood of logins cannot starve the thread pool the rest of the server shares.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthEvents } from '../../platform/auth/auth-events.js';
import { LoginThrottle } from '../../platform/auth/login-throttle.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { buildApp } from '../../platform/http/app.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let clock = Date.parse('2026-12-07T09:00:00+08:00');
const PASSWORD = 'k7mp-x3qa-9fde-tw2h-bc4n';
const desktopDir = path.join(os.tmpdir(), 'login-test-no-desktop');

beforeAll(async () => {
  t = await openTestDatabase();
  const users = new UserRepository(t.db);
  const passwordHash = await hashPassword(PASSWORD);
  for (const username of ['zhangwei', 'lina', 'wangfang']) {
    await users.createUser({ id: `u-${username}`, username, displayName: username, role: 'agent', extension: null, passwordHash, sipHa1: null });
  }
  await t.db.query(`UPDATE users SET disabled = true WHERE username = 'wangfang'`);
  const tokens = new SessionTokens('login-test');
  app = await buildApp({
    log: pino({ level: 'silent' }),
    users,
    tokens,
    guard: createAuthGuard({ tokens, users }),
    sip: { wsUrl: 'ws://127.0.0.1:8088/ws', domain: '127.0.0.1', realm: 'hotline12345' },
    desktopDir,
    health: async () => ({ status: 'ok' }) as never,
    login: { audit: new AuthEvents(t.db), throttle: new LoginThrottle(undefined, () => clock), now: () => clock },
  });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  await t?.cleanup();
});

const login = (username: string, password: string, remoteAddress = '10.20.0.5') =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe('POST /api/auth/login', () => {
  it('slows a guessed password, then locks that account on that address; the agent at another seat still logs in', async () => {
    for (let i = 1; i <= 4; i++) {
      const r = await login('zhangwei', `guess-${i}`);
      expect(r.statusCode).toBe(401);
      expect(r.json().error).toMatchObject({ code: 'invalid_credentials', message: '用户名或密码错误' });
    }
    // the 5th at once: a wait, and the right password is not even checked during it
    const waiting = await login('zhangwei', PASSWORD);
    expect(waiting.statusCode).toBe(429);
    expect(waiting.headers['retry-after']).toBe('1');
    expect(waiting.json().error).toMatchObject({ code: 'rate_limited', message: '登录失败次数过多，请 1 秒后再试', retryAfterSeconds: 1 });

    for (let i = 5; i <= 10; i++) {
      clock += 60_000; // waits out each delay
      expect((await login('zhangwei', `guess-${i}`)).statusCode).toBe(401);
    }
    clock += 1_000;
    const locked = await login('zhangwei', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['retry-after']).toBe(String(15 * 60 - 1));
    expect(locked.json().error.message).toBe('该账号在此地址登录失败次数过多，已临时锁定，请 15 分钟后再试，或联系管理员重置密码');

    const elsewhere = await login('zhangwei', PASSWORD, '10.20.0.77');
    expect(elsewhere.statusCode).toBe(200);
    expect(elsewhere.json().user.username).toBe('zhangwei');

    clock += 15 * 60_000;
    expect((await login('zhangwei', PASSWORD)).statusCode).toBe(200);
  });

  it('audits every login, refusal and lock with the address, never the password', async () => {
    const events = await new AuthEvents(t.db).recent({ username: 'zhangwei', limit: 50 });
    const kinds = events.map((e) => e.kind).reverse();
    expect(kinds).toEqual([...Array<string>(10).fill('login_refused'), 'login_locked', 'login', 'login']);
    expect(events.find((e) => e.kind === 'login_locked')).toMatchObject({ address: '10.20.0.5', userId: 'u-zhangwei', detail: 'pair' });
    expect(events[1]).toMatchObject({ kind: 'login', address: '10.20.0.77' });
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM auth_events WHERE detail LIKE '%guess%' OR detail LIKE $1`, [
      `%${PASSWORD}%`,
    ]);
    expect(rows[0]?.n).toBe(0);
  });

  it('answers an unknown and a disabled account exactly like a wrong password, and audits why', async () => {
    for (const username of ['nobody', 'wangfang']) {
      const r = await login(username, PASSWORD, '10.20.0.9');
      expect(r.statusCode).toBe(401);
      expect(r.json().error.message).toBe('用户名或密码错误');
    }
    const events = await new AuthEvents(t.db).recent({ limit: 2 });
    expect(events.map((e) => [e.username, e.detail])).toEqual([
      ['wangfang', 'disabled'],
      ['nobody', 'unknown user'],
    ]);
  });

  it('a flood of logins gets fast refusals and leaves the thread pool to the rest of the server', async () => {
    // fs.stat runs on the same libuv pool as scrypt; unbounded, 200 concurrent checks held all four threads and a
    // file operation waited behind them
    const probe = path.join(os.tmpdir(), 'login-test-probe');
    await fs.writeFile(probe, 'x');
    let stop = false;
    const statMs: number[] = [];
    const prober = (async () => {
      while (!stop) {
        const t0 = performance.now();
        await fs.stat(probe);
        statMs.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const flood = await Promise.all(Array.from({ length: 200 }, (_, i) => login(`spray${i}`, 'x', `172.16.${i >> 8}.${i & 255}`)));
    stop = true;
    await prober;
    await fs.rm(probe, { force: true });

    const codes = flood.map((r) => r.statusCode);
    expect(codes.every((c) => c === 401 || c === 429)).toBe(true);
    const busy = flood.filter((r) => r.statusCode === 429);
    expect(busy.length).toBeGreaterThan(100);
    expect(busy[0]?.json().error).toMatchObject({ code: 'rate_limited', message: '登录请求过多，请稍后再试', retryAfterSeconds: 1 });
    expect(statMs.length).toBeGreaterThan(0);
    // measured: 11.4 s unbounded, 0.1–0.4 s bounded (the rest is the 200 requests' own work on the event loop)
    expect(Math.max(...statMs), 'a file operation during the flood').toBeLessThan(2_000);
    // and a real agent logs in once it is over
    expect((await login('lina', PASSWORD, '10.20.0.8')).statusCode).toBe(200);
  });
});
