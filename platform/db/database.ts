// One database API for both backends: embedded PGlite (default) and a PostgreSQL server (DATABASE_URL).
// Callers write plain PostgreSQL with $n parameters; each adapter makes results look the same
// (timestamptz → Date, int4/int8 → number). openDatabase (open-database.ts) picks the backend.

export interface Queryable {
  /** Runs ONE statement. Multi-statement scripts are only supported by migrations. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Commits when fn resolves, rolls back when it throws (the error is rethrown). */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** true when a trivial query works; never throws. */
  ping(): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres://… connection string; wins over dataDir when set (non-empty). */
  url?: string | undefined;
  /** PGlite data directory; 'memory://' for a throw-away in-memory database. */
  dataDir: string;
}

/** A transaction handle that can also run a whole .sql file; only migrations need this. */
export interface ScriptQueryable extends Queryable {
  execScript(sql: string): Promise<void>;
}

/** What the adapters offer on top of Database so migrations can run multi-statement files. */
export interface MigratableDatabase extends Database {
  transaction<T>(fn: (tx: ScriptQueryable) => Promise<T>): Promise<T>;
}

/** SQLSTATE 23505; both pg and PGlite errors carry `code` (and `constraint`). */
export function isUniqueViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && (constraint === undefined || e.constraint === constraint);
}

/**
 * The database could not be reached or went away mid-statement (a restart, a failover, a cut network), as opposed
 * to a statement it refused: worth trying again later. SQLSTATE class 08 (connection exception) and 57P (operator
 * intervention: shutdown, cannot connect now), node's socket errors, and pg's messages for a lost or timed-out
 * connection; PGlite (in-process) has none of these.
 */
export function isTransientDatabaseError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code: rawCode, message: rawMessage } = err as { code?: unknown; message?: unknown };
  const code = typeof rawCode === 'string' ? rawCode : '';
  if (/^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code)) return true;
  const message = typeof rawMessage === 'string' ? rawMessage : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/i.test(message);
}

/** How loud a background pass that failed should be: an outage (already on /healthz) is a warning, not an error. */
export function failureLevel(err: unknown): 'warn' | 'error' {
  return isTransientDatabaseError(err) ? 'warn' : 'error';
}
