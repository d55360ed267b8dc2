// The two systems under test on one Asterisk: the hotline (our ARI ACD), its agents, and app_queue beside it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import type { IssuedCredential } from '../../platform/auth/demo-users.js';
import { loadConfig } from '../../platform/config.js';
import { createLogger } from '../../platform/logger.js';
import { startHotline, type Hotline } from '../../server/hotline.js';
import { fillTemplate } from '../../telephony/asterisk-config.js';
import type { SippAgent } from '../../testkit/sipp-agent.js';
import { WRAP_UP_S, RING_TIMEOUT_S, BENCH_NUMBER, SERVICE_NUMBER, PORTS, TRUNK, OUT, CONF_DIR, type System } from './settings.js';

export async function startBenchHotline(maxAgents: number): Promise<{ h: Hotline; credentials: IssuedCredential[]; stateDir: string }> {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-bench-queue-'));
  const config = loadConfig({
    HOTLINE_STATE_DIR: stateDir,
    HOTLINE_PORT: String(PORTS.http),
    ASTERISK_HTTP_PORT: String(PORTS.asteriskHttp),
    SIP_TRUNK_BIND: TRUNK,
    AMI_PORT: String(PORTS.ami),
    RTP_PORTS: PORTS.rtp,
    SERVICE_NUMBER,
    DEMO_AGENTS: String(maxAgents),
    ACD_WRAP_UP_SECONDS: String(WRAP_UP_S),
    ACD_RING_TIMEOUT_SECONDS: String(RING_TIMEOUT_S),
    HOTLINE_RECORD_CALLS: 'false',
    LOG_LEVEL: 'info',
  });
  // production-like logging (info, asynchronous): the test harness logs at debug level synchronously, which
  // would bill the hotline for test logging
  const log = createLogger('info', { destination: pino.destination({ dest: path.join(OUT, 'hotline.log'), sync: false, mkdir: true }) });
  const h = await startHotline(config, log);
  const credentials = JSON.parse(fs.readFileSync(h.credentialsFile, 'utf8')) as IssuedCredential[];
  return { h, credentials, stateDir };
}

/** Writes the bench's app_queue queue and 12399 route into the running instance and loads them. */
export async function installAppQueue(h: Hotline): Promise<void> {
  const a = h.asterisk!;
  const greeting = path.join(a.instanceDir, 'sounds', 'greeting'); // as Asterisk sees it, inside its root
  const render = (name: string, values: Record<string, string | number>) =>
    fs.writeFileSync(path.join(a.etcDir, name), fillTemplate(fs.readFileSync(path.join(CONF_DIR, name), 'utf8'), values, `bench/${name}`), { mode: 0o600 });
  render('queues.conf', { RING_TIMEOUT: RING_TIMEOUT_S, WRAP_UP: WRAP_UP_S });
  render('extensions_bench.conf', { BENCH_NUMBER, GREETING: greeting });
  const ext = path.join(a.etcDir, 'extensions.conf');
  if (!fs.readFileSync(ext, 'utf8').includes('#include extensions_bench.conf')) {
    fs.appendFileSync(ext, '\n; added by bench/acd-vs-app-queue.ts for this test instance only\n#include extensions_bench.conf\n');
  }
  // without a queues.conf app_queue declines at start-up ("Not Running"); it loads once the file is there
  const status = /^app_queue\.so\s.*$/m.exec(await a.cli('module show like app_queue'))?.[0] ?? '';
  const running = /\sRunning\s/.test(status) && !/Not Running/.test(status);
  const loaded = await a.cli(running ? 'module reload app_queue.so' : 'module load app_queue.so').catch((e: Error) => e.message);
  await a.cli('dialplan reload');
  const queue = await a.cli('queue show bench');
  if (!/bench has 0 calls/.test(queue)) throw new Error(`app_queue did not load the bench queue (${loaded.trim()}):\n${queue}`);
  const plan = await a.cli(`dialplan show ${BENCH_NUMBER}@from-trunk`);
  if (!/Queue\(bench\)/.test(plan)) throw new Error(`dialplan reload did not add ${BENCH_NUMBER}:\n${plan}`);
}

export interface Seat {
  cred: IssuedCredential;
  phone: SippAgent;
  socket: AgentSocket;
  acdState: 'available' | 'offline';
  member: boolean;
}

/** Sets the agent's state in our ACD (retried while the ACD has not yet seen the desk phone register). */
export async function setAcdState(seat: Seat, state: 'available' | 'offline'): Promise<void> {
  await setAgentState(seat.socket, state, `agent ${seat.cred.extension}`);
  seat.acdState = state;
}

/** Exactly the first k seats take calls in the given system; the others are offline / not members. */
export async function useAgents(h: Hotline, seats: Seat[], system: System, k: number): Promise<void> {
  for (const [i, seat] of seats.entries()) {
    const wantAcd = system === 'ours' && i < k ? 'available' : 'offline';
    if (seat.acdState !== wantAcd) await setAcdState(seat, wantAcd);
    const wantMember = system === 'app_queue' && i < k;
    if (seat.member !== wantMember) {
      const iface = `PJSIP/${seat.cred.extension}-desk`;
      const out = await h.asterisk!.cli(wantMember ? `queue add member ${iface} to bench` : `queue remove member ${iface} from bench`);
      if (!/Added interface|Removed interface/.test(out)) throw new Error(`queue member ${iface}: ${out.trim()}`);
      seat.member = wantMember;
    }
  }
}

/** Waits until Asterisk has no channel left (the previous run drained) and agents are out of wrap-up. */
export async function drain(h: Hotline): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const out = await h.asterisk!.cli('core show channels count');
    if (/^0 active channels/m.test(out)) break;
    await sleep(250);
  }
  await sleep(WRAP_UP_S * 1000 + 500);
}
