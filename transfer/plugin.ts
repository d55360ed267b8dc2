// The transfer plugin: warm / blind transfers, 110/120 linkage sheets and their routes (server/hotline.ts
// creates it once; start() runs the linkage delivery, stop() ends it).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { WriteJournal } from '../platform/db/write-journal.js';
import type { AuthGuard } from '../platform/http/auth-guard.js';
import { userRoom, type HotlineIo } from '../platform/realtime/io.js';
import type { CallControl } from '../telephony/call-control.js';
import { loadTransferDirectory } from './directory.js';
import { LinkageService } from './linkage.js';
import { LinkageWriter } from './linkage-writer.js';
import { registerTransferRoutes } from './routes.js';
import { TransferService } from './service.js';

export interface TransferPluginDeps {
  config: Config;
  app: FastifyInstance;
  guard: AuthGuard;
  io: HotlineIo;
  db: Database;
  /** Keeps linkage sheets the database could not take (held-linkage-sheets.jsonl in the state folder). */
  heldSheets?: WriteJournal;
  telephony: CallControl;
  calls: LiveCalls;
  queue: QueueService;
  log: Logger;
}

export interface TransferPlugin {
  transfers: TransferService;
  linkage: LinkageService;
  /** Sheets held on disk now, waiting for the database. */
  heldSheets(): number;
  start(): void;
  stop(): Promise<void>;
}

export function createTransferPlugin(d: TransferPluginDeps): TransferPlugin {
  const directory = loadTransferDirectory(d.config.transfer.directoryFile);
  const linkage = new LinkageService({
    db: d.db,
    log: d.log.child({ component: 'linkage' }),
    centre: (number) => directory.centres.find((c) => c.number === number),
    baseDelayMs: d.config.transfer.linkageRetryBaseMs,
  });
  const writer = new LinkageWriter({ linkage, journal: d.heldSheets, log: d.log.child({ component: 'linkage' }) });
  const transfers = new TransferService({
    telephony: d.telephony,
    calls: d.calls,
    releaseAgent: (callId, opts) => d.queue.releaseAgent(callId, opts),
    directory,
    linkage: writer,
    notify: (agentId, view) => d.io.to(userRoom(agentId)).emit('transfer:state', view),
    publicUrl: d.config.server.publicUrl,
    log: d.log.child({ component: 'transfer' }),
  });
  registerTransferRoutes(d.app, { guard: d.guard, transfers, directory, linkage });
  // a desktop that reconnects (a lost socket, a server restart) gets the transfer of its call at once
  d.io.on('connection', (socket) => {
    if (socket.data.role !== 'agent') return;
    const callId = d.queue.connectedCallOf(socket.data.userId);
    const view = callId ? transfers.view(callId) : null;
    if (view) socket.emit('transfer:state', view);
  });
  return {
    transfers,
    linkage,
    heldSheets: () => writer.held,
    start: () => {
      // after the followers are registered (server/hotline.ts): a replayed sheet makes its call's order urgent too
      const replayed = writer.replayHeld((record) => transfers.tellLinked(record.callId));
      if (replayed > 0) d.log.warn({ sheets: replayed }, 'linkage sheets held by an earlier run are written now');
      linkage.start();
    },
    stop: () => {
      writer.stop();
      return linkage.stop();
    },
  };
}
