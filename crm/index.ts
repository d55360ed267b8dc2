// The CRM core: work orders, the responsibility catalog, the SMS outbox, deadline checks and the knowledge base,
// built from the database and a logger. The hotline wires it with the survey and the management side through
// createCrmPlugin (plugin.ts); tests and the bench use createCrm directly:
//   const crm = createCrm({ db, log });
//   await crm.registerRoutes(app, guard);        // the app's auth guard; before app.listen
//   crm.start();                                   // deadline scheduler + SMS worker
//   await crm.close();
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../platform/db/database.js';
import { CatalogStore } from './catalog/store.js';
import type { CrmAuth } from './http/auth.js';
import { registerCrmRoutes } from './routes.js';
import { LogSmsGateway, SmsOutbox, type SmsGateway } from './sms/outbox.js';
import type { WorkOrderConfig } from './work-orders/config.js';
import { DeadlineScheduler } from './work-orders/deadline-scheduler.js';
import { WorkOrderService } from './work-orders/service.js';

export type { CrmAuth } from './http/auth.js';
export { HttpSmsGateway, LogSmsGateway, type SmsGateway } from './sms/outbox.js';
export { DEMO_HANDLER_DEPARTMENTS, seedCrmIfEmpty, type CrmSeedResult, type IssuedCrmCredential } from './seed.js';

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
