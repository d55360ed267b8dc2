// Wiring of the CRM into the hotline (server/hotline.ts calls this once, after the socket server is attached):
// first-start data, the work-order core (createCrm), its routes, the management side (reports, hotspots), the
// 回访 survey placed once a reply is accepted, and the schedulers behind start()/stop().
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import { SUPERVISORS_ROOM, type HotlineIo } from '../platform/realtime/io.js';
import type { CallControl } from '../telephony/call-control.js';
import type { PromptSet } from '../telephony/prompts.js';
import { SurveyService } from './callback/survey-service.js';
import { workOrderSurveySink } from './callback/survey-sink.js';
import { seedDemoOrders } from './demo/past-orders.js';
import type { HotspotMonitor } from './hotspots/monitor.js';
import type { CrmAuth } from './http/auth.js';
import { createCrm, type Crm } from './index.js';
import { registerManagement } from './reports/management.js';
import { seedCrmIfEmpty, type IssuedCrmCredential } from './seed.js';

export interface CrmPluginDeps {
  config: Pick<Config, 'demoData' | 'serviceNumber' | 'reports' | 'hotspots'>;
  app: FastifyInstance;
  io: HotlineIo;
  db: Database;
  /** How the CRM's routes authenticate (the session tokens, or the app's guard). */
  auth: CrmAuth;
  /** The survey's outgoing calls. */
  telephony: CallControl;
  prompts: PromptSet;
  /** seedUsersIfEmpty's credentials file: the CRM's demo accounts are appended to it. */
  credentialsFile: string;
  /** The demo agent who received the demo orders; null: none are created (no demo data, or not a first start). */
  demoAgentId: string | null;
  log: Logger;
}

export interface CrmPlugin {
  /** Work-order service, catalog, SMS outbox and deadline scheduler. */
  crm: Crm;
  /** Its handleTelephony takes the survey calls' events. */
  survey: SurveyService;
  hotspots: HotspotMonitor;
  /** The dispatcher and department handlers created by this start, with their one-time passwords. */
  issuedCredentials: IssuedCrmCredential[];
  /** Deadline scheduler, SMS worker and hotspot check. */
  start(): void;
  /** Stops them and waits for running passes; the database stays open (its owner closes it). */
  stop(): Promise<void>;
}

/** Registers the CRM's routes on `app`: call it before app.listen/ready. */
export async function createCrmPlugin(d: CrmPluginDeps): Promise<CrmPlugin> {
  const { config, app, db, log } = d;
  const seeded = await seedCrmIfEmpty(db, { credentialsFile: d.credentialsFile, demo: config.demoData });
  if (seeded.created.length || seeded.catalogVersion) {
    log.info({ accounts: seeded.created.length, catalog: seeded.catalogVersion }, 'first start: catalog, dispatcher and department handlers created');
  }

  const crm = createCrm({ db, log: log.child({ component: 'crm' }) });
  if (config.demoData && d.demoAgentId !== null) {
    const codes = await seedDemoOrders(db, crm.service, d.demoAgentId);
    if (codes.length) log.info({ orders: codes }, 'first start: demo work orders created for the screen pop');
  }
  await crm.registerRoutes(app, d.auth);
  const management = await registerManagement({
    app,
    db,
    log: log.child({ component: 'reports' }),
    catalog: crm.catalog,
    auth: d.auth,
    settings: config,
    onNewHotspots: (alerts) => d.io.to(SUPERVISORS_ROOM).emit('alert:hotspot', alerts),
  });

  const surveyLog = log.child({ component: 'survey' });
  const survey = new SurveyService({
    telephony: d.telephony,
    prompts: d.prompts,
    sink: workOrderSurveySink(crm.service, surveyLog),
    callerId: config.serviceNumber,
    log: surveyLog,
  });
  // 回访: once the hotline accepts a department's reply, the citizen is called back to rate it
  crm.service.onCommitted(({ order, event }) => {
    if (event.to !== 'callback_pending' || event.from === 'callback_pending') return;
    // start() logs a call it could not place and reports it to the sink; the order stays 待回访 for the desk
    survey.start(order.code, order.citizen.phone).catch(() => {});
  });

  return {
    crm,
    survey,
    hotspots: management.monitor,
    issuedCredentials: seeded.created,
    start() {
      crm.start();
      management.start();
    },
    async stop() {
      await crm.close();
      await management.stop();
    },
  };
}
