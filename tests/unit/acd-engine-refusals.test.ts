// The ACD decision core, driven with explicit `now` values: no timers, no sockets, no sleeps.
// Refused requests and the agent-machine table.
import { describe, expect, it } from 'vitest';
import { DeviceOfflineError, IllegalTransitionError } from '../../acd/engine.js';
import { canTransition, IllegalTransitionError as MachineIllegalTransitionError, newAgent, transition } from '../../acd/agent-machine.js';
import { engine, stateOf } from './acd-engine-fixtures.js';

describe('AcdEngine refusals', () => {
  it('given an agent with no registered device, when they ask to be available, then DeviceOfflineError is thrown and the agent stays offline', () => {
    const e = engine();
    e.handle({ type: 'agent_known', agentId: 'a' }, 0);
    expect(() => e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 1_000)).toThrow(DeviceOfflineError);
    try {
      e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 1_000);
    } catch (err) {
      expect(err).toBeInstanceOf(DeviceOfflineError);
      expect((err as DeviceOfflineError).agentId).toBe('a');
      expect((err as Error).name).toBe('DeviceOfflineError');
    }
    expect(stateOf(e, 'a')).toBe('offline');
  });

  it('given an offline agent record, when agent-machine transition() is asked to go straight to on_call, then IllegalTransitionError is thrown and the record is unchanged', () => {
    const a = newAgent('a', 0);
    expect(canTransition('offline', 'on_call')).toBe(false);
    expect(() => transition(a, 'on_call', 'answered', 1_000)).toThrow(IllegalTransitionError);
    expect(() => transition(a, 'on_call', 'answered', 1_000)).toThrow('agent cannot go from offline to on_call');
    try {
      transition(a, 'on_call', 'answered', 1_000);
    } catch (err) {
      expect(err).toBeInstanceOf(MachineIllegalTransitionError);
      expect(err).toMatchObject({ from: 'offline', to: 'on_call', name: 'IllegalTransitionError' });
    }
    expect(a).toMatchObject({ state: 'offline', since: 0 });
  });

  it('given the agent-machine table, when illegal moves are tried, then each is refused', () => {
    const illegal: [Parameters<typeof canTransition>[0], Parameters<typeof canTransition>[1]][] = [
      ['offline', 'reserved'],
      ['available', 'on_call'],
      ['on_call', 'available'],
      ['wrap_up', 'on_call'],
      ['break', 'reserved'],
      ['missed', 'on_call'],
    ];
    for (const [from, to] of illegal) {
      const a = newAgent('a', 0);
      a.state = from;
      expect(() => transition(a, to, 'agent_request', 1)).toThrow(IllegalTransitionError);
    }
  });

  it('given a legal move, when transition() runs, then it returns from/to/cause/at and sets break reason and wrap-up end', () => {
    const a = newAgent('a', 0);
    expect(transition(a, 'break', 'agent_request', 5)).toEqual({
      agentId: 'a',
      from: 'offline',
      to: 'break',
      cause: 'agent_request',
      reason: 'other',
      at: 5,
      until: null,
    });
    transition(a, 'available', 'agent_request', 6);
    expect(a.idleSince).toBe(6);
    transition(a, 'reserved', 'offer', 7);
    transition(a, 'on_call', 'answered', 8);
    expect(transition(a, 'wrap_up', 'call_ended', 9, { until: 99 })).toMatchObject({ to: 'wrap_up', until: 99 });
    expect(a.wrapUpUntil).toBe(99);
  });
});
