// GET /api/hotspots: the current 未诉先办 alerts, for the dispatch desk and supervisors (permission hotspot.read).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Database } from '../../platform/db/database.js';
import type { CrmAuth } from '../http/auth.js';
import { registerCrmErrorMappings } from '../http/errors.js';
import type { HotspotMonitor } from './monitor.js';

export async function registerHotspotRoutes(app: FastifyInstance, deps: { db: Database; log: Logger; auth: CrmAuth; monitor: HotspotMonitor }): Promise<void> {
  const guard = deps.auth;
  registerCrmErrorMappings();
  app.get('/api/hotspots', { preHandler: guard.require('hotspot.read') }, async () => deps.monitor.current());
}
