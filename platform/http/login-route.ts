// POST /api/auth/logout ends every session of the user (their tokens are refused, their desktops disconnected).
// POST /api/auth/login: throttled before any password check (a throttled attempt costs no scrypt and is not
// verified even when right), password checks bounded (platform/auth/password-checks.ts), every outcome audited.
import type { FastifyInstance, FastifyBaseLogger } from 'fastify';
import { LoginRequest, type LoginResponse, type SipSettings } from '../../contracts/api.js';
import type { AuthEvent, AuthEvents } from '../auth/auth-events.js';
import { LoginThrottle, throttleMessage, type LoginAttempt } from '../auth/login-throttle.js';
import { BUSY, PasswordChecks } from '../auth/password-checks.js';
import type { SessionTokens } from '../auth/session-tokens.js';
import type { UserRepository } from '../auth/user-repository.js';
import { userOf, type AuthGuard, type AuthUser } from './auth-guard.js';
import { ApiError, parseBody } from './errors.js';

export interface LoginDeps {
  users: Pick<UserRepository, 'findUserByUsername' | 'endSessions'>;
  guard: AuthGuard;
  tokens: SessionTokens;
  sip: SipSettings;
  toSessionUser: (u: AuthUser) => LoginResponse['user'];
  /** Shared by every login of this process; a fresh default one when absent. */
  throttle?: LoginThrottle;
  passwords?: PasswordChecks;
  /** The login audit; absent in tests that do not read it. */
  audit?: AuthEvents;
  now?: () => number;
  /** After a logout: the composition root disconnects the user's desktops (platform/realtime/io.ts). */
  onSessionsEnded?: (userId: string) => void;
}

// a well-formed scrypt hash of nothing anyone knows: an unknown user costs the same time as a wrong password
const DUMMY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
const WRONG_CREDENTIALS = '用户名或密码错误';
const TOO_MANY_AT_ONCE = '登录请求过多，请稍后再试';

export function registerLoginRoute(app: FastifyInstance, d: LoginDeps): void {
  const now = d.now ?? Date.now;
  const throttle = d.throttle ?? new LoginThrottle(undefined, now);
  const passwords = d.passwords ?? new PasswordChecks();

  const audit = async (log: FastifyBaseLogger, e: Omit<AuthEvent, 'at'>): Promise<void> => {
    // the login's answer does not wait on nor fail with the audit: a lost row is logged, the login stands
    await d.audit?.record({ ...e, at: new Date(now()) }).catch((err: unknown) => log.error({ err, kind: e.kind }, 'login audit not written'));
  };

  app.post('/api/auth/login', async (req, reply) => {
    const login = parseBody(LoginRequest, req.body);
    const attempt: LoginAttempt = { username: login.username, address: req.ip };
    const verdict = throttle.check(attempt);
    if (!verdict.allowed) {
      req.log.warn({ username: login.username, address: req.ip, scope: verdict.scope, locked: verdict.locked }, 'login throttled');
      throw new ApiError('rate_limited', throttleMessage(verdict), undefined, { retryAfterSeconds: Math.max(1, Math.ceil(verdict.retryAfterMs / 1000)) });
    }

    const user = await d.users.findUserByUsername(login.username);
    const usable = user !== null && !user.disabled;
    const ok = await passwords.verify(login.password, usable ? user.passwordHash : DUMMY_HASH);
    if (ok === BUSY) {
      req.log.warn({ address: req.ip }, 'login refused: too many password checks at once');
      throw new ApiError('rate_limited', TOO_MANY_AT_ONCE, undefined, { retryAfterSeconds: 1 });
    }
    const base = { username: login.username, userId: user?.id ?? null, address: req.ip };
    if (!usable || !ok) {
      const locked = throttle.failed(attempt);
      const why = user === null ? 'unknown user' : user.disabled ? 'disabled' : 'wrong password';
      req.log.info({ username: login.username, address: req.ip, why }, 'login refused');
      await audit(req.log, { ...base, kind: 'login_refused', detail: why });
      for (const scope of locked) {
        req.log.warn({ username: login.username, address: req.ip, scope }, 'login locked');
        await audit(req.log, { ...base, kind: 'login_locked', detail: scope });
      }
      throw new ApiError('invalid_credentials', WRONG_CREDENTIALS);
    }

    throttle.succeeded(attempt);
    req.log.info({ userId: user.id, role: user.role, address: req.ip }, 'login');
    await audit(req.log, { ...base, kind: 'login', detail: null });
    const body: LoginResponse = {
      token: d.tokens.issue(user.id, user.role),
      user: d.toSessionUser(user),
      sip: user.extension ? d.sip : null,
    };
    return reply.send(body);
  });

  app.post('/api/auth/logout', { preHandler: d.guard.signedIn }, async (req, reply) => {
    const user = userOf(req);
    await d.users.endSessions(user.id, new Date(now()));
    req.log.info({ userId: user.id, address: req.ip }, 'logout');
    await audit(req.log, { kind: 'logout', username: user.username, userId: user.id, address: req.ip, detail: null });
    d.onSessionsEnded?.(user.id);
    return reply.code(204).send();
  });
}
