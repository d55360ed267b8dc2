// Soak with faults: N citizens call 12345 again and again for M minutes, each hanging up at a random instant
// (greeting, queue, ringing, talk), while the server (server/main.ts, a real process as `npm start` runs it) is
// killed with SIGKILL, stopped with SIGTERM and restarted, and the ARI connection is cut (a relay in front of
// ARI drops it) at random moments. Agents are sipp desk phones that never hang up themselves, and every caller
// hangs up by themselves, so a call the hotline ends (or never answers) is a call dropped by us. Prints calls
// offered, answered, dropped by us (must be 0), channels and bridges left in Asterisk, queue drift repairs,
// waiting/ringing left in the figures, and the server's memory at start and end. Not a test: it asserts nothing.
//
//   npx tsx bench/soak.ts [--minutes 5] [--calls 12] [--agents 4] [--fault-every 45] [--seed 14]
//
// Ports: the test ports of this process (testkit/hotline-harness.ts), sipp on 17000-17199 (agents) and
// 17200-17399 (callers), their RTP on 33000+ and 34000+.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import { CREDENTIALS_FILE } from '../platform/auth/demo-users.js';
import { loadConfig } from '../platform/config.js';
import { AsteriskProcess } from '../telephony/asterisk-process.js';
import { logInSocket, setAgentState, type AgentSocket } from '../testkit/acd-seat.js';
import { apiLogin } from '../testkit/api-client.js';
import setup, { ARTIFACTS } from '../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../testkit/hotline-harness.js';
import { ensureTestMedia } from '../testkit/media.js';
import { mulberry32 } from '../testkit/random.js';
import { serverProcess } from '../testkit/server-process.js';
import { startCaller, type SippResult } from '../testkit/sipp.js';
import { startSippAgent, type SippAgent } from '../testkit/sipp-agent.js';
import { startTcpProxy } from '../testkit/tcp-proxy.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '5' },
    calls: { type: 'string', default: '12' },
    agents: { type: 'string', default: '4' },
    'fault-every': { type: 'string', default: '45' },
    seed: { type: 'string', default: '14' },
  },
});
const MINUTES = Number(args.minutes);
const CALLS = Number(args.calls);
const AGENTS = Number(args.agents);
const FAULT_EVERY_MS = Number(args['fault-every']) * 1000;
const random = mulberry32(Number(args.seed));
const between = (lo: number, hi: number) => Math.round(lo + random() * (hi - lo));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const LOGS = path.join(ARTIFACTS, 'soak');
fs.mkdirSync(LOGS, { recursive: true });
await setup();
const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-soak-'));
const env = {
  ...testHotlineEnv(stateDir),
  DEMO_AGENTS: String(AGENTS),
  ACD_WRAP_UP_SECONDS: '0',
  LOG_LEVEL: 'info',
  ARI_URL: `http://127.0.0.1:${TEST_PORTS.ariProxy}`,
};
const config = loadConfig(env);
const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
const proxy = await startTcpProxy(TEST_PORTS.ariProxy, TEST_PORTS.asteriskHttp);
const url = `http://127.0.0.1:${TEST_PORTS.http}`;

const server = serverProcess({ env, url, logDir: LOGS, startTimeoutMs: 120_000 });
const startServer = () => server.start();
const stopServer = (signal: NodeJS.Signals) => server.stop(signal);
const rssMiB = () => {
  const status = fs.readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
};
const health = async () => (await (await fetch(`${url}/healthz`)).json()) as { driftCheck?: { checks: number; repairs: number } };
const channelsLeft = async () => Number(/(\d+) active channel/.exec(await asterisk.cli('core show channels count'))?.[1] ?? NaN);
const bridgesLeft = async () =>
  (await asterisk.cli('bridge show all'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('Bridge-ID')).length;

const counts = { placed: 0, answeredByIvr: 0, hungUpByCaller: 0, droppedByUs: 0, notAnswered: 0, faults: { sigkill: 0, sigterm: 0, ariCut: 0 } };
const drops: { number: string; afterMs: number; at: string; cause: string }[] = [];
let driftRepairs = 0;
let driftChecks = 0;
const addDrift = async () => {
  const h = await health().catch(() => null);
  driftRepairs += h?.driftCheck?.repairs ?? 0;
  driftChecks += h?.driftCheck?.checks ?? 0;
};

await startServer();
const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
const agents = creds.filter((c) => c.role === 'agent').slice(0, AGENTS);
const phones: SippAgent[] = [];
const desks: AgentSocket[] = [];
for (const [i, a] of agents.entries()) {
  const phone = startSippAgent({
    extension: a.extension!,
    password: a.password,
    sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
    localPort: 17000 + 2 * i,
    mediaPort: 33000 + 4 * i,
    pcap: media.tonePcap,
    maxCallMs: 600_000,
    name: `soak-${a.extension}`,
  });
  await phone.registered(20_000);
  phones.push(phone);
  const desk = await logInSocket(url, a);
  await setAgentState(desk, 'available', a.extension!);
  desks.push(desk);
}
await sleep(5_000);
const rssStart = rssMiB();
const t0 = Date.now();
const endAt = t0 + MINUTES * 60_000;
console.log(`soak: ${CALLS} callers, ${AGENTS} agents, ${MINUTES} min, a fault every ~${FAULT_EVERY_MS / 1000} s; server RSS ${rssStart} MiB`);

const caller = async (slot: number) => {
  for (let n = 0; Date.now() < endAt; n++) {
    // long enough to reach an agent often (the greeting takes ~10 s), short enough to leave anywhere before
    const hangupAfterMs = between(800, 45_000);
    const number = `1390${String(slot).padStart(3, '0')}${String(n % 10_000).padStart(4, '0')}`;
    const startedAt = Date.now();
    counts.placed++;
    const p = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: number,
      localPort: 17200 + 2 * slot,
      mediaPort: 34000 + 4 * slot,
      pcap: media.callerPcap,
      hangupAfterMs,
      maxCallMs: hangupAfterMs + 90_000,
      name: `soak-caller-${slot}`,
    });
    const r: SippResult = await p.done;
    if (!r.answered) {
      counts.notAnswered++;
      drops.push({ number, afterMs: Date.now() - startedAt, at: new Date().toISOString(), cause: 'never answered' });
    } else if (r.hangupBy === 'remote') {
      counts.answeredByIvr++;
      counts.droppedByUs++;
      drops.push({ number, afterMs: Date.now() - startedAt, at: new Date().toISOString(), cause: 'hung up by the hotline' });
    } else {
      counts.answeredByIvr++;
      counts.hungUpByCaller++;
    }
    await sleep(between(0, 2_000));
  }
};

const faults = async () => {
  while (Date.now() + FAULT_EVERY_MS / 2 < endAt) {
    await sleep(between(FAULT_EVERY_MS / 2, (FAULT_EVERY_MS * 3) / 2));
    if (Date.now() >= endAt) return;
    const pick = random();
    if (pick < 0.4) {
      await addDrift();
      counts.faults.sigkill++;
      await stopServer('SIGKILL');
      await sleep(between(0, 3_000));
      await startServer();
    } else if (pick < 0.7) {
      await addDrift();
      counts.faults.sigterm++;
      await stopServer('SIGTERM');
      await startServer();
    } else {
      counts.faults.ariCut++;
      await proxy.cut();
      await sleep(between(300, 5_000));
      await proxy.restore();
    }
  }
};

await Promise.all([...Array.from({ length: CALLS }, (_, i) => caller(i)), faults()]);
// every caller has hung up: nothing may be left behind
await sleep(10_000);
const [channels, bridges] = [await channelsLeft(), await bridgesLeft()];
const supervisor = await apiLogin(
  url,
  creds.find((c) => c.role === 'supervisor')!,
);
const figures = (await supervisor.call<{ total: { waiting: number; ringing: number } }>('GET', '/api/acd/figures')).body.total;
await addDrift();
const rssEnd = rssMiB();
let agentsOffered = 0;
let agentsAnswered = 0;
for (const p of phones) {
  const r = await p.stop();
  agentsOffered += r.invites.length;
  agentsAnswered += r.answeredCalls;
}
for (const d of desks) d.close();
await stopServer('SIGINT');
await proxy.close();
await asterisk.stop().catch(() => {});
fs.rmSync(stateDir, { recursive: true, force: true });

const minutes = (Date.now() - t0) / 60_000;
const report = {
  minutes: Number(minutes.toFixed(1)),
  callers: CALLS,
  agents: AGENTS,
  callsPlaced: counts.placed,
  answeredByHotline: counts.answeredByIvr,
  offeredToAgents: agentsOffered,
  answeredByAgents: agentsAnswered,
  hungUpByCaller: counts.hungUpByCaller,
  droppedByUs: counts.droppedByUs + counts.notAnswered,
  faults: counts.faults,
  serverStarts: server.starts,
  channelsLeft: channels,
  bridgesLeft: bridges,
  figuresLeft: { waiting: figures.waiting, ringing: figures.ringing },
  driftChecks,
  driftRepairs,
  serverRssMiB: { start: rssStart, end: rssEnd },
};
console.log(JSON.stringify(report, null, 2));
if (drops.length) console.log('dropped calls:', JSON.stringify(drops.slice(0, 20), null, 2));
