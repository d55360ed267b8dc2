// Routing decision latency of the pure ACD core (acd/engine.ts): the time of the one handle() call that makes
// a decision, with 500 calls waiting, when
//   - one agent frees up (call_finished, wrap-up 0 → the agent picks the best waiting call across its queues), and
//   - one call arrives (call_queued → the call picks the best available agent by skill level and idle time),
// for 100 … 2,000 agents. Figures are printed, never asserted; growth is shown as the ratio to the 100-agent
// baseline measured in the same process.
// Run: npx tsx bench/acd-engine.ts [SAMPLES]
import { performance } from 'node:perf_hooks';
import type { QueueConfig } from '../acd/config.js';
import { AcdEngine, type AcdCommand, type PriorityTag } from '../acd/engine.js';
import { engineWith } from '../acd/testing.js';

const SAMPLES = Number(process.argv[2] ?? 2_000);
const WAITING = 500;
const SIZES = [100, 250, 500, 1_000, 2_000];
const MIN = 60_000;

const QUEUES: QueueConfig[] = [
  { id: 'general' },
  {
    id: 'social',
    requires: [{ skill: 'social_security', minLevel: 2 }],
    overflow: [{ afterMs: 600 * MIN, action: 'widen', requires: [{ skill: 'social_security' }] }],
  },
  { id: 'fund', requires: [{ skill: 'housing_fund', minLevel: 2 }], weight: 2, overflow: [{ afterMs: 600 * MIN, action: 'move', toQueue: 'general' }] },
  { id: 'estate', requires: [{ skill: 'real_estate' }] },
  { id: 'business', requires: [{ skill: 'business', minLevel: 2 }] },
  { id: 'medical', requires: [{ skill: 'medical_insurance' }] },
  { id: 'transport', requires: [{ skill: 'transport' }] },
  { id: 'english', requires: [{ skill: 'english', minLevel: 3 }] },
  { id: 'cantonese', requires: [{ skill: 'cantonese', minLevel: 3 }] },
  {
    id: 'fund-yue',
    requires: [
      { skill: 'housing_fund', minLevel: 2 },
      { skill: 'cantonese', minLevel: 2 },
    ],
    maxWait: { afterMs: 600 * MIN, action: 'offer_callback' },
  },
];
const TOPIC_SKILLS = ['social_security', 'housing_fund', 'real_estate', 'business', 'medical_insurance', 'transport'];
const SERVABLE_QUEUES = ['general', 'social', 'fund', 'estate', 'business', 'medical', 'transport'];
const LANGUAGE_QUEUES = ['english', 'cantonese'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function skillsFor(r: () => number, languages: boolean): Record<string, number> {
  const s: Record<string, number> = {};
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) s[TOPIC_SKILLS[Math.floor(r() * TOPIC_SKILLS.length)]!] = 1 + Math.floor(r() * 5);
  if (languages && r() < 0.15) s.english = 1 + Math.floor(r() * 5);
  if (languages && r() < 0.2) s.cantonese = 1 + Math.floor(r() * 5);
  return s;
}

function priority(r: () => number): PriorityTag {
  const x = r();
  return x < 0.05 ? 'urgent' : x < 0.1 ? 'elderly' : 'normal';
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

class Clock {
  t = 1_000_000;
  tick(): number {
    return ++this.t;
  }
}

/** Every agent talking, 500 calls waiting across all queues: measures call_finished of one random agent. */
function agentFreesUp(agents: number, samples: number): number[] {
  const r = rng(agents);
  const clock = new Clock();
  const e: AcdEngine = engineWith({ queues: QUEUES, wrapUpMs: 0 });
  const talkingTo = new Map<string, string>(); // agentId → callId
  const ids = Array.from({ length: agents }, (_, i) => `ag${i}`);
  const track = (out: AcdCommand[]) => {
    for (const c of out) {
      if (c.type === 'offer')
        e.handle({ type: 'offer_answered', callId: c.callId }, clock.tick()).forEach((x) => x.type === 'connect' && talkingTo.set(x.agentId, x.callId));
    }
  };
  for (const id of ids) {
    e.handle({ type: 'agent_known', agentId: id, skills: skillsFor(r, true) }, clock.tick());
    e.handle({ type: 'device_changed', agentId: id, online: true }, clock.tick());
    e.handle({ type: 'agent_request', agentId: id, state: 'available' }, clock.tick());
  }
  let n = 0;
  for (let i = 0; i < agents; i++) track(e.handle({ type: 'call_queued', callId: `busy${++n}` }, clock.tick()));
  const queueOne = () => {
    const q = r() < 0.3 ? 'general' : QUEUES[1 + Math.floor(r() * (QUEUES.length - 1))]!.id;
    track(e.handle({ type: 'call_queued', callId: `w${++n}`, queueId: q, priority: priority(r) }, clock.tick()));
  };
  while (e.queueView().waiting.length < WAITING) queueOne();

  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const agentId = ids[Math.floor(r() * ids.length)]!;
    const callId = talkingTo.get(agentId)!;
    talkingTo.delete(agentId);
    const now = clock.tick();
    const t0 = performance.now();
    const out = e.handle({ type: 'call_finished', callId }, now);
    times.push(performance.now() - t0);
    track(out); // answered (not timed)
    if (!talkingTo.has(agentId)) throw new Error('the freed agent got no call: the scenario is broken');
    while (e.queueView().waiting.length < WAITING) queueOne();
  }
  return times;
}

/**
 * 10 % of the agents available (no language skills), the rest talking, 500 calls waiting in the English and
 * Cantonese queues that no available agent can take: measures call_queued of one topic call, then withdraws it.
 */
function callArrives(agents: number, samples: number): number[] {
  const r = rng(agents + 7);
  const clock = new Clock();
  const e: AcdEngine = engineWith({ queues: QUEUES, wrapUpMs: 0 });
  const free = Math.max(1, Math.round(agents / 10));
  const ids = Array.from({ length: agents }, (_, i) => `ag${i}`);
  // the busy ones first (idle longest, so the first calls go to them), the free ones last
  ids.forEach((id, i) => {
    const isFree = i >= agents - free;
    e.handle({ type: 'agent_known', agentId: id, skills: skillsFor(r, !isFree) }, clock.tick());
    e.handle({ type: 'device_changed', agentId: id, online: true }, clock.tick());
    e.handle({ type: 'agent_request', agentId: id, state: 'available' }, clock.tick());
  });
  let n = 0;
  for (let i = 0; i < agents - free; i++) {
    for (const c of e.handle({ type: 'call_queued', callId: `busy${++n}` }, clock.tick())) {
      if (c.type === 'offer') e.handle({ type: 'offer_answered', callId: c.callId }, clock.tick());
    }
  }
  for (let i = 0; i < WAITING; i++) {
    e.handle({ type: 'call_queued', callId: `w${++n}`, queueId: LANGUAGE_QUEUES[i % 2]!, priority: priority(r) }, clock.tick());
  }
  if (e.queueView().waiting.length !== WAITING) throw new Error('the scenario is broken: language calls were served');

  const times: number[] = [];
  let offers = 0;
  for (let i = 0; i < samples; i++) {
    const callId = `new${++n}`;
    const queueId = SERVABLE_QUEUES[Math.floor(r() * SERVABLE_QUEUES.length)]!;
    const now = clock.tick();
    const t0 = performance.now();
    const out = e.handle({ type: 'call_queued', callId, queueId, priority: priority(r) }, now);
    times.push(performance.now() - t0);
    if (out.some((c) => c.type === 'offer')) offers++;
    e.handle({ type: 'caller_gone', callId }, clock.tick()); // agent back in their old idle place (not timed)
  }
  if (offers < samples / 2) throw new Error(`only ${offers}/${samples} arrivals found an agent: the scenario is broken`);
  return times;
}

const fmt = (ms: number) => `${(ms * 1_000).toFixed(1).padStart(8)} µs`;
const ratio = (x: number, base: number) => `${(x / base).toFixed(2).padStart(5)}×`;

// warm-up over every size so the JIT has settled before anything is timed
for (const n of SIZES) {
  agentFreesUp(n, 500);
  callArrives(n, 500);
}

console.log(`ACD routing decision latency — ${WAITING} calls waiting, ${SAMPLES} decisions per cell, Node ${process.version}`);
console.log('');
console.log('         one agent frees up                        one call arrives');
console.log('agents       p50        p99   p50 ratio p99 ratio        p50        p99   p50 ratio p99 ratio');
let base: { fp50: number; fp99: number; ap50: number; ap99: number } | null = null;
const rows: Record<number, { fp50: number; fp99: number; ap50: number; ap99: number }> = {};
for (const n of SIZES) {
  const f = agentFreesUp(n, SAMPLES);
  const a = callArrives(n, SAMPLES);
  const row = { fp50: pct(f, 50), fp99: pct(f, 99), ap50: pct(a, 50), ap99: pct(a, 99) };
  rows[n] = row;
  base ??= row;
  console.log(
    `${String(n).padStart(6)} ${fmt(row.fp50)} ${fmt(row.fp99)}    ${ratio(row.fp50, base.fp50)}    ${ratio(row.fp99, base.fp99)} ${fmt(row.ap50)} ${fmt(row.ap99)}    ${ratio(row.ap50, base.ap50)}    ${ratio(row.ap99, base.ap99)}`,
  );
}
const k = rows[1_000]!;
console.log('');
console.log(
  `At 1,000 agents × ${WAITING} waiting: agent frees up p50 ${fmt(k.fp50).trim()}, p99 ${fmt(k.fp99).trim()}; call arrives p50 ${fmt(k.ap50).trim()}, p99 ${fmt(k.ap99).trim()} (budget: 1 ms p99).`,
);
