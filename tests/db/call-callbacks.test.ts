// Queue callbacks on the call record: the caller who chose one ends as 'callback' (not abandoned), and the
// callback's attempts and the agent who took it are kept on the same row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecordRepository } from '../../crm/call-records.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const T0 = new Date('2024-06-02T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('call record of a queue callback', () => {
  let t: TestDatabase;
  let calls: CallRecordRepository;

  beforeAll(async () => {
    t = await openTestDatabase();
    calls = new CallRecordRepository(t.db);
    await new UserRepository(t.db).createUser({
      id: 'a1',
      username: 'a1',
      displayName: 'Agent a1',
      role: 'agent',
      extension: '1001',
      passwordHash: 'x',
      sipHa1: null,
    });
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const newCall = (id: string, arrivedAt: Date) =>
    calls.createCall({ id, channelId: `ch-${id}`, callerNumber: '13800138000', dialedNumber: '12345', arrivedAt });

  it('ends a call that chose a queue callback as callback, then follows the callback to the agent who took it', async () => {
    await newCall('c-cb', at(100));
    await calls.markQueued('c-cb', 'general', at(102));
    await calls.markCallbackRequested('c-cb', '13800138000', at(160));
    const left = await calls.markEnded('c-cb', { at: at(166), outcome: 'callback', hangupCause: 'Normal Clearing' });
    expect(left.outcome).toBe('callback'); // not an abandon: the caller keeps their place
    expect(left.callback).toEqual({
      number: '13800138000',
      requestedAt: at(160),
      status: 'requested',
      attempts: 0,
      lastFailure: null,
      agentId: null,
      connectedAt: null,
    });
    await calls.markCallbackAttempt('c-cb', 1);
    await calls.markCallbackFailed('c-cb', 'busy', false);
    await calls.markCallbackAttempt('c-cb', 2);
    await calls.markCallbackConnected('c-cb', 'a1', at(400));
    expect((await calls.getCall('c-cb'))?.callback).toEqual({
      number: '13800138000',
      requestedAt: at(160),
      status: 'connected',
      attempts: 2,
      lastFailure: 'busy',
      agentId: 'a1',
      connectedAt: at(400),
    });
  });

  it('marks a callback abandoned after its last failed attempt', async () => {
    await newCall('c-ab', at(0));
    await calls.markCallbackRequested('c-ab', '075588886666', at(30));
    await calls.markEnded('c-ab', { at: at(36), outcome: 'callback' });
    await calls.markCallbackAttempt('c-ab', 1);
    await calls.markCallbackFailed('c-ab', 'machine', true);
    expect((await calls.getCall('c-ab'))?.callback).toMatchObject({ status: 'abandoned', attempts: 1, lastFailure: 'machine', agentId: null });
  });

  it('lists the callbacks still owed after a restart: requested and not made, oldest place first, none from before the window', async () => {
    // c-cb (connected) and c-ab (abandoned) above are not owed any more
    await newCall('c-late', at(500));
    await calls.markQueued('c-late', 'social_security', at(510));
    await calls.markCallbackRequested('c-late', '13900139000', at(600));
    await calls.markCallbackAttempt('c-late', 1);
    await calls.markCallbackFailed('c-late', 'no_answer', false);
    await newCall('c-early', at(200));
    await calls.markQueued('c-early', 'general', at(205));
    await calls.markCallbackRequested('c-early', '13700137000', at(700));
    await newCall('c-old', at(-90_000));
    await calls.markQueued('c-old', 'general', at(-89_990));
    await calls.markCallbackRequested('c-old', '13600136000', at(-89_900));
    const owed = await calls.pendingCallbacks(at(-3_600));
    expect(owed).toEqual([
      { callId: 'c-early', number: '13700137000', queue: 'general', queuedAt: at(205), attempts: 0, lastFailure: null },
      { callId: 'c-late', number: '13900139000', queue: 'social_security', queuedAt: at(510), attempts: 1, lastFailure: 'no_answer' },
    ]);
  });
});
