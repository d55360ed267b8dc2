import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallNotFoundError, CallRecordRepository } from '../../crm/call-records.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const T0 = new Date('2024-06-01T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('CallRecordRepository', () => {
  let t: TestDatabase;
  let calls: CallRecordRepository;

  beforeAll(async () => {
    t = await openTestDatabase();
    calls = new CallRecordRepository(t.db);
    const users = new UserRepository(t.db);
    for (const [id, ext] of [
      ['a1', '1001'],
      ['a2', '1002'],
    ] as const) {
      await users.createUser({
        id,
        username: id,
        displayName: `Agent ${id}`,
        role: 'agent',
        extension: ext,
        passwordHash: 'x',
        sipHa1: null,
      });
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const newCall = (id: string, arrivedAt: Date) =>
    calls.createCall({ id, channelId: `ch-${id}`, callerNumber: '13800138000', dialedNumber: '12345', arrivedAt });

  it('tracks an answered call through a missed ring and an answered ring', async () => {
    await newCall('c1', at(0));
    await calls.markQueued('c1', 'general', at(2));
    const missed = await calls.recordOffer('c1', 'a1', at(5));
    await calls.closeOffer(missed, 'missed', at(20));
    const answered = await calls.recordOffer('c1', 'a2', at(21));
    expect(answered).not.toBe(missed);
    await calls.closeOffer(answered, 'answered', at(24));
    await calls.markAnswered('c1', 'a2', at(24));
    const ended = await calls.markEnded('c1', { at: at(84), hangupCause: 'normal_clearing' });

    expect(ended).toEqual({
      id: 'c1',
      channelId: 'ch-c1',
      callerNumber: '13800138000',
      dialedNumber: '12345',
      queue: 'general',
      agentId: 'a2',
      arrivedAt: at(0),
      queuedAt: at(2),
      offeredAt: at(5), // first ring, not the last
      answeredAt: at(24),
      endedAt: at(84),
      outcome: 'answered',
      hangupCause: 'normal_clearing',
      recordingName: null,
      emergencyKeyword: null,
      emergencyAt: null,
      waitSeconds: 24,
      talkSeconds: 60,
      callback: null,
    });
    expect(await calls.getCall('c1')).toEqual(ended);

    const offers = await calls.listOffers('c1');
    expect(offers.map((o) => [o.id, o.agentId, o.result, o.offeredAt, o.endedAt])).toEqual([
      [missed, 'a1', 'missed', at(5), at(20)],
      [answered, 'a2', 'answered', at(21), at(24)],
    ]);
  });

  it('closes an offer only once', async () => {
    await newCall('c-offer', at(50));
    const offer = await calls.recordOffer('c-offer', 'a1', at(51));
    await calls.closeOffer(offer, 'caller_gone', at(53));
    await calls.closeOffer(offer, 'answered', at(54));
    const [o] = await calls.listOffers('c-offer');
    expect(o).toMatchObject({ result: 'caller_gone', endedAt: at(53) });
  });

  it('marks an unanswered call abandoned and keeps the first end', async () => {
    await newCall('c2', at(100));
    await calls.markQueued('c2', 'general', at(101));
    const first = await calls.markEnded('c2', { at: at(130), hangupCause: 'caller_hangup' });
    expect(first).toMatchObject({ outcome: 'abandoned', endedAt: at(130), waitSeconds: 30, talkSeconds: null });

    const second = await calls.markEnded('c2', { at: at(500), outcome: 'failed', hangupCause: 'late' });
    expect(second).toMatchObject({ outcome: 'abandoned', endedAt: at(130), hangupCause: 'caller_hangup' });
    // Answering after the end must not rewrite history either.
    await calls.markAnswered('c2', 'a1', at(600));
    expect(await calls.getCall('c2')).toMatchObject({ answeredAt: null, agentId: null, talkSeconds: null });
  });

  it('marks a call failed only when asked and not answered', async () => {
    await newCall('c3', at(200));
    expect(await calls.markEnded('c3', { at: at(201), outcome: 'failed' })).toMatchObject({
      outcome: 'failed',
      hangupCause: null,
      waitSeconds: 1,
    });
    await newCall('c4', at(300));
    await calls.markAnswered('c4', 'a1', at(310));
    expect(await calls.markEnded('c4', { at: at(312.5), outcome: 'failed' })).toMatchObject({
      outcome: 'answered',
      waitSeconds: 10,
      talkSeconds: 2.5,
    });
  });

  it('has no wait or talk time while the caller is still waiting', async () => {
    await newCall('c5', at(400));
    await calls.setRecording('c5', 'c5-20240601.wav');
    expect(await calls.getCall('c5')).toMatchObject({
      outcome: null,
      endedAt: null,
      waitSeconds: null,
      talkSeconds: null,
      recordingName: 'c5-20240601.wav',
    });
  });

  it('rejects unknown calls and duplicate ids', async () => {
    expect(await calls.getCall('nope')).toBeNull();
    await expect(calls.markQueued('nope', 'general', at(0))).rejects.toBeInstanceOf(CallNotFoundError);
    await expect(calls.recordOffer('nope', 'a1', at(0))).rejects.toBeInstanceOf(CallNotFoundError);
    await expect(calls.markEnded('nope', { at: at(0) })).rejects.toBeInstanceOf(CallNotFoundError);
    await expect(newCall('c1', at(0))).rejects.toMatchObject({ code: '23505' });
  });

  it('lists newest first and pages with before', async () => {
    const page1 = await calls.listCalls({ limit: 3 });
    expect(page1.map((c) => c.id)).toEqual(['c5', 'c4', 'c3']);
    const page2 = await calls.listCalls({ limit: 3, before: page1[2]?.arrivedAt });
    expect(page2.map((c) => c.id)).toEqual(['c2', 'c-offer', 'c1']);
    expect(await calls.listCalls({ limit: 3, before: page2[2]?.arrivedAt })).toEqual([]);
  });
});
