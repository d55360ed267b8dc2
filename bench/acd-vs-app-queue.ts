// The hotline's ACD (ARI/Stasis + acd/ in Node) against Asterisk's own app_queue, side by side on the SAME Asterisk,
// the same SIP desk phones (sipp agents) and the same sipp load, one system after the other in one process:
//   A  ours:      trunk → 12345 → Stasis → IVR greeting → ACD queue (MOH) → agent's desk phone
//   B  app_queue: trunk → 12399 → Answer → Playback(the same greeting) → Queue(bench) (MOH) → the same desk phones
// Both play the hotline's greeting, ring a member for at most ACD_RING_TIMEOUT_SECONDS, keep the same wrap-up, pick
// the longest-idle agent (leastrecent) and do NOT record (HOTLINE_RECORD_CALLS=false; app_queue has no monitor).
//
// Printed, per system:
//   - a fixed-rate run (BENCH_RATE calls/s, BENCH_CALLS calls, BENCH_AGENTS agents): routed and failed calls,
//     call-to-agent-ring latency p50/p95 (caller's INVITE sent → agent's INVITE received, both from sipp's message
//     traces) raw and minus the greeting's length, CPU seconds per routed call (Asterisk's process from
//     /proc/<pid>/stat utime+stime; for A also this Node process, where the hotline runs, from process.cpuUsage());
//   - concurrency steps (BENCH_STEPS, e.g. 10,20,40,80 concurrent calls with as many agents): each step holds that
//     many calls (sipp -l) for about BENCH_STEP_SECONDS; stepping stops at the first step with a failed call, or
//     when the time budget (BENCH_BUDGET_SECONDS, whole bench) would be exceeded;
//   - last lines: the ratios ours / app_queue.
// A failed call: not answered, rejected, not ended by the agent's hang-up within greeting + 30 s + talk time, or
// never rung at an agent that answered it.
//
// The app_queue configuration lives in asterisk-conf/bench/ and is written into the running test instance only
// (its etc folder, `module reload app_queue.so`, `dialplan reload`): no hotline configuration changes.
//
// Run: npx tsx bench/acd-vs-app-queue.ts        (≈ 8–10 min; 127.0.0.1 only; every sipp stops by itself)
// Settings (environment): BENCH_AGENTS=20 BENCH_RATE=2 BENCH_CALLS=60 BENCH_TALK_MS=4000 BENCH_RING_MS=300
//   BENCH_WRAP_UP_SECONDS=1 BENCH_STEPS=10,20,40,80 BENCH_STEP_SECONDS=30 BENCH_BUDGET_SECONDS=600
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { logInSocket, setAgentState, type AgentSocket } from '../testkit/acd-seat.js';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import { loadConfig } from '../platform/config.js';
import { startHotline, type Hotline } from '../server/hotline.js';
import { fillTemplate } from '../telephony/asterisk-config.js';
import setup, { ARTIFACTS } from '../testkit/global-setup.js';
import { ensureTestMedia } from '../testkit/media.js';
import { errorProblems, renderScenario, runSipp, xmlAttr } from '../testkit/sipp.js';
import { parseAgentInvites, parseTrace, startSippAgent, type SippAgent } from '../testkit/sipp-agent.js';

// ---------------------------------------------------------------------------------------------------------------
// settings

function num(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  const v = raw === undefined ? def : Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${name} must be a number in ${min}..${max}, got ${raw}`);
  return v;
}
const AGENTS = Math.round(num('BENCH_AGENTS', 20, 1, 150));
const RATE = num('BENCH_RATE', 2, 0.1, 20);
const CALLS = Math.round(num('BENCH_CALLS', 60, 1, 2000));
const TALK_MS = Math.round(num('BENCH_TALK_MS', 4000, 100, 120_000));
const RING_MS = Math.round(num('BENCH_RING_MS', 300, 0, 10_000));
const WRAP_UP_S = Math.round(num('BENCH_WRAP_UP_SECONDS', 1, 0, 60));
const STEPS = (process.env.BENCH_STEPS ?? '10,20,40,80').split(',').filter(Boolean).map((s) => {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1 || n > 150) throw new Error(`BENCH_STEPS: ${s} is not a concurrency in 1..150`);
  return n;
});
const STEP_SECONDS = num('BENCH_STEP_SECONDS', 30, 5, 600);
const BUDGET_S = num('BENCH_BUDGET_SECONDS', 600, 60, 7200);
const RING_TIMEOUT_S = 15;
const BENCH_NUMBER = '12399';
const SERVICE_NUMBER = '12345';

// ports of their own, so that the bench can run while the end-to-end tests use theirs (18080, 15060 …)
const PORTS = {
  http: 28080, asteriskHttp: 28088, trunk: 25060, ami: 25038, rtp: '32000-34000',
  caller: 25070, callerMedia: 25100, agentSip: 25200, agentMedia: 40000,
} as const;
const TRUNK = `127.0.0.1:${PORTS.trunk}`;
const OUT = path.join(ARTIFACTS, 'bench-acd-vs-app-queue');
const CONF_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', 'asterisk-conf', 'bench');

type System = 'ours' | 'app_queue';
const LABEL: Record<System, string> = { ours: 'ours (ARI ACD)', app_queue: 'app_queue' };

// ---------------------------------------------------------------------------------------------------------------
// small helpers

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v).toLocaleString('en-US')} ms` : '—');
const fixed = (v: number, d = 3) => (Number.isFinite(v) ? v.toFixed(d) : '—');
const ratio = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}×` : '—');

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** utime + stime of a process (all its threads), in seconds. */
function procCpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from #3 (state) on
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // #14 utime, #15 stime
}
/** Busy and total CPU time of the whole machine (all CPUs), in seconds: how loaded the box was meanwhile. */
function boxCpu(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK };
}
const nodeCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** Asterisk's own pid: the harness starts it through unshare/sh/chroot, which exec into it. */
function asteriskPid(h: Hotline): number {
  const pid = h.asterisk?.pid;
  if (pid === undefined) throw new Error('the hotline has no embedded Asterisk running');
  const comm = (p: number) => fs.readFileSync(`/proc/${p}/comm`, 'utf8').trim();
  if (comm(pid) === 'asterisk') return pid;
  // not exec'ed (yet): look for an asterisk descendant
  const kids = (p: number) =>
    fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).filter((c) => {
      try {
        const s = fs.readFileSync(`/proc/${c}/stat`, 'utf8');
        return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[1]) === p;
      } catch {
        return false;
      }
    });
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift()!;
    for (const c of kids(p)) {
      if (comm(c) === 'asterisk') return c;
      queue.push(c);
    }
  }
  throw new Error(`no asterisk process under pid ${pid}`);
}

/** Length of a PCM WAV file in seconds. */
function wavSeconds(file: string): number {
  const b = fs.readFileSync(file);
  let byteRate = 0;
  for (let off = 12; off + 8 <= b.length; ) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'fmt ') byteRate = b.readUInt32LE(off + 16);
    if (id === 'data') return byteRate ? size / byteRate : NaN;
    off += 8 + size + (size % 2);
  }
  return NaN;
}

// ---------------------------------------------------------------------------------------------------------------
// the hotline, its agents, app_queue

async function startBenchHotline(maxAgents: number): Promise<{ h: Hotline; credentials: IssuedCredential[]; stateDir: string }> {
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
  const log = pino({ level: 'info' }, pino.destination({ dest: path.join(OUT, 'hotline.log'), sync: false, mkdir: true }));
  const h = await startHotline(config, log);
  const credentials = JSON.parse(fs.readFileSync(h.credentialsFile, 'utf8')) as IssuedCredential[];
  return { h, credentials, stateDir };
}

/** Writes the bench's app_queue queue and 12399 route into the running instance and loads them. */
async function installAppQueue(h: Hotline): Promise<void> {
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

interface Seat {
  cred: IssuedCredential;
  phone: SippAgent;
  socket: AgentSocket;
  acdState: 'available' | 'offline';
  member: boolean;
}

/** Sets the agent's state in our ACD (retried while the ACD has not yet seen the desk phone register). */
async function setAcdState(seat: Seat, state: 'available' | 'offline'): Promise<void> {
  await setAgentState(seat.socket, state, `agent ${seat.cred.extension}`);
  seat.acdState = state;
}

/** Exactly the first k seats take calls in the given system; the others are offline / not members. */
async function useAgents(h: Hotline, seats: Seat[], system: System, k: number): Promise<void> {
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
async function drain(h: Hotline): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const out = await h.asterisk!.cli('core show channels count');
    if (/^0 active channels/m.test(out)) break;
    await sleep(250);
  }
  await sleep(WRAP_UP_S * 1000 + 500);
}

// ---------------------------------------------------------------------------------------------------------------
// one load run

interface RunResult {
  system: System;
  label: string;
  offered: number;
  routed: number;
  failed: number;
  /** ms, caller's INVITE → agent's INVITE */
  latencies: number[];
  cpuAsterisk: number;
  cpuNode: number;
  /** share of the machine's CPU time that was busy during the run (all processes, other users' jobs included) */
  boxBusy: number;
  peakConcurrent: number;
  seconds: number;
  sippExit: string;
}

let runCounter = 0;

async function runLoad(h: Hotline, seats: Seat[], system: System, o: { rate: number; calls: number; limit: number; label: string }, greetingS: number): Promise<RunResult> {
  runCounter++;
  const prefix = `139${String(runCounter).padStart(2, '0')}0`; // + sipp call number: one citizen number per call
  const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
  const maxCallMs = Math.round(greetingS * 1000 + 30_000 + TALK_MS);
  const dir = fs.mkdtempSync(path.join(OUT, `${system}-${o.label.replace(/[^A-Za-z0-9]+/g, '_')}-`));
  const scenario = renderScenario('load-caller.xml', path.join(dir, 'load-caller.xml'), {
    TALK: `  <nop><action><exec play_pcap_audio="${xmlAttr(path.resolve(media.callerPcap))}"/></action></nop>`,
    MAX_CALL_MS: String(maxCallMs),
  });
  const timeoutS = Math.ceil(o.calls / o.rate + maxCallMs / 1000 + 60);
  const pid = asteriskPid(h);
  const cpuA0 = procCpuSeconds(pid);
  const cpuN0 = nodeCpuSeconds();
  const box0 = boxCpu();
  const t0 = Date.now();
  const uac = runSipp(
    [
      TRUNK,
      '-sf', scenario,
      '-s', system === 'ours' ? SERVICE_NUMBER : BENCH_NUMBER,
      '-key', 'callerPrefix', prefix,
      '-i', '127.0.0.1', '-bind_local', '-ci', '127.0.0.1',
      '-p', String(PORTS.caller), '-mp', String(PORTS.callerMedia),
      // rate per 10 s keeps fractional rates exact
      '-r', String(Math.max(1, Math.round(o.rate * 10))), '-rp', '10000',
      '-l', String(o.limit), '-m', String(o.calls),
      '-recv_timeout', '30000',
      '-timeout', `${timeoutS}s`, '-timeout_error',
    ],
    { cwd: dir, scenarioFile: scenario, watchdogMs: (timeoutS + 15) * 1000, role: 'uac' },
  );
  const r = await uac.done;
  const cpuAsterisk = procCpuSeconds(pid) - cpuA0;
  const cpuNode = nodeCpuSeconds() - cpuN0;
  const box1 = boxCpu();
  const boxBusy = (box1.busy - box0.busy) / Math.max(1e-9, box1.total - box0.total);
  const seconds = (Date.now() - t0) / 1000;

  // callers: INVITE time and end of each call (for the concurrency actually reached)
  const calls = new Map<string, { number: string; start: number; end: number }>();
  for (const e of parseTrace(r.messagesLog)) {
    const callId = /^Call-ID:\s*(.*)$/im.exec(e.headers)?.[1]?.trim();
    if (!callId) continue;
    const c = calls.get(callId);
    if (!c) {
      if (e.dir !== 'sent' || !/^INVITE\s/.test(e.firstLine)) continue;
      const number = /sips?:([^@;>]+)@/.exec(/^From:\s*(.*)$/im.exec(e.headers)?.[1] ?? '')?.[1] ?? '';
      calls.set(callId, { number, start: e.at, end: e.at });
    } else c.end = Math.max(c.end, e.at);
  }
  // agents: first INVITE per citizen number of this run, and whether that phone answered it
  const firstRing = new Map<string, { at: number; answered: boolean }>();
  for (const seat of seats) {
    for (const inv of parseAgentInvites(fs.existsSync(path.join(seat.phone.artifactsDir, 'messages.log')) ? fs.readFileSync(path.join(seat.phone.artifactsDir, 'messages.log'), 'latin1') : '')) {
      if (!inv.fromUser.startsWith(prefix)) continue;
      const prev = firstRing.get(inv.fromUser);
      const answered = (prev?.answered ?? false) || inv.finalStatus === 200;
      firstRing.set(inv.fromUser, { at: Math.min(prev?.at ?? Infinity, inv.at), answered });
    }
  }
  // calls sipp itself counted failed (unexpected message, no answer, no BYE in time) name their Call-ID
  const failedIds = new Set<string>();
  for (const p of errorProblems(r.errors)) {
    for (const m of p.matchAll(/Call-I[Dd]:?\s*'?([^'\s,]+@[^'\s,]+)/g)) failedIds.add(m[1]!);
  }
  const latencies: number[] = [];
  let routed = 0;
  let failed = 0;
  for (const [callId, c] of calls) {
    const ring = firstRing.get(c.number);
    const ok = ring !== undefined && ring.answered && !failedIds.has(callId);
    if (ring) latencies.push(ring.at - c.start);
    if (ok) routed++;
    else failed++;
  }
  failed += Math.max(0, o.calls - calls.size); // calls sipp never started (aborted run)
  // most calls up at once
  const edges = [...calls.values()].flatMap((c) => [{ t: c.start, d: 1 }, { t: c.end, d: -1 }]).sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (cur += e.d));
  return {
    system, label: o.label, offered: o.calls, routed, failed, latencies,
    cpuAsterisk, cpuNode, boxBusy, peakConcurrent: peak, seconds, sippExit: r.exitMeaning,
  };
}

function describeRun(r: RunResult, greetingS: number): string {
  const g = greetingS * 1000;
  const perCall = (cpu: number) => (r.routed > 0 ? cpu / r.routed : NaN);
  return [
    `  ${LABEL[r.system]} — ${r.label}: ${r.routed}/${r.offered} routed, ${r.failed} failed, peak ${r.peakConcurrent} concurrent calls, ${r.seconds.toFixed(0)} s, machine ${(r.boxBusy * 100).toFixed(0)} % busy (sipp: ${r.sippExit})`,
    `    call→agent ring  p50 ${ms(pct(r.latencies, 50))}  p95 ${ms(pct(r.latencies, 95))}   minus greeting: p50 ${ms(pct(r.latencies, 50) - g)}  p95 ${ms(pct(r.latencies, 95) - g)}`,
    `    CPU s per routed call: Asterisk ${fixed(perCall(r.cpuAsterisk), 4)}  hotline server (Node) ${r.system === 'ours' ? fixed(perCall(r.cpuNode), 4) : `— (idle, ${fixed(r.cpuNode, 2)} s in the run)`}` +
      `  total ${fixed(perCall(r.cpuAsterisk + (r.system === 'ours' ? r.cpuNode : 0)), 4)}`,
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// main

const startedAt = Date.now();
fs.mkdirSync(OUT, { recursive: true });
await setup();
const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
const maxAgents = Math.max(AGENTS, ...STEPS);
console.log(`starting the hotline with ${maxAgents} agents (ports ${PORTS.http}/${PORTS.trunk}) …`);
const { h, credentials, stateDir } = await startBenchHotline(maxAgents);
const seats: Seat[] = [];
const phones: SippAgent[] = [];
try {
  const greetingS = wavSeconds(path.join(h.asterisk!.hostInstanceDir, 'sounds', 'greeting.wav'));
  await installAppQueue(h);
  const version = (await h.asterisk!.cli('core show version')).trim().split(/\s+/).slice(0, 2).join(' ');

  // desk phones: one sipp per agent, registered as <ext>-desk, ringing RING_MS, talking TALK_MS then hanging up
  const agentCreds = credentials.filter((c) => c.role === 'agent' && c.extension).sort((a, b) => Number(a.extension) - Number(b.extension)).slice(0, maxAgents);
  for (const [i, cred] of agentCreds.entries()) {
    phones.push(startSippAgent({
      extension: cred.extension!, password: cred.password, sipTarget: TRUNK,
      localPort: PORTS.agentSip + i, mediaPort: PORTS.agentMedia + 4 * i,
      pcap: media.tonePcap, answerDelayMs: RING_MS || undefined, talkMs: TALK_MS,
      artifactsRoot: path.join(OUT, 'agents'),
    }));
  }
  await Promise.all(phones.map((p) => p.registered(20_000)));
  for (const [i, cred] of agentCreds.entries()) {
    seats.push({ cred, phone: phones[i]!, socket: await logInSocket(h.url, cred), acdState: 'offline', member: false });
  }
  console.log(`${version}, ${os.cpus().length} CPUs; ${seats.length} sipp desk phones registered; greeting ${greetingS.toFixed(2)} s on both paths; ` +
    `ring ${RING_MS} ms, talk ${TALK_MS} ms, wrap-up ${WRAP_UP_S} s, ring timeout ${RING_TIMEOUT_S} s, recording off`);
  console.log(`artifacts: ${OUT}\n`);

  const results: Record<System, { fixed?: RunResult; steps: RunResult[]; maxOk: number; stoppedBy: string }> = {
    ours: { steps: [], maxOk: 0, stoppedBy: 'all steps passed' },
    app_queue: { steps: [], maxOk: 0, stoppedBy: 'all steps passed' },
  };
  const systems: System[] = ['ours', 'app_queue'];

  console.log(`fixed load: ${CALLS} calls at ${RATE}/s, ${AGENTS} agents`);
  for (const s of systems) {
    await useAgents(h, seats, s, AGENTS);
    await drain(h);
    const r = await runLoad(h, seats, s, { rate: RATE, calls: CALLS, limit: Math.max(AGENTS * 4, 50), label: `fixed ${RATE}/s` }, greetingS);
    results[s].fixed = r;
    console.log(describeRun(r, greetingS));
  }

  // concurrency steps: C calls held at once (sipp -l C), C agents; the rate fills the limit within a few seconds
  const holdS = greetingS + RING_MS / 1000 + TALK_MS / 1000 + 0.5;
  console.log(`\nconcurrency steps ${STEPS.join(', ')} (each ≈ ${STEP_SECONDS} s of arrivals; a call holds ≈ ${holdS.toFixed(1)} s)`);
  const alive = new Set<System>(systems);
  for (const c of STEPS) {
    const rate = (c / holdS) * 1.2;
    const calls = Math.max(2 * c, Math.round(rate * STEP_SECONDS));
    for (const s of systems) {
      if (!alive.has(s)) continue;
      const expectS = calls / rate + holdS + WRAP_UP_S + 10;
      if ((Date.now() - startedAt) / 1000 + expectS > BUDGET_S) {
        results[s].stoppedBy = `time budget (${BUDGET_S} s) before step ${c}`;
        alive.delete(s);
        continue;
      }
      await useAgents(h, seats, s, c);
      await drain(h);
      const r = await runLoad(h, seats, s, { rate, calls, limit: c, label: `step ${c}` }, greetingS);
      results[s].steps.push(r);
      console.log(describeRun(r, greetingS));
      if (r.failed > 0) {
        results[s].stoppedBy = `${r.failed} failed call(s) at step ${c}`;
        alive.delete(s);
      } else results[s].maxOk = Math.max(results[s].maxOk, r.peakConcurrent);
    }
  }

  // summary
  const perCall = (r: RunResult | undefined, withNode: boolean) => (r && r.routed > 0 ? (r.cpuAsterisk + (withNode ? r.cpuNode : 0)) / r.routed : NaN);
  const ours = results.ours.fixed;
  const aq = results.app_queue.fixed;
  const g = greetingS * 1000;
  // every step passed: the limit lies above the last step, so the figure is a lower bound
  const maxOkText = (s: System) => `${results[s].stoppedBy === 'all steps passed' ? '≥ ' : ''}${results[s].maxOk}`;
  console.log('\nsummary');
  for (const s of systems) {
    const f = results[s].fixed;
    console.log(
      `  ${LABEL[s].padEnd(16)} CPU s/routed call ${fixed(perCall(f, s === 'ours'), 4)} (Asterisk ${fixed(perCall(f, false), 4)})  ` +
        `ring p50 ${ms(pct(f?.latencies ?? [], 50))} p95 ${ms(pct(f?.latencies ?? [], 95))}  failed ${f?.failed ?? '—'}  ` +
        `max concurrent calls without failure ${maxOkText(s)} (${results[s].stoppedBy})`,
    );
  }
  console.log('\nours / app_queue');
  console.log(`  CPU per routed call (Asterisk + hotline server vs Asterisk): ${ratio(perCall(ours, true), perCall(aq, false))}`);
  console.log(`  CPU per routed call, Asterisk process only:                  ${ratio(perCall(ours, false), perCall(aq, false))}`);
  console.log(`  call→agent ring p50 raw / minus greeting:                    ${ratio(pct(ours?.latencies ?? [], 50), pct(aq?.latencies ?? [], 50))} / ${ratio(pct(ours?.latencies ?? [], 50) - g, pct(aq?.latencies ?? [], 50) - g)}`);
  console.log(`  call→agent ring p95 raw / minus greeting:                    ${ratio(pct(ours?.latencies ?? [], 95), pct(aq?.latencies ?? [], 95))} / ${ratio(pct(ours?.latencies ?? [], 95) - g, pct(aq?.latencies ?? [], 95) - g)}`);
  console.log(`  failed calls (fixed load):                                   ${ours?.failed ?? '—'} / ${aq?.failed ?? '—'}`);
  const bothOpen = results.ours.stoppedBy === 'all steps passed' && results.app_queue.stoppedBy === 'all steps passed';
  console.log(`  max concurrent calls without failure:                        ${bothOpen ? 'not separated (no failure up to the last step)' : ratio(results.ours.maxOk, results.app_queue.maxOk)} (${maxOkText('ours')} / ${maxOkText('app_queue')})`);
} finally {
  for (const seat of seats) seat.socket.close();
  await Promise.all(phones.map((p) => p.stop()));
  await h.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
}
