// Call detail records: one row per inbound call, plus one row per ring attempt (call_offers).
import type { Queryable } from '../platform/db/database.js';

/** 'callback': the caller chose a queue callback and was hung up with their place kept (not an abandon). */
export type CallOutcome = 'answered' | 'abandoned' | 'failed' | 'callback';
export type CallbackStatus = 'requested' | 'connected' | 'abandoned';
export type OfferResult = 'answered' | 'missed' | 'caller_gone' | 'failed';

export interface NewCall {
  id: string;
  channelId: string;
  callerNumber: string;
  dialedNumber: string;
  arrivedAt: Date;
}

export interface EndCall {
  at: Date;
  /** Only 'failed' and 'callback' can be forced; otherwise the outcome follows from whether the call was answered. */
  outcome?: 'failed' | 'callback' | undefined;
  hangupCause?: string | null | undefined;
}

export interface CallRecord {
  id: string;
  channelId: string;
  callerNumber: string;
  dialedNumber: string;
  queue: string | null;
  agentId: string | null;
  arrivedAt: Date;
  queuedAt: Date | null;
  offeredAt: Date | null;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: CallOutcome | null;
  hangupCause: string | null;
  recordingName: string | null;
  /** 疑似紧急: the first emergency word heard from the caller, and when. */
  emergencyKeyword: string | null;
  emergencyAt: Date | null;
  /** Arrival until answer (or until hang-up when never answered); null while still waiting. */
  waitSeconds: number | null;
  /** Answer until hang-up; null when not answered or still talking. */
  talkSeconds: number | null;
  /** Queue callback (回电) asked for in this call: the number to call, its progress and who took it. */
  callback: {
    number: string;
    requestedAt: Date;
    status: CallbackStatus;
    attempts: number;
    lastFailure: string | null;
    agentId: string | null;
    connectedAt: Date | null;
  } | null;
}

export interface PendingCallback {
  callId: string;
  number: string;
  /** The queue the caller waited in (null: never queued, which a callback cannot be; the default queue then). */
  queue: string | null;
  /** Their place: when they first queued. */
  queuedAt: Date;
  attempts: number;
  lastFailure: string | null;
}

export interface CallOffer {
  id: number;
  callId: string;
  agentId: string;
  offeredAt: Date;
  result: OfferResult | null;
  endedAt: Date | null;
}

export class CallNotFoundError extends Error {
  constructor(readonly callId: string) {
    super(`call ${callId} not found`);
    this.name = 'CallNotFoundError';
  }
}

interface CallRow {
  id: string;
  channel_id: string;
  caller_number: string;
  dialed_number: string;
  queue: string | null;
  agent_id: string | null;
  arrived_at: Date;
  queued_at: Date | null;
  offered_at: Date | null;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: CallOutcome | null;
  hangup_cause: string | null;
  recording_name: string | null;
  emergency_keyword: string | null;
  emergency_at: Date | null;
  callback_number: string | null;
  callback_requested_at: Date | null;
  callback_status: CallbackStatus | null;
  callback_attempts: number | null;
  callback_last_failure: string | null;
  callback_agent_id: string | null;
  callback_connected_at: Date | null;
}

interface OfferRow {
  id: number;
  call_id: string;
  agent_id: string;
  offered_at: Date;
  result: OfferResult | null;
  ended_at: Date | null;
}

const MAX_LIST = 500;

export class CallRecordRepository {
  constructor(private readonly db: Queryable) {}

  async createCall(c: NewCall): Promise<void> {
    await this.db.query(`INSERT INTO calls (id, channel_id, caller_number, dialed_number, arrived_at) VALUES ($1, $2, $3, $4, $5)`, [
      c.id,
      c.channelId,
      c.callerNumber,
      c.dialedNumber,
      c.arrivedAt,
    ]);
  }

  /** A call that goes back to the queue after a missed ring keeps its first queued_at. */
  async markQueued(id: string, queue: string, at: Date): Promise<void> {
    await this.updateOne(`UPDATE calls SET queue = $2, queued_at = COALESCE(queued_at, $3) WHERE id = $1 RETURNING id`, [id, queue, at]);
  }

  /** Starts a ring attempt; calls.offered_at keeps the first one. Returns the offer id for closeOffer. */
  async recordOffer(callId: string, agentId: string, at: Date): Promise<number> {
    const { rows } = await this.db.query<{ id: number }>(
      `WITH touched AS (UPDATE calls SET offered_at = COALESCE(offered_at, $3) WHERE id = $1 RETURNING id)
       INSERT INTO call_offers (call_id, agent_id, offered_at)
       SELECT id, $2, $3 FROM touched
       RETURNING id`,
      [callId, agentId, at],
    );
    const row = rows[0];
    if (!row) throw new CallNotFoundError(callId);
    return row.id;
  }

  /** First close wins, so a late duplicate event cannot turn 'answered' into 'caller_gone'. */
  async closeOffer(offerId: number, result: OfferResult, at: Date): Promise<void> {
    await this.db.query(`UPDATE call_offers SET result = $2, ended_at = $3 WHERE id = $1 AND result IS NULL`, [offerId, result, at]);
  }

  async listOffers(callId: string): Promise<CallOffer[]> {
    const { rows } = await this.db.query<OfferRow>(`SELECT * FROM call_offers WHERE call_id = $1 ORDER BY offered_at, id`, [callId]);
    return rows.map(toOffer);
  }

  /** No-op when the call was already answered or has ended. */
  async markAnswered(id: string, agentId: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE calls SET agent_id = $2, answered_at = $3 WHERE id = $1 AND answered_at IS NULL AND ended_at IS NULL`, [id, agentId, at]);
    await this.requireCall(id);
  }

  /** Idempotent: the first end is kept. Returns the call as stored afterwards. */
  async markEnded(id: string, end: EndCall): Promise<CallRecord> {
    await this.db.query(
      `UPDATE calls SET
         ended_at = $2,
         outcome = CASE WHEN answered_at IS NOT NULL THEN 'answered'
                        WHEN $3::text = 'failed' THEN 'failed'
                        WHEN $3::text = 'callback' THEN 'callback'
                        ELSE 'abandoned' END,
         hangup_cause = $4
       WHERE id = $1 AND ended_at IS NULL`,
      [id, end.at, end.outcome ?? null, end.hangupCause ?? null],
    );
    return this.requireCall(id);
  }

  /**
   * Callbacks promised to citizens and not yet made (requested since `since`), oldest place first: a restarted
   * server makes them pending again (QueueService.restoreCallbacks).
   */
  async pendingCallbacks(since: Date): Promise<PendingCallback[]> {
    const { rows } = await this.db.query<{
      id: string;
      callback_number: string;
      queue: string | null;
      queued_at: Date | null;
      arrived_at: Date;
      callback_attempts: number;
      callback_last_failure: string | null;
    }>(
      `SELECT id, callback_number, queue, queued_at, arrived_at, callback_attempts, callback_last_failure FROM calls
        WHERE callback_status = 'requested' AND callback_number IS NOT NULL AND callback_requested_at >= $1
        ORDER BY COALESCE(queued_at, arrived_at), id`,
      [since],
    );
    return rows.map((r) => ({
      callId: r.id,
      number: r.callback_number,
      queue: r.queue,
      queuedAt: new Date(r.queued_at ?? r.arrived_at),
      attempts: r.callback_attempts,
      lastFailure: r.callback_last_failure,
    }));
  }

  /** The caller chose a callback to `number` (digits); they keep their place in the queue. */
  async markCallbackRequested(id: string, number: string, at: Date): Promise<void> {
    await this.updateOne(`UPDATE calls SET callback_number = $2, callback_requested_at = $3, callback_status = 'requested' WHERE id = $1 RETURNING id`, [
      id,
      number,
      at,
    ]);
  }

  /** A dial attempt of the callback starts (1, 2, …). */
  async markCallbackAttempt(id: string, attempt: number): Promise<void> {
    await this.updateOne(`UPDATE calls SET callback_attempts = GREATEST(callback_attempts, $2) WHERE id = $1 RETURNING id`, [id, attempt]);
  }

  async markCallbackFailed(id: string, reason: string, abandoned: boolean): Promise<void> {
    await this.updateOne(
      `UPDATE calls SET callback_last_failure = $2,
         callback_status = CASE WHEN $3::boolean THEN 'abandoned' ELSE callback_status END
       WHERE id = $1 RETURNING id`,
      [id, reason, abandoned],
    );
  }

  /** The citizen pressed 1 and is being connected with the agent who was reserved for the callback. */
  async markCallbackConnected(id: string, agentId: string, at: Date): Promise<void> {
    await this.updateOne(`UPDATE calls SET callback_status = 'connected', callback_agent_id = $2, callback_connected_at = $3 WHERE id = $1 RETURNING id`, [
      id,
      agentId,
      at,
    ]);
  }

  async setRecording(id: string, name: string): Promise<void> {
    await this.updateOne(`UPDATE calls SET recording_name = $2 WHERE id = $1 RETURNING id`, [id, name]);
  }

  /** Marks the call as a suspected emergency; the first word heard is kept. */
  async flagEmergency(id: string, keyword: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE calls SET emergency_keyword = $2, emergency_at = $3 WHERE id = $1 AND emergency_keyword IS NULL`, [id, keyword, at]);
  }

  async getCall(id: string): Promise<CallRecord | null> {
    const { rows } = await this.db.query<CallRow>(`SELECT * FROM calls WHERE id = $1`, [id]);
    return rows[0] ? toCall(rows[0]) : null;
  }

  /** Newest first; pass the last arrivedAt as `before` for the next page. */
  async listCalls(opts: { limit: number; before?: Date | undefined }): Promise<CallRecord[]> {
    const limit = Math.max(1, Math.min(MAX_LIST, Math.floor(opts.limit)));
    const { rows } = await this.db.query<CallRow>(
      `SELECT * FROM calls WHERE ($1::timestamptz IS NULL OR arrived_at < $1)
       ORDER BY arrived_at DESC, id DESC LIMIT $2`,
      [opts.before ?? null, limit],
    );
    return rows.map(toCall);
  }

  private async updateOne(sql: string, params: unknown[]): Promise<void> {
    const { rows } = await this.db.query(sql, params);
    if (rows.length === 0) throw new CallNotFoundError(String(params[0]));
  }

  private async requireCall(id: string): Promise<CallRecord> {
    const call = await this.getCall(id);
    if (!call) throw new CallNotFoundError(id);
    return call;
  }
}

function secondsBetween(from: Date | null, to: Date | null): number | null {
  return from && to ? (to.getTime() - from.getTime()) / 1000 : null;
}

function toCall(r: CallRow): CallRecord {
  return {
    id: r.id,
    channelId: r.channel_id,
    callerNumber: r.caller_number,
    dialedNumber: r.dialed_number,
    queue: r.queue,
    agentId: r.agent_id,
    arrivedAt: r.arrived_at,
    queuedAt: r.queued_at,
    offeredAt: r.offered_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    hangupCause: r.hangup_cause,
    recordingName: r.recording_name,
    emergencyKeyword: r.emergency_keyword,
    emergencyAt: r.emergency_at,
    waitSeconds: secondsBetween(r.arrived_at, r.answered_at ?? r.ended_at),
    talkSeconds: secondsBetween(r.answered_at, r.ended_at),
    callback:
      r.callback_number && r.callback_requested_at && r.callback_status
        ? {
            number: r.callback_number,
            requestedAt: r.callback_requested_at,
            status: r.callback_status,
            attempts: r.callback_attempts ?? 0,
            lastFailure: r.callback_last_failure,
            agentId: r.callback_agent_id,
            connectedAt: r.callback_connected_at,
          }
        : null,
  };
}

function toOffer(r: OfferRow): CallOffer {
  return {
    id: r.id,
    callId: r.call_id,
    agentId: r.agent_id,
    offeredAt: r.offered_at,
    result: r.result,
    endedAt: r.ended_at,
  };
}
