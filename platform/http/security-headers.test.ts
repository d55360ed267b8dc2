// Every response of the app carries the browser-side hardening: the desktop's page cannot be framed by another
// site, scripts come only from the server itself, connections go only to the server and the SIP WebSocket, and
// plain-HTTP seats are not upgraded to an HTTPS that does not exist.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionTokens } from '../auth/session-tokens.js';
import type { UserRepository } from '../auth/user-repository.js';
import { buildApp } from './app.js';
import { createAuthGuard } from './auth-guard.js';
import { sipSocketOrigin } from './security-headers.js';

const desktopDir = fs.mkdtempSync(path.join(os.tmpdir(), 'security-headers-'));
let app: Awaited<ReturnType<typeof buildApp>>;

function appWith(extra: Partial<Parameters<typeof buildApp>[0]> = {}) {
  const tokens = new SessionTokens('security-headers-test');
  const users = { findUserById: async () => null, findUserByUsername: async () => null } as unknown as UserRepository;
  return buildApp({
    log: pino({ level: 'silent' }),
    users,
    tokens,
    guard: createAuthGuard({ tokens, users }),
    sip: { wsUrl: 'ws://127.0.0.1:8088/ws', domain: '127.0.0.1', realm: 'hotline12345' },
    desktopDir,
    health: async () => ({ status: 'ok' }) as never,
    ...extra,
  });
}

beforeAll(async () => {
  fs.writeFileSync(path.join(desktopDir, 'index.html'), '<!doctype html><title>12345</title>');
  fs.writeFileSync(path.join(desktopDir, 'citizen.html'), '<!doctype html><title>12345</title>');
  app = await appWith();
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  fs.rmSync(desktopDir, { recursive: true, force: true });
});

const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

describe('security headers', () => {
  it.each(['/', '/citizen', '/healthz', '/api/me', '/api/nothing-here'])('given %s, then it cannot be framed or sniffed and leaks no referrer', async (url) => {
    const res = await app.inject({ method: 'GET', url });
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const csp = directives(String(res.headers['content-security-policy']));
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:8088']);
    expect(csp.has('upgrade-insecure-requests'), 'plain-HTTP seats keep working').toBe(false);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('given a trusted proxy, then its X-Forwarded-For is the client address; from anyone else the header is ignored', async () => {
    const behind = await appWith({ trustProxy: ['10.0.0.0/8'] });
    behind.get('/ip', async (req) => ({ ip: req.ip }));
    const ipSeen = async (a: typeof app, remoteAddress: string) =>
      (await a.inject({ method: 'GET', url: '/ip', remoteAddress, headers: { 'x-forwarded-for': '203.0.113.9' } })).json<{ ip: string }>().ip;
    expect(await ipSeen(behind, '10.1.2.3')).toBe('203.0.113.9');
    expect(await ipSeen(behind, '198.51.100.7'), 'a client outside the proxies cannot choose its address').toBe('198.51.100.7');
    await behind.close();
  });

  it('given SIP WebSocket URLs, then connect-src names their origin, or nothing for what is not a WebSocket URL', () => {
    expect(sipSocketOrigin('wss://pbx.example.cn:8089/ws')).toBe('wss://pbx.example.cn:8089');
    expect(sipSocketOrigin('ws://10.0.0.5/ws')).toBe('ws://10.0.0.5');
    expect(sipSocketOrigin('/ws')).toBeNull();
    expect(sipSocketOrigin('https://pbx.example.cn/ws')).toBeNull();
  });
});
