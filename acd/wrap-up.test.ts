// Per-queue wrap-up, early end by the agent, extension up to the supervisor's maximum.
import { describe, expect, it } from 'vitest';
import { AcdConfigError } from './config.js';
import { engineWith, moveLines, moves, offered, ofType, online, talk } from './testing.js';

const queues = [
  { id: 'general', wrapUpMs: 10_000 },
  { id: 'fund', requires: [{ skill: 'housing_fund' }], wrapUpMs: 60_000, maxWrapUpMs: 120_000 },
];

function engineWithAgent() {
  const e = engineWith({ wrapUpMs: 30_000, queues });
  online(e, 'a', 0, { housing_fund: 3 });
  return e;
}

describe('per-queue wrap-up', () => {
  it('given a fund call and a general call, when each ends, then wrap-up lasts the queue’s own time', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    const fundEnd = talk(e, 'f1', 2_000, 100_000);
    expect(moveLines(fundEnd, 'a')).toEqual(['a:reserved>on_call:answered', 'a:on_call>wrap_up:call_ended']);
    expect(moves(fundEnd, 'a')[1]).toMatchObject({ at: 100_000, until: 160_000 });
    expect(e.nextDeadline()).toBe(160_000);
    expect(moves(e.handle({ type: 'tick' }, 160_000), 'a')).toEqual([expect.objectContaining({ to: 'available', cause: 'wrap_up_ended' })]);

    e.handle({ type: 'call_queued', callId: 'g1', queueId: 'general' }, 200_000);
    const generalEnd = talk(e, 'g1', 201_000, 260_000);
    expect(moves(generalEnd, 'a')[1]).toMatchObject({ to: 'wrap_up', until: 270_000 });
  });

  it('given a queue without its own wrap-up, when its call ends, then the configuration default applies', () => {
    const e = engineWith({ wrapUpMs: 30_000, queues: [{ id: 'general' }] });
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(moves(talk(e, 'c1', 2_000, 50_000), 'a')[1]).toMatchObject({ to: 'wrap_up', until: 80_000 });
  });
});

describe('ending wrap-up early', () => {
  it('given an agent in wrap-up with a call waiting, when they end wrap-up early, then they go available (wrap_up_done) and get the call at once', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    talk(e, 'f1', 2_000, 100_000);
    e.handle({ type: 'call_queued', callId: 'f2', queueId: 'fund' }, 101_000);
    const out = e.handle({ type: 'wrap_up_done', agentId: 'a' }, 110_000);
    expect(moveLines(out, 'a')).toEqual(['a:wrap_up>available:wrap_up_done', 'a:available>reserved:offer']);
    expect(offered(out)).toEqual([['f2', 'a']]);
    expect(e.nextDeadline()).toBe(110_000 + 15_000); // the wrap-up timer is gone, only the ring remains
  });

  it('given an agent in wrap-up who asked for a break while talking, when they end wrap-up early, then the break applies', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'f1' }, 2_000);
    e.handle({ type: 'agent_request', agentId: 'a', state: 'break', reason: 'meal' }, 3_000);
    e.handle({ type: 'call_finished', callId: 'f1' }, 4_000);
    expect(moveLines(e.handle({ type: 'wrap_up_done', agentId: 'a' }, 5_000), 'a')).toEqual(['a:wrap_up>break:pending_request']);
  });

  it('given an agent not in wrap-up, when wrap_up_done arrives, then it is ignored and nothing changes', () => {
    const e = engineWithAgent();
    expect(e.handle({ type: 'wrap_up_done', agentId: 'a' }, 5_000)).toEqual([
      { type: 'ignored', event: 'wrap_up_done', reason: 'not_in_wrap_up', agentId: 'a' },
    ]);
    expect(e.agentView('a')?.state).toBe('available');
  });
});

describe('extending wrap-up within the supervisor’s maximum', () => {
  it('given a fund wrap-up (60 s, max 120 s), when the agent asks for 45 s twice, then the second extension is capped at 120 s and a third is refused', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    talk(e, 'f1', 2_000, 100_000); // wrap-up 100 s → 160 s, max 220 s
    expect(e.handle({ type: 'wrap_up_extend', agentId: 'a', byMs: 45_000 }, 120_000)).toEqual([
      { type: 'wrap_up_changed', agentId: 'a', until: 205_000, maxUntil: 220_000 },
    ]);
    expect(e.handle({ type: 'wrap_up_extend', agentId: 'a', byMs: 45_000 }, 150_000)).toEqual([
      { type: 'wrap_up_changed', agentId: 'a', until: 220_000, maxUntil: 220_000 },
    ]);
    expect(e.agentView('a')?.wrapUpUntil).toBe(220_000);
    expect(e.nextDeadline()).toBe(220_000);
    expect(ofType(e.handle({ type: 'wrap_up_extend', agentId: 'a', byMs: 10_000 }, 200_000), 'ignored')).toEqual([
      { type: 'ignored', event: 'wrap_up_extend', reason: 'max_wrap_up_reached', agentId: 'a' },
    ]);
    expect(e.handle({ type: 'tick' }, 160_000)).toEqual([]); // the old end no longer applies
    expect(moves(e.handle({ type: 'tick' }, 220_000), 'a')).toEqual([expect.objectContaining({ to: 'available', cause: 'wrap_up_ended' })]);
  });

  it('given a queue with no maximum beyond its wrap-up, when the agent asks to extend, then it is refused', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'g1', queueId: 'general' }, 1_000);
    talk(e, 'g1', 2_000, 10_000);
    expect(ofType(e.handle({ type: 'wrap_up_extend', agentId: 'a', byMs: 5_000 }, 11_000), 'ignored')).toHaveLength(1);
    expect(e.agentView('a')?.wrapUpUntil).toBe(20_000);
  });

  it('given a running wrap-up, when the supervisor lowers the queue’s maximum below it, then the wrap-up is cut to the new maximum', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    talk(e, 'f1', 2_000, 100_000); // until 160 s
    const out = e.handle({ type: 'queue_wrap_up_set', queueId: 'fund', wrapUpMs: 20_000, maxWrapUpMs: 30_000 }, 110_000);
    expect(out).toEqual([{ type: 'wrap_up_changed', agentId: 'a', until: 130_000, maxUntil: 130_000 }]);
    expect(e.nextDeadline()).toBe(130_000);
    // the next fund call gets the new wrap-up
    e.handle({ type: 'tick' }, 130_000);
    e.handle({ type: 'call_queued', callId: 'f2', queueId: 'fund' }, 140_000);
    expect(moves(talk(e, 'f2', 141_000, 200_000), 'a')[1]).toMatchObject({ to: 'wrap_up', until: 220_000 });
  });

  it('given a running wrap-up already past a new maximum, when the supervisor sets it, then the agent leaves wrap-up now', () => {
    const e = engineWithAgent();
    e.handle({ type: 'call_queued', callId: 'f1', queueId: 'fund' }, 1_000);
    talk(e, 'f1', 2_000, 100_000);
    const out = e.handle({ type: 'queue_wrap_up_set', queueId: 'fund', wrapUpMs: 5_000, maxWrapUpMs: 5_000 }, 110_000);
    expect(moveLines(out, 'a')).toEqual(['a:wrap_up>available:wrap_up_ended']);
  });

  it('given a bad supervisor setting, when it is sent, then AcdConfigError names the problem and nothing changes', () => {
    const e = engineWithAgent();
    expect(() => e.handle({ type: 'queue_wrap_up_set', queueId: 'fnd', wrapUpMs: 1 }, 0)).toThrow('unknown queue "fnd"');
    expect(() => e.handle({ type: 'queue_wrap_up_set', queueId: 'fund', wrapUpMs: 60_000, maxWrapUpMs: 10_000 }, 0)).toThrow(AcdConfigError);
    expect(e.config.queues.get('fund')).toMatchObject({ wrapUpMs: 60_000, maxWrapUpMs: 120_000 });
  });
});
