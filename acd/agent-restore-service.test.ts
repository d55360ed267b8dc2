// The service's side of restoring agents after a restart (issue 14): what the database last recorded for each
// agent becomes the state the new start gives back. An agent whose phone was ringing when the server died was
// ready for calls: the restart withdrew the offer, so they are 就绪 again, not offline and not 未接.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import type { CallControl } from '../telephony/call-control.js';
import { testQueueService } from '../testkit/queue-fixture.js';
import { LiveCalls } from './live-calls.js';

function restartedQueue() {
  const telephony = new Proxy({} as CallControl, { get: () => async () => undefined });
  const pushed: string[] = [];
  const queue = testQueueService({
    telephony,
    calls: new LiveCalls(),
    bus: createCallEventBus(pino({ level: 'silent' })),
    log: pino({ level: 'silent' }),
    notifier: { agentState: (a, p) => void pushed.push(`${a}:${p.state}`) },
  });
  queue.agentKnown('u-1001');
  queue.handleTelephony({ type: 'device_state', device: '1001', online: true, at: new Date() });
  return { queue, pushed };
}

describe('agents restored by the service after a restart', () => {
  it('given an agent last recorded ringing (reserved), when restored, then they are 就绪 since the offer and their desktop is told so', () => {
    const { queue, pushed } = restartedQueue();
    const at = new Date(Date.now() - 4_000);
    expect(queue.restoreAgents([{ userId: 'u-1001', to: 'reserved', reason: null, at }])).toBe(1);
    expect(queue.agentPush('u-1001')).toMatchObject({ state: 'available', since: at.toISOString() });
    expect(pushed).toEqual(['u-1001:available']);
  });

  it('given an agent last recorded on a call or offline, when restored, then nothing is given back (the adoption owns a call)', () => {
    const { queue, pushed } = restartedQueue();
    const at = new Date(Date.now() - 4_000);
    expect(queue.restoreAgents([{ userId: 'u-1001', to: 'on_call', reason: null, at }])).toBe(0);
    expect(queue.restoreAgents([{ userId: 'u-1001', to: 'offline', reason: null, at }])).toBe(0);
    expect(queue.agentPush('u-1001').state).toBe('offline');
    expect(pushed).toEqual([]);
  });
});
