// The CRM's side of authentication: the work-order actor a signed-in user acts as. Who is signed in, and what
// their role may do, is the platform's guard (platform/http/auth-guard.ts) and its role table
// (platform/auth/permissions.ts); the CRM's routes take that guard.
import type { Actor } from '../../contracts/work-order-model.js';
import type { AuthGuard, AuthUser } from '../../platform/http/auth-guard.js';

export type CrmAuth = AuthGuard;

export function actorOf(user: AuthUser): Actor {
  return { id: user.id, role: user.role, departmentId: user.role === 'handler' ? user.departmentCode : null };
}
