// The work_order_requests table: which order a 受理 request made, by the Idempotency-Key its sender gave, so a
// request sent again (its answer lost, or retried by the desktop after a database outage) gets that order back.
import type { Queryable } from '../../platform/db/database.js';
import type { DispatchOutcome } from './auto-dispatch.js';

export interface CreateRequest {
  orderId: string;
  dispatch: DispatchOutcome;
}

/** 23505 on the requests' primary key: the same request is being (or was just) committed by another attempt. */
export function isDuplicateRequest(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'work_order_requests_pkey';
}

export class CreateRequestRepository {
  constructor(private readonly db: Queryable) {}

  async find(userId: string, key: string): Promise<CreateRequest | null> {
    const { rows } = await this.db.query<{ order_id: string; dispatch: DispatchOutcome }>(
      'SELECT order_id, dispatch FROM work_order_requests WHERE user_id = $1 AND idempotency_key = $2',
      [userId, key],
    );
    return rows[0] ? { orderId: rows[0].order_id, dispatch: rows[0].dispatch } : null;
  }

  async insert(userId: string, key: string, request: CreateRequest, at: number): Promise<void> {
    await this.db.query('INSERT INTO work_order_requests (user_id, idempotency_key, order_id, dispatch, created_at) VALUES ($1, $2, $3, $4::jsonb, $5)', [
      userId,
      key,
      request.orderId,
      JSON.stringify(request.dispatch),
      new Date(at),
    ]);
  }
}
