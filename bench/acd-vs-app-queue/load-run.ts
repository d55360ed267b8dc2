// One load run of the ACD vs app_queue benchmark: sipp callers at a fixed rate or concurrency against one system.
import fs from 'node:fs';
import path from 'node:path';
import type { Hotline } from '../../server/hotline.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { ensureTestMedia } from '../../testkit/media.js';
import { errorProblems, renderScenario, runSipp, xmlAttr } from '../../testkit/sipp.js';
import { parseAgentInvites, parseTrace } from '../../testkit/sipp-agent.js';
import { TALK_MS, BENCH_NUMBER, SERVICE_NUMBER, PORTS, TRUNK, OUT, type System, LABEL } from './settings.js';
import { pct, ms, fixed, procCpuSeconds, boxCpu, nodeCpuSeconds, asteriskPid } from './measure.js';
import type { Seat } from './systems.js';

export interface RunResult {
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

export async function runLoad(
  h: Hotline,
  seats: Seat[],
  system: System,
  o: { rate: number; calls: number; limit: number; label: string },
  greetingS: number,
): Promise<RunResult> {
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
      '-sf',
      scenario,
      '-s',
      system === 'ours' ? SERVICE_NUMBER : BENCH_NUMBER,
      '-key',
      'callerPrefix',
      prefix,
      '-i',
      '127.0.0.1',
      '-bind_local',
      '-ci',
      '127.0.0.1',
      '-p',
      String(PORTS.caller),
      '-mp',
      String(PORTS.callerMedia),
      // rate per 10 s keeps fractional rates exact
      '-r',
      String(Math.max(1, Math.round(o.rate * 10))),
      '-rp',
      '10000',
      '-l',
      String(o.limit),
      '-m',
      String(o.calls),
      '-recv_timeout',
      '30000',
      '-timeout',
      `${timeoutS}s`,
      '-timeout_error',
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
    for (const inv of parseAgentInvites(
      fs.existsSync(path.join(seat.phone.artifactsDir, 'messages.log')) ? fs.readFileSync(path.join(seat.phone.artifactsDir, 'messages.log'), 'latin1') : '',
    )) {
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
  const edges = [...calls.values()]
    .flatMap((c) => [
      { t: c.start, d: 1 },
      { t: c.end, d: -1 },
    ])
    .sort((a, b) => a.t - b.t || a.d - b.d);
  let cur = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (cur += e.d));
  return {
    system,
    label: o.label,
    offered: o.calls,
    routed,
    failed,
    latencies,
    cpuAsterisk,
    cpuNode,
    boxBusy,
    peakConcurrent: peak,
    seconds,
    sippExit: r.exitMeaning,
  };
}

export function describeRun(r: RunResult, greetingS: number): string {
  const g = greetingS * 1000;
  const perCall = (cpu: number) => (r.routed > 0 ? cpu / r.routed : NaN);
  return [
    `  ${LABEL[r.system]} — ${r.label}: ${r.routed}/${r.offered} routed, ${r.failed} failed, peak ${r.peakConcurrent} concurrent calls, ${r.seconds.toFixed(0)} s, machine ${(r.boxBusy * 100).toFixed(0)} % busy (sipp: ${r.sippExit})`,
    `    call→agent ring  p50 ${ms(pct(r.latencies, 50))}  p95 ${ms(pct(r.latencies, 95))}   minus greeting: p50 ${ms(pct(r.latencies, 50) - g)}  p95 ${ms(pct(r.latencies, 95) - g)}`,
    `    CPU s per routed call: Asterisk ${fixed(perCall(r.cpuAsterisk), 4)}  hotline server (Node) ${r.system === 'ours' ? fixed(perCall(r.cpuNode), 4) : `— (idle, ${fixed(r.cpuNode, 2)} s in the run)`}` +
      `  total ${fixed(perCall(r.cpuAsterisk + (r.system === 'ours' ? r.cpuNode : 0)), 4)}`,
  ].join('\n');
}
