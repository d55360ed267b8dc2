// The login audit (auth_events): what the login route records and an administrator reads back.
import type { Queryable } from '../db/database.js';

export type AuthEventKind = 'login' | 'login_refused' | 'login_locked' | 'logout';

export interface AuthEvent {
  at: Date;
  kind: AuthEventKind;
  /** As typed at the login form (trimmed). */
  username: string;
  /** The account's id when the username names one. */
  userId: string | null;
  address: string;
  /** e.g. the throttle scope that locked. */
  detail: string | null;
}

interface Row {
  at: Date;
  kind: AuthEventKind;
  username: string;
  user_id: string | null;
  address: string;
  detail: string | null;
}

export class AuthEvents {
  constructor(private readonly db: Queryable) {}

  async record(e: AuthEvent): Promise<void> {
    await this.db.query(`INSERT INTO auth_events (at, kind, username, user_id, address, detail) VALUES ($1, $2, $3, $4, $5, $6)`, [
      e.at,
      e.kind,
      e.username,
      e.userId,
      e.address,
      e.detail,
    ]);
  }

  /** Newest first. */
  async recent(opts: { username?: string; limit: number }): Promise<AuthEvent[]> {
    const { rows } = opts.username
      ? await this.db.query<Row>(
          `SELECT at, kind, username, user_id, address, detail FROM auth_events WHERE username = $1 ORDER BY at DESC, id DESC LIMIT $2`,
          [opts.username, opts.limit],
        )
      : await this.db.query<Row>(`SELECT at, kind, username, user_id, address, detail FROM auth_events ORDER BY at DESC, id DESC LIMIT $1`, [opts.limit]);
    return rows.map((r) => ({ at: r.at, kind: r.kind, username: r.username, userId: r.user_id, address: r.address, detail: r.detail }));
  }
}
