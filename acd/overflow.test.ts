// Overflow (widen / move), max wait and the callback offer, all driven by nextDeadline() ticks.
import { describe, expect, it } from 'vitest';
import type { QueueConfig } from './config.js';
import { engineWith, offered, ofType, online } from './testing.js';

const FUND_STRICT: QueueConfig = {
  id: 'fund',
  requires: [{ skill: 'housing_fund', minLevel: 4 }],
  overflow: [{ afterMs: 30_000, action: 'widen', requires: [{ skill: 'housing_fund', minLevel: 1 }] }],
};

describe('overflow: widen the skill set', () => {
  it('given only a junior agent free, when a strict call has waited 30 s, then it widens to the lower level and is offered to the junior', () => {
    const e = engineWith({ queues: [FUND_STRICT] });
    online(e, 'junior', 0, { housing_fund: 1 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000))).toEqual([]);
    expect(e.nextDeadline()).toBe(31_000);
    expect(e.handle({ type: 'tick' }, 30_999)).toEqual([]);
    const out = e.handle({ type: 'tick' }, 31_000);
    expect(ofType(out, 'overflow')).toEqual([
      {
        type: 'overflow',
        callId: 'c1',
        action: 'widen',
        fromQueue: 'fund',
        toQueue: 'fund',
        requires: [{ skill: 'housing_fund', minLevel: 1 }],
        waitedMs: 30_000,
      },
    ]);
    expect(offered(out)).toEqual([['c1', 'junior']]);
    expect(ofType(out, 'offer')[0]?.waitedMs).toBe(30_000);
  });

  it('given a senior frees up before the overflow, when the call is offered, then no widening happens and the timer is gone', () => {
    const e = engineWith({ queues: [FUND_STRICT] });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 1_000);
    expect(offered(online(e, 'senior', 10_000, { housing_fund: 5 }))).toEqual([['c1', 'senior']]);
    expect(e.nextDeadline()).toBe(10_000 + 15_000); // only the ring timeout
    e.handle({ type: 'offer_answered', callId: 'c1' }, 12_000);
    expect(e.handle({ type: 'tick' }, 40_000)).toEqual([]);
  });

  it('given a queue requiring 公积金 and 粤语, when the call waits 20 s, then it drops 粤语 and reaches a Mandarin-only fund agent', () => {
    const e = engineWith({
      queues: [
        {
          id: 'fund-yue',
          requires: [{ skill: 'housing_fund' }, { skill: 'cantonese', minLevel: 3 }],
          overflow: [{ afterMs: 20_000, action: 'widen', requires: [{ skill: 'housing_fund' }] }],
        },
      ],
    });
    online(e, 'mandarin', 0, { housing_fund: 3 });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund-yue' }, 0);
    expect(e.callView('c1')?.requires).toEqual([
      { skill: 'housing_fund', minLevel: 1 },
      { skill: 'cantonese', minLevel: 3 },
    ]);
    expect(offered(e.handle({ type: 'tick' }, 20_000))).toEqual([['c1', 'mandarin']]);
  });

  it('given a widened call, when it rings out and comes back, then it stays widened and keeps its place', () => {
    const e = engineWith({ queues: [FUND_STRICT] });
    online(e, 'junior', 0, { housing_fund: 1 });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 0);
    e.handle({ type: 'tick' }, 30_000); // widened, offered to junior
    e.handle({ type: 'call_queued', callId: 'c2', queueId: 'fund' }, 31_000);
    e.handle({ type: 'tick' }, 45_000); // ring timeout: junior missed, c1 back
    expect(e.callView('c1')).toMatchObject({ state: 'waiting', requires: [{ skill: 'housing_fund', minLevel: 1 }] });
    expect(e.queueView().waiting).toEqual(['c1', 'c2']);
  });
});

describe('overflow: move to another queue', () => {
  const queues: QueueConfig[] = [
    { id: 'general' },
    { id: 'english', requires: [{ skill: 'english', minLevel: 3 }], overflow: [{ afterMs: 60_000, action: 'move', toQueue: 'general' }] },
  ];

  it('given an English call nobody can take, when it has waited 60 s, then it moves to general keeping its arrival time (between an older and a newer general call)', () => {
    const e = engineWith({ queues });
    e.handle({ type: 'call_queued', callId: 'older', queueId: 'general' }, 0);
    e.handle({ type: 'call_queued', callId: 'en', queueId: 'english' }, 5_000);
    e.handle({ type: 'call_queued', callId: 'newer', queueId: 'general' }, 30_000);
    expect(e.nextDeadline()).toBe(65_000);
    const out = e.handle({ type: 'tick' }, 65_000);
    expect(ofType(out, 'overflow')).toEqual([
      { type: 'overflow', callId: 'en', action: 'move', fromQueue: 'english', toQueue: 'general', requires: [], waitedMs: 60_000 },
    ]);
    expect(e.callView('en')).toMatchObject({ queueId: 'general', arrivedAt: 5_000, enteredQueueAt: 65_000 });
    expect(e.queueView().waiting).toEqual(['older', 'en', 'newer']);
    online(e, 'a', 70_000);
    const second = online(e, 'b', 71_000);
    expect(ofType(second, 'offer')).toEqual([expect.objectContaining({ callId: 'en', agentId: 'b', queueId: 'general', waitedMs: 66_000 })]);
  });

  it('given a late tick, when several steps are overdue, then they apply in order from their scheduled times', () => {
    const e = engineWith({
      queues: [
        { id: 'general', maxWait: { afterMs: 100_000, action: 'offer_callback' } },
        {
          id: 'fund',
          requires: [{ skill: 'housing_fund', minLevel: 4 }],
          overflow: [
            { afterMs: 10_000, action: 'widen', requires: [{ skill: 'housing_fund', minLevel: 2 }] },
            { afterMs: 20_000, action: 'move', toQueue: 'general' },
          ],
        },
      ],
    });
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'fund' }, 0);
    const out = e.handle({ type: 'tick' }, 500_000);
    expect(ofType(out, 'overflow').map((o) => o.action)).toEqual(['widen', 'move']);
    expect(e.callView('c1')).toMatchObject({ queueId: 'general', enteredQueueAt: 20_000 });
    // general's own max wait counts from the move (20 s + 100 s), already past at 500 s
    expect(ofType(out, 'max_wait_reached')).toEqual([expect.objectContaining({ callId: 'c1', queueId: 'general', action: 'offer_callback' })]);
  });
});

describe('max wait', () => {
  it('given a max wait with callback, when a call reaches it, then max_wait_reached (offer_callback) is issued once and the call keeps waiting', () => {
    const e = engineWith({ queues: [{ id: 'general', maxWait: { afterMs: 120_000, action: 'offer_callback' } }] });
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.nextDeadline()).toBe(121_000);
    const out = e.handle({ type: 'tick' }, 121_000);
    expect(ofType(out, 'max_wait_reached')).toEqual([
      { type: 'max_wait_reached', callId: 'c1', queueId: 'general', waitedMs: 120_000, action: 'offer_callback' },
    ]);
    expect(e.queueView().waiting).toEqual(['c1']);
    expect(e.nextDeadline()).toBeNull();
    expect(e.handle({ type: 'tick' }, 500_000)).toEqual([]);
  });

  it('given a max wait with a fallback queue, when a call reaches it, then it moves there keeping its arrival time and is served by the fallback agents', () => {
    const e = engineWith({
      queues: [
        { id: 'general' },
        { id: 'estate', requires: [{ skill: 'real_estate' }], maxWait: { afterMs: 90_000, action: 'fallback_queue', toQueue: 'general' } },
      ],
    });
    online(e, 'generalist', 0, {});
    e.handle({ type: 'call_queued', callId: 'c1', queueId: 'estate' }, 10_000);
    const out = e.handle({ type: 'tick' }, 100_000);
    expect(ofType(out, 'max_wait_reached')).toEqual([
      { type: 'max_wait_reached', callId: 'c1', queueId: 'estate', waitedMs: 90_000, action: 'fallback_queue', toQueue: 'general' },
    ]);
    expect(ofType(out, 'offer')).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'generalist', queueId: 'general', waitedMs: 90_000 })]);
  });

  it('given a call that hangs up before its max wait, when the time comes, then nothing is issued', () => {
    const e = engineWith({ queues: [{ id: 'general', maxWait: { afterMs: 60_000, action: 'offer_callback' } }] });
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    e.handle({ type: 'caller_gone', callId: 'c1' }, 10_000);
    expect(e.nextDeadline()).toBeNull();
    expect(e.handle({ type: 'tick' }, 60_000)).toEqual([]);
  });

  it('given a call ringing when its max wait passes, when the ring times out, then the overdue max wait fires as it comes back', () => {
    const e = engineWith({ queues: [{ id: 'general', maxWait: { afterMs: 10_000, action: 'offer_callback' } }] });
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000); // ringing a until 16 s
    expect(e.nextDeadline()).toBe(16_000);
    const out = e.handle({ type: 'tick' }, 16_000);
    expect(out.map((c) => c.type)).toEqual(['cancel_offer', 'agent_state', 'max_wait_reached']);
  });
});

describe('callback offer after a configurable wait', () => {
  it('given callbacks offered after 90 s, when a call waits that long, then offer_callback is issued once (before any max wait)', () => {
    const e = engineWith({
      callbacks: { offerAfterMs: 90_000 },
      queues: [{ id: 'general', maxWait: { afterMs: 300_000, action: 'offer_callback' } }],
    });
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    expect(e.nextDeadline()).toBe(90_000);
    expect(ofType(e.handle({ type: 'tick' }, 90_000), 'offer_callback')).toEqual([
      { type: 'offer_callback', callId: 'c1', queueId: 'general', waitedMs: 90_000 },
    ]);
    expect(e.nextDeadline()).toBe(300_000);
  });

  it('given a queue that turns the callback offer off, when a call waits, then no offer_callback is issued', () => {
    const e = engineWith({ callbacks: { offerAfterMs: 90_000 }, queues: [{ id: 'general', callbackOfferAfterMs: null }] });
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    expect(e.nextDeadline()).toBeNull();
  });
});
