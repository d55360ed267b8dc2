// The CRM part of the hotline: work orders, the responsibility catalog, the SMS outbox, deadline checks and the
// knowledge base, built from the database and a logger. server/hotline.ts wires it:
//   const crm = createCrm({ db, log: log.child({ component: 'crm' }) });
//   await crm.registerRoutes(app, { tokens });   // before app.listen
//   crm.start();                                   // deadline scheduler + SMS worker
//   cleanups.push(() => crm.close());
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { generatePassword, hashPassword } from '../platform/auth/passwords.js';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import type { Database } from '../platform/db/database.js';
import { loadSampleCatalog } from './catalog/sample.js';
import type { CrmAuth } from './http/auth.js';
import { registerCrmRoutes } from './routes.js';
import { LogSmsGateway, SmsOutbox, type SmsGateway } from './sms/outbox.js';
import type { WorkOrderConfig } from './work-orders/config.js';
import { DeadlineScheduler } from './work-orders/deadline-scheduler.js';
import { CatalogStore, WorkOrderService } from './work-orders/service.js';

export type { CrmAuth } from './http/auth.js';
export { HttpSmsGateway, LogSmsGateway, type SmsGateway } from './sms/outbox.js';

export interface CrmDeps {
  db: Database;
  log: Logger;
  /** Clock (ms epoch); tests drive it. */
  now?: () => number;
  /** Default: LogSmsGateway (one log line per message). */
  smsGateway?: SmsGateway;
  config?: WorkOrderConfig;
  /** See WorkOrderServiceDeps.agentsMayDispatch (default false: only the dispatch desk dispatches). */
  agentsMayDispatch?: boolean;
  /** SMS worker poll interval (default 5 s) and retry backoff base (default 30 s). */
  sms?: { intervalMs?: number; baseDelayMs?: number; maxAttempts?: number };
  /** Public progress queries per IP per minute (default 10). */
  publicLimitPerMinute?: number;
}

export interface Crm {
  /** Adds the /api routes of contracts/work-orders.ts. Call before app.listen/ready. */
  registerRoutes(app: FastifyInstance, auth: CrmAuth): Promise<void>;
  scheduler: DeadlineScheduler;
  outbox: SmsOutbox;
  service: WorkOrderService;
  catalog: CatalogStore;
  /** Starts the deadline scheduler (every minute) and the SMS worker. */
  start(): void;
  /** Stops both and waits for a running pass; the database stays open (its owner closes it). */
  close(): Promise<void>;
}

export function createCrm(deps: CrmDeps): Crm {
  const now = deps.now ?? Date.now;
  const log = deps.log;
  const catalog = new CatalogStore(deps.db, now);
  const outbox = new SmsOutbox({
    db: deps.db,
    gateway: deps.smsGateway ?? new LogSmsGateway(log.child({ component: 'sms' })),
    log: log.child({ component: 'sms' }),
    now,
    ...(deps.sms?.intervalMs !== undefined ? { intervalMs: deps.sms.intervalMs } : {}),
    ...(deps.sms?.baseDelayMs !== undefined ? { baseDelayMs: deps.sms.baseDelayMs } : {}),
    ...(deps.sms?.maxAttempts !== undefined ? { maxAttempts: deps.sms.maxAttempts } : {}),
  });
  const service = new WorkOrderService({
    db: deps.db,
    catalog,
    outbox,
    log,
    now,
    ...(deps.config ? { config: deps.config } : {}),
    ...(deps.agentsMayDispatch !== undefined ? { agentsMayDispatch: deps.agentsMayDispatch } : {}),
  });
  const scheduler = new DeadlineScheduler({ checker: service, log: log.child({ component: 'deadlines' }), now });
  return {
    registerRoutes: (app, auth) =>
      registerCrmRoutes(app, {
        db: deps.db,
        log,
        service,
        catalog,
        auth,
        now,
        ...(deps.publicLimitPerMinute !== undefined ? { publicLimitPerMinute: deps.publicLimitPerMinute } : {}),
      }),
    scheduler,
    outbox,
    service,
    catalog,
    start() {
      scheduler.start();
      outbox.start();
    },
    async close() {
      await scheduler.stop();
      await outbox.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// First start: the sample catalog and the CRM's own demo accounts.

export interface IssuedCrmCredential extends IssuedCredential {
  departmentCode: string | null;
}

export interface CrmSeedResult {
  /** The catalog version imported now; null when a catalog was already there. */
  catalogVersion: string | null;
  /** Accounts created now, with their one-time passwords; empty when dispatchers/handlers already existed. */
  created: IssuedCrmCredential[];
}

/** Departments that get a demo handler account (when the catalog lists them). */
export const DEMO_HANDLER_DEPARTMENTS = ['util.water', 'city.hpf', 'city.housing', 'city.hrss', 'nanshan.urban'] as const;

/**
 * Loads the sample catalog when none is active, and creates one dispatcher and one handler per demo department
 * when there is no dispatcher or handler yet. Passwords are generated and returned once (only scrypt hashes are
 * stored); with `credentialsFile` they are also appended to that JSON array file (mode 0600), e.g. the
 * credentials.json written by seedUsersIfEmpty.
 */
export async function seedCrmIfEmpty(
  db: Database,
  opts: { credentialsFile?: string; now?: () => number; demo?: boolean } = {},
): Promise<CrmSeedResult> {
  // production (no demo data) starts empty: the administrator imports the city's own catalog and accounts
  if (opts.demo === false) return { catalogVersion: null, created: [] };
  const now = opts.now ?? Date.now;
  const store = new CatalogStore(db, now);
  let catalogVersion: string | null = null;
  if (await store.isEmpty()) {
    const sample = loadSampleCatalog();
    await store.replace(sample, null);
    catalogVersion = sample.version;
  }
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::integer AS n FROM users WHERE role IN ('dispatcher', 'handler')`);
  if ((rows[0]?.n ?? 0) > 0) return { catalogVersion, created: [] };

  const snap = await store.snapshot();
  const plan: Omit<IssuedCrmCredential, 'password'>[] = [
    { username: 'dispatcher', role: 'dispatcher', extension: null, displayName: '派单员', departmentCode: null },
  ];
  for (const code of DEMO_HANDLER_DEPARTMENTS) {
    const dep = snap.departments.get(code);
    if (!dep || !dep.active) continue;
    plan.push({ username: `handler-${code.replaceAll('.', '-')}`, role: 'handler', extension: null, displayName: `${dep.name}承办人`, departmentCode: code });
  }
  const created: IssuedCrmCredential[] = plan.map((p) => ({ ...p, password: generatePassword() }));
  const hashes = await Promise.all(created.map((c) => hashPassword(c.password)));
  await db.transaction(async (tx) => {
    for (const [i, c] of created.entries()) {
      await tx.query(
        `INSERT INTO users (id, username, display_name, role, extension, password_hash, sip_ha1, department_code)
         VALUES ($1, $2, $3, $4, NULL, $5, NULL, $6)`,
        [`u-${c.username}`, c.username, c.displayName, c.role, hashes[i], c.departmentCode],
      );
    }
  });
  if (opts.credentialsFile !== undefined) appendCredentials(opts.credentialsFile, created);
  return { catalogVersion, created };
}

function appendCredentials(file: string, created: readonly IssuedCrmCredential[]): void {
  let existing: unknown[] = [];
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Array.isArray(parsed)) existing = parsed;
  }
  fs.writeFileSync(file, JSON.stringify([...existing, ...created], null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
