// Logging out ends the session on the server: the token (and any copy of it) is refused over HTTP and at the
// socket handshake, the user's open desktops are disconnected, and a new login works again.
import pino from 'pino';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthEvents } from '../../platform/auth/auth-events.js';
import { hashPassword } from '../../platform/auth/passwords.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { buildApp } from '../../platform/http/app.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { attachSocket, disconnectUser, type HotlineIo } from '../../platform/realtime/io.js';
import { openTestDatabase, type TestDatabase } from '../db/test-database.js';

const PASSWORD = 'k7mp-x3qa-9fde-tw2h-bc4n';
let t: TestDatabase;
let app: Awaited<ReturnType<typeof buildApp>>;
let io: HotlineIo | undefined;
let url = '';
let clock = Date.parse('2026-12-07T09:00:00+08:00');
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await openTestDatabase();
  const users = new UserRepository(t.db);
  const passwordHash = await hashPassword(PASSWORD);
  for (const username of ['zhangwei', 'lina'])
    await users.createUser({ id: `u-${username}`, username, displayName: username, role: 'agent', extension: null, passwordHash, sipHa1: null });
  const tokens = new SessionTokens('logout-test', () => clock);
  const log = pino({ level: 'silent' });
  app = await buildApp({
    log,
    users,
    tokens,
    guard: createAuthGuard({ tokens, users }),
    sip: { wsUrl: 'ws://127.0.0.1:8088/ws', domain: '127.0.0.1', realm: 'hotline12345' },
    desktopDir: '/nonexistent',
    health: async () => ({ status: 'ok' }) as never,
    login: { audit: new AuthEvents(t.db), now: () => clock, onSessionsEnded: (userId) => io && disconnectUser(io, userId) },
  });
  io = attachSocket(app.server, tokens, users, log);
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await new Promise<void>((r) => (io ? void io.close(() => r()) : r()));
  await app?.close();
  await t?.cleanup();
});

const login = async (username: string): Promise<string> => {
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: PASSWORD } });
  expect(r.statusCode).toBe(200);
  return r.json<{ token: string }>().token;
};
const me = (token: string) => app.inject({ method: 'GET', url: '/api/me', headers: { authorization: `Bearer ${token}` } });

/** A desktop's socket: resolves once connected, or with the handshake's refusal. */
function desktop(token: string): Promise<{ socket: Socket; error: string | null }> {
  const socket = connect(url, { path: '/socket.io', auth: { token }, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket, error: null }));
    socket.once('connect_error', (err) => resolve({ socket, error: err.message }));
  });
}

describe('POST /api/auth/logout', () => {
  it('ends the session everywhere at once; another user stays signed in; a new login works', async () => {
    const token = await login('zhangwei');
    const other = await login('lina');
    const tab1 = await desktop(token);
    const tab2 = await desktop(token);
    const lina = await desktop(other);
    expect([tab1.error, tab2.error, lina.error]).toEqual([null, null, null]);
    const gone = Promise.all([tab1, tab2].map(({ socket }) => new Promise<string>((r) => socket.once('disconnect', (reason) => r(reason)))));

    clock += 60_000;
    const out = await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } });
    expect(out.statusCode).toBe(204);

    expect(await gone).toEqual(['io server disconnect', 'io server disconnect']);
    expect((await me(token)).statusCode, 'the old token over HTTP').toBe(401);
    expect((await desktop(token)).error, 'the old token at the socket handshake').toBe('unauthorized');
    expect((await me(other)).statusCode, 'another user is not logged out').toBe(200);
    expect(lina.socket.connected).toBe(true);
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);

    clock += 1_000;
    const again = await login('zhangwei');
    expect((await me(again)).statusCode).toBe(200);
    expect((await desktop(again)).error).toBeNull();
    const events = await new AuthEvents(t.db).recent({ username: 'zhangwei', limit: 5 });
    expect(events.map((e) => e.kind)).toEqual(['login', 'logout', 'login']);
  });

  it('refuses without a session', async () => {
    expect((await app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(401);
  });
});
