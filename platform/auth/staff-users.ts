// What the CRM needs of the users table beside UserRepository: accounts with a department (dispatchers and
// department handlers, users.department_code from migration 002) and display names for history rows. Kept apart
// so user-repository.ts stays untouched while it is reworked; its three methods belong in UserRepository.
import type { Role } from '../../contracts/api.js';
import type { Queryable } from '../db/database.js';
import type { NewUser } from './user-repository.js';

export interface NewStaffUser extends NewUser {
  /** The department a handler belongs to; null for everyone else. */
  departmentCode: string | null;
}

export class StaffUserRepository {
  constructor(private readonly db: Queryable) {}

  /** How many users have one of `roles` (disabled ones too: they still hold their username). */
  async countUsersWithRoles(roles: readonly Role[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM users WHERE role = ANY($1::text[])`, [[...roles]]);
    return rows[0]?.n ?? 0;
  }

  /** A taken username or extension rejects with a unique violation. */
  async createStaffUser(u: NewStaffUser): Promise<void> {
    await this.db.query(
      `INSERT INTO users (id, username, display_name, role, extension, password_hash, sip_ha1, department_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [u.id, u.username, u.displayName, u.role, u.extension, u.passwordHash, u.sipHa1, u.departmentCode],
    );
  }

  /** Display name by user id, for the ids that are users (the system actor and unknown ids are left out). */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE id = ANY($1::text[])`, [
      [...new Set(ids)],
    ]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }
}
