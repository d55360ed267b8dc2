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
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { logInSocket } from '../testkit/acd-seat.js';
import setup, { ARTIFACTS } from '../testkit/global-setup.js';
import { ensureTestMedia } from '../testkit/media.js';
import { startSippAgent, type SippAgent } from '../testkit/sipp-agent.js';
import {
  AGENTS,
  RATE,
  CALLS,
  TALK_MS,
  RING_MS,
  WRAP_UP_S,
  STEPS,
  STEP_SECONDS,
  BUDGET_S,
  RING_TIMEOUT_S,
  PORTS,
  TRUNK,
  OUT,
  type System,
  LABEL,
} from './acd-vs-app-queue/settings.js';
import { pct, ms, fixed, ratio, wavSeconds } from './acd-vs-app-queue/measure.js';
import { startBenchHotline, installAppQueue, type Seat, useAgents, drain } from './acd-vs-app-queue/systems.js';
import { type RunResult, runLoad, describeRun } from './acd-vs-app-queue/load-run.js';

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
  const agentCreds = credentials
    .filter((c) => c.role === 'agent' && c.extension)
    .sort((a, b) => Number(a.extension) - Number(b.extension))
    .slice(0, maxAgents);
  for (const [i, cred] of agentCreds.entries()) {
    phones.push(
      startSippAgent({
        extension: cred.extension!,
        password: cred.password,
        sipTarget: TRUNK,
        localPort: PORTS.agentSip + i,
        mediaPort: PORTS.agentMedia + 4 * i,
        pcap: media.tonePcap,
        answerDelayMs: RING_MS || undefined,
        talkMs: TALK_MS,
        artifactsRoot: path.join(OUT, 'agents'),
      }),
    );
  }
  await Promise.all(phones.map((p) => p.registered(20_000)));
  for (const [i, cred] of agentCreds.entries()) {
    seats.push({ cred, phone: phones[i]!, socket: await logInSocket(h.url, cred), acdState: 'offline', member: false });
  }
  console.log(
    `${version}, ${os.cpus().length} CPUs; ${seats.length} sipp desk phones registered; greeting ${greetingS.toFixed(2)} s on both paths; ` +
      `ring ${RING_MS} ms, talk ${TALK_MS} ms, wrap-up ${WRAP_UP_S} s, ring timeout ${RING_TIMEOUT_S} s, recording off`,
  );
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
  console.log(
    `  call→agent ring p50 raw / minus greeting:                    ${ratio(pct(ours?.latencies ?? [], 50), pct(aq?.latencies ?? [], 50))} / ${ratio(pct(ours?.latencies ?? [], 50) - g, pct(aq?.latencies ?? [], 50) - g)}`,
  );
  console.log(
    `  call→agent ring p95 raw / minus greeting:                    ${ratio(pct(ours?.latencies ?? [], 95), pct(aq?.latencies ?? [], 95))} / ${ratio(pct(ours?.latencies ?? [], 95) - g, pct(aq?.latencies ?? [], 95) - g)}`,
  );
  console.log(`  failed calls (fixed load):                                   ${ours?.failed ?? '—'} / ${aq?.failed ?? '—'}`);
  const bothOpen = results.ours.stoppedBy === 'all steps passed' && results.app_queue.stoppedBy === 'all steps passed';
  console.log(
    `  max concurrent calls without failure:                        ${bothOpen ? 'not separated (no failure up to the last step)' : ratio(results.ours.maxOk, results.app_queue.maxOk)} (${maxOkText('ours')} / ${maxOkText('app_queue')})`,
  );
} finally {
  for (const seat of seats) seat.socket.close();
  await Promise.all(phones.map((p) => p.stop()));
  await h.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
}
