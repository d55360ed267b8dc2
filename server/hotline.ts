// Composition root: builds every part from the validated config and starts them in order; stops them in reverse.
// `npm start` (server/main.ts) and the end-to-end tests both start the hotline through startHotline().
// Each feature is one plugin (its folder's plugin.ts); this file only decides the order and what flows between them.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { HealthResponse } from '../contracts/api.js';
import { createAcdPlugin, loadAcdSetup } from '../acd/plugin.js';
import type { LiveCalls } from '../acd/live-calls.js';
import { startDriftCheck, type DriftCheck } from '../acd/drift-check.js';
import { reconcile } from '../acd/reconcile.js';
import { inQueueOrder } from '../acd/waiting-memo.js';
import type { QueueService } from '../acd/service.js';
import { CallRecordRepository } from '../crm/call-records.js';
import { subscribeCallRecords } from '../crm/call-record-subscriber.js';
import type { SurveyService } from '../crm/callback/survey-service.js';
import type { Crm } from '../crm/index.js';
import { createCrmPlugin } from '../crm/plugin.js';
import { createIvrPlugin } from '../ivr/plugin.js';
import type { IvrService } from '../ivr/service.js';
import { AuthEvents } from '../platform/auth/auth-events.js';
import { seedUsersIfEmpty, type IssuedCredential } from '../platform/auth/demo-users.js';
import { SessionTokens } from '../platform/auth/session-tokens.js';
import { UserRepository, type AgentStateChange } from '../platform/auth/user-repository.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import { openDatabase } from '../platform/db/open-database.js';
import { HeldWrites } from '../platform/db/held-writes.js';
import { WriteJournal } from '../platform/db/write-journal.js';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import { buildApp } from '../platform/http/app.js';
import { createAuthGuard } from '../platform/http/auth-guard.js';
import { createLogger } from '../platform/logger.js';
import { attachSocket, disconnectUser, SUPERVISORS_ROOM } from '../platform/realtime/io.js';
import { acquireInstanceLock, ensureStateDir, keepPrivate, loadOrCreateSecrets } from '../platform/state-dir.js';
import { createRecordingsPlugin, type RecordingsPlugin } from '../recordings/plugin.js';
import { createSpeechPlugin } from '../speech/plugin.js';
import { createSupervisionPlugin } from '../supervision/plugin.js';
import type { AmiConnection } from '../telephony/ami.js';
import type { AriTelephony } from '../telephony/ari-telephony.js';
import type { AsteriskProcess } from '../telephony/asterisk-process.js';
import type { TelephonyEvent } from '../telephony/call-control.js';
import { registerCitizenPhoneRoute } from '../telephony/citizen-phone-route.js';
import { IntakeLimit } from '../telephony/intake-limit.js';
import { createTelephonyPlugin } from '../telephony/plugin.js';
import { createTransferPlugin } from '../transfer/plugin.js';

/** A state older than this (a shift ago) is not given back: the agent starts offline as after a night. */
const RESTORE_AGENT_STATES_WITHIN_MS = 12 * 3_600_000;
/** A callback promised longer ago than this is not dialled by a restart (it stays 待回电 on the call record). */
const RESTORE_CALLBACKS_WITHIN_MS = 24 * 3_600_000;

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
  recordings: RecordingsPlugin;
  /** Base URL of the API and the agent desktop. */
  url: string;
  credentialsFile: string;
  timings: { provisionSeconds: number; provisionCached: boolean; startSeconds: number };
  /** Stops everything; with keepAsterisk (a server restart) the embedded Asterisk and its calls go on for the next start to adopt. */
  stop(opts?: { keepAsterisk?: boolean }): Promise<void>;
}

export async function startHotline(config: Config, log: Logger = createLogger(config.log.level)): Promise<Hotline> {
  const t0 = Date.now();
  // the recordings are written private and too many to walk at every start; a folder of their own outside is checked too
  const permissionFixes = [...ensureStateDir(config.stateDir, { shallow: [config.recordings.dir] })];
  if (fs.existsSync(config.recordings.dir)) permissionFixes.push(...keepPrivate(config.recordings.dir, { shallow: [config.recordings.dir] }));
  for (const f of permissionFixes) log.warn(f, 'readable by others: made private');
  const releaseLock = acquireInstanceLock(config.stateDir);
  const cleanups: (() => Promise<void> | void)[] = [releaseLock];
  let keepAsterisk = false;
  let adoptedAsterisk = false;
  const stop = async (opts: { keepAsterisk?: boolean } = {}) => {
    keepAsterisk = opts.keepAsterisk ?? false;
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch((err) => log.error({ err }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  try {
    // platform: secrets, database, users, the call-event bus
    const secrets = loadOrCreateSecrets(config.stateDir);
    const db = await openDatabase(config.database);
    cleanups.push(() => db.close());
    const users = new UserRepository(db);
    const records = new CallRecordRepository(db);
    // the ACD and the IVR publish what happens to calls; the call records follow (a failed write is logged, never felt by the call)
    const bus = createCallEventBus(log.child({ component: 'call-events' }));
    // call-record writes held while the database is unreachable are kept on disk too: a crash meanwhile loses none
    const heldWrites = new WriteJournal(path.join(config.stateDir, 'held-call-writes.jsonl'));
    cleanups.push(
      subscribeCallRecords(
        bus,
        records,
        {
          // an unreachable database: the write waits and is tried again (its call's later writes queue behind it)
          onRetry: (err, attempt) => {
            if (attempt === 1) log.warn({ err: String(err) }, 'database unreachable: call record write held, trying again');
          },
        },
        heldWrites,
      ),
      () => heldWrites.close(),
    );
    // the subscriber has read back what an earlier run held (and writes it first)
    if (heldWrites.size) log.warn({ writes: heldWrites.size }, 'call record writes held by an earlier run are written now');
    // 转110/120 sheets the database could not take, likewise (written by the transfer plugin's start)
    const heldSheets = new WriteJournal(path.join(config.stateDir, 'held-linkage-sheets.jsonl'));
    cleanups.push(() => heldSheets.close());
    // and agents' state changes (the reports' occupancy, and what a restart gives agents back)
    const stateJournal = new WriteJournal(path.join(config.stateDir, 'held-agent-states.jsonl'));
    const stateLog = new HeldWrites<AgentStateChange>({
      event: 'agent_state_log',
      write: (c) => users.appendAgentStateLogOnce(c),
      journal: stateJournal,
      log: log.child({ component: 'acd' }),
    });
    cleanups.push(
      () => stateJournal.close(),
      () => stateLog.stop(),
    );
    const replayedStates = await stateLog.replay();
    if (replayedStates) log.warn({ changes: replayedStates }, 'agent state changes held by an earlier run written');
    const seeded = await seedUsersIfEmpty(users, { agents: config.demoAgents, realm: config.sip.realm, stateDir: config.stateDir, demo: config.demoData });
    if (seeded.created.length) log.info({ users: seeded.created.length, file: seeded.file }, 'first start: accounts created');
    // the ACD's seats; other SIP accounts (the supervisor's softphone) are provisioned in Asterisk too
    const agents = await users.listAgentsWithSip({ role: 'agent' });
    // before Asterisk: an unknown skill or queue stops the start with a message naming it
    const acdSetup = await loadAcdSetup({
      config,
      db,
      firstStart: seeded.created.length ? { agentIds: seeded.created.filter((c) => c.role === 'agent').map((c) => `u-${c.username}`) } : null,
    });

    const tel = await createTelephonyPlugin({ config, secrets, users, log });
    cleanups.push(() => tel.stop({ keepAsterisk }));
    // a start that fails after adopting an Asterisk must not end the calls it carries
    adoptedAsterisk = tel.asterisk?.adopted ?? false;
    const { telephony, ami, asterisk, prompts, tts, mediaPath } = tel;

    const tokens = new SessionTokens(secrets.sessionKey);
    const guard = createAuthGuard({ tokens, users });
    let drift: DriftCheck | null = null;
    const health = async (): Promise<HealthResponse> => {
      const dbUp = await db.ping();
      const asteriskUp = tel.up();
      const version = await tel.asteriskVersion();
      return {
        // AMI serves diagnostics only: calls keep flowing without it, so it does not degrade the status
        status: dbUp && asteriskUp ? 'ok' : 'degraded',
        asterisk: { up: asteriskUp, ari: telephony.connectionState, ami: ami.up ? 'connected' : 'down', ...(version ? { version } : {}) },
        database: { up: dbUp, kind: db.kind },
        uptimeSeconds: Math.round((Date.now() - t0) / 1000),
        driftCheck: { checks: drift?.checks ?? 0, repairs: drift?.repairs ?? 0 },
        heldWrites: heldWrites.size + stateLog.held,
        heldLinkageSheets: heldSheets.size,
      };
    };
    const app = await buildApp({
      log,
      users,
      tokens,
      guard,
      sip: { wsUrl: config.sip.wsUrl, domain: config.sip.domain, realm: config.sip.realm },
      desktopDir: `${config.projectRoot}/agent-desktop/dist`,
      health,
      trustProxy: config.server.trustProxy,
      // the desktops of a user who logged out are disconnected (io is attached to the app's server just below)
      login: { audit: new AuthEvents(db), onSessionsEnded: (userId) => disconnectUser(io, userId) },
    });
    const io = attachSocket(app.server, tokens, users, log.child({ component: 'socket' }));
    // io.close() also closes the HTTP server; its callback fires whatever the outcome, fastify then closes the rest
    cleanups.push(() => new Promise<void>((r) => void io.close(() => r())).then(() => app.close()));

    // the features, bottom to top; each registers its routes before app.listen
    const firstAgent = seeded.created.find((c) => c.role === 'agent');
    const crmPlugin = await createCrmPlugin({
      config,
      app,
      io,
      db,
      telephony,
      prompts,
      log,
      auth: guard,
      credentialsFile: seeded.file,
      demoAgentId: firstAgent ? `u-${firstAgent.username}` : null,
    });
    cleanups.push(() => crmPlugin.stop());
    const { crm, survey } = crmPlugin;
    const recordings = createRecordingsPlugin({
      config,
      app,
      guard,
      db,
      log: log.child({ component: 'recordings' }),
      ami,
      asterisk: asterisk ? { instanceDir: asterisk.instanceDir, hostInstanceDir: asterisk.hostInstanceDir } : null,
      onFailure: (callId, reason) => io.to(SUPERVISORS_ROOM).emit('alert:recording_failed', { callId, reason, at: new Date().toISOString() }),
    });
    cleanups.push(() => recordings.stop());
    const acd = createAcdPlugin({
      config,
      stateLog: (c) => void stateLog.write(c.userId, c),
      setup: acdSetup,
      app,
      io,
      telephony,
      bus,
      users,
      guard,
      agents,
      recorder: recordings.recorder,
      prompts,
      tts,
      mediaPath,
      log,
    });
    cleanups.push(() => acd.stop());
    const { queue, calls } = acd;
    const speech = createSpeechPlugin({ enabled: config.keywordSpotting, telephony, calls, queue, bus, io, log });
    const ivr = createIvrPlugin({
      config,
      telephony,
      calls,
      bus,
      queue,
      queueIds: acdSetup.queueIds,
      prompts,
      tts,
      mediaPath,
      orders: crm.service,
      onAnswered: (call) => speech.listen(call),
      log,
    });
    const transfer = createTransferPlugin({ config, app, guard, io, db, heldSheets, telephony, calls, queue, log });
    cleanups.push(() => transfer.stop());
    // an order saved before the 转110/120 becomes urgent (15-minute dispatch); orders saved after are urgent at creation
    transfer.transfers.onLinked((callId) => crm.service.markUrgentForLinkage(callId));
    const supervision = createSupervisionPlugin({ app, guard, db, telephony, calls, queue, transfers: transfer.transfers, agents, users, log });
    cleanups.push(() => supervision.stop());
    registerCitizenPhoneRoute(app, {
      enabled: config.citizenPhone !== null,
      wsUrl: config.sip.wsUrl,
      domain: config.sip.domain,
      password: secrets.citizenSipPassword,
      serviceNumber: config.serviceNumber,
    });
    const citizenLimit = new IntakeLimit(config.citizenPhone?.callsPerMinute ?? 0);

    const deliver = (ev: TelephonyEvent) => {
      if (ev.type === 'call_arrived' && ev.via === 'web' && !citizenLimit.admit(Date.now())) {
        // refused before answering (503): a flood from the public page never reaches the IVR or an agent
        log.warn({ channelId: ev.channelId, via: 'web' }, 'citizen page call refused: calls per minute over the limit');
        telephony.hangup(ev.channelId, 'congestion').catch((err: unknown) => log.debug({ err, channelId: ev.channelId }, 'refused call already gone'));
        return;
      }
      // the caller's hang-up ends what follows the whole call: its recording, listening to it
      const callerGone = ev.type === 'channel_gone' ? calls.byAnyChannel(ev.channelId) : undefined;
      if (callerGone?.leg === 'caller') {
        recordings.recorder.callEnded(callerGone.call.callId);
        speech.callEnded(callerGone.call.callId);
      }
      // supervision and transfers first: the legs they dial are theirs, and an agent hanging up mid-consult
      // completes a transfer; the queue's callback and announcement parts before the IVR, which would take a
      // waiting caller's 1 for its progress query
      if (
        !supervision.supervision.handleTelephony(ev) &&
        !transfer.transfers.handleTelephony(ev) &&
        !survey.handleTelephony(ev) &&
        !queue.handleBeforeIvr(ev) &&
        !ivr.handleTelephony(ev)
      ) {
        queue.handleTelephony(ev);
      }
    };
    // the agents' states as the last process left them, given back once their phones' registrations are known
    const lastAgentStates = await users.lastAgentStates(new Date(Date.now() - RESTORE_AGENT_STATES_WITHIN_MS)).catch((err: unknown) => {
      log.warn({ err }, 'agent states of the last run could not be read; agents start offline');
      return [];
    });
    // callbacks promised to citizens and not made yet: pending again once Asterisk is reachable
    const pendingCallbacks = await records.pendingCallbacks(new Date(Date.now() - RESTORE_CALLBACKS_WITHIN_MS)).catch((err: unknown) => {
      log.error({ err }, 'pending callbacks of the last run could not be read');
      return [];
    });
    let firstConnect = true;
    telephony.onEvent((ev) => {
      if (ev.type !== 'connection' || ev.state !== 'connected') return deliver(ev);
      const atStartup = firstConnect;
      firstConnect = false;
      void (async () => {
        try {
          queue.syncDevices(await telephony.listOnlineDevices());
          if (atStartup && lastAgentStates.length) log.info({ agents: queue.restoreAgents(lastAgentStates) }, 'agent states restored');
          if (atStartup && pendingCallbacks.length) log.info({ callbacks: queue.restoreCallbacks(pendingCallbacks) }, 'pending callbacks restored');
          const report = await reconcile(telephony, calls, deliver, log.child({ component: 'reconcile' }), atStartup);
          if (!atStartup) {
            // prompts that ended while ARI was away told nobody: their callers would wait in silence
            const caughtUp = (await ivr.catchUpAfterGap()) + (await queue.catchUpAfterGap());
            if (caughtUp) log.info({ prompts: caughtUp }, 'prompts that ended during the ARI gap caught up');
          }
          // conversations an earlier process connected go on as they were, with their agent, record and recording
          for (const c of report.connected) {
            queue.adoptConnected(c);
            await transfer.transfers.adopt(c.memo.callId); // a transfer in progress goes on with it
            // the agent hung up while no server ran: the call ends now as their hang-up would have ended it
            if (!c.answered.released && !c.legAlive)
              deliver({ type: 'channel_gone', channelId: c.answered.legChannelId, cause: 16, causeText: 'gone while no server ran', at: new Date() });
          }
          // supervisors listening, whispering or barging go on where the call does
          if (atStartup) {
            const sessions = await supervision.supervision.adoptAfterRestart();
            if (sessions) log.info({ sessions }, 'supervision sessions adopted');
          }
          // citizens left waiting by an earlier process take their place in the queue back, in the order they had;
          // those it had not queued yet are taken in again as new calls rather than dropped
          for (const o of inQueueOrder(report.orphanCallers.flatMap((c) => (c.memo ? [{ ...c, memo: c.memo }] : []))))
            await queue.takeBack(o.channelId, o.callerNumber, o.memo, { callbackOffered: o.callbackOffered });
          // callers it had taken in and left in the IVR keep their call: the menu starts over, the record goes on
          for (const o of report.orphanCallers.filter((c) => !c.memo)) {
            const known = o.callId ? await records.getCall(o.callId).catch(() => null) : null;
            deliver({
              type: 'call_arrived',
              channelId: o.channelId,
              callerNumber: o.callerNumber,
              dialed: known?.dialedNumber ?? config.serviceNumber,
              at: known?.arrivedAt ?? new Date(),
              ...(o.callId ? { resume: { callId: o.callId, recorded: known !== null } } : {}),
            });
          }
        } catch (err) {
          log.error({ err }, 'reconciliation after connect failed');
        } finally {
          // offers resume only now: against what Asterisk really has, the restored agents and callers' places
          queue.handleTelephony(ev);
        }
      })();
    });
    // the safety net for ghost calls: what the server believes is compared with Asterisk's channels every 5 s
    drift = startDriftCheck({ telephony, calls, queue, deliver, log: log.child({ component: 'drift-check' }), intervalMs: 5_000 });
    cleanups.push(drift);
    const connected = await telephony.start();
    if (!connected) log.warn({ ari: config.asterisk.ari.url }, 'Asterisk ARI not reachable yet; retrying in the background');

    crmPlugin.start();
    recordings.start();
    transfer.start();
    await app.listen({ host: config.server.host, port: config.server.port });
    const url = config.server.publicUrl;
    const startSeconds = (Date.now() - t0) / 1000;
    log.info({ url, startSeconds, credentials: seeded.file }, 'hotline ready');
    return {
      config,
      log,
      db,
      users,
      records,
      telephony,
      ami,
      asterisk,
      queue,
      calls,
      crm,
      survey,
      ivr,
      url,
      recordings,
      credentialsFile: seeded.file,
      issuedCredentials: [...seeded.created, ...crmPlugin.issuedCredentials],
      timings: { provisionSeconds: tel.provision.seconds, provisionCached: tel.provision.cached, startSeconds },
      stop,
    };
  } catch (err) {
    await stop({ keepAsterisk: adoptedAsterisk });
    throw err;
  }
}
