// GET /api/hotspots: the current 未诉先办 alerts, for the dispatch desk and supervisors.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/database.js';
import { authenticate, requireRole, type CrmAuth } from '../http/auth.js';
import { installCrmErrorHandler } from '../http/errors.js';
import type { HotspotMonitor } from './monitor.js';

export async function registerHotspotRoutes(app: FastifyInstance, deps: { db: Database; log: Logger; auth: CrmAuth; monitor: HotspotMonitor }): Promise<void> {
  await app.register(async (scope) => {
    installCrmErrorHandler(scope, deps.log);
    scope.get('/api/hotspots', async (req) => {
      const u = await authenticate(deps.db, deps.auth, req.headers.authorization);
      requireRole(u, ['dispatcher', 'supervisor', 'admin'], '查看热点预警');
      return deps.monitor.current();
    });
  });
}
