// Wiring of the ACD into the hotline (server/hotline.ts calls these once). loadAcdSetup() runs at the start, before
// Asterisk: a configuration naming an unknown skill or queue stops the start right away, with a message naming it.
// createAcdPlugin() then builds the queue service, its desktop socket handlers and routes, and the figures push.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AgentSipAccount, UserRepository } from '../platform/auth/user-repository.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { AuthGuard } from '../platform/http/auth-guard.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import { unknownMergedQueues } from '../platform/merged-hotlines.js';
import type { HotlineIo } from '../platform/realtime/io.js';
import type { CallControl } from '../telephony/call-control.js';
import type { PromptSet } from '../telephony/prompts.js';
import type { TextToSpeech } from '../telephony/tts.js';
import { AgentProfileRepository } from './agent-profiles.js';
import { parsePriorityCallers, type PriorityCallers } from './caller-priority.js';
import { validateAcdConfig, type AcdConfig, type AgentProfile } from './config.js';
import { loadAcdConfig, seedDemoSkills } from './hotline-queues.js';
import { LiveCalls } from './live-calls.js';
import type { AgentDirectory } from './notifier.js';
import type { PriorityTag } from './routing.js';
import { registerAcdRoutes } from './routes.js';
import { QueueService, type QueueServiceDeps } from './service.js';
import { pushFigures, socketNotifier, wireAgentSockets } from './socket-handlers.js';

export interface AcdSetup {
  settings: AcdConfig;
  /** Skills, groups, site and queues of each agent (from the database). */
  profiles: AgentProfile[];
  priorityCallers: PriorityCallers;
  queueIds: ReadonlySet<string>;
}

/** Reads and checks the queues, the agents' profiles and the priority callers; throws on an unknown name. */
export async function loadAcdSetup(d: {
  config: Config;
  db: Database;
  /** On the first start: the demo agents just created, who get a mix of skills. */
  firstStart: { agentIds: string[] } | null;
}): Promise<AcdSetup> {
  const { config } = d;
  const profileRepo = new AgentProfileRepository(d.db);
  if (d.firstStart) await seedDemoSkills(profileRepo, d.firstStart.agentIds);
  const profiles = await profileRepo.all();
  const settings = loadAcdConfig({ ringTimeoutMs: config.acd.ringTimeoutSeconds * 1000, wrapUpMs: config.acd.wrapUpSeconds * 1000 }, config.acd.configFile);
  validateAcdConfig({ ...settings, agents: profiles });
  const queueIds = new Set((settings.queues ?? []).map((q) => q.id));
  const unknownMerged = unknownMergedQueues(config.acd.mergedNumbers, queueIds);
  if (unknownMerged.length) throw new Error(`HOTLINE_MERGED_NUMBERS names queues the ACD configuration does not have: ${unknownMerged.join(', ')}`);
  const priorityCallers = config.acd.priorityCallersFile
    ? parsePriorityCallers(JSON.parse(fs.readFileSync(config.acd.priorityCallersFile, 'utf8')))
    : new Map<string, PriorityTag>();
  return { settings, profiles, priorityCallers, queueIds };
}

export interface AcdPlugin {
  queue: QueueService;
  /** Calls in progress, shared with the IVR, transfers, supervision and speech. */
  calls: LiveCalls;
  stop(): void;
}

export function createAcdPlugin(d: {
  config: Config;
  setup: AcdSetup;
  app: FastifyInstance;
  io: HotlineIo;
  telephony: CallControl;
  bus: CallEventBus;
  users: UserRepository;
  /** Agents' state changes, written in order and kept through a database outage. */
  stateLog?: QueueServiceDeps['stateLog'];
  guard: AuthGuard;
  /** The seats: agents with a SIP account. */
  agents: readonly AgentSipAccount[];
  recorder: NonNullable<QueueServiceDeps['recorder']>;
  prompts: PromptSet;
  tts: TextToSpeech;
  mediaPath: (file: string) => string;
  log: Logger;
}): AcdPlugin {
  const { config, setup } = d;
  const calls = new LiveCalls();
  const queue = new QueueService({
    telephony: d.telephony,
    priorityCallers: setup.priorityCallers,
    calls,
    bus: d.bus,
    users: d.users,
    ...(d.stateLog ? { stateLog: d.stateLog } : {}),
    notifier: socketNotifier(d.io),
    directory: agentDirectory(d.agents),
    settings: setup.settings,
    profiles: setup.profiles,
    recordCalls: config.recordCalls,
    ...(config.recordCalls ? { recorder: d.recorder } : {}),
    callbacks: { prompts: d.prompts, serviceNumber: config.serviceNumber },
    ...(config.acd.announce ? { announcements: { ...config.acd.announce, tts: d.tts, mediaPath: d.mediaPath } } : {}),
    log: d.log.child({ component: 'acd' }),
  });
  wireAgentSockets(d.io, queue, d.log.child({ component: 'socket' }));
  registerAcdRoutes(d.app, { queue, guard: d.guard });
  const stopFigures = pushFigures(d.io, queue);
  return {
    queue,
    calls,
    stop: () => {
      stopFigures();
      queue.stop();
    },
  };
}

/** Maps SIP devices ("1001", "1001-desk") to agents and back. */
export function agentDirectory(agents: readonly AgentSipAccount[]): AgentDirectory {
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
