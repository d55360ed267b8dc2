import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Role } from '../../contracts/api.js';
import { SessionTokens } from '../auth/session-tokens.js';
import type { UserRecord } from '../auth/user-repository.js';
import { createAuthGuard, userOf } from './auth-guard.js';
import { installErrorHandler } from './error-handler.js';

const tokens = new SessionTokens('guard-test-key');

function user(id: string, role: Role, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    username: id,
    displayName: id,
    role,
    extension: null,
    passwordHash: 'x',
    sipHa1: null,
    departmentCode: null,
    disabled: false,
    createdAt: new Date(0),
    sessionsValidFrom: null,
    ...extra,
  };
}

const USERS = new Map([
  ['sup', user('sup', 'supervisor')],
  ['agent', user('agent', 'agent', { extension: '1001' })],
  ['water', user('water', 'handler', { departmentCode: 'util.water' })],
  ['gone', user('gone', 'supervisor', { disabled: true })],
]);

async function app() {
  const a = Fastify({ logger: false });
  installErrorHandler(a);
  const guard = createAuthGuard({ tokens, users: { findUserById: async (id) => USERS.get(id) ?? null } });
  a.get('/figures', { preHandler: guard.require('acd.figures.read') }, async (req) => ({ user: userOf(req) }));
  a.get('/me', { preHandler: guard.signedIn }, async (req) => ({ user: userOf(req) }));
  a.get('/unguarded', async (req) => ({ user: userOf(req) }));
  return a;
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe('the auth guard', () => {
  it('lets a role holding the permission in and hands the route the user as the database has it', async () => {
    const a = await app();
    const res = await a.inject({ url: '/me', headers: bearer(tokens.issue('water', 'handler')) });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toEqual({ id: 'water', username: 'water', displayName: 'water', role: 'handler', extension: null, departmentCode: 'util.water' });
    expect((await a.inject({ url: '/figures', headers: bearer(tokens.issue('sup', 'supervisor')) })).statusCode).toBe(200);
  });

  it('answers 401 请先登录 without a token, with a forged one, and for a disabled or unknown user', async () => {
    const a = await app();
    for (const headers of [
      {},
      bearer('forged.token'),
      { authorization: tokens.issue('sup', 'supervisor') },
      bearer(tokens.issue('gone', 'supervisor')),
      bearer(tokens.issue('nobody', 'admin')),
    ]) {
      const res = await a.inject({ url: '/figures', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: { code: 'unauthorized', message: '请先登录' } });
    }
  });

  it('answers 403 with the table refusal; the role is the database one, not the token claim', async () => {
    const a = await app();
    const res = await a.inject({ url: '/figures', headers: bearer(tokens.issue('agent', 'supervisor')) });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: { code: 'forbidden', message: '只有班长、派单员和管理员可以查看实时话务数据' } });
  });

  it('keeps a route that forgot its guard closed', async () => {
    const a = await app();
    expect((await a.inject({ url: '/unguarded', headers: bearer(tokens.issue('sup', 'supervisor')) })).statusCode).toBe(401);
  });
});
