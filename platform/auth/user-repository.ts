// Users (agents, supervisors, handlers, admins) and the history of agents' state changes.
import type { AgentState } from '../../contracts/agent-state.js';
import type { Role } from '../../contracts/api.js';
import type { Queryable } from '../db/database.js';

export interface NewUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  extension: string | null;
  /** From hashPassword(). */
  passwordHash: string;
  /** From sipHa1(); null for users without a phone. */
  sipHa1: string | null;
  /** The department a handler (承办人) belongs to (users.department_code); null (the default) for everyone else. */
  departmentCode?: string | null;
}

export interface UserRecord extends NewUser {
  departmentCode: string | null;
  disabled: boolean;
  createdAt: Date;
  /** Sessions issued before this are ended (logout, an administrator's revocation); null: none ended. */
  sessionsValidFrom: Date | null;
}

/** What Asterisk needs to render one PJSIP endpoint/auth/aor. */
export interface AgentSipAccount {
  id: string;
  username: string;
  displayName: string;
  extension: string;
  sipHa1: string;
}

export interface AgentStateChange {
  userId: string;
  from: AgentState;
  to: AgentState;
  reason: string | null;
  /** Who or what caused it, e.g. 'agent', 'acd', 'supervisor', 'timeout'. */
  cause: string;
  at: Date;
}

export interface AgentStateLogEntry extends AgentStateChange {
  id: number;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: Role;
  extension: string | null;
  password_hash: string;
  sip_ha1: string | null;
  department_code: string | null;
  disabled: boolean;
  created_at: Date;
  sessions_valid_from: Date | null;
}

interface StateLogRow {
  id: number;
  user_id: string;
  from_state: AgentState;
  to_state: AgentState;
  reason: string | null;
  cause: string;
  at: Date;
}

export class UserRepository {
  constructor(private readonly db: Queryable) {}

  /** A taken username or extension rejects with a unique violation (see isUniqueViolation). */
  async createUser(u: NewUser): Promise<UserRecord> {
    const { rows } = await this.db.query<UserRow>(
      `INSERT INTO users (id, username, display_name, role, extension, password_hash, sip_ha1, department_code)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [u.id, u.username, u.displayName, u.role, u.extension, u.passwordHash, u.sipHa1, u.departmentCode ?? null],
    );
    return toUser(rows[0] as UserRow);
  }

  /** How many users have one of `roles` (disabled ones too: they still hold their username). */
  async countUsersWithRoles(roles: readonly Role[]): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM users WHERE role = ANY($1::text[])`, [[...roles]]);
    return rows[0]?.n ?? 0;
  }

  /** Display name by user id, for the ids that are users (the system actor and unknown ids are left out). */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: string; display_name: string }>(`SELECT id, display_name FROM users WHERE id = ANY($1::text[])`, [
      [...new Set(ids)],
    ]);
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async findUserByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(`SELECT * FROM users WHERE username = $1`, [username]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Ends every session of the user issued before `at` (their tokens are refused from now on). */
  async endSessions(id: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE users SET sessions_valid_from = GREATEST(COALESCE(sessions_valid_from, $2), $2) WHERE id = $1`, [id, at]);
  }

  async findUserById(id: string): Promise<UserRecord | null> {
    const { rows } = await this.db.query<UserRow>(`SELECT * FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Every SIP account (what Asterisk provisions); `role` narrows it, e.g. to the ACD's seats. */
  async listAgentsWithSip(opts: { role?: Role } = {}): Promise<AgentSipAccount[]> {
    const { rows } = await this.db.query<{
      id: string;
      username: string;
      display_name: string;
      extension: string;
      sip_ha1: string;
    }>(
      `SELECT id, username, display_name, extension, sip_ha1 FROM users
       WHERE extension IS NOT NULL AND sip_ha1 IS NOT NULL AND NOT disabled AND ($1::text IS NULL OR role = $1)
       ORDER BY extension`,
      [opts.role ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      displayName: r.display_name,
      extension: r.extension,
      sipHa1: r.sip_ha1,
    }));
  }

  async countUsers(): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM users`);
    return rows[0]?.n ?? 0;
  }

  async appendAgentStateLog(c: AgentStateChange): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      `INSERT INTO agent_state_log (user_id, from_state, to_state, reason, cause, at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [c.userId, c.from, c.to, c.reason, c.cause, c.at],
    );
    return (rows[0] as { id: number }).id;
  }

  /**
   * The change, unless the same one (agent, states, cause, instant) is already there: a held change written again
   * after a crash (platform/db/held-writes.ts) must not count twice in the reports.
   */
  async appendAgentStateLogOnce(c: AgentStateChange): Promise<void> {
    await this.db.query(
      `INSERT INTO agent_state_log (user_id, from_state, to_state, reason, cause, at)
       SELECT $1, $2, $3, $4, $5, $6
       WHERE NOT EXISTS (SELECT 1 FROM agent_state_log WHERE user_id = $1 AND at = $6 AND from_state = $2 AND to_state = $3 AND cause = $5)`,
      [c.userId, c.from, c.to, c.reason, c.cause, c.at],
    );
  }

  /**
   * Every agent's last recorded state change at or after `since` (one per agent): what a restarted server gives the
   * agents back. Served by agent_state_log_user_at_idx.
   */
  async lastAgentStates(since: Date): Promise<AgentStateLogEntry[]> {
    const { rows } = await this.db.query<StateLogRow>(
      `SELECT DISTINCT ON (l.user_id) l.* FROM agent_state_log l JOIN users u ON u.id = l.user_id
       WHERE l.at >= $1 AND NOT u.disabled ORDER BY l.user_id, l.at DESC, l.id DESC`,
      [since],
    );
    return rows.map(toStateLogEntry);
  }

  /** Newest first; ties on `at` fall back to insertion order. */
  async listAgentStateLog(userId: string, limit: number): Promise<AgentStateLogEntry[]> {
    const { rows } = await this.db.query<StateLogRow>(`SELECT * FROM agent_state_log WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2`, [
      userId,
      Math.max(1, Math.floor(limit)),
    ]);
    return rows.map(toStateLogEntry);
  }
}

function toStateLogEntry(r: StateLogRow): AgentStateLogEntry {
  return { id: r.id, userId: r.user_id, from: r.from_state, to: r.to_state, reason: r.reason, cause: r.cause, at: r.at };
}

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    extension: r.extension,
    passwordHash: r.password_hash,
    sipHa1: r.sip_ha1,
    departmentCode: r.department_code ?? null,
    disabled: r.disabled,
    createdAt: r.created_at,
    sessionsValidFrom: r.sessions_valid_from ?? null,
  };
}
