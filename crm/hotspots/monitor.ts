// Runs the hotspot detector over the database: the orders of the current window and of the baseline windows
// before it, as views for the dispatch desk (GET /api/hotspots), and periodically (default every 10 minutes) so a
// new cluster is logged and pushed to the dispatch desk and supervisors as soon as it forms.
import type { Logger } from 'pino';
import type { HotspotAlertView, HotspotListResponse } from '../../contracts/reports.js';
import type { Queryable } from '../../platform/db/database.js';
import type { CatalogStore } from '../catalog/store.js';
import { DEFAULT_HOTSPOT_CONFIG, detectHotspots, type HotspotAlert, type HotspotConfig, type HotspotOrder } from './detector.js';

export interface HotspotMonitorDeps {
  db: Queryable;
  catalog: CatalogStore;
  log: Logger;
  now?: () => number;
  config?: HotspotConfig;
  /** Default 10 minutes. */
  intervalMs?: number;
  /** Alerts that were not there at the previous check. */
  onNewAlerts?: (alerts: HotspotAlertView[]) => void;
}

/** At most this many orders listed per alert (the count stays exact). */
const MAX_ORDERS_LISTED = 50;

export class HotspotMonitor {
  readonly config: HotspotConfig;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private known = new Set<string>();

  constructor(private readonly deps: HotspotMonitorDeps) {
    this.config = deps.config ?? DEFAULT_HOTSPOT_CONFIG;
    this.now = deps.now ?? Date.now;
  }

  async current(): Promise<HotspotListResponse> {
    const asOf = this.now();
    const c = this.config;
    const since = asOf - (c.baselineWindows + 1) * c.windowMs;
    const { rows } = await this.deps.db.query<{
      code: string;
      received_at: Date;
      catalog_item_code: string;
      district: string;
      street: string | null;
      address: string | null;
      summary: string;
    }>(
      `SELECT code, received_at, catalog_item_code, district, street, address, summary
       FROM work_orders WHERE received_at >= $1 AND received_at < $2`,
      [new Date(since), new Date(asOf)],
    );
    const orders: HotspotOrder[] = rows.map((r) => ({
      code: r.code,
      receivedAt: r.received_at.getTime(),
      catalogItemCode: r.catalog_item_code,
      district: r.district,
      street: r.street,
      address: r.address,
      summary: r.summary,
    }));
    const { catalog } = await this.deps.catalog.snapshot();
    const names = new Map(catalog.items.map((i) => [i.code, i.name]));
    const alerts = detectHotspots(orders, asOf, c).map((a) => toView(a, names.get(a.catalogItemCode) ?? a.catalogItemCode));
    return { asOf, windowHours: c.windowMs / 3_600_000, alerts };
  }

  /** One check; logs and reports alerts not seen at the previous check. */
  async tick(): Promise<HotspotAlertView[]> {
    if (this.running) await this.running.catch(() => {});
    const run = this.current().then((r) => {
      const fresh = r.alerts.filter((a) => !this.known.has(a.id));
      this.known = new Set(r.alerts.map((a) => a.id));
      for (const a of fresh) {
        this.deps.log.warn(
          {
            hotspot: a.id,
            item: a.catalogItemCode,
            district: a.district,
            place: a.place,
            count: a.count,
            baseline: a.baseline,
            orders: a.orders.map((o) => o.code),
          },
          'hotspot detected (未诉先办)',
        );
      }
      if (fresh.length > 0) this.deps.onNewAlerts?.(fresh);
      return fresh;
    });
    this.running = run;
    try {
      return await run;
    } catch (err) {
      this.deps.log.error({ err }, 'hotspot check failed');
      return [];
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.deps.intervalMs ?? 600_000);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => {});
  }
}

function toView(a: HotspotAlert, itemName: string): HotspotAlertView {
  return {
    id: a.key,
    catalogItemCode: a.catalogItemCode,
    catalogItemName: itemName,
    district: a.district,
    place: a.place,
    placeKind: a.placeKind,
    windowStart: a.windowStart,
    windowEnd: a.windowEnd,
    count: a.count,
    baseline: a.baseline,
    orders: a.orders.slice(0, MAX_ORDERS_LISTED).map((o) => ({ code: o.code, receivedAt: o.receivedAt, summary: o.summary, address: o.address ?? null })),
  };
}
