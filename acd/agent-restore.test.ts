// Agents get their state back after a server restart (issue 14): the engine puts each agent whose phone is still
// registered back as the database last recorded them, with their idle order, break reason and wrap-up end; an
// agent who acted since the start, or has no registered phone, is left alone. Injected clock throughout.
import { describe, expect, it } from 'vitest';
import type { AcdEngine } from './engine.js';
import { engineWith, moveLines, offered, ofType } from './testing.js';

const phoneUp = (e: AcdEngine, agentId: string, now: number) => e.handle({ type: 'device_changed', agentId, online: true }, now);

describe('agents restored after a restart', () => {
  it('given two agents last 就绪 at different times, when restored, then the one idle longer is offered the first caller and no state change is recorded', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 100_000);
    phoneUp(e, 'a2', 100_000);
    const out = [
      ...e.handle({ type: 'agent_restored', agentId: 'a1', state: 'available', since: 50_000 }, 100_000),
      ...e.handle({ type: 'agent_restored', agentId: 'a2', state: 'available', since: 20_000 }, 100_000),
    ];
    expect(moveLines(out)).toEqual([]);
    expect(e.agentView('a2')).toMatchObject({ state: 'available', since: 20_000 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1' }, 101_000))).toEqual([['c1', 'a2']]);
  });

  it('given an agent last on 小休 (meal), when restored, then they stay on break with the reason and get no call', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a1', state: 'break', reason: 'meal', since: 5_000 }, 10_000);
    expect(e.agentView('a1')).toMatchObject({ state: 'break', reason: 'meal', since: 5_000 });
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1' }, 11_000))).toEqual([]);
  });

  it('given a wrap-up still running, when restored, then it ends at its original end; one already over makes the agent available from its end', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    phoneUp(e, 'a2', 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a1', state: 'wrap_up', since: 8_000, until: 13_000 }, 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a2', state: 'wrap_up', since: 1_000, until: 4_000 }, 10_000);
    expect(e.agentView('a1')).toMatchObject({ state: 'wrap_up', wrapUpUntil: 13_000 });
    expect(e.agentView('a2')).toMatchObject({ state: 'available', since: 4_000 });
    expect(e.nextDeadline()).toBe(13_000);
    expect(moveLines(e.handle({ type: 'tick' }, 13_000), 'a1')).toEqual(['a1:wrap_up>available:wrap_up_ended']);
  });

  it('given an agent whose phone is not registered, or who set a state since the start, when restored, then nothing changes', () => {
    const e = engineWith();
    const noPhone = e.handle({ type: 'agent_restored', agentId: 'a1', state: 'available', since: 1_000 }, 10_000);
    expect(e.agentView('a1')?.state).toBe('offline');
    expect(ofType(noPhone, 'ignored')).toMatchObject([{ event: 'agent_restored', reason: 'not_restorable', agentId: 'a1' }]);
    phoneUp(e, 'a2', 10_000);
    e.handle({ type: 'agent_request', agentId: 'a2', state: 'break', reason: 'rest' }, 10_500);
    e.handle({ type: 'agent_restored', agentId: 'a2', state: 'available', since: 1_000 }, 11_000);
    expect(e.agentView('a2')).toMatchObject({ state: 'break', reason: 'rest' });
  });

  it('given a restored 未接 agent, then they must acknowledge it before calls come again', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a1', state: 'missed', since: 9_000 }, 10_000);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1' }, 10_100))).toEqual([]);
    expect(offered(e.handle({ type: 'agent_request', agentId: 'a1', state: 'available' }, 10_200))).toEqual([['c1', 'a1']]);
  });

  it('given a restored 就绪 agent whose phone then goes away, then they go offline as any agent would', () => {
    const e = engineWith();
    phoneUp(e, 'a1', 10_000);
    e.handle({ type: 'agent_restored', agentId: 'a1', state: 'available', since: 9_000 }, 10_000);
    expect(moveLines(e.handle({ type: 'device_changed', agentId: 'a1', online: false }, 11_000))).toEqual(['a1:available>offline:device_offline']);
  });
});
