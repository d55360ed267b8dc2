// Who may call the ACD, transfer and supervision routes: each answers 401 without a session and 403 (with its
// Chinese refusal) to the roles the role table leaves out. The services behind are stand-ins: only the guard's
// answer is under test here; the calls themselves are tested end-to-end.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAcdRoutes } from '../../acd/routes.js';
import { ROLES, type Role } from '../../contracts/api.js';
import { SessionTokens } from '../../platform/auth/session-tokens.js';
import type { UserRecord } from '../../platform/auth/user-repository.js';
import { createAuthGuard } from '../../platform/http/auth-guard.js';
import { installErrorHandler } from '../../platform/http/error-handler.js';
import { registerSupervisionRoutes } from '../../supervision/routes.js';
import { registerTransferRoutes } from '../../transfer/routes.js';

const tokens = new SessionTokens('route-permissions-test');
const users = new Map<string, UserRecord>(
  ROLES.map((role) => [
    `u-${role}`,
    {
      id: `u-${role}`,
      username: role,
      displayName: role,
      role,
      extension: null,
      passwordHash: 'x',
      sipHa1: null,
      departmentCode: null,
      disabled: false,
      createdAt: new Date(0),
      sessionsValidFrom: null,
    },
  ]),
);
// every method of a stand-in service answers nothing; the routes' own checks then refuse or answer empty
const standIn = new Proxy({}, { get: (_t, key) => (key === 'then' ? undefined : () => undefined) }) as never;

let app: FastifyInstance;

beforeAll(async () => {
  app = Fastify({ logger: false });
  installErrorHandler(app);
  const guard = createAuthGuard({ tokens, users: { findUserById: async (id) => users.get(id) ?? null } });
  registerAcdRoutes(app, { queue: standIn, guard });
  registerTransferRoutes(app, { guard, transfers: standIn, directory: { centres: [], directory: [] }, linkage: standIn });
  registerSupervisionRoutes(app, { guard, users: { findUserById: async () => null }, supervision: standIn, audit: standIn, wallboard: standIn });
  await app.ready();
});

afterAll(async () => {
  await app?.close();
});

const ROUTES: { method: 'GET' | 'POST'; url: string; roles: Role[]; refusal: string }[] = [
  { method: 'GET', url: '/api/acd/figures', roles: ['supervisor', 'dispatcher', 'admin'], refusal: '只有班长、派单员和管理员可以查看实时话务数据' },
  { method: 'GET', url: '/api/transfers/directory', roles: ['agent', 'supervisor', 'admin'], refusal: '无权查看转接号码簿' },
  { method: 'POST', url: '/api/calls/c1/transfer', roles: ['agent'], refusal: '只有座席可以转接电话' },
  { method: 'GET', url: '/api/calls/c1/transfer', roles: ['agent'], refusal: '只有座席可以转接电话' },
  { method: 'POST', url: '/api/calls/c1/transfer/cancel', roles: ['agent'], refusal: '只有座席可以转接电话' },
  { method: 'GET', url: '/api/linkages?callId=c1', roles: ['agent', 'supervisor', 'dispatcher', 'admin'], refusal: '无权查看联动记录' },
  { method: 'POST', url: '/api/supervision', roles: ['supervisor'], refusal: '只有班长可以监听、强插或强制座席状态' },
  { method: 'GET', url: '/api/supervision', roles: ['supervisor'], refusal: '只有班长可以监听、强插或强制座席状态' },
  { method: 'POST', url: '/api/supervision/s1/mode', roles: ['supervisor'], refusal: '只有班长可以监听、强插或强制座席状态' },
  { method: 'POST', url: '/api/supervision/s1/stop', roles: ['supervisor'], refusal: '只有班长可以监听、强插或强制座席状态' },
  { method: 'POST', url: '/api/agents/a1/force-state', roles: ['supervisor'], refusal: '只有班长可以监听、强插或强制座席状态' },
  { method: 'GET', url: '/api/supervision/audit', roles: ['admin'], refusal: '只有管理员可以查看监听记录' },
  { method: 'GET', url: '/api/wallboard/agents', roles: ['supervisor', 'admin'], refusal: '只有班长和管理员可以查看大屏' },
];

describe('route permissions', () => {
  for (const r of ROUTES) {
    it(`${r.method} ${r.url}: 401 without a session, 403 for roles other than ${r.roles.join('/')}`, async () => {
      const anonymous = await app.inject({ method: r.method, url: r.url, payload: r.method === 'POST' ? {} : undefined });
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().error).toEqual({ code: 'unauthorized', message: '请先登录' });
      for (const role of ROLES) {
        const res = await app.inject({
          method: r.method,
          url: r.url,
          headers: { authorization: `Bearer ${tokens.issue(`u-${role}`, role)}` },
          payload: r.method === 'POST' ? {} : undefined,
        });
        if (r.roles.includes(role)) {
          expect([401, 403], `${role} is let through`).not.toContain(res.statusCode);
        } else {
          expect(res.statusCode, `${role} is refused`).toBe(403);
          expect(res.json().error).toEqual({ code: 'forbidden', message: r.refusal });
        }
      }
    });
  }
});
