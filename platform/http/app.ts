// The fastify app: health, login, the agent desktop's static files. socket.io is attached in server/socket.ts.
import fs from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import type { Logger } from 'pino';
import { LoginRequest, type HealthResponse, type LoginResponse, type SessionUser, type SipSettings } from '../../contracts/api.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import { verifyPassword } from '../auth/passwords.js';
import type { UserRecord, UserRepository } from '../auth/user-repository.js';
import { ApiError, sendError, validationError } from './errors.js';

export interface AppDeps {
  log: Logger;
  users: UserRepository;
  tokens: SessionTokens;
  sip: SipSettings;
  desktopDir: string;
  health: () => Promise<HealthResponse>;
}

export function toSessionUser(u: UserRecord): SessionUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, extension: u.extension };
}

// a well-formed scrypt hash of nothing anyone knows: an unknown user costs the same time as a wrong password
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export async function buildApp(d: AppDeps) {
  // one line per meaningful event (login, refusals, errors), not two per static file
  const app = Fastify({
    // typed as fastify's base logger so routes registered elsewhere (crm/) see the default instance type
    loggerInstance: d.log.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1 << 20,
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof ApiError) return sendError(reply, err);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) return sendError(reply, new ApiError('validation_failed', (err as Error).message));
    req.log.error({ err, url: req.url }, 'request failed');
    return sendError(reply, new ApiError('internal', 'internal error'));
  });

  app.get('/healthz', async (_req, reply) => {
    const h = await d.health();
    return reply.code(h.status === 'ok' ? 200 : 503).send(h);
  });

  app.post('/api/auth/login', async (req, reply) => {
    const parsed = LoginRequest.safeParse(req.body ?? {});
    if (!parsed.success) throw validationError(parsed.error);
    const user = await d.users.findUserByUsername(parsed.data.username);
    const usable = user !== null && !user.disabled;
    const ok = await verifyPassword(parsed.data.password, usable ? user.passwordHash : DUMMY_HASH);
    if (!usable || !ok) {
      req.log.info({ username: parsed.data.username }, 'login refused');
      throw new ApiError('invalid_credentials', 'wrong username or password');
    }
    req.log.info({ userId: user.id, role: user.role }, 'login');
    const body: LoginResponse = {
      token: d.tokens.issue(user.id, user.role),
      user: toSessionUser(user),
      sip: user.extension ? d.sip : null,
    };
    return reply.send(body);
  });

  app.get('/api/me', async (req, reply) => {
    const claims = d.tokens.verify(bearer(req.headers.authorization));
    const user = claims ? await d.users.findUserById(claims.sub) : null;
    if (!user || user.disabled) throw new ApiError('unauthorized', 'log in first');
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

export function bearer(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}
