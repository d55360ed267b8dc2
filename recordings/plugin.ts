// The recordings plugin: storage (folder or S3), the stereo recorder the ACD calls on connect, the recording API
// and the retention job. server/hotline.ts:
//   const recordings = createRecordingsPlugin({ … });   // before the QueueService (it takes recordings.recorder)
//   deliver(): on the caller's channel_gone → recordings.recorder.callEnded(callId)
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../platform/config.js';
import type { Database } from '../platform/db/database.js';
import type { AuthGuard } from '../platform/http/auth-guard.js';
import { CallRecorder, type MixMonitorControl } from './capture.js';
import { RecordingRepository } from './repository.js';
import { RecordingRetention } from './retention.js';
import { registerRecordingRoutes } from './routes.js';
import { S3RecordingStorage } from './s3-storage.js';
import { FsRecordingStorage, type RecordingStorage } from './storage.js';

export interface RecordingsPluginDeps {
  config: Config;
  app: FastifyInstance;
  guard: AuthGuard;
  db: Database;
  log: Logger;
  ami: MixMonitorControl;
  /** The embedded Asterisk's instance folder as Asterisk sees it and as the host does; null for an external one. */
  asterisk: { instanceDir: string; hostInstanceDir: string } | null;
  onFailure?: (callId: string, reason: string) => void;
}

export interface RecordingsPlugin {
  recorder: CallRecorder;
  repo: RecordingRepository;
  storage: RecordingStorage;
  retention: RecordingRetention;
  start(): void;
  stop(): Promise<void>;
}

export function createRecordingsPlugin(d: RecordingsPluginDeps): RecordingsPlugin {
  const c = d.config.recordings;
  const storage: RecordingStorage = c.storage === 's3' && c.s3 ? new S3RecordingStorage(c.s3) : new FsRecordingStorage(c.dir);
  const repo = new RecordingRepository(d.db);
  // an external Asterisk must see the parts folder at the same path (a shared mount), like the TTS folder
  const partsDir = d.asterisk
    ? { asterisk: `${d.asterisk.instanceDir}/spool/recording-parts`, host: path.join(d.asterisk.hostInstanceDir, 'spool', 'recording-parts') }
    : { asterisk: path.join(d.config.stateDir, 'recording-parts'), host: path.join(d.config.stateDir, 'recording-parts') };
  const a = d.asterisk;
  const recorder = new CallRecorder({
    ami: d.ami,
    storage,
    repo,
    log: d.log,
    partsDir,
    bridgeRecordingFile: a ? (callId) => path.join(a.hostInstanceDir, 'spool', 'recording', `call-${callId}.wav`) : () => null,
    ...(d.onFailure ? { onFailure: d.onFailure } : {}),
  });
  registerRecordingRoutes(d.app, { guard: d.guard, repo, storage, policy: { handlersMayListen: c.handlersMayListen } });
  const retention = new RecordingRetention({ repo, storage, log: d.log, retentionDays: c.retentionDays });
  d.log.info({ storage: storage.kind, dir: c.storage === 'fs' ? c.dir : undefined, retentionDays: c.retentionDays }, 'call recordings');
  return {
    recorder,
    repo,
    storage,
    retention,
    start: () => retention.start(),
    async stop() {
      await retention.stop();
      await recorder.drain();
    },
  };
}
