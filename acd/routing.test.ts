// Routing rules of acd/routing.ts: skills and levels, priorities, arrival order, multi-queue order, and a
// randomised check of every decision against a brute-force reading of the rules.
import { describe, expect, it } from 'vitest';
import type { QueueConfig } from './config.js';
import { AcdEngine, type AcdEvent } from './engine.js';
import { PRIORITY_LEVEL, type PriorityTag } from './routing.js';
import { engineWith, offered, ofType, online } from './testing.js';

const FUND: QueueConfig = { id: 'fund', name: '住房公积金', requires: [{ skill: 'housing_fund' }] };
const SOCIAL: QueueConfig = { id: 'social', name: '人社', requires: [{ skill: 'social_security' }] };
const GENERAL: QueueConfig = { id: 'general' };

describe('routing by skills and levels', () => {
  it('given an agent idle longer without 公积金 and one with it, when a caller asks for 公积金, then the skilled agent is offered the call', () => {
    const e = engineWith({ queues: [GENERAL, FUND] });
    online(e, 'generalist', 1_000, { social_security: 5 });
    online(e, 'fund-agent', 9_000, { housing_fund: 2 });
    const out = e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 10_000);
    expect(offered(out)).toEqual([['c1', 'fund-agent']]);
    expect(ofType(out, 'offer')[0]).toMatchObject({ queueId: 'fund', priority: 'normal', waitedMs: 0 });
    expect(e.agentView('generalist')?.state).toBe('available');
  });

  it('given no agent with the required skill, when the call is queued, then it waits rather than going to an unskilled agent', () => {
    const e = engineWith({ queues: [GENERAL, FUND] });
    online(e, 'generalist', 0, { social_security: 5 });
    const out = e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000);
    expect(offered(out)).toEqual([]);
    expect(e.queueView().waiting).toEqual(['c1']);
  });

  it('given two skilled agents, when a call arrives, then the higher level is preferred over the longer idle', () => {
    const e = engineWith({ queues: [FUND] });
    online(e, 'junior', 0, { housing_fund: 2 });
    online(e, 'expert', 5_000, { housing_fund: 5 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 6_000))).toEqual([['c1', 'expert']]);
  });

  it('given two agents at the same level, when a call arrives, then the longest idle is preferred', () => {
    const e = engineWith({ queues: [FUND] });
    online(e, 'later', 5_000, { housing_fund: 3 });
    online(e, 'earlier', 1_000, { housing_fund: 3 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 6_000))).toEqual([['c1', 'earlier']]);
  });

  it('given a minimum level, when only a lower-level agent is free, then the call waits', () => {
    const e = engineWith({ queues: [{ id: 'fund', requires: [{ skill: 'housing_fund', minLevel: 4 }] }] });
    online(e, 'junior', 0, { housing_fund: 3 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000))).toEqual([]);
    expect(offered(online(e, 'senior', 2_000, { housing_fund: 4 }))).toEqual([['c1', 'senior']]);
  });

  it('given a queue requiring two skills, when agents have one or both, then only an agent with all of them is offered the call and the primary skill ranks', () => {
    const e = engineWith({
      queues: [
        {
          id: 'hk-fund',
          requires: [
            { skill: 'housing_fund', minLevel: 2 },
            { skill: 'cantonese', minLevel: 3 },
          ],
        },
      ],
    });
    online(e, 'fund-only', 0, { housing_fund: 5 });
    online(e, 'cantonese-only', 0, { cantonese: 5 });
    online(e, 'both-low', 100, { housing_fund: 2, cantonese: 5 });
    online(e, 'both-high', 200, { housing_fund: 4, cantonese: 3 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'hk-fund' }, 1_000))).toEqual([['c1', 'both-high']]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c2', queueId: 'hk-fund' }, 1_100))).toEqual([['c2', 'both-low']]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c3', queueId: 'hk-fund' }, 1_200))).toEqual([]);
  });

  it('given an agent restricted to some queues, when a call of another queue arrives, then the agent is not offered it although skilled', () => {
    const e = engineWith({ queues: [GENERAL, FUND] });
    online(e, 'a', 0, { housing_fund: 5 }, { queues: ['general'] });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000))).toEqual([]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c2', queueId: 'general' }, 2_000))).toEqual([['c2', 'a']]);
  });

  it('given a queue limited to groups, when agents of other groups are free, then only agents of its groups are offered its calls', () => {
    const e = engineWith({ groups: ['day', 'elder-care'], queues: [GENERAL, { id: 'elderly', groups: ['elder-care'] }] });
    online(e, 'day-agent', 0, {}, { groups: ['day'] });
    online(e, 'care-agent', 1_000, {}, { groups: ['elder-care'] });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'elderly' }, 2_000))).toEqual([['c1', 'care-agent']]);
  });

  it('given a skilled agent whose phone unregisters, when a call for the skill arrives, then it is not offered and waits until the phone is back', () => {
    const e = engineWith({ queues: [FUND] });
    online(e, 'a', 0, { housing_fund: 5 });
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 500);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000))).toEqual([]);
    e.handle({ type: 'device_changed', agentId: 'a', online: true }, 2_000);
    expect(offered(e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 2_000))).toEqual([['c1', 'a']]);
  });

  it('given an agent gets a new skill while available, when a call for it is waiting, then the call is offered at once', () => {
    const e = engineWith({ queues: [FUND] });
    online(e, 'a', 0, { social_security: 3 });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000);
    const out = e.handle({ type: 'agent_known', agentId: 'a', skills: { social_security: 3, housing_fund: 1 } }, 2_000);
    expect(offered(out)).toEqual([['c1', 'a']]);
  });
});

describe('priorities and arrival order', () => {
  it('given a normal call waiting, when an urgent (紧急) call arrives later, then the urgent one is served first when an agent frees up', () => {
    const e = engineWith();
    e.handle({ type: 'call_queued', callId: 'normal', priority: 'normal' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'urgent', priority: 'urgent' }, 5_000);
    expect(e.queueView().waiting).toEqual(['urgent', 'normal']);
    expect(offered(online(e, 'a', 6_000))).toEqual([['urgent', 'a']]);
  });

  it('given calls of every level interleaved, when agents free up one by one, then levels are served urgent → elderly/callback_due → normal, arrival order kept within each', () => {
    const e = engineWith();
    const calls: [string, PriorityTag][] = [
      ['n1', 'normal'],
      ['e1', 'elderly'],
      ['u1', 'urgent'],
      ['n2', 'normal'],
      ['cb1', 'callback_due'],
      ['u2', 'urgent'],
      ['e2', 'elderly'],
      ['n3', 'normal'],
    ];
    calls.forEach(([callId, priority], i) => e.handle({ type: 'call_queued', callId, priority }, 1_000 * (i + 1)));
    const served: string[] = [];
    for (let i = 0; i < calls.length; i++) served.push(...offered(online(e, `a${i}`, 20_000 + i)).map(([c]) => c));
    expect(served).toEqual(['u1', 'u2', 'e1', 'cb1', 'e2', 'n1', 'n2', 'n3']);
    expect(PRIORITY_LEVEL.elderly).toBe(PRIORITY_LEVEL.callback_due);
  });

  it('given many normal calls, when they are served, then strictly first come first served', () => {
    const e = engineWith();
    for (let i = 0; i < 20; i++) e.handle({ type: 'call_queued', callId: `c${i}` }, 1_000 + i);
    const served: string[] = [];
    for (let i = 0; i < 20; i++) served.push(...offered(online(e, `a${i}`, 5_000 + i)).map(([c]) => c));
    expect(served).toEqual(Array.from({ length: 20 }, (_, i) => `c${i}`));
  });

  it('given calls arriving in the same millisecond, when served, then their arrival sequence breaks the tie', () => {
    const e = engineWith();
    e.handle({ type: 'call_queued', callId: 'zz' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'aa' }, 1_000);
    expect(e.queueView().waiting).toEqual(['zz', 'aa']);
  });
});

describe('an agent in several queues', () => {
  const queues: QueueConfig[] = [
    { ...FUND, weight: 2 },
    { ...SOCIAL, weight: 1 },
    { id: 'business', requires: [{ skill: 'business' }], weight: 1 },
  ];

  it('given normal calls in two queues, when a two-skill agent frees up, then the heavier queue is served first although its call is newer', () => {
    const e = engineWith({ queues });
    e.handle({ type: 'call_queued', callId: 'social-old', queueId: 'social' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'fund-new', queueId: 'fund' }, 9_000);
    expect(offered(online(e, 'a', 10_000, { housing_fund: 1, social_security: 1 }))).toEqual([['fund-new', 'a']]);
  });

  it('given an urgent call in the lighter queue, when the agent frees up, then priority beats queue weight', () => {
    const e = engineWith({ queues });
    e.handle({ type: 'call_queued', callId: 'fund-normal', queueId: 'fund' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'social-urgent', queueId: 'social', priority: 'urgent' }, 9_000);
    expect(offered(online(e, 'a', 10_000, { housing_fund: 1, social_security: 1 }))).toEqual([['social-urgent', 'a']]);
  });

  it('given equal weights, when the agent frees up, then the longest-waiting call across the queues goes first', () => {
    const e = engineWith({ queues });
    e.handle({ type: 'call_queued', callId: 'business-new', queueId: 'business' }, 5_000);
    e.handle({ type: 'call_queued', callId: 'social-old', queueId: 'social' }, 1_000);
    expect(offered(online(e, 'a', 10_000, { business: 1, social_security: 1 }))).toEqual([['social-old', 'a']]);
  });

  it('given calls the agent cannot serve ahead in the order, when the agent frees up, then it takes the best call it can serve', () => {
    const e = engineWith({ queues });
    e.handle({ type: 'call_queued', callId: 'fund-urgent', queueId: 'fund', priority: 'urgent' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'social', queueId: 'social' }, 2_000);
    expect(offered(online(e, 'a', 10_000, { social_security: 1 }))).toEqual([['social', 'a']]);
    expect(e.queueView().waiting).toEqual(['fund-urgent']);
  });

  it('given several agents freeing at the same tick, when wrap-ups end together, then the longest idle before picks first', () => {
    const e = engineWith({ wrapUpMs: 10_000 });
    online(e, 'a', 0);
    online(e, 'b', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 100); // → a
    e.handle({ type: 'call_queued', callId: 'c2' }, 100); // → b
    e.handle({ type: 'offer_answered', callId: 'c1' }, 200);
    e.handle({ type: 'offer_answered', callId: 'c2' }, 200);
    e.handle({ type: 'call_finished', callId: 'c2' }, 1_000);
    e.handle({ type: 'call_finished', callId: 'c1' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'c3', priority: 'urgent' }, 2_000);
    e.handle({ type: 'call_queued', callId: 'c4' }, 2_001);
    const out = e.handle({ type: 'tick' }, 11_000);
    expect(offered(out)).toEqual([
      ['c3', 'b'],
      ['c4', 'a'],
    ]);
  });
});

// ---- randomised: every decision equals the brute-force reading of the rules ----

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('routing decisions against a brute-force oracle', () => {
  const SK = ['social_security', 'housing_fund', 'real_estate', 'business', 'english', 'cantonese'];
  const QUEUES: QueueConfig[] = [
    { id: 'general' },
    { id: 'social', requires: [{ skill: 'social_security', minLevel: 2 }], weight: 2 },
    { id: 'fund', requires: [{ skill: 'housing_fund' }], weight: 1 },
    { id: 'estate', requires: [{ skill: 'real_estate', minLevel: 3 }, { skill: 'business' }], weight: 1 },
    { id: 'english', requires: [{ skill: 'english', minLevel: 3 }], weight: 3 },
  ];

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`given random agents and calls (seed ${seed}), when every event is handled, then each offer matches the rules and no servable pair is left waiting`, () => {
      const r = rng(seed);
      const e = engineWith({ queues: QUEUES, wrapUpMs: 0 });
      const agents = Array.from({ length: 25 }, (_, i) => `a${i}`);
      const skills = new Map<string, Record<string, number>>();
      for (const id of agents) {
        const s: Record<string, number> = {};
        for (const sk of SK) if (r() < 0.4) s[sk] = 1 + Math.floor(r() * 5);
        skills.set(id, s);
        e.handle({ type: 'agent_known', agentId: id, skills: s }, 0);
        e.handle({ type: 'device_changed', agentId: id, online: true }, 0);
      }
      const prio: PriorityTag[] = ['normal', 'normal', 'normal', 'urgent', 'elderly'];
      let now = 1;
      let callN = 0;
      let decisions = 0;

      const serve = (agentId: string, queueId: string): boolean => {
        const q = QUEUES.find((x) => x.id === queueId)!;
        const s = skills.get(agentId)!;
        return (q.requires ?? []).every((req) => (s[req.skill] ?? 0) >= (req.minLevel ?? 1));
      };
      const available = () => agents.filter((a) => e.agentView(a)?.state === 'available' && e.agentView(a)?.deviceOnline);
      const weight = (queueId: string) => QUEUES.find((x) => x.id === queueId)!.weight ?? 1;

      const talking = new Map<string, string>(); // callId → agentId
      for (let step = 0; step < 600; step++) {
        now += 1 + Math.floor(r() * 2_000);
        const before = { free: available(), waiting: e.queueView().waiting.map((c) => e.callView(c)!) };
        const ringing = e.queueView().offered;
        const idle = agents.filter((a) => ['offline', 'missed', 'break'].includes(e.agentView(a)?.state ?? 'offline'));
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
        let ev: AcdEvent = { type: 'tick' };
        const x = r();
        if (x < 0.35) {
          const queueId = pick(QUEUES).id;
          ev = { type: 'call_queued', callId: `c${++callN}`, queueId, priority: pick(prio) };
        } else if (x < 0.55 && ringing.length > 0) {
          ev = { type: 'offer_answered', callId: pick(ringing) };
        } else if (x < 0.75 && talking.size > 0) {
          ev = { type: 'call_finished', callId: pick([...talking.keys()]) };
        } else if (x < 0.9 && idle.length > 0) {
          ev = { type: 'agent_request', agentId: pick(idle), state: 'available' };
        } else if (x < 0.95 && before.waiting.length > 0) {
          ev = { type: 'caller_gone', callId: pick(before.waiting).callId };
        }
        const timersDue = (e.nextDeadline() ?? Infinity) <= now; // then ring timeouts re-queue calls in the same handle()
        const out = e.handle(ev, now);
        for (const c of ofType(out, 'connect')) talking.set(c.callId, c.agentId);
        if (ev.type === 'call_finished') talking.delete(ev.callId);

        // the decision made for a single new call, or a single freed agent, is the rules' choice
        const offers = ofType(out, 'offer');
        if (ev.type === 'call_queued' && !timersDue && offers.length === 1) {
          const q = QUEUES.find((qq) => qq.id === (ev as { queueId: string }).queueId)!;
          const primary = q.requires?.[0]?.skill;
          const candidates = before.free.filter((a) => serve(a, q.id));
          candidates.sort(
            (p, o) =>
              (primary ? (skills.get(o)![primary] ?? 0) - (skills.get(p)![primary] ?? 0) : 0) ||
              e.agentView(p)!.idleSince - e.agentView(o)!.idleSince ||
              (p < o ? -1 : 1),
          );
          expect(offers[0]).toMatchObject({ callId: ev.callId, agentId: candidates[0] });
          decisions++;
        }
        if (ev.type === 'agent_request' && !timersDue && offers.length === 1) {
          const agentId = ev.agentId;
          const candidates = before.waiting.filter((c) => serve(agentId, c.queueId));
          candidates.sort(
            (p, o) => PRIORITY_LEVEL[p.priority] - PRIORITY_LEVEL[o.priority] || weight(o.queueId) - weight(p.queueId) || p.arrivedAt - o.arrivedAt,
          );
          expect(offers[0]).toMatchObject({ agentId, callId: candidates[0]!.callId });
          decisions++;
        }
        // after every event: nobody available could serve anyone waiting
        for (const c of e.queueView().waiting) {
          const v = e.callView(c)!;
          for (const a of available()) expect(serve(a, v.queueId), `${a} idle while ${c} (${v.queueId}) waits`).toBe(false);
        }
      }
      expect(decisions).toBeGreaterThan(30);
    });
  }
});

describe('engine construction', () => {
  it('given only ring and wrap-up settings, when the engine starts, then there is one skill-less queue named general', () => {
    const e = new AcdEngine({ ringTimeoutMs: 15_000, wrapUpMs: 0 });
    expect([...e.config.queues.keys()]).toEqual(['general']);
    expect(e.config.defaultQueue).toBe('general');
  });
});
