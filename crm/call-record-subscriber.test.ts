import { describe, expect, it } from 'vitest';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import { subscribeCallRecords, type CallRecordRetry, type CallRecordWriter } from './call-record-subscriber.js';

function setup(overrides: Partial<Record<keyof CallRecordWriter, (...args: unknown[]) => Promise<unknown>>> = {}, retry: CallRecordRetry = {}) {
  const did: string[] = [];
  const errors: { event: unknown; err: unknown }[] = [];
  const bus = createCallEventBus({ error: (obj) => void errors.push(obj as { event: unknown; err: unknown }) });
  const step =
    (name: string, result: unknown = undefined, delayMs = 0) =>
    async (...args: unknown[]) => {
      await new Promise((r) => setTimeout(r, delayMs));
      did.push(`${name} ${args.filter((a) => typeof a === 'string' || typeof a === 'number').join(' ')}`.trim());
      return result;
    };
  const writer = {
    createCall: step('createCall', undefined, 20),
    markQueued: step('markQueued'),
    recordOffer: step('recordOffer', 41),
    closeOffer: step('closeOffer'),
    markAnswered: step('markAnswered'),
    setRecording: step('setRecording'),
    markEnded: step('markEnded'),
    flagEmergency: step('flagEmergency'),
    markCallbackRequested: step('markCallbackRequested'),
    markCallbackAttempt: step('markCallbackAttempt'),
    markCallbackConnected: step('markCallbackConnected'),
    markCallbackFailed: step('markCallbackFailed'),
    ...overrides,
  } as unknown as CallRecordWriter;
  const off = subscribeCallRecords(bus, writer, { firstPauseMs: 5, ...retry });
  return { bus, did, errors, off };
}

const arrived = { callId: 'c1', channelId: 'ch1', callerNumber: '13800138000', dialedNumber: '12345', at: 1 };

describe('subscribeCallRecords', () => {
  it('given events of one call in quick succession, then the writes land in event order (created before queued before ended)', async () => {
    const { bus, did } = setup();
    void bus.emit('call.arrived', arrived);
    void bus.emit('call.queued', { callId: 'c1', queueId: 'general', at: 2 });
    void bus.emit('call.offered', { callId: 'c1', agentId: 'u-1', offerId: 'o1-c1', at: 3 });
    void bus.emit('call.answered', { callId: 'c1', agentId: 'u-1', at: 4 });
    void bus.emit('call.offer_closed', { callId: 'c1', offerId: 'o1-c1', result: 'answered', at: 4 });
    await bus.emit('call.ended', { callId: 'c1', at: 9, hangupCause: 'Normal Clearing' });
    expect(did).toEqual(['createCall', 'markQueued c1 general', 'recordOffer c1 u-1', 'markAnswered c1 u-1', 'closeOffer 41 answered', 'markEnded c1']);
  });

  it("given a write that fails, then it is logged with its event and the call's next writes still run", async () => {
    const { bus, did, errors } = setup({ markQueued: async () => Promise.reject(new Error('connection lost')) });
    void bus.emit('call.arrived', arrived);
    void bus.emit('call.queued', { callId: 'c1', queueId: 'general', at: 2 });
    await expect(bus.emit('call.ended', { callId: 'c1', at: 3, hangupCause: null })).resolves.toBeUndefined();
    expect(did).toEqual(['createCall', 'markEnded c1']);
    expect(errors.map((e) => e.event)).toEqual(['call.queued']);
  });

  it('given an offer whose row could not be written, then closing it writes nothing', async () => {
    const { bus, did, errors } = setup({ recordOffer: async () => Promise.reject(new Error('call not found')) });
    void bus.emit('call.offered', { callId: 'c1', agentId: 'u-1', offerId: 'o1-c1', at: 3 });
    await bus.emit('call.offer_closed', { callId: 'c1', offerId: 'o1-c1', result: 'missed', at: 4 });
    expect(did).toEqual([]);
    expect(errors.map((e) => e.event)).toEqual(['call.offered']);
  });

  it('given the callback events, then they map to the callback columns; unsubscribed, nothing is written', async () => {
    const { bus, did, off } = setup();
    await bus.emit('callback.requested', { callId: 'c1', callbackId: 'cb1', number: '13800138000', at: 1 });
    await bus.emit('callback.attempt_started', { callId: 'c1', callbackId: 'cb1', attempt: 2, at: 2 });
    await bus.emit('callback.abandoned', { callId: 'c1', callbackId: 'cb1', attempts: 3, reason: 'no_answer', at: 3 });
    await bus.emit('call.emergency_suspected', { callId: 'c1', keyword: '着火', at: 4 });
    off();
    await bus.emit('call.ended', { callId: 'c1', at: 5, hangupCause: null });
    expect(did).toEqual(['markCallbackRequested c1 13800138000', 'markCallbackAttempt c1 2', 'markCallbackFailed c1 no_answer', 'flagEmergency c1 着火']);
  });

  it('given the database unreachable for a while, then the held write lands once it is back and the call’s later writes follow it in order', async () => {
    let down = 3;
    const retries: number[] = [];
    const lost = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { bus, did, errors } = setup(
      {
        markQueued: async (...args: unknown[]) => {
          if (down-- > 0) throw lost;
          did.push(`markQueued ${String(args[0])}`);
        },
      },
      { onRetry: (_err, attempt) => void retries.push(attempt) },
    );
    void bus.emit('call.arrived', arrived);
    void bus.emit('call.queued', { callId: 'c1', queueId: 'general', at: 2 });
    await bus.emit('call.ended', { callId: 'c1', at: 3, hangupCause: null });
    expect(did).toEqual(['createCall', 'markQueued c1', 'markEnded c1']);
    expect(retries).toEqual([1, 2, 3]);
    expect(errors).toEqual([]);
  });

  it('given the database refuses a write (bad data, SQLSTATE 23503), then it is not tried again', async () => {
    let tries = 0;
    const { bus, errors } = setup({
      markQueued: async () => {
        tries++;
        throw Object.assign(new Error('violates foreign key constraint'), { code: '23503' });
      },
    });
    await bus.emit('call.queued', { callId: 'c1', queueId: 'general', at: 2 });
    expect(tries).toBe(1);
    expect(errors.map((e) => e.event)).toEqual(['call.queued']);
  });

  it('given the database stays away longer than the retry window, then the write is given up and logged, and the next ones still run', async () => {
    const lost = Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
    const { bus, did, errors } = setup({ markQueued: async () => Promise.reject(lost) }, { retryForMs: 40 });
    void bus.emit('call.queued', { callId: 'c1', queueId: 'general', at: 2 });
    await bus.emit('call.ended', { callId: 'c1', at: 3, hangupCause: null });
    expect(did).toEqual(['markEnded c1']);
    expect(errors.map((e) => e.event)).toEqual(['call.queued']);
  });
});
