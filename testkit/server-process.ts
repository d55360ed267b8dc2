// The hotline server as `npm start` runs it (server/main.ts in its own process), for tests and benchmarks that
// kill it (SIGKILL), stop it (SIGTERM) and start it again on the same state folder. Each start logs to its own
// file (server-1.log, server-2.log, …).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { waitUntil } from './wait.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Polls /healthz until it says ok. */
export function waitHealthy(url: string, timeoutMs = 90_000, what = 'the server to be healthy'): Promise<true> {
  return waitUntil(
    async () => {
      const res = await fetch(`${url}/healthz`).catch(() => null);
      return res?.ok ? ((await res.json()) as { status: string }).status === 'ok' || null : null;
    },
    { timeoutMs, intervalMs: 250, what },
  );
}

export interface ServerProcess {
  /** Starts server/main.ts and waits until /healthz says ok. */
  start(): Promise<void>;
  /** Sends the signal and waits for the process to exit. */
  stop(signal: NodeJS.Signals): Promise<void>;
  readonly running: boolean;
  readonly pid: number | undefined;
  /** How many times it was started. */
  readonly starts: number;
  /** The log of the latest start. */
  readonly logFile: string;
}

export function serverProcess(o: { env: Record<string, string>; url: string; logDir: string; startTimeoutMs?: number }): ServerProcess {
  let child: ChildProcess | null = null;
  let starts = 0;
  let logFile = '';
  return {
    async start() {
      starts++;
      logFile = path.join(o.logDir, `server-${starts}.log`);
      const out = fs.openSync(logFile, 'w');
      child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ['ignore', out, out] });
      fs.closeSync(out);
      await waitHealthy(o.url, o.startTimeoutMs ?? 90_000, `server start ${starts} to be healthy`);
    },
    async stop(signal) {
      const s = child!;
      const exited = new Promise<void>((r) => (s.exitCode !== null || s.signalCode !== null ? r() : s.once('exit', () => r())));
      s.kill(signal);
      await exited;
      child = null;
    },
    get running() {
      return child !== null;
    },
    get pid() {
      return child?.pid;
    },
    get starts() {
      return starts;
    },
    get logFile() {
      return logFile;
    },
  };
}
