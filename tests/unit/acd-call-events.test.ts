// The queue publishes what happens to a call on the call-event bus (contracts/call-events.ts), in the order the
// call records need; and neither the ACD nor the IVR reaches into the call records any more.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { LiveCalls } from '../../acd/live-calls.js';
import type { CallEvents } from '../../contracts/call-events.js';
import { createCallEventBus } from '../../platform/events/call-event-bus.js';
import type { CallControl, OriginateRequest } from '../../telephony/call-control.js';
import { testLiveCall, testQueueService } from '../../testkit/queue-fixture.js';

const log = pino({ level: 'silent' });

function setup() {
  const originated: OriginateRequest[] = [];
  const telephony = new Proxy({} as CallControl, {
    get: (_t, name) => (name === 'originate' ? async (req: OriginateRequest) => void originated.push(req) : async () => undefined),
  });
  const bus = createCallEventBus(log);
  const events: string[] = [];
  const names: (keyof CallEvents)[] = ['call.queued', 'call.offered', 'call.offer_closed', 'call.answered', 'call.recording_started', 'call.ended'];
  for (const name of names) {
    bus.on(name, (e) => void events.push('result' in e ? `${name}:${e.result}` : name));
  }
  const calls = new LiveCalls();
  const pushes: string[] = [];
  const queue = testQueueService({
    telephony,
    calls,
    bus,
    log,
    notifier: {
      agentState: (a, p) => void pushes.push(`${a} ${p.state}`),
      callOffered: (a) => void pushes.push(`${a} offered`),
      callConnected: (a) => void pushes.push(`${a} connected`),
      callEnded: (a, p) => void pushes.push(`${a} ended ${p.outcome}`),
    },
    recordCalls: true,
  });
  queue.agentKnown('u-1001');
  queue.handleTelephony({ type: 'device_state', device: '1001', online: true, at: new Date() });
  queue.requestState('u-1001', 'available', undefined);
  const call = testLiveCall({ callId: 'c1', log });
  calls.add(call);
  return { queue, call, originated, events, pushes };
}

describe('QueueService call events', () => {
  it('given a queued call an agent answers and the caller ends, then queued, offered, answered, offer closed, recording, ended follow in order', async () => {
    const { queue, call, originated, events, pushes } = setup();
    await queue.enqueue(call, 'general');
    expect(originated).toHaveLength(1);
    const leg = originated[0]!;
    queue.handleTelephony({ type: 'leg_answered', channelId: leg.channelId, tag: leg.tag, at: new Date() });
    // bridging takes several ARI round trips: wait until the answer is published
    await vi.waitFor(() => expect(events).toContain('call.answered'));
    queue.handleTelephony({ type: 'channel_gone', channelId: call.channelId, cause: 16, causeText: 'Normal Clearing', at: new Date() });
    await call.writes;
    expect(events).toEqual(['call.queued', 'call.offered', 'call.answered', 'call.offer_closed:answered', 'call.recording_started', 'call.ended']);
    expect(pushes.filter((p) => !p.endsWith('available') && !p.endsWith('reserved') && !p.endsWith('on_call'))).toEqual([
      'u-1001 offered',
      'u-1001 connected',
      'u-1001 ended answered',
    ]);
    queue.stop();
  });

  it('given the caller hangs up while the agent rings, then the offer closes as caller_gone before the call ends', async () => {
    const { queue, call, events, pushes } = setup();
    await queue.enqueue(call, 'general');
    queue.handleTelephony({ type: 'channel_gone', channelId: call.channelId, cause: 16, causeText: 'Normal Clearing', at: new Date() });
    await call.writes;
    expect(events).toEqual(['call.queued', 'call.offered', 'call.offer_closed:caller_gone', 'call.ended']);
    expect(pushes).toContain('u-1001 ended abandoned');
    queue.stop();
  });
});

describe('layering', () => {
  it('acd/ and ivr/ do not import the call records (they publish call events instead)', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const offenders: string[] = [];
    for (const dir of ['acd', 'ivr']) {
      for (const file of fs.readdirSync(path.join(root, dir), { recursive: true }) as string[]) {
        if (!file.endsWith('.ts')) continue;
        const text = fs.readFileSync(path.join(root, dir, file), 'utf8');
        if (/from '[./]*\/crm\/call-records\.js'/.test(text)) offenders.push(`${dir}/${file}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
