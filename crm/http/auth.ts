// The CRM's side of authentication: which guard its routes use, and the work-order actor a signed-in user acts
// as. Who is signed in, and what their role may do, is the platform's guard (platform/http/auth-guard.ts) and
// its role table (platform/auth/permissions.ts).
import type { Actor } from '../../contracts/work-order-model.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import type { Queryable } from '../../platform/db/database.js';
import { createAuthGuard, type AuthGuard, type AuthUser, type TokenVerifier } from '../../platform/http/auth-guard.js';

/**
 * What the CRM's routes authenticate with: the app's guard, or just the session tokens (callers that predate the
 * guard: crm/index.ts's callers, registerManagement, bench/crm.ts), which get the same guard over the CRM's
 * database.
 */
export type CrmAuth = AuthGuard | { tokens: TokenVerifier };

export function guardOf(auth: CrmAuth, db: Queryable): AuthGuard {
  return 'require' in auth ? auth : createAuthGuard({ tokens: auth.tokens, users: new UserRepository(db) });
}

export function actorOf(user: AuthUser): Actor {
  return { id: user.id, role: user.role, departmentId: user.role === 'handler' ? user.departmentCode : null };
}
