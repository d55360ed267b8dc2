// Call detail records follow the call events (contracts/call-events.ts): the ACD and the IVR publish, this
// subscriber writes. Writes of one call are chained so they land in the order the events came (created before
// queued before ended). A write the database could not take because it was unreachable (a restart, a failover)
// is tried again with growing pauses, for up to `retryForMs`, and the call's later writes wait behind it, so a
// database outage loses no event and reorders none. A write it refused (bad data) rejects to the bus at once,
// which logs it with the event, and the next write of the call still runs. Nothing here can hold up or break a
// call: the calls themselves never wait for these writes.
import { retryWhileUnreachable, type RetryWhileUnreachable } from '../platform/db/retry-while-unreachable.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { CallRecordRepository } from './call-records.js';

export type CallRecordWriter = Pick<
  CallRecordRepository,
  | 'createCall'
  | 'markQueued'
  | 'recordOffer'
  | 'closeOffer'
  | 'markAnswered'
  | 'setRecording'
  | 'markEnded'
  | 'flagEmergency'
  | 'markCallbackRequested'
  | 'markCallbackAttempt'
  | 'markCallbackConnected'
  | 'markCallbackFailed'
>;

/** How a write is held and tried again while the database is unreachable (defaults: 15 minutes, 250 ms → 10 s). */
export type CallRecordRetry = Omit<RetryWhileUnreachable, 'stopped'>;

/** Subscribes the call records to the bus; returns the function that unsubscribes (and stops retrying). */
export function subscribeCallRecords(bus: CallEventBus, records: CallRecordWriter, retry: CallRecordRetry = {}): () => void {
  const chains = new Map<string, Promise<void>>(); // by callId: the last write queued for the call
  const offerRows = new Map<string, number>(); // offerId → call_offers.id, until the offer is closed
  let stopped = false;
  const persistent = (fn: () => Promise<unknown>) => retryWhileUnreachable(fn, { ...retry, stopped: () => stopped });

  const write = (callId: string, fn: () => Promise<unknown>): Promise<void> => {
    const result = (chains.get(callId) ?? Promise.resolve()).then(() => persistent(fn)).then(() => undefined);
    const tail = result.catch(() => undefined); // the bus logs the failure; the chain goes on
    chains.set(callId, tail);
    void tail.then(() => {
      if (chains.get(callId) === tail) chains.delete(callId); // nothing queued since: forget the call
    });
    return result;
  };

  const subscriptions = [
    bus.on('call.arrived', (e) =>
      write(e.callId, () =>
        records.createCall({ id: e.callId, channelId: e.channelId, callerNumber: e.callerNumber, dialedNumber: e.dialedNumber, arrivedAt: new Date(e.at) }),
      ),
    ),
    bus.on('call.queued', (e) => write(e.callId, () => records.markQueued(e.callId, e.queueId, new Date(e.at)))),
    bus.on('call.offered', (e) =>
      write(e.callId, async () => {
        offerRows.set(e.offerId, await records.recordOffer(e.callId, e.agentId, new Date(e.at)));
      }),
    ),
    bus.on('call.offer_closed', (e) =>
      write(e.callId, async () => {
        // the offer's row was written before (same chain); none when that write failed
        const id = offerRows.get(e.offerId);
        offerRows.delete(e.offerId);
        if (id !== undefined) await records.closeOffer(id, e.result, new Date(e.at));
      }),
    ),
    bus.on('call.answered', (e) => write(e.callId, () => records.markAnswered(e.callId, e.agentId, new Date(e.at)))),
    bus.on('call.recording_started', (e) => write(e.callId, () => records.setRecording(e.callId, e.recordingName))),
    bus.on('call.ended', (e) =>
      write(e.callId, () => records.markEnded(e.callId, { at: new Date(e.at), hangupCause: e.hangupCause, ...(e.outcome ? { outcome: e.outcome } : {}) })),
    ),
    bus.on('call.emergency_suspected', (e) => write(e.callId, () => records.flagEmergency(e.callId, e.keyword, new Date(e.at)))),
    bus.on('callback.requested', (e) => write(e.callId, () => records.markCallbackRequested(e.callId, e.number, new Date(e.at)))),
    bus.on('callback.attempt_started', (e) => write(e.callId, () => records.markCallbackAttempt(e.callId, e.attempt))),
    bus.on('callback.connected', (e) => write(e.callId, () => records.markCallbackConnected(e.callId, e.agentId, new Date(e.at)))),
    bus.on('callback.abandoned', (e) => write(e.callId, () => records.markCallbackFailed(e.callId, e.reason, true))),
  ];
  return () => {
    stopped = true;
    subscriptions.forEach((off) => off());
  };
}
