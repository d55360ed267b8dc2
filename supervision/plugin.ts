// The supervision plugin: listen / whisper / barge, forced agent states, their audit, the wallboard's agent grid
// and their routes (server/hotline.ts creates it once, after the transfer plugin it reads).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { UserRepository } from '../platform/auth/user-repository.js';
import type { Database } from '../platform/db/database.js';
import type { AuthGuard } from '../platform/http/auth-guard.js';
import type { CallControl } from '../telephony/call-control.js';
import type { TransferService } from '../transfer/service.js';
import { SupervisionAudit } from './audit.js';
import { registerSupervisionRoutes } from './routes.js';
import { SupervisionService } from './service.js';
import { Wallboard } from './wallboard.js';

export interface SupervisionPluginDeps {
  app: FastifyInstance;
  guard: AuthGuard;
  db: Database;
  telephony: CallControl;
  calls: LiveCalls;
  queue: QueueService;
  transfers: TransferService;
  agents: readonly { id: string; extension: string; displayName: string }[];
  /** Who a forced state may target (agents only). */
  users: UserRepository;
  log: Logger;
}

export interface SupervisionPlugin {
  supervision: SupervisionService;
  /** Nothing runs in the background: start and stop are there so the hotline treats every plugin alike. */
  start(): void;
  stop(): Promise<void>;
}

export function createSupervisionPlugin(d: SupervisionPluginDeps): SupervisionPlugin {
  const audit = new SupervisionAudit(d.db);
  const supervision = new SupervisionService({
    telephony: d.telephony,
    calls: d.calls,
    audit,
    requestState: (agentId, state) => d.queue.requestState(agentId, state, state === 'break' ? 'other' : undefined),
    log: d.log.child({ component: 'supervision' }),
  });
  const wallboard = new Wallboard({ agents: d.agents, queue: d.queue, calls: d.calls, transfers: d.transfers });
  registerSupervisionRoutes(d.app, { guard: d.guard, users: d.users, supervision, audit, wallboard });
  return { supervision, start: () => {}, stop: () => Promise.resolve() };
}
