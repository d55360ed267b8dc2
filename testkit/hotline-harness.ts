// Starts the real hotline (real Asterisk in the project's root, PGlite or DATABASE_URL) on test ports with its
// own state folder, and gives tests what they need to drive it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import { loadConfig } from '../platform/config.js';
import { createLogger } from '../platform/logger.js';
import { startHotline, type Hotline } from '../server/hotline.js';
import { waitUntil } from './wait.js';

// Ports of this test process's hotline: derived from the pid so two test runs on one machine (a developer's and
// a benchmark, say) do not collide; each run's files still run one after another.
const PORT_BASE = 21_000 + (process.pid % 100) * 20;
export const TEST_PORTS = {
  http: PORT_BASE,
  asteriskHttp: PORT_BASE + 1,
  trunk: PORT_BASE + 2,
  ami: PORT_BASE + 3,
  /** Free for a test's own relay in front of ARI. */
  ariProxy: PORT_BASE + 4,
} as const;

/** The environment of a test hotline on this process's ports (also for tests that run server/main.ts as a process). */
export function testHotlineEnv(stateDir: string): Record<string, string> {
  return {
    HOTLINE_STATE_DIR: stateDir,
    HOTLINE_PORT: String(TEST_PORTS.http),
    ASTERISK_HTTP_PORT: String(TEST_PORTS.asteriskHttp),
    SIP_TRUNK_BIND: `127.0.0.1:${TEST_PORTS.trunk}`,
    AMI_PORT: String(TEST_PORTS.ami),
    RTP_PORTS: '30000-31000',
    DEMO_AGENTS: '3',
    LOG_LEVEL: 'debug',
  };
}

export interface TestHotline {
  hotline: Hotline;
  url: string;
  trunk: string;
  credentials: IssuedCredential[];
  agent(extension: string): IssuedCredential;
  logFile: string;
  /** Fails unless Asterisk has no channel and no bridge left. */
  assertNothingLeftInAsterisk(): Promise<void>;
  /**
   * The server restarts as after an upgrade: this process's hotline stops with Asterisk and its calls kept, and a
   * new one starts on the same state folder and database (`hotline` is the new one afterwards).
   */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestHotline(name: string, env: Record<string, string> = {}): Promise<TestHotline> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `hotline-${name}-`));
  const artifacts = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'tests', '.artifacts', name);
  fs.mkdirSync(artifacts, { recursive: true });
  const logFile = path.join(artifacts, 'hotline.log');
  // end-to-end runs use a fresh embedded database each; the database tier runs against PostgreSQL too
  const config = loadConfig({ ...testHotlineEnv(stateDir), ...env });
  // the server's own logger, masking included (the run's logs are checked for unmasked numbers); epoch times for
  // the tests that compare them
  const log = createLogger('debug', { destination: pino.destination({ dest: logFile, sync: true }), time: 'epoch' });
  let hotline = await startHotline(config, log);
  const credentials = JSON.parse(fs.readFileSync(hotline.credentialsFile, 'utf8')) as IssuedCredential[];
  return {
    get hotline() {
      return hotline;
    },
    url: hotline.url,
    trunk: `${hotline.config.asterisk.trunk.host}:${hotline.config.asterisk.trunk.port}`,
    credentials,
    logFile,
    agent(extension) {
      const c = credentials.find((x) => x.extension === extension);
      if (!c) throw new Error(`no agent ${extension}`);
      return c;
    },
    async assertNothingLeftInAsterisk() {
      await waitUntil(
        async () => {
          const [ch, br] = await Promise.all([hotline.telephony.listChannels(), hotline.telephony.listBridges()]);
          return ch.length === 0 && br.length === 0 ? true : null;
        },
        { timeoutMs: 10_000, intervalMs: 250, what: 'Asterisk to have no channels and no bridges' },
      );
    },
    async restart() {
      await hotline.stop({ keepAsterisk: true });
      hotline = await startHotline(config, log);
    },
    async stop() {
      await hotline.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
