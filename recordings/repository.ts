// call_recordings, recording_access_log and calls.recording_error in SQL (migration 007).
import type { Queryable } from '../platform/db/database.js';

export interface RecordingRecord {
  callId: string;
  /** The order linked to the call: stored, or linked since (work_order_calls). */
  orderCodes: string[];
  agentId: string | null;
  callerNumber: string;
  startedAt: Date;
  durationMs: number;
  sizeBytes: number;
  sha256: string;
  channels: 1 | 2;
  format: string;
  storage: string;
  storageKey: string;
  status: 'stored' | 'deleted';
  legalHold: boolean;
  /** Departments holding the linked orders (handlers of these may listen). */
  departments: string[];
  /** A linked order is under special supervision (专项督办): kept past retention. */
  supervised: boolean;
}

export type NewRecording = Omit<RecordingRecord, 'orderCodes' | 'status' | 'legalHold' | 'departments' | 'supervised'> & {
  orderCode: string | null;
  createdAt: Date;
};

export type AccessAction = 'metadata' | 'play' | 'download' | 'denied' | 'integrity_failed' | 'retention_delete';

export interface AccessEntry {
  callId: string;
  userId: string | null;
  role: string | null;
  action: AccessAction;
  byteRange?: string | null;
  ip?: string | null;
  at: Date;
}

interface Row {
  call_id: string;
  order_code: string | null;
  agent_id: string | null;
  caller_number: string;
  started_at: Date;
  duration_ms: number;
  size_bytes: number | string;
  sha256: string;
  channels: 1 | 2;
  format: string;
  storage: string;
  storage_key: string;
  status: 'stored' | 'deleted';
  legal_hold: boolean;
  linked_codes: string[] | null;
  departments: string[] | null;
  supervised: boolean | null;
}

const SELECT = `
  SELECT r.*,
    (SELECT array_agg(wo.code ORDER BY wo.code) FROM work_order_calls l JOIN work_orders wo ON wo.id = l.order_id WHERE l.call_id = r.call_id) AS linked_codes,
    (SELECT array_agg(DISTINCT wo.department_code) FROM work_order_calls l JOIN work_orders wo ON wo.id = l.order_id
      WHERE l.call_id = r.call_id AND wo.department_code IS NOT NULL) AS departments,
    (SELECT bool_or(wo.special_supervision) FROM work_order_calls l JOIN work_orders wo ON wo.id = l.order_id WHERE l.call_id = r.call_id) AS supervised
  FROM call_recordings r`;

function toRecord(r: Row): RecordingRecord {
  const codes = new Set([...(r.linked_codes ?? []), ...(r.order_code ? [r.order_code] : [])]);
  return {
    callId: r.call_id,
    orderCodes: [...codes].sort(),
    agentId: r.agent_id,
    callerNumber: r.caller_number,
    startedAt: r.started_at,
    durationMs: r.duration_ms,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    channels: r.channels,
    format: r.format,
    storage: r.storage,
    storageKey: r.storage_key,
    status: r.status,
    legalHold: r.legal_hold,
    departments: r.departments ?? [],
    supervised: r.supervised ?? false,
  };
}

export class RecordingRepository {
  constructor(private readonly db: Queryable) {}

  async insert(r: NewRecording): Promise<void> {
    await this.db.query(
      `INSERT INTO call_recordings (call_id, order_code, agent_id, caller_number, started_at, duration_ms, size_bytes, sha256, channels, format, storage, storage_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (call_id) DO NOTHING`,
      [
        r.callId,
        r.orderCode,
        r.agentId,
        r.callerNumber,
        r.startedAt,
        Math.round(r.durationMs),
        r.sizeBytes,
        r.sha256,
        r.channels,
        r.format,
        r.storage,
        r.storageKey,
        r.createdAt,
      ],
    );
  }

  async get(callId: string): Promise<RecordingRecord | null> {
    const { rows } = await this.db.query<Row>(`${SELECT} WHERE r.call_id = $1`, [callId]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /**
   * Stored recordings started before `before`, oldest first, without the ones on legal hold: held by hand, or of a
   * call linked to an order under special supervision (专项督办).
   */
  async expired(before: Date, limit: number): Promise<RecordingRecord[]> {
    const { rows } = await this.db.query<Row>(
      `${SELECT} WHERE r.status = 'stored' AND r.started_at < $1 AND NOT r.legal_hold
         AND NOT EXISTS (SELECT 1 FROM work_order_calls l JOIN work_orders wo ON wo.id = l.order_id WHERE l.call_id = r.call_id AND wo.special_supervision)
       ORDER BY r.started_at LIMIT $2`,
      [before, limit],
    );
    return rows.map(toRecord);
  }

  async markDeleted(callId: string, at: Date): Promise<void> {
    await this.db.query(`UPDATE call_recordings SET status = 'deleted', deleted_at = $2 WHERE call_id = $1`, [callId, at]);
  }

  async setLegalHold(callId: string, hold: boolean): Promise<void> {
    await this.db.query(`UPDATE call_recordings SET legal_hold = $2 WHERE call_id = $1`, [callId, hold]);
  }

  /** The first order linked to the call, if any (at the time the recording is stored). */
  async linkedOrderCode(callId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ code: string }>(
      `SELECT wo.code FROM work_order_calls l JOIN work_orders wo ON wo.id = l.order_id WHERE l.call_id = $1 ORDER BY l.linked_at LIMIT 1`,
      [callId],
    );
    return rows[0]?.code ?? null;
  }

  async audit(e: AccessEntry): Promise<void> {
    await this.db.query(`INSERT INTO recording_access_log (call_id, user_id, role, action, byte_range, ip, at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
      e.callId,
      e.userId,
      e.role,
      e.action,
      e.byteRange ?? null,
      e.ip ?? null,
      e.at,
    ]);
  }

  async accessLog(callId: string): Promise<AccessEntry[]> {
    const { rows } = await this.db.query<{
      call_id: string;
      user_id: string | null;
      role: string | null;
      action: AccessAction;
      byte_range: string | null;
      ip: string | null;
      at: Date;
    }>(`SELECT * FROM recording_access_log WHERE call_id = $1 ORDER BY at, id`, [callId]);
    return rows.map((r) => ({ callId: r.call_id, userId: r.user_id, role: r.role, action: r.action, byteRange: r.byte_range, ip: r.ip, at: r.at }));
  }

  /** A recording that did not start (or could not be stored): on the call record, first reason kept. */
  async reportError(callId: string, error: string): Promise<void> {
    await this.db.query(`UPDATE calls SET recording_error = COALESCE(recording_error, $2) WHERE id = $1`, [callId, error.slice(0, 500)]);
  }

  async callError(callId: string): Promise<string | null> {
    const { rows } = await this.db.query<{ recording_error: string | null }>(`SELECT recording_error FROM calls WHERE id = $1`, [callId]);
    return rows[0]?.recording_error ?? null;
  }
}
