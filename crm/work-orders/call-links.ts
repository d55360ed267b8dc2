// Calls beside work orders: the calls an order was taken from or mentions (work_order_calls), a number's earlier
// calls for the screen pop, and which citizens' calls rang an agent (what an agent may see, see Visibility).
import { normalizePhone } from '../../contracts/phone.js';
import type { Queryable } from '../../platform/db/database.js';

export interface CallLink {
  id: string;
  callerNumber: string;
  arrivedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: 'answered' | 'abandoned' | 'failed' | null;
  agentId: string | null;
  recordingName: string | null;
  /** Why the call's recording failed to start or be stored (recordings/), null when it did not fail. */
  recordingError: string | null;
  /** 疑似紧急: an emergency word heard from the caller in this call. */
  emergencyKeyword: string | null;
}

interface CallRowLite {
  id: string;
  caller_number: string;
  arrived_at: Date;
  answered_at: Date | null;
  ended_at: Date | null;
  outcome: CallLink['outcome'];
  agent_id: string | null;
  recording_name: string | null;
  recording_error: string | null;
  emergency_keyword: string | null;
}

export class CallLinkRepository {
  constructor(private readonly db: Queryable) {}

  /** Links calls to an order; a call id that does not exist fails with a foreign-key violation (23503). */
  async linkCalls(orderId: string, callIds: readonly string[], at: number): Promise<void> {
    for (const callId of callIds) {
      await this.db.query(`INSERT INTO work_order_calls (order_id, call_id, linked_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
        orderId,
        callId,
        new Date(at),
      ]);
    }
  }

  /** Which of these call ids exist. */
  async existingCalls(callIds: readonly string[]): Promise<string[]> {
    if (callIds.length === 0) return [];
    const { rows } = await this.db.query<{ id: string }>(`SELECT id FROM calls WHERE id = ANY($1::text[])`, [[...callIds]]);
    return rows.map((r) => r.id);
  }

  async linkedCalls(orderId: string): Promise<CallLink[]> {
    const { rows } = await this.db.query<CallRowLite>(
      `SELECT c.id, c.caller_number, c.arrived_at, c.answered_at, c.ended_at, c.outcome, c.agent_id, c.recording_name, c.recording_error, c.emergency_keyword
       FROM work_order_calls l JOIN calls c ON c.id = l.call_id WHERE l.order_id = $1 ORDER BY c.arrived_at`,
      [orderId],
    );
    return rows.map(toCallLink);
  }

  /** Calls from a (normalized) number, newest first. Matches the stored caller number after normalization. */
  async callsFrom(phoneNorm: string, limit: number): Promise<CallLink[]> {
    const { rows } = await this.db.query<CallRowLite>(
      `SELECT id, caller_number, arrived_at, answered_at, ended_at, outcome, agent_id, recording_name, recording_error, emergency_keyword
       FROM calls WHERE caller_number = ANY($1::text[]) ORDER BY arrived_at DESC LIMIT $2`,
      [phoneVariants(phoneNorm), limit],
    );
    return rows.map(toCallLink);
  }

  /**
   * Normalized numbers of the callers whose calls rang this agent since `since` (an answered call always has
   * its ring attempt in call_offers, so answered ones are included). Uses call_offers (agent_id, offered_at).
   */
  async callerPhonesOfAgent(agentId: string, since: number): Promise<string[]> {
    const { rows } = await this.db.query<{ caller_number: string }>(
      `SELECT DISTINCT c.caller_number FROM call_offers o JOIN calls c ON c.id = o.call_id
       WHERE o.agent_id = $1 AND o.offered_at >= $2`,
      [agentId, new Date(since)],
    );
    return [...new Set(rows.map((r) => normalizePhone(r.caller_number)))];
  }

  /** Orders linked to a call. */
  async ordersOfCall(callId: string): Promise<string[]> {
    const { rows } = await this.db.query<{ order_id: string }>('SELECT order_id FROM work_order_calls WHERE call_id = $1', [callId]);
    return rows.map((r) => r.order_id);
  }

  /** Whether any of these calls was linked with 110/120/119 (联动). */
  async anyEmergencyLinked(callIds: readonly string[]): Promise<boolean> {
    for (const callId of callIds) {
      const { rows } = await this.db.query('SELECT 1 FROM emergency_linkages WHERE call_id = $1 LIMIT 1', [callId]);
      if (rows.length > 0) return true;
    }
    return false;
  }
}

function toCallLink(r: CallRowLite): CallLink {
  return {
    id: r.id,
    callerNumber: r.caller_number,
    arrivedAt: r.arrived_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    outcome: r.outcome,
    agentId: r.agent_id,
    recordingName: r.recording_name,
    recordingError: r.recording_error,
    emergencyKeyword: r.emergency_keyword,
  };
}

/** The ways a carrier may present a normalized number as caller id (so the calls index can be used). */
export function phoneVariants(norm: string): string[] {
  if (/^1[3-9]\d{9}$/.test(norm)) return [norm, `0${norm}`, `86${norm}`, `+86${norm}`, `0086${norm}`];
  const variants = [norm];
  // landline 01012345678 may be stored as 010-12345678 (3- or 4-digit area code)
  if (/^0\d{9,11}$/.test(norm)) variants.push(`${norm.slice(0, 3)}-${norm.slice(3)}`, `${norm.slice(0, 4)}-${norm.slice(4)}`);
  return variants;
}
