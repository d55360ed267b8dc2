// Wiring of supervision and the wallboard's agent grid into the hotline (server/hotline.ts calls this once).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { SessionTokens } from '../platform/auth/session-tokens.js';
import type { UserRepository } from '../platform/auth/user-repository.js';
import type { Database } from '../platform/db/database.js';
import type { CallControl } from '../telephony/call-control.js';
import type { TransferService } from '../transfer/service.js';
import { SupervisionAudit } from './audit.js';
import { registerSupervisionRoutes } from './routes.js';
import { SupervisionService } from './service.js';
import { Wallboard } from './wallboard.js';

export function createSupervisionFeature(d: {
  app: FastifyInstance;
  db: Database;
  telephony: CallControl;
  calls: LiveCalls;
  queue: QueueService;
  transfers: TransferService;
  agents: readonly { id: string; extension: string; displayName: string }[];
  tokens: SessionTokens;
  users: UserRepository;
  log: Logger;
}): SupervisionService {
  const audit = new SupervisionAudit(d.db);
  const supervision = new SupervisionService({
    telephony: d.telephony,
    calls: d.calls,
    audit,
    requestState: (agentId, state) => d.queue.requestState(agentId, state, state === 'break' ? 'other' : undefined),
    log: d.log.child({ component: 'supervision' }),
  });
  const wallboard = new Wallboard({ agents: d.agents, queue: d.queue, calls: d.calls, transfers: d.transfers });
  registerSupervisionRoutes(d.app, { tokens: d.tokens, users: d.users, supervision, audit, wallboard });
  return supervision;
}
