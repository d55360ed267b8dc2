// The server restarts while citizens wait: `npm start`'s server (server/main.ts, a real child process on embedded
// defaults) is killed with SIGKILL while three SIP callers wait in the queue, then stopped with SIGTERM; the
// embedded Asterisk keeps running (its own session), every new start adopts it and gives each waiting caller
// their place back (same call, same order, the wait counted from the first queueing, no greeting again), and no
// caller is hung up. Agent 1001 (a sipp desk phone and a desktop socket) is on 小休 throughout: each new start
// gives the break back (the desktop, reconnected, is told so) and nobody rings them; back on 就绪 they get the
// caller who first queued before both restarts. Ctrl-C's SIGINT (and npm stop) end everything.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { AsteriskProcess } from '../../telephony/asterisk-process.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../../testkit/hotline-harness.js';
import { CREDENTIALS_FILE, type IssuedCredential } from '../../platform/auth/demo-users.js';
import { logInSocket, recordStates, setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import { startCaller, type SippProcess } from '../../testkit/sipp.js';
import { startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { waitUntil } from '../../testkit/wait.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const LOGS = path.join(ARTIFACTS, 'restart');
const CALLERS = ['13700137001', '13700137002', '13700137003'];

describe('the server restarts while citizens wait', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-restart-'));
  const env = testHotlineEnv(stateDir);
  const config = loadConfig(env);
  const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${TEST_PORTS.http}`;
  let server: ChildProcess | null = null;
  let starts = 0;
  let logFile = '';
  const callers: SippProcess[] = [];
  const ended = new Set<number>();
  /** Agent 1001 on a sipp desk phone, on 小休 while the callers wait: the restarts must keep them there. */
  let phone: SippAgent | null = null;
  let desk: AgentSocket | null = null;
  let deskStates: ReturnType<typeof recordStates> = [];

  const channelCount = async () => {
    const out = await asterisk.cli('core show channels count');
    return Number(/(\d+) active channel/.exec(out)?.[1] ?? NaN);
  };
  const entries = (msg: string, file = logFile) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"msg":"${msg}"`))
      .map((l) => JSON.parse(l) as { callId?: string; waitedMs?: number; time: string })
      .map((e) => ({ ...e, at: Date.parse(e.time) }));
  const logged = (msg: string) => entries(msg).length;
  /** The new start gave agent 1001 their break back: in its log, and pushed to the reconnected desktop. */
  const expectStillOnBreak = async () => {
    expect(entries('agent state restored after a restart').map((e) => (e as { agentId?: string; state?: string }).state)).toEqual(['break']);
    const pushesBefore = deskStates.length;
    await waitUntil(async () => (desk!.connected && deskStates.length > pushesBefore ? true : null), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'the desktop to reconnect and be told its state',
    });
    expect(deskStates.at(-1)).toMatchObject({ state: 'break', reason: 'rest' });
    expect(phone!.invites(), 'an agent on break is not rung').toEqual([]);
  };
  const TAKEN_BACK = 'waiting caller taken back into the queue';
  /** The callers' place in the queue as the first start queued them: call ids in order, and when. */
  let firstQueued: { callId?: string; at: number }[] = [];
  let firstCallerNumber = (): string => '';
  /** Waits until the new start has taken every caller back, and checks each kept their call, place and wait. */
  const expectPlacesKept = async (what: string) => {
    const t0 = Date.now();
    await waitUntil(async () => (logged(TAKEN_BACK) >= CALLERS.length ? true : null), { timeoutMs: 30_000, intervalMs: 100, what });
    const back = entries(TAKEN_BACK);
    expect(
      back.map((b) => b.callId),
      'the same calls, in the order they first queued',
    ).toEqual(firstQueued.map((q) => q.callId));
    back.forEach((b, i) => expect(b.waitedMs!, 'the wait goes on from the first queueing').toBeGreaterThanOrEqual(b.at - firstQueued[i]!.at - 50));
    expect(logged('call arrived'), 'nobody is taken in as a new call (no greeting again)').toBe(0);
    return Date.now() - t0;
  };

  /** Starts server/main.ts as npm start does and waits until /healthz says ok. */
  const startServer = async () => {
    starts++;
    logFile = path.join(LOGS, `server-${starts}.log`);
    const out = fs.openSync(logFile, 'w');
    server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] });
    fs.closeSync(out);
    await waitUntil(
      async () => {
        const res = await fetch(`${url}/healthz`).catch(() => null);
        return res?.ok ? ((await res.json()) as { status: string }).status === 'ok' || null : null;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: `server start ${starts} to be healthy` },
    );
  };
  const stopServer = async (signal: NodeJS.Signals) => {
    const s = server!;
    const exited = new Promise<void>((r) => (s.exitCode !== null || s.signalCode !== null ? r() : s.once('exit', () => r())));
    s.kill(signal);
    await exited;
    server = null;
  };

  beforeAll(async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    await startServer();
  });

  afterAll(async () => {
    desk?.close();
    await phone?.stop();
    for (const c of callers) c.kill();
    if (server) await stopServer('SIGINT');
    await asterisk.stop().catch(() => {});
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('given three callers waiting and an agent on break, when the server is killed (SIGKILL) and started again, then they keep waiting, the agent stays on break and the new start adopts Asterisk', async () => {
    const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
    const agent = creds.find((c) => c.extension === '1001')!;
    phone = startSippAgent({
      extension: '1001',
      password: agent.password,
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      localPort: 15320,
      mediaPort: 18520,
      pcap: null,
      talkMs: 1_000,
      name: 'restart-1001',
    });
    await phone.registered(15_000);
    desk = await logInSocket(url, agent);
    deskStates = recordStates(desk);
    await setAgentState(desk, 'break', '1001');
    // the agent is on break: the callers hear the greeting, then wait in the queue
    CALLERS.forEach((number, i) => {
      const caller = startCaller({
        sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
        dialed: '12345',
        callerNumber: number,
        localPort: 15310 + 2 * i,
        mediaPort: 18500 + 4 * i,
        pcap: null,
        hangupAfterMs: 150_000,
        maxCallMs: 160_000,
      });
      callers.push(caller);
      void caller.done.then(() => ended.add(i));
    });
    await waitUntil(async () => (logged('call queued') >= CALLERS.length ? true : null), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the three callers to be queued',
    });
    const channels = await channelCount();
    expect(channels).toBe(CALLERS.length);
    firstQueued = entries('call queued');
    firstCallerNumber = () => {
      const arrived = entries('call arrived', path.join(LOGS, 'server-1.log')) as { callId?: string; callerNumber?: string }[];
      return arrived.find((a) => a.callId === firstQueued[0]!.callId)!.callerNumber!;
    };

    await stopServer('SIGKILL');
    expect(await channelCount(), 'Asterisk keeps the calls while no server runs').toBe(CALLERS.length);
    const t0 = Date.now();
    await startServer();
    expect(logged('adopting the Asterisk left running by an earlier run (its calls go on)')).toBe(1);
    expect(logged('stopping an orphaned Asterisk left by an earlier run')).toBe(0);
    const healthyMs = Date.now() - t0;
    const takenBackMs = await expectPlacesKept('the three callers to be taken back by the new start');
    console.info(JSON.stringify({ sigkill: { healthyMs, takenBackAfterHealthyMs: takenBackMs, channels: await channelCount() } }));
    expect(await channelCount()).toBe(CALLERS.length);
    expect([...ended], 'no caller was hung up').toEqual([]);
    await expectStillOnBreak();
  });

  it('given the callers still waiting, when the server is stopped with SIGTERM and started again, then they keep waiting; Ctrl-C (SIGINT) then ends everything', async () => {
    await stopServer('SIGTERM');
    expect(await channelCount(), 'SIGTERM stops the server only').toBe(CALLERS.length);
    await startServer();
    expect(logged('adopting the Asterisk left running by an earlier run (its calls go on)')).toBe(1);
    await expectPlacesKept('the three callers to be taken back after SIGTERM');
    expect([...ended], 'no caller was hung up').toEqual([]);
    await expectStillOnBreak();

    // back from break: the caller who has waited longest since before both restarts is the one the agent gets
    await setAgentState(desk!, 'available', '1001');
    await waitUntil(async () => (phone!.invites().length > 0 ? true : null), { timeoutMs: 20_000, intervalMs: 100, what: 'the agent to be rung' });
    expect(phone!.invites()[0]!.fromUser).toBe(firstCallerNumber());

    // the explicit stop: every call ends and Asterisk is gone
    await stopServer('SIGINT');
    const results = await Promise.all(callers.map((c) => c.done));
    for (const r of results) {
      expect(r.answered).toBe(true);
      expect(r.hangupBy).toBe('remote');
    }
    await expect(asterisk.cli('core show version')).rejects.toThrow();
  });
});
