// Settings of the ACD vs app_queue benchmark (bench/acd-vs-app-queue.ts), read from the environment once.
import path from 'node:path';
import { ARTIFACTS } from '../../testkit/global-setup.js';

export function num(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name];
  const v = raw === undefined ? def : Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new Error(`${name} must be a number in ${min}..${max}, got ${raw}`);
  return v;
}
export const AGENTS = Math.round(num('BENCH_AGENTS', 20, 1, 150));
export const RATE = num('BENCH_RATE', 2, 0.1, 20);
export const CALLS = Math.round(num('BENCH_CALLS', 60, 1, 2000));
export const TALK_MS = Math.round(num('BENCH_TALK_MS', 4000, 100, 120_000));
export const RING_MS = Math.round(num('BENCH_RING_MS', 300, 0, 10_000));
export const WRAP_UP_S = Math.round(num('BENCH_WRAP_UP_SECONDS', 1, 0, 60));
export const STEPS = (process.env.BENCH_STEPS ?? '10,20,40,80')
  .split(',')
  .filter(Boolean)
  .map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1 || n > 150) throw new Error(`BENCH_STEPS: ${s} is not a concurrency in 1..150`);
    return n;
  });
export const STEP_SECONDS = num('BENCH_STEP_SECONDS', 30, 5, 600);
export const BUDGET_S = num('BENCH_BUDGET_SECONDS', 600, 60, 7200);
export const RING_TIMEOUT_S = 15;
export const BENCH_NUMBER = '12399';
export const SERVICE_NUMBER = '12345';

// ports of their own, so that the bench can run while the end-to-end tests use theirs (18080, 15060 …)
export const PORTS = {
  http: 28080,
  asteriskHttp: 28088,
  trunk: 25060,
  ami: 25038,
  rtp: '32000-34000',
  caller: 25070,
  callerMedia: 25100,
  agentSip: 25200,
  agentMedia: 40000,
} as const;
export const TRUNK = `127.0.0.1:${PORTS.trunk}`;
export const OUT = path.join(ARTIFACTS, 'bench-acd-vs-app-queue');
// two levels up to the repository root: this file sits in bench/acd-vs-app-queue/
export const CONF_DIR = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'asterisk-conf', 'bench');

export type System = 'ours' | 'app_queue';
export const LABEL: Record<System, string> = { ours: 'ours (ARI ACD)', app_queue: 'app_queue' };
