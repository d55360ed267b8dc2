// Wires the management side into the hotline: report routes, hotspot routes and the periodic hotspot check
// (new alerts are logged and pushed to the dispatch desk / supervisors socket room as 'alert:hotspot').
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HotspotAlertView } from '../../contracts/reports.js';
import type { Database } from '../../platform/db/database.js';
import { DEFAULT_HOTSPOT_CONFIG, type HotspotConfig } from '../hotspots/detector.js';
import { HotspotMonitor } from '../hotspots/monitor.js';
import { registerHotspotRoutes } from '../hotspots/routes.js';
import type { CrmAuth } from '../http/auth.js';
import type { CatalogStore } from '../catalog/store.js';
import { registerReportRoutes } from './routes.js';

export interface ManagementSettings {
  reports: { signLimitHours: number };
  hotspots: { windowHours: number; baselineWindows: number; minCount: number; ratio: number; minExcess: number; checkMinutes: number };
}

export async function registerManagement(deps: {
  app: FastifyInstance;
  db: Database;
  log: Logger;
  catalog: CatalogStore;
  auth: CrmAuth;
  settings: ManagementSettings;
  /** Push of new hotspot alerts (e.g. to the supervisors' socket room). */
  onNewHotspots?: (alerts: HotspotAlertView[]) => void;
}): Promise<{ monitor: HotspotMonitor; start(): void; stop(): Promise<void> }> {
  const { app, db, log, catalog, auth, settings } = deps;
  await registerReportRoutes(app, { db, log, catalog, auth, now: Date.now, signLimitMs: settings.reports.signLimitHours * 3_600_000 });
  const h = settings.hotspots;
  const config: HotspotConfig = {
    ...DEFAULT_HOTSPOT_CONFIG,
    windowMs: h.windowHours * 3_600_000,
    baselineWindows: h.baselineWindows,
    minCount: h.minCount,
    ratio: h.ratio,
    minExcess: h.minExcess,
  };
  const monitor = new HotspotMonitor({
    db,
    catalog,
    log: log.child({ component: 'hotspots' }),
    config,
    intervalMs: h.checkMinutes * 60_000,
    ...(deps.onNewHotspots ? { onNewAlerts: deps.onNewHotspots } : {}),
  });
  await registerHotspotRoutes(app, { db, log, auth, monitor });
  return { monitor, start: () => monitor.start(), stop: () => monitor.stop() };
}
