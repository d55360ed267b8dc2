// Real-time figures on a scripted morning, and the estimated wait behind the Mandarin position announcements.
import { describe, expect, it } from 'vitest';
import type { AcdEngine } from './engine.js';
import { estimateWait, waitAnnouncementZh } from './figures.js';
import { engineWith, offered, online } from './testing.js';

const T0 = 8 * 3_600_000; // 08:00
const at = (s: number) => T0 + s * 1_000;

/**
 * 08:00:00 a2 (no skill) available
 * 08:00:10 g1 general → a2 at once, answered :14 (4 s, within 15 s), ends 01:14, wrap-up 10 s → 70 s handled
 * 08:00:20 f1 fund waits (no fund agent yet)
 * 08:00:30 g2 general waits, hangs up at :33 (short abandon, 3 s)
 * 08:00:40 g3 general waits, hangs up at 01:20 (abandon, 40 s)
 * 08:00:50 a1 (公积金 3) available → f1 (waited 30 s), answered :52 (32 s, over the fund target 20 s)
 * 08:01:30 g4 general → a2 (free since 01:24) at once, answered 01:36 (6 s), ends 02:36, wrap-up till 02:46 → 70 s
 * 08:01:40 f2 fund waits
 * 08:02:52 f1 ends; a1 ends wrap-up early at 03:02 (10 s) → 130 s handled; f2 offered, answered 03:05 (85 s)
 * 08:04:05 f2 ends, wrap-up 20 s till 04:25 → 80 s handled
 */
function scriptedMorning(until: number): AcdEngine {
  const e = engineWith({
    figures: { windowMs: 30 * 60_000, shortAbandonMs: 5_000 },
    queues: [
      { id: 'general', wrapUpMs: 10_000 },
      { id: 'fund', requires: [{ skill: 'housing_fund' }], wrapUpMs: 20_000, serviceTarget: { answeredWithinMs: 20_000, percent: 80 } },
    ],
  });
  const script: [number, () => void][] = [
    [0, () => online(e, 'a2', at(0))],
    [10, () => e.handle({ type: 'call_queued', callId: 'g1' }, at(10))],
    [14, () => e.handle({ type: 'offer_answered', callId: 'g1' }, at(14))],
    [20, () => e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, at(20))],
    [30, () => e.handle({ type: 'call_queued', callId: 'g2' }, at(30))],
    [33, () => e.handle({ type: 'caller_gone', callId: 'g2' }, at(33))],
    [40, () => e.handle({ type: 'call_queued', callId: 'g3' }, at(40))],
    [50, () => expect(offered(online(e, 'a1', at(50), { housing_fund: 3 }))).toEqual([['f1', 'a1']])],
    [52, () => e.handle({ type: 'offer_answered', callId: 'f1' }, at(52))],
    [74, () => e.handle({ type: 'call_finished', callId: 'g1' }, at(74))],
    [80, () => e.handle({ type: 'caller_gone', callId: 'g3' }, at(80))],
    [84, () => e.handle({ type: 'tick' }, at(84))],
    [90, () => expect(offered(e.handle({ type: 'call_queued', callId: 'g4' }, at(90)))).toEqual([['g4', 'a2']])],
    [96, () => e.handle({ type: 'offer_answered', callId: 'g4' }, at(96))],
    [100, () => e.handle({ type: 'call_queued', callId: 'f2', queueId: 'fund' }, at(100))],
    [156, () => e.handle({ type: 'call_finished', callId: 'g4' }, at(156))],
    [166, () => e.handle({ type: 'tick' }, at(166))],
    [172, () => e.handle({ type: 'call_finished', callId: 'f1' }, at(172))],
    [182, () => expect(offered(e.handle({ type: 'wrap_up_done', agentId: 'a1' }, at(182)))).toEqual([['f2', 'a1']])],
    [185, () => e.handle({ type: 'offer_answered', callId: 'f2' }, at(185))],
    [245, () => e.handle({ type: 'call_finished', callId: 'f2' }, at(245))],
    [265, () => e.handle({ type: 'tick' }, at(265))],
  ];
  for (const [t, step] of script) if (t <= until) step();
  return e;
}

describe('figures on a scripted morning', () => {
  it('given the morning up to 08:02:30, when figures are taken, then waiting, longest wait, service level, ASA, AHT and abandon rate match the script', () => {
    const e = scriptedMorning(150);
    const f = e.figures(at(150));
    expect(f.total).toMatchObject({
      waiting: 1,
      ringing: 0,
      longestWaitMs: 50_000,
      answered: 3,
      answeredWithinTarget: 2,
      abandoned: 1,
      shortAbandoned: 1,
      handled: 1,
    });
    expect(f.total.serviceLevel).toBeCloseTo(2 / 4);
    expect(f.total.asaMs).toBeCloseTo((4_000 + 32_000 + 6_000) / 3);
    expect(f.total.ahtMs).toBe(70_000);
    expect(f.total.abandonRate).toBeCloseTo(1 / 4);
    expect(f.total.agents).toMatchObject({ on_call: 2, available: 0 });

    expect(f.queues.general).toMatchObject({ waiting: 0, answered: 2, answeredWithinTarget: 2, abandoned: 1, shortAbandoned: 1, asaMs: 5_000, ahtMs: 70_000 });
    expect(f.queues.general!.serviceLevel).toBeCloseTo(2 / 3);
    expect(f.queues.general!.abandonRate).toBeCloseTo(1 / 3);
    expect(f.queues.general!.target).toEqual({ answeredWithinMs: 15_000, percent: 80 });
    expect(f.queues.general!.agents.on_call).toBe(2);

    expect(f.queues.fund).toMatchObject({
      waiting: 1,
      longestWaitMs: 50_000,
      answered: 1,
      answeredWithinTarget: 0,
      serviceLevel: 0,
      asaMs: 32_000,
      ahtMs: null,
      abandonRate: 0,
    });
    expect(f.queues.fund!.agents).toMatchObject({ on_call: 1, available: 0, offline: 0 });
    expect(f.skills.housing_fund).toMatchObject({ waiting: 1, answered: 1, serviceLevel: 0, agents: expect.objectContaining({ on_call: 1 }) });
  });

  it('given the whole morning, when figures are taken at 08:07, then every call is counted', () => {
    const f = scriptedMorning(1_000).figures(at(420));
    expect(f.total).toMatchObject({ waiting: 0, longestWaitMs: 0, answered: 4, answeredWithinTarget: 2, abandoned: 1, shortAbandoned: 1, handled: 4 });
    expect(f.total.serviceLevel).toBeCloseTo(2 / 5);
    expect(f.total.asaMs).toBeCloseTo((4 + 32 + 6 + 85) * 250);
    expect(f.total.ahtMs).toBeCloseTo(((70 + 130 + 70 + 80) * 1_000) / 4);
    expect(f.total.abandonRate).toBeCloseTo(1 / 5);
    expect(f.queues.fund).toMatchObject({ answered: 2, handled: 2, ahtMs: 105_000, asaMs: 58_500 });
    expect(f.total.agents).toMatchObject({ available: 2 });
  });

  it('given the rolling window, when figures are taken 40 minutes later, then the morning’s calls have left the window', () => {
    const e = scriptedMorning(1_000);
    const f = e.figures(at(40 * 60));
    expect(f.total).toMatchObject({ answered: 0, abandoned: 0, handled: 0, serviceLevel: null, asaMs: null, ahtMs: null, abandonRate: null });
    expect(e.figures(at(40 * 60), { windowMs: 45 * 60_000 }).total.answered).toBe(4);
  });

  it('given a ringing call, when figures are taken, then it counts as ringing with its wait in the longest wait', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.figures(9_000).total).toMatchObject({ waiting: 0, ringing: 1, longestWaitMs: 8_000, agents: expect.objectContaining({ reserved: 1 }) });
  });

  it('given callbacks, when figures are taken, then they are counted apart and not as abandons', () => {
    const e = engineWith();
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 60_000);
    const f = e.figures(61_000);
    expect(f.total).toMatchObject({ waiting: 0, abandoned: 0, callbacks: { pending: 1, requested: 1, connected: 0, abandoned: 0 } });
  });
});

describe('estimated wait for the position announcements', () => {
  it('given two busy agents and a known handle time, when the third caller asks, then position 3 and 3 × AHT / 2', () => {
    const e = engineWith({ queues: [{ id: 'general', wrapUpMs: 20_000 }] });
    online(e, 'a', 0);
    online(e, 'b', 0);
    // one handled call to learn the handle time: 100 s talk + 20 s wrap-up
    e.handle({ type: 'call_queued', callId: 'h' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'h' }, 2_000);
    e.handle({ type: 'call_finished', callId: 'h' }, 102_000);
    e.handle({ type: 'tick' }, 122_000);
    e.handle({ type: 'call_queued', callId: 't1' }, 130_000); // → one agent
    e.handle({ type: 'call_queued', callId: 't2' }, 130_001); // → the other
    e.handle({ type: 'call_queued', callId: 'w1' }, 131_000);
    e.handle({ type: 'call_queued', callId: 'w2' }, 132_000);
    e.handle({ type: 'call_queued', callId: 'w3' }, 133_000);
    const w = e.estimatedWait('w3', 134_000)!;
    expect(w).toEqual({ position: 3, staffedAgents: 2, ahtMs: 120_000, estimatedWaitMs: 180_000 });
    expect(waitAnnouncementZh(w)).toBe('您前面还有2位来电，预计等待约3分钟。');
    expect(e.estimatedWait('w1', 134_000)?.position).toBe(1);
    expect(e.estimatedWait('t1', 134_000)).toBeUndefined(); // ringing, not waiting
  });

  it('given no handled call yet, when a wait is estimated, then the configured default handle time is used', () => {
    const e = engineWith({ figures: { defaultHandleMs: 240_000 } });
    online(e, 'a', 0);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'meal' }, 1);
    e.handle({ type: 'call_queued', callId: 'c1' }, 10);
    expect(e.estimatedWait('c1', 20)).toEqual({ position: 1, staffedAgents: 0, ahtMs: 240_000, estimatedWaitMs: null });
  });

  it('given estimates, when announced in Mandarin, then next-in-line, short and unknown waits read naturally', () => {
    expect(waitAnnouncementZh(estimateWait(1, 4, 120_000))).toBe('您是下一位，预计等待不超过1分钟。');
    expect(waitAnnouncementZh(estimateWait(6, 0, 120_000))).toBe('您前面还有5位来电，请耐心等待。');
    expect(waitAnnouncementZh(estimateWait(10, 2, 100_000))).toBe('您前面还有9位来电，预计等待约9分钟。');
  });
});
