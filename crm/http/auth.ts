// Who is calling: the Bearer session token (platform/auth/session-tokens.ts) → the user row, with the department a
// handler belongs to (users.department_code, added by migration 002).
import type { Role } from '../../contracts/api.js';
import type { Queryable } from '../../platform/db/database.js';
import { ApiError } from '../../platform/http/errors.js';
import type { Actor } from '../../contracts/work-order-model.js';

/** What registerRoutes needs from the auth pieces: a SessionTokens (or anything that verifies like it). */
export interface CrmAuth {
  tokens: { verify(token: string | null | undefined): { sub: string } | null };
}

export interface CrmUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentCode: string | null;
}

export function bearerToken(header: string | undefined): string | null {
  return header?.startsWith('Bearer ') ? header.slice(7) : null;
}

export async function authenticate(db: Queryable, auth: CrmAuth, header: string | undefined): Promise<CrmUser> {
  const claims = auth.tokens.verify(bearerToken(header));
  if (claims) {
    const { rows } = await db.query<{ id: string; username: string; display_name: string; role: Role; department_code: string | null; disabled: boolean }>(
      `SELECT id, username, display_name, role, department_code, disabled FROM users WHERE id = $1`,
      [claims.sub],
    );
    const u = rows[0];
    if (u && !u.disabled) return { id: u.id, username: u.username, displayName: u.display_name, role: u.role, departmentCode: u.department_code };
  }
  throw new ApiError('unauthorized', '请先登录');
}

export function actorOf(user: CrmUser): Actor {
  return { id: user.id, role: user.role, departmentId: user.role === 'handler' ? user.departmentCode : null };
}

const ROLE_NAMES: Record<Role, string> = { agent: '话务员', dispatcher: '派单员', supervisor: '值班长', handler: '承办部门', admin: '系统管理员' };

/** 403 unless the user has one of `roles`. */
export function requireRole(user: CrmUser, roles: readonly Role[], what: string): void {
  if (!roles.includes(user.role)) throw new ApiError('forbidden', `${ROLE_NAMES[user.role] ?? user.role}无权${what}`);
}
