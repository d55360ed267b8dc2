// `npm start` keeps the server up by itself: its supervisor (server/supervise.ts, run as npm start runs it) sees
// the server killed with SIGKILL (a crash) and starts it again; the new start adopts the embedded Asterisk and the
// citizen waiting in the queue keeps their call and place. Ctrl-C (SIGINT) then ends everything, the supervisor
// included, and is not taken for a crash.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { AsteriskProcess } from '../../telephony/asterisk-process.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../../testkit/hotline-harness.js';
import { waitHealthy } from '../../testkit/server-process.js';
import { startCaller } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const LOGS = path.join(ARTIFACTS, 'supervised-start');

describe('npm start restarts a crashed server', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-supervised-'));
  const env = testHotlineEnv(stateDir);
  const config = loadConfig(env);
  const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${TEST_PORTS.http}`;
  const logFile = path.join(LOGS, 'npm-start.log');
  let supervisor: ChildProcess | null = null;

  const serverPid = () => Number(fs.readFileSync(path.join(stateDir, 'hotline.lock'), 'utf8').trim());
  const healthy = () => waitHealthy(url);
  const logged = (text: string) => fs.readFileSync(logFile, 'utf8').split(text).length - 1;

  afterAll(async () => {
    supervisor?.kill('SIGINT');
    await asterisk.stop().catch(() => {});
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('given a citizen waiting, when the server is killed with SIGKILL, then npm start starts it again and the citizen keeps their place; Ctrl-C ends all', async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    const out = fs.openSync(logFile, 'w');
    supervisor = spawn(process.execPath, ['--import', 'tsx', 'server/supervise.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const exited = new Promise<number | null>((r) => supervisor!.once('exit', (code) => r(code)));
    await healthy();
    // nobody is logged in: the citizen waits in the queue
    const caller = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: '13700137009',
      localPort: 15330,
      mediaPort: 18532,
      pcap: null,
      maxCallMs: 120_000,
    });
    let callerEnded = false;
    void caller.done.then(() => (callerEnded = true));
    await waitUntil(async () => (logged('"msg":"call queued"') >= 1 ? true : null), { timeoutMs: 60_000, intervalMs: 250, what: 'the citizen queued' });

    const first = serverPid();
    process.kill(first, 'SIGKILL');
    await waitUntil(async () => (logged('the server died (SIGKILL)') === 1 ? true : null), {
      timeoutMs: 10_000,
      intervalMs: 100,
      what: 'the supervisor to see the crash',
    });
    await healthy();
    expect(serverPid()).not.toBe(first);
    await waitUntil(async () => (logged('"msg":"waiting caller taken back into the queue"') === 1 ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'the citizen taken back by the new start',
    });
    expect(logged('adopting the Asterisk left running by an earlier run')).toBe(1);
    expect(callerEnded, 'the citizen was not hung up').toBe(false);

    supervisor.kill('SIGINT');
    expect(await exited, 'Ctrl-C is a stop, not a crash').toBe(0);
    supervisor = null;
    expect((await caller.done).hangupBy).toBe('remote');
    expect(logged('the server died')).toBe(1);
    await expect(asterisk.cli('core show version')).rejects.toThrow();
  });
});
