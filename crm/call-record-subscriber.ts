// Call detail records follow the call events (contracts/call-events.ts): the ACD and the IVR publish, this
// subscriber writes. Writes of one call are chained so they land in the order the events came (created before
// queued before ended). A write the database could not take because it was unreachable (a restart, a failover)
// is tried again with growing pauses, for up to `retryForMs`, and the call's later writes wait behind it, so a
// database outage loses no event and reorders none. A write it refused (bad data) rejects to the bus at once,
// which logs it with the event, and the next write of the call still runs. Nothing here can hold up or break a
// call: the calls themselves never wait for these writes. With a journal (platform/db/write-journal.ts) the held
// writes are also kept on disk, and those an earlier process never wrote (it crashed or was stopped during the
// outage) are written first, in order, when this subscribes.
import { isTransientDatabaseError } from '../platform/db/database.js';
import { retryWhileUnreachable, type RetryWhileUnreachable } from '../platform/db/retry-while-unreachable.js';
import type { WriteJournal } from '../platform/db/write-journal.js';
import type { CallEvents } from '../contracts/call-events.js';
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

/** The call events this subscriber writes down. */
type RecordedEvent =
  | 'call.arrived'
  | 'call.queued'
  | 'call.offered'
  | 'call.offer_closed'
  | 'call.answered'
  | 'call.recording_started'
  | 'call.ended'
  | 'call.emergency_suspected'
  | 'callback.requested'
  | 'callback.attempt_started'
  | 'callback.connected'
  | 'callback.abandoned';

/** How a write is held and tried again while the database is unreachable (defaults: 15 minutes, 250 ms → 10 s). */
export type CallRecordRetry = Omit<RetryWhileUnreachable, 'stopped'>;

/** Subscribes the call records to the bus; returns the function that unsubscribes (and stops retrying). */
export function subscribeCallRecords(bus: CallEventBus, records: CallRecordWriter, retry: CallRecordRetry = {}, journal?: WriteJournal): () => void {
  const chains = new Map<string, Promise<void>>(); // by callId: the last write queued for the call
  const offerRows = new Map<string, number>(); // offerId → call_offers.id, until the offer is closed
  let stopped = false;

  const ops: { [K in RecordedEvent]: (e: CallEvents[K]) => Promise<unknown> } = {
    'call.arrived': (e) =>
      records.createCall({ id: e.callId, channelId: e.channelId, callerNumber: e.callerNumber, dialedNumber: e.dialedNumber, arrivedAt: new Date(e.at) }),
    'call.queued': (e) => records.markQueued(e.callId, e.queueId, new Date(e.at)),
    'call.offered': async (e) => {
      offerRows.set(e.offerId, await records.recordOffer(e.callId, e.agentId, new Date(e.at)));
    },
    'call.offer_closed': async (e) => {
      // the offer's row was written before (same chain); none when that write failed
      const id = offerRows.get(e.offerId);
      offerRows.delete(e.offerId);
      if (id !== undefined) await records.closeOffer(id, e.result, new Date(e.at));
    },
    'call.answered': (e) => records.markAnswered(e.callId, e.agentId, new Date(e.at)),
    'call.recording_started': (e) => records.setRecording(e.callId, e.recordingName),
    'call.ended': (e) => records.markEnded(e.callId, { at: new Date(e.at), hangupCause: e.hangupCause, ...(e.outcome ? { outcome: e.outcome } : {}) }),
    'call.emergency_suspected': (e) => records.flagEmergency(e.callId, e.keyword, new Date(e.at)),
    'callback.requested': (e) => records.markCallbackRequested(e.callId, e.number, new Date(e.at)),
    'callback.attempt_started': (e) => records.markCallbackAttempt(e.callId, e.attempt),
    'callback.connected': (e) => records.markCallbackConnected(e.callId, e.agentId, new Date(e.at)),
    'callback.abandoned': (e) => records.markCallbackFailed(e.callId, e.reason, true),
  };

  // writes queued and not landed yet, in the order they came: once one is held, all are kept on disk
  const notLanded = new Set<() => void>();
  const write = <K extends RecordedEvent>(event: K, e: CallEvents[K], heldId?: number): Promise<void> => {
    let held = heldId;
    const hold = () => void (held ??= journal?.hold(e.callId, event, e));
    // while anything is held the database is down: a write queued now is kept on disk at once, or a crash
    // before its turn would lose it
    if (journal && journal.size > 0) hold();
    notLanded.add(hold);
    const run = () =>
      // unsubscribed (shutting down): what is still queued is left for the next start, as it is in the journal
      stopped
        ? Promise.reject(new Error('call records unsubscribed'))
        : retryWhileUnreachable(() => ops[event](e), {
            ...retry,
            stopped: () => stopped,
            onRetry: (err, attempt) => {
              for (const h of notLanded) h(); // in the order they were queued, so each call keeps its own order
              retry.onRetry?.(err, attempt);
            },
          });
    const result = (chains.get(e.callId) ?? Promise.resolve()).then(run).then(
      () => {
        notLanded.delete(hold);
        if (held !== undefined) journal!.done(held);
      },
      (err: unknown) => {
        notLanded.delete(hold);
        // a replayed call row that is there already landed just before the earlier process went down
        if (heldId !== undefined && event === 'call.arrived' && (err as { code?: unknown }).code === '23505') {
          journal!.done(heldId);
          return;
        }
        // refused (bad data): it never will land, so it is not kept; given up or stopped: the next start tries again
        if (held !== undefined && !stopped && !isTransientDatabaseError(err)) journal!.done(held);
        throw err;
      },
    );
    const tail = result.catch(() => undefined); // the bus logs the failure; the chain goes on
    chains.set(e.callId, tail);
    void tail.then(() => {
      if (chains.get(e.callId) === tail) chains.delete(e.callId); // nothing queued since: forget the call
    });
    return result;
  };

  // what an earlier process held and never wrote goes first, ahead of anything new for the same calls
  for (const h of journal?.pending() ?? []) {
    if (!(h.event in ops)) continue;
    void write(h.event as RecordedEvent, h.payload as CallEvents[RecordedEvent], h.id).catch(() => {});
  }

  const subscriptions = (Object.keys(ops) as RecordedEvent[]).map((event) => bus.on(event, (e) => write(event, e)));
  return () => {
    stopped = true;
    subscriptions.forEach((off) => off());
  };
}
