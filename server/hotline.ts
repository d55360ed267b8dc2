// Composition root: builds every part from the validated config and starts them in order.
// `npm start` (server/main.ts) and the end-to-end tests both start the hotline through startHotline().
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { HealthResponse } from '../contracts/api.js';
import { LiveCalls, writeFor } from '../acd/live-calls.js';
import { reconcile } from '../acd/reconcile.js';
import { AgentProfileRepository } from '../acd/agent-profiles.js';
import { validateAcdConfig } from '../acd/config.js';
import { parsePriorityCallers } from '../acd/caller-priority.js';
import { unknownMergedQueues } from '../platform/merged-hotlines.js';
import type { PriorityTag } from '../acd/routing.js';
import { loadAcdConfig, seedDemoSkills } from '../acd/hotline-queues.js';
import { QueueService } from '../acd/service.js';
import type { AgentDirectory } from '../acd/notifier.js';
import { CallRecordRepository } from '../crm/call-records.js';
import { SurveyService } from '../crm/callback/survey-service.js';
import { workOrderSurveySink } from '../crm/callback/survey-sink.js';
import { createCrm, seedCrmIfEmpty, type Crm } from '../crm/index.js';
import { registerManagement } from '../crm/reports/management.js';
import { createRecordings, type Recordings } from '../recordings/feature.js';
import { assertValidFlow, buildHotlineFlow, formatDateZh, type LookupResult } from '../ivr/flow/index.js';
import { ensurePrompts, PROMPT_NAMES, type PromptSet } from '../telephony/prompts.js';
import { EspeakMandarinTts } from '../telephony/tts.js';
import { CallSpeechService } from '../speech/call-speech-service.js';
import { tryCreateKeywordSpotter } from '../speech/keyword-spotter.js';
import { CallKeywordAlerts } from '../speech/call-keyword-alerts.js';
import { STATE_LABELS_ZH } from '../contracts/work-order-states.js';
import { localDateKey } from '../crm/work-orders/working-calendar.js';
import { IvrService } from '../ivr/service.js';
import { renderAgentEndpoints, renderAsteriskConfig } from '../telephony/asterisk-config.js';
import { parsePjsipSections } from '../telephony/pjsip-objects.js';
import { AsteriskProcess } from '../telephony/asterisk-process.js';
import { provisionAsteriskRoot } from '../telephony/asterisk-root.js';
import { AmiConnection } from '../telephony/ami.js';
import { AriTelephony } from '../telephony/ari-telephony.js';
import type { TelephonyEvent } from '../telephony/call-control.js';
import { seedUsersIfEmpty, type IssuedCredential } from '../platform/auth/demo-users.js';
import { SessionTokens } from '../platform/auth/session-tokens.js';
import { UserRepository, type AgentSipAccount } from '../platform/auth/user-repository.js';
import type { Config } from '../platform/config.js';
import { openDatabase } from '../platform/db/open-database.js';
import type { Database } from '../platform/db/database.js';
import { buildApp } from '../platform/http/app.js';
import { createLogger } from '../platform/logger.js';
import { attachSocket, SUPERVISORS_ROOM, userRoom } from '../platform/realtime/io.js';
import { pushFigures, socketNotifier, wireAgentSockets } from '../acd/socket-handlers.js';
import { registerAcdRoutes } from '../acd/routes.js';
import { seedDemoOrders } from '../crm/demo/past-orders.js';
import { createTransferFeature } from '../transfer/plugin.js';
import { createSupervisionFeature } from '../supervision/plugin.js';
import { IntakeLimit } from '../telephony/intake-limit.js';
import { sipHa1 } from '../platform/auth/passwords.js';
import { CITIZEN_SIP_USER, registerCitizenPhoneRoute } from './http/citizen-phone-route.js';
import { acquireInstanceLock, ensureStateDir, loadOrCreateSecrets } from '../platform/state-dir.js';

export interface Hotline {
  /** Accounts created by this start (first start only), with their one-time passwords. */
  issuedCredentials: IssuedCredential[];
  config: Config;
  crm: Crm;
  survey: SurveyService;
  ivr: IvrService;
  ami: AmiConnection;
  log: Logger;
  db: Database;
  users: UserRepository;
  records: CallRecordRepository;
  telephony: AriTelephony;
  asterisk: AsteriskProcess | null;
  queue: QueueService;
  calls: LiveCalls;
  recordings: Recordings;
  /** Base URL of the API and the agent desktop. */
  url: string;
  credentialsFile: string;
  timings: { provisionSeconds: number; provisionCached: boolean; startSeconds: number };
  stop(): Promise<void>;
}

export async function startHotline(config: Config, log: Logger = createLogger(config.log.level)): Promise<Hotline> {
  const t0 = Date.now();
  ensureStateDir(config.stateDir);
  const releaseLock = acquireInstanceLock(config.stateDir);
  const cleanups: (() => Promise<void> | void)[] = [releaseLock];
  const stop = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err) => log.error({ err }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  try {
    const secrets = loadOrCreateSecrets(config.stateDir);
    const db = await openDatabase(config.database);
    cleanups.push(() => db.close());
    const users = new UserRepository(db);
    const records = new CallRecordRepository(db);
    const seeded = await seedUsersIfEmpty(users, { agents: config.demoAgents, realm: config.sip.realm, stateDir: config.stateDir, demo: config.demoData });
    if (seeded.created.length) log.info({ users: seeded.created.length, file: seeded.file }, 'first start: accounts created');
    const crmSeed = await seedCrmIfEmpty(db, { credentialsFile: seeded.file, demo: config.demoData });
    if (crmSeed.created.length || crmSeed.catalogVersion) {
      log.info({ accounts: crmSeed.created.length, catalog: crmSeed.catalogVersion }, 'first start: catalog, dispatcher and department handlers created');
    }
    // the ACD's seats; other SIP accounts (the supervisor's softphone) are provisioned in Asterisk too
    const agents = await users.listAgentsWithSip({ role: 'agent' });
    const profileRepo = new AgentProfileRepository(db);
    if (seeded.created.length) await seedDemoSkills(profileRepo, seeded.created.filter((c) => c.role === 'agent').map((c) => `u-${c.username}`));
    const profiles = await profileRepo.all();
    const acdConfig = loadAcdConfig(
      { ringTimeoutMs: config.acd.ringTimeoutSeconds * 1000, wrapUpMs: config.acd.wrapUpSeconds * 1000 },
      config.acd.configFile,
    );
    // an unknown skill or queue stops the start with a message naming it
    validateAcdConfig({ ...acdConfig, agents: profiles });
    const unknownMerged = unknownMergedQueues(config.acd.mergedNumbers, new Set((acdConfig.queues ?? []).map((q) => q.id)));
    if (unknownMerged.length) throw new Error(`HOTLINE_MERGED_NUMBERS names queues the ACD configuration does not have: ${unknownMerged.join(', ')}`);
    const priorityCallers = config.acd.priorityCallersFile
      ? parsePriorityCallers(JSON.parse(fs.readFileSync(config.acd.priorityCallersFile, 'utf8')))
      : new Map<string, PriorityTag>();

    let asterisk: AsteriskProcess | null = null;
    let prompts: PromptSet;
    let ttsDir: string;
    let mediaPath: (file: string) => string;
    let provision = { seconds: 0, cached: true };
    const ariPassword = config.asterisk.ari.password ?? secrets.ariPassword;
    if (config.asterisk.mode === 'embedded') {
      provision = await provisionAsteriskRoot(config.asterisk.root, config.asterisk.debianMirror, log);
      asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, log.child({ component: 'asterisk' }));
      asterisk.prepareFolders();
      const citizen = config.citizenPhone
        ? { sipHa1: sipHa1(CITIZEN_SIP_USER, config.sip.realm, secrets.citizenSipPassword), maxContacts: CITIZEN_PAGES_AT_ONCE }
        : null;
      renderAsteriskConfig(asterisk.etcDir, asteriskValues(config, asterisk.instanceDir, ariPassword, secrets.amiPassword), await users.listAgentsWithSip(), {
        citizen,
        mergedNumbers: [...config.acd.mergedNumbers.keys()],
        agentsVia: config.sip.agentsVia,
      });
      // prompts live inside the root so the chrooted Asterisk can play them; it sees them without the root prefix
      const hostPrompts = await ensurePrompts(path.join(asterisk.hostInstanceDir, 'sounds'));
      prompts = mapPrompts(hostPrompts, (p) => p.slice(config.asterisk.root.length));
      ttsDir = path.join(asterisk.hostInstanceDir, 'sounds', 'tts');
      mediaPath = (p) => p.slice(config.asterisk.root.length);
      await asterisk.start();
      const a = asterisk;
      cleanups.push(() => a.stop());
    } else {
      // an operator's Asterisk: prompts are installed in its sounds folder under hotline/ (see README)
      prompts = mapPrompts(Object.fromEntries(PROMPT_NAMES.map((n) => [n, n])) as PromptSet, (p) => `hotline/${p}`);
      // readouts are synthesised here: the operator's Asterisk must see this folder at the same path (shared mount)
      ttsDir = path.join(config.stateDir, 'tts');
      mediaPath = (p) => p;
    }

    const telephony = new AriTelephony(
      {
        url: config.asterisk.ari.url,
        username: config.asterisk.ari.username,
        password: ariPassword,
        app: config.asterisk.ari.app,
        // the seats, read again at every connect: an agent added since is pushed too
        ...(config.sip.agentsVia === 'ari'
          ? { pjsipObjects: async () => parsePjsipSections(renderAgentEndpoints(await users.listAgentsWithSip(), config.sip.realm)) }
          : {}),
      },
      log.child({ component: 'ari' }),
    );
    cleanups.push(() => telephony.stop());
    const amiConfig = config.asterisk.ami;
    const ami = new AmiConnection(
      { host: amiConfig.host, port: amiConfig.port, username: amiConfig.username, password: amiConfig.password ?? secrets.amiPassword },
      log.child({ component: 'ami' }),
    );
    ami.start();
    cleanups.push(() => ami.stop());
    let asteriskVersion: string | undefined;

    const tokens = new SessionTokens(secrets.sessionKey);
    const sip = { wsUrl: config.sip.wsUrl, domain: config.sip.domain, realm: config.sip.realm };
    const health = async (): Promise<HealthResponse> => {
      const dbUp = await db.ping();
      const ari = telephony.connectionState;
      const asteriskUp = ari === 'connected' && (asterisk === null || asterisk.pid !== undefined);
      if (ami.up && !asteriskVersion) asteriskVersion = (await ami.command('core show version').catch(() => '')).trim() || undefined;
      return {
        // AMI serves diagnostics only: calls keep flowing without it, so it does not degrade the status
        status: dbUp && asteriskUp ? 'ok' : 'degraded',
        asterisk: { up: asteriskUp, ari, ami: ami.up ? 'connected' : 'down', ...(asteriskVersion ? { version: asteriskVersion } : {}) },
        database: { up: dbUp, kind: db.kind },
        uptimeSeconds: Math.round((Date.now() - t0) / 1000),
      };
    };
    const app = await buildApp({
      log,
      users,
      tokens,
      sip,
      desktopDir: path.join(config.projectRoot, 'agent-desktop', 'dist'),
      health,
    });
    const crm: Crm = createCrm({ db, log: log.child({ component: 'crm' }) });
    const firstAgent = seeded.created.find((c) => c.role === 'agent');
    if (config.demoData && firstAgent) {
      const codes = await seedDemoOrders(db, crm.service, `u-${firstAgent.username}`);
      if (codes.length) log.info({ orders: codes }, 'first start: demo work orders created for the screen pop');
    }
    await crm.registerRoutes(app, { tokens });
    const management = await registerManagement({
      app, db, log: log.child({ component: 'reports' }), catalog: crm.catalog, auth: { tokens }, settings: config,
      onNewHotspots: (alerts) => io.to(SUPERVISORS_ROOM).emit('alert:hotspot', alerts),
    });
    cleanups.push(() => management.stop());
    cleanups.push(() => crm.close());
    const io = attachSocket(app.server, tokens, log.child({ component: 'socket' }));
    cleanups.push(() => new Promise<void>((r) => io.close(() => r())).then(() => app.close()));

    const recordings = await createRecordings({
      config, app, db, log: log.child({ component: 'recordings' }), auth: { tokens }, ami,
      asterisk: asterisk ? { instanceDir: asterisk.instanceDir, hostInstanceDir: asterisk.hostInstanceDir } : null,
      onFailure: (callId, reason) => io.to(SUPERVISORS_ROOM).emit('alert:recording_failed', { callId, reason, at: new Date().toISOString() }),
    });
    cleanups.push(() => recordings.stop());
    const calls = new LiveCalls();
    // Mandarin readouts (order status in the IVR, position in the queue), synthesised where Asterisk can play them
    const tts = new EspeakMandarinTts(ttsDir);
    const queue = new QueueService({
      telephony,
      priorityCallers,
      calls,
      records,
      users,
      notifier: socketNotifier(io),
      directory: agentDirectory(agents),
      settings: acdConfig,
      profiles,
      recordCalls: config.recordCalls,
      ...(config.recordCalls ? { recorder: recordings.recorder } : {}),
      callbacks: { prompts, serviceNumber: config.serviceNumber },
      ...(config.acd.announce ? { announcements: { ...config.acd.announce, tts, mediaPath } } : {}),
      log: log.child({ component: 'acd' }),
    });
    cleanups.push(() => queue.stop());
    const survey = new SurveyService({
      telephony,
      prompts,
      sink: workOrderSurveySink(crm.service, log.child({ component: 'survey' })),
      callerId: config.serviceNumber,
      log: log.child({ component: 'survey' }),
    });
    // 回访: once the hotline accepts a department's reply, the citizen is called back to rate it
    crm.service.onCommitted(({ order, event }) => {
      if (event.to !== 'callback_pending' || event.from === 'callback_pending') return;
      survey.start(order.code, order.citizen.phone).catch(() => {});
    });
    // keyword spotting on every caller: emergency words flag the call, routing words pick the queue
    const spotter = config.keywordSpotting ? tryCreateKeywordSpotter() : null;
    let speech: CallSpeechService | null = null;
    let alerts: CallKeywordAlerts | null = null;
    if (spotter?.ok) {
      const heard = new CallKeywordAlerts({
        calls,
        flagEmergency: (call, keyword, at) => void writeFor(call, 'flagEmergency', () => records.flagEmergency(call.callId, keyword, at)),
        sinks: {
          supervisors: (push) => io.to(SUPERVISORS_ROOM).emit('alert:emergency', push),
          agentEmergency: (agentId, push) => io.to(userRoom(agentId)).emit('alert:emergency', push),
          agentKeyword: (agentId, push) => io.to(userRoom(agentId)).emit('speech:keyword', push),
          agentStatus: (agentId, push) => io.to(userRoom(agentId)).emit('speech:status', push),
        },
        transcription: false, // no streaming recognizer is wired into calls yet (operator-supplied model)
      });
      alerts = heard;
      queue.onConnected((callId) => heard.connected(callId));
      speech = new CallSpeechService({
        telephony,
        spotter: spotter.spotter,
        log: log.child({ component: 'speech' }),
        onKeyword: (hit) => heard.heard(hit),
      });
    } else if (spotter) {
      log.warn({ reason: spotter.error.message }, 'keyword spotting is off: calls run without emergency and routing words');
    }
    const flow = buildHotlineFlow();
    assertValidFlow(flow, PROMPT_NAMES);
    const queueIds = new Set((acdConfig.queues ?? []).map((q) => q.id));
    const ivr = new IvrService({
      telephony,
      calls,
      records,
      queue,
      flow,
      prompts,
      tts,
      mediaPath,
      lookupOrder: (code) => lookupOrderForIvr(crm, code),
      queueFor: (call, q, skillHint) => {
        // the caller's words first, then the merged hotline they dialled (12329 → housing fund)
        const hint = skillHint ?? call.spokenSkillHint ?? config.acd.mergedNumbers.get(call.dialed) ?? null;
        return hint && queueIds.has(hint) ? hint : q;
      },
      onAnswered: (call) => void speech?.listen(call.callId, call.channelId, call.log),
      serviceNumber: config.serviceNumber,
      log: log.child({ component: 'ivr' }),
    });
    wireAgentSockets(io, queue, log.child({ component: 'socket' }));
    registerAcdRoutes(app, { queue, tokens, users });
    registerCitizenPhoneRoute(app, {
      enabled: config.citizenPhone !== null,
      wsUrl: config.sip.wsUrl,
      domain: config.sip.domain,
      password: secrets.citizenSipPassword,
      serviceNumber: config.serviceNumber,
    });
    const citizenLimit = new IntakeLimit(config.citizenPhone?.callsPerMinute ?? 0);
    cleanups.push(pushFigures(io, queue));
    const transfer = createTransferFeature({ config, app, io, db, telephony, calls, queue, tokens, users, log });
    cleanups.push(() => transfer.stop());
    // an order saved before the 转110/120 becomes urgent (15-minute dispatch); orders saved after are urgent at creation
    transfer.transfers.onLinked((callId) => crm.service.markUrgentForLinkage(callId));
    const supervision = createSupervisionFeature({ app, db, telephony, calls, queue, transfers: transfer.transfers, agents, tokens, users, log });

    const deliver = (ev: TelephonyEvent) => {
      if (ev.type === 'call_arrived' && ev.via === 'web' && !citizenLimit.admit(Date.now())) {
        // refused before answering (503): a flood from the public page never reaches the IVR or an agent
        log.warn({ channelId: ev.channelId, via: 'web' }, 'citizen page call refused: calls per minute over the limit');
        void telephony.hangup(ev.channelId, 'congestion').catch(() => {});
        return;
      }
      // the caller's hang-up ends what follows the whole call: its recording, listening to it
      const callerGone = ev.type === 'channel_gone' ? calls.byAnyChannel(ev.channelId) : undefined;
      if (callerGone?.leg === 'caller') {
        recordings.recorder.callEnded(callerGone.call.callId);
        speech?.stop(callerGone.call.callId);
        alerts?.ended(callerGone.call.callId);
      }
      // supervision and transfers first: the legs they dial are theirs, and an agent hanging up mid-consult
      // completes a transfer; the queue's callback and announcement parts before the IVR, which would take a
      // waiting caller's 1 for its progress query
      if (
        !supervision.handleTelephony(ev) &&
        !transfer.transfers.handleTelephony(ev) &&
        !survey.handleTelephony(ev) &&
        !queue.handleBeforeIvr(ev) &&
        !ivr.handleTelephony(ev)
      ) {
        queue.handleTelephony(ev);
      }
    };
    let firstConnect = true;
    telephony.onEvent((ev) => {
      if (ev.type !== 'connection' || ev.state !== 'connected') return deliver(ev);
      const atStartup = firstConnect;
      firstConnect = false;
      void (async () => {
        try {
          queue.syncDevices(await telephony.listOnlineDevices());
          const report = await reconcile(telephony, calls, deliver, log.child({ component: 'reconcile' }), atStartup);
          // citizens left waiting by an earlier process are taken in again rather than dropped
          for (const o of report.orphanCallers) deliver({ type: 'call_arrived', channelId: o.channelId, callerNumber: o.callerNumber, dialed: config.serviceNumber, at: new Date() });
        } catch (err) {
          log.error({ err }, 'reconciliation after connect failed');
        }
      })();
    });
    const connected = await telephony.start();
    if (!connected) log.warn({ ari: config.asterisk.ari.url }, 'Asterisk ARI not reachable yet; retrying in the background');

    crm.start();
    management.start();
    recordings.start();
    transfer.start();
    await app.listen({ host: config.server.host, port: config.server.port });
    const url = config.server.publicUrl;
    const startSeconds = (Date.now() - t0) / 1000;
    log.info({ url, startSeconds, credentials: seeded.file }, 'hotline ready');
    return {
      config, log, db, users, records, telephony, ami, asterisk, queue, calls, crm, survey, ivr, url, recordings,
      credentialsFile: seeded.file,
      issuedCredentials: [...seeded.created, ...crmSeed.created],
      timings: { provisionSeconds: provision.seconds, provisionCached: provision.cached, startSeconds },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Browsers that may have the citizen page open (registered) at once. */
const CITIZEN_PAGES_AT_ONCE = 50;

function asteriskValues(config: Config, instanceDir: string, ariPassword: string, amiPassword: string) {
  const a = config.asterisk;
  return {
    INSTANCE_DIR: instanceDir,
    HTTP_PORT: a.httpPort,
    ARI_USERNAME: a.ari.username,
    ARI_PASSWORD: ariPassword,
    ARI_APP: a.ari.app,
    AMI_PORT: a.ami.port,
    AMI_USERNAME: a.ami.username,
    AMI_PASSWORD: a.ami.password ?? amiPassword,
    TRUNK_HOST: a.trunk.host,
    TRUNK_PORT: a.trunk.port,
    TRUNK_PEERS: a.trunk.peers,
    TRUNK_CARRIER: a.trunk.carrier,
    RTP_START: a.rtpPorts[0],
    RTP_END: a.rtpPorts[1],
    SERVICE_NUMBER: config.serviceNumber,
    SIP_REALM: config.sip.realm,
    CITIZEN_MAX_CALLS: config.citizenPhone?.maxCalls ?? 0,
  };
}

function mapPrompts(p: PromptSet, f: (path: string) => string): PromptSet {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, f(v)])) as PromptSet;
}

function agentDirectory(agents: AgentSipAccount[]): AgentDirectory {
  const byExt = new Map(agents.map((a) => [a.extension, a.id]));
  const extOf = new Map(agents.map((a) => [a.id, a.extension]));
  return {
    agentIdForDevice: (device) => byExt.get(device.replace(/-desk$/, '')),
    devicesOf: (agentId) => {
      const ext = extOf.get(agentId);
      return ext ? { web: ext, desk: `${ext}-desk` } : undefined;
    },
  };
}

/** What the IVR reads out for an order: its state and the date it is due (inclusive), in Chinese. */
async function lookupOrderForIvr(crm: Crm, code: string): Promise<LookupResult> {
  const order = await crm.service.findByCode(code);
  if (!order) return { found: false };
  const open = !['closed', 'archived'].includes(order.state);
  const today = localDateKey(Date.now());
  return {
    found: true,
    stateLabelZh: STATE_LABELS_ZH[order.state],
    // dueAt is the instant the order becomes late (midnight after the last day)
    expectedDateZh: open ? formatDateZh(localDateKey(order.resolveDeadline.dueAt - 1), { today }) : null,
  };
}
