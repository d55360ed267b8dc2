// The fastify app: the one error handler, health, login (login-route.ts), the agent desktop's static files. socket.io is attached
// in platform/realtime/io.ts; features add their routes with the guard the composition root passes them.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import type { HealthResponse, SessionUser, SipSettings } from '../../contracts/api.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { UserRepository } from '../auth/user-repository.js';
import { userOf, type AuthGuard, type AuthUser } from './auth-guard.js';
import { installErrorHandler } from './error-handler.js';
import { registerSecurityHeaders } from './security-headers.js';
import { ApiError, sendError } from './errors.js';
import { registerLoginRoute, type LoginDeps } from './login-route.js';

export interface AppDeps {
  log: Logger;
  users: UserRepository;
  tokens: SessionTokens;
  /** The guard the features' routes use too (platform/http/auth-guard.ts). */
  guard: AuthGuard;
  sip: SipSettings;
  desktopDir: string;
  health: () => Promise<HealthResponse>;
  /** Reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For gives the client's address; none by default. */
  trustProxy?: readonly string[];
  /** The login's throttle, password-check bound and audit (platform/http/login-route.ts); defaults without audit. */
  login?: Pick<LoginDeps, 'throttle' | 'passwords' | 'audit' | 'now' | 'onSessionsEnded'>;
}

export function toSessionUser(u: AuthUser): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, extension: u.extension };
}

export async function buildApp(d: AppDeps) {
  // one line per meaningful event (login, refusals, errors), not two per static file
  const app = Fastify({
    // typed as fastify's base logger so routes registered elsewhere (crm/) see the default instance type (without
    // it installErrorHandler(app) and every feature's FastifyInstance parameter refuse the app: the lint is wrong)
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: d.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
    trustProxy: d.trustProxy?.length ? [...d.trustProxy] : false,
  });

  installErrorHandler(app);
  await registerSecurityHeaders(app, { sipWsUrl: d.sip.wsUrl });

  app.get('/healthz', async (_req, reply) => {
    const h = await d.health();
    return reply.code(h.status === 'ok' ? 200 : 503).send(h);
  });

  registerLoginRoute(app, { users: d.users, guard: d.guard, tokens: d.tokens, sip: d.sip, toSessionUser, ...d.login });

  app.get('/api/me', { preHandler: d.guard.signedIn }, async (req, reply) => {
    const user = userOf(req);
    return reply.send({ user: toSessionUser(user), sip: user.extension ? d.sip : null });
  });

  if (fs.existsSync(path.join(d.desktopDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: d.desktopDir, prefix: '/', index: ['index.html'] });
    // client-side routes of the desktop fall back to its index.html
    app.setNotFoundHandler((req, reply) => {
      if (req.method === 'GET' && /^\/citizen(\/|\?|$)/.test(req.url)) return reply.sendFile('citizen.html');
      if (req.method === 'GET' && !req.url.startsWith('/api/') && !req.url.startsWith('/socket.io')) return reply.sendFile('index.html');
      return sendError(reply, new ApiError('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
    });
  } else {
    d.log.warn({ desktopDir: d.desktopDir }, 'agent desktop is not built (npm run build:desktop); serving the API only');
  }
  return app;
}
