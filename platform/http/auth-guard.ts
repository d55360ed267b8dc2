// The one way a request is authenticated and authorised. The Bearer session token names a user id; the user is
// read from the database on every request (role, department, disabled), so a changed role or a disabled account
// counts at once and nothing the client claims is believed. Routes name the permission they need:
//   app.post('/api/calls/:callId/transfer', { preHandler: guard.require('transfer.start') }, async (req) => {
//     const user = userOf(req); …
import type { FastifyRequest } from 'fastify';
import type { Role } from '../../contracts/api.js';
import { can, refusalOf, type Permission } from '../auth/permissions.js';
import { SessionTokens } from '../auth/session-tokens.js';
import type { UserRecord } from '../auth/user-repository.js';
import { ApiError } from './errors.js';

/** The signed-in user as the routes see it. */
export interface AuthUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  extension: string | null;
  /** A handler's department; null for other roles. */
  departmentCode: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the guard's preHandlers; read it with userOf(req). */
    user?: AuthUser;
  }
}

/** A SessionTokens, or anything that verifies like it. */
export interface TokenVerifier {
  verify(token: string | null | undefined): { sub: string; iat?: number } | null;
}

/** A UserRepository, or anything that finds users like it. */
export interface UserLookup {
  findUserById(id: string): Promise<UserRecord | null>;
}

export type PreHandler = (req: FastifyRequest) => Promise<void>;

export interface AuthGuard {
  /** preHandler: 401 unless signed in; 403 with the table's refusal unless the user's role has `permission`. */
  require(permission: Permission): PreHandler;
  /** preHandler: any signed-in user (routes whose answer depends on who asks, not on a permission). */
  readonly signedIn: PreHandler;
  /** The user behind the request's Bearer token, or 401. */
  authenticate(req: Pick<FastifyRequest, 'headers'>): Promise<AuthUser>;
}

const LOG_IN_FIRST = '请先登录';

export function bearerToken(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

export function createAuthGuard(d: { tokens: TokenVerifier; users: UserLookup }): AuthGuard {
  const authenticate = async (req: Pick<FastifyRequest, 'headers'>): Promise<AuthUser> => {
    const claims = d.tokens.verify(bearerToken(req.headers.authorization));
    const user = claims ? await d.users.findUserById(claims.sub) : null;
    if (!claims || !user || user.disabled || SessionTokens.ended(claims, user)) throw new ApiError('unauthorized', LOG_IN_FIRST);
    return toAuthUser(user);
  };
  return {
    authenticate,
    signedIn: async (req) => {
      req.user = await authenticate(req);
    },
    require: (permission) => async (req) => {
      const user = await authenticate(req);
      assertCan(user, permission);
      req.user = user;
    },
  };
}

/** The user the route's guard let in; 401 when no guard ran (a route without one stays closed). */
export function userOf(req: FastifyRequest): AuthUser {
  if (!req.user) throw new ApiError('unauthorized', LOG_IN_FIRST);
  return req.user;
}

/** 403 with the table's refusal unless `user`'s role has `permission` (for checks inside a route). */
export function assertCan(user: { role: Role }, permission: Permission): void {
  if (!can(user.role, permission)) throw new ApiError('forbidden', refusalOf(user.role, permission));
}

export function toAuthUser(u: UserRecord): AuthUser {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, extension: u.extension, departmentCode: u.departmentCode };
}
