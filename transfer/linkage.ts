// 联动工单 (linkage sheet): what the emergency centre gets with a transferred call — caller number, place,
// summary, transcript so far, order code, recording link. Written to the emergency_linkages table first (an
// outbox: nothing is lost when the process restarts), then POSTed to the centre's webhook:
//   - signed: X-Hotline-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the centre's secret>,
//     X-Hotline-Timestamp: <unix ms> (the centre rejects old or unsigned sheets);
//   - idempotent: Idempotency-Key: linkage-<id> is the same on every attempt, so a centre that did receive a
//     sheet whose answer got lost takes the resend as the same sheet;
//   - retried with exponential backoff (base × 2^(attempts-1), capped) until delivered or given up.
import { createHmac, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { failureLevel, type Database } from '../platform/db/database.js';
import type { EmergencyCentre } from './directory.js';

export interface LinkageSheet {
  linkageId: string;
  centre: string;
  callId: string;
  callerNumber: string;
  place: string | null;
  summary: string | null;
  /** What was said so far (speech recognition), or null when there is no transcript. */
  transcript: string | null;
  /** 疑似紧急: the emergency word heard from the caller, if any. */
  emergencyKeyword: string | null;
  orderCode: string | null;
  recordingUrl: string;
  agentId: string;
  createdAt: string;
}

/** What a new sheet is made from; `linkageId` and `at` are given when a held sheet is written again. */
export type NewLinkage = Omit<LinkageSheet, 'linkageId' | 'orderCode' | 'createdAt'> & { orderCode?: string | null; linkageId?: string; at?: number };

export type LinkageStatus = 'pending' | 'sending' | 'delivered' | 'failed' | 'unconfigured';

export interface LinkageRecord {
  id: string;
  callId: string;
  orderCode: string | null;
  centre: string;
  status: LinkageStatus;
  attempts: number;
  lastError: string | null;
  lastHttpStatus: number | null;
  createdAt: number;
  deliveredAt: number | null;
  sheet: LinkageSheet;
}

export const SIGNATURE_HEADER = 'x-hotline-signature';
export const TIMESTAMP_HEADER = 'x-hotline-timestamp';

/** The signature of a body sent at `timestamp` (ms), as the centre recomputes it. */
export function signSheet(body: string, timestamp: number, secret: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export function linkageBackoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export interface LinkageOptions {
  db: Database;
  log: Logger;
  /** The centre (webhook and secret) by its number, looked up at every attempt. */
  centre: (number: string) => EmergencyCentre | undefined;
  fetch?: typeof fetch;
  now?: () => number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  intervalMs?: number;
  /** A row left 'sending' this long (the process died mid-send) is tried again. */
  claimTimeoutMs?: number;
}

interface Row {
  id: string;
  call_id: string;
  order_code: string | null;
  centre: string;
  status: LinkageStatus;
  attempts: number;
  last_error: string | null;
  last_http_status: number | null;
  created_at: Date;
  delivered_at: Date | null;
  sheet: LinkageSheet;
}

const toRecord = (r: Row): LinkageRecord => ({
  id: r.id,
  callId: r.call_id,
  orderCode: r.order_code,
  centre: r.centre,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  lastHttpStatus: r.last_http_status,
  createdAt: new Date(r.created_at).getTime(),
  deliveredAt: r.delivered_at ? new Date(r.delivered_at).getTime() : null,
  sheet: r.sheet,
});

export class LinkageService {
  private readonly now: () => number;
  private readonly fetch: typeof fetch;
  private timer: NodeJS.Timeout | null = null;
  private pass: Promise<void> | null = null;
  private stopped = false;

  constructor(private readonly o: LinkageOptions) {
    this.now = o.now ?? Date.now;
    this.fetch = o.fetch ?? globalThis.fetch;
  }

  /**
   * Writes the sheet (with the call's order, if one is linked) and tries to deliver it at once. Written again
   * with the same `linkageId` (a held sheet replayed), it is the same sheet: the first row stands.
   */
  async create(input: NewLinkage): Promise<LinkageRecord> {
    const { linkageId, at: givenAt, ...fields } = input;
    const id = linkageId ?? randomUUID();
    const at = givenAt ?? this.now();
    const orderCode = fields.orderCode ?? (await this.orderOfCall(input.callId));
    const sheet: LinkageSheet = { ...fields, linkageId: id, orderCode, createdAt: new Date(at).toISOString() };
    const centre = this.o.centre(input.centre);
    const status: LinkageStatus = centre?.webhook ? 'pending' : 'unconfigured';
    await this.o.db.query(
      `INSERT INTO emergency_linkages (id, call_id, order_code, centre, webhook_url, sheet, status, attempts, next_attempt_at, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, 0, $8, $9, $8) ON CONFLICT (id) DO NOTHING`,
      [id, input.callId, orderCode, input.centre, centre?.webhook?.url ?? null, JSON.stringify(sheet), status, new Date(at), input.agentId],
    );
    this.o.log.info({ callId: input.callId, linkageId: id, centre: input.centre, status }, 'linkage sheet written');
    if (status === 'pending') void this.runOnce();
    return (await this.get(id))!;
  }

  async get(id: string): Promise<LinkageRecord | null> {
    const { rows } = await this.o.db.query<Row>(`SELECT * FROM emergency_linkages WHERE id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(filter: { callId?: string; orderCode?: string }): Promise<LinkageRecord[]> {
    const { rows } = await this.o.db.query<Row>(
      `SELECT * FROM emergency_linkages WHERE ($1::text IS NULL OR call_id = $1) AND ($2::text IS NULL OR order_code = $2) ORDER BY created_at DESC LIMIT 100`,
      [filter.callId ?? null, filter.orderCode ?? null],
    );
    return rows.map(toRecord);
  }

  private async orderOfCall(callId: string): Promise<string | null> {
    const { rows } = await this.o.db.query<{ code: string }>(
      `SELECT o.code FROM work_order_calls l JOIN work_orders o ON o.id = l.order_id WHERE l.call_id = $1 ORDER BY l.linked_at DESC LIMIT 1`,
      [callId],
    );
    return rows[0]?.code ?? null;
  }

  /** One delivery pass over the due sheets; never throws. */
  runOnce(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.pass ??= this.deliverDue()
      .catch((err: unknown) => this.o.log[failureLevel(err)]({ err }, 'linkage delivery pass failed'))
      .finally(() => (this.pass = null));
    return this.pass;
  }

  private async deliverDue(): Promise<void> {
    const { db } = this.o;
    const now = new Date(this.now());
    const stale = new Date(this.now() - (this.o.claimTimeoutMs ?? 120_000));
    await db.query(`UPDATE emergency_linkages SET status = 'pending' WHERE status = 'sending' AND claimed_at < $1`, [stale]);
    const { rows } = await db.query<Row>(
      `UPDATE emergency_linkages SET status = 'sending', claimed_at = $1
       WHERE id IN (SELECT id FROM emergency_linkages WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT 20 FOR UPDATE SKIP LOCKED)
       RETURNING *`,
      [now],
    );
    await Promise.all(rows.map((r) => this.attempt(r)));
  }

  private async attempt(r: Row): Promise<void> {
    const attempts = r.attempts + 1;
    const log = this.o.log.child({ callId: r.call_id, linkageId: r.id, centre: r.centre, attempts });
    let httpStatus: number | null = null;
    try {
      const centre = this.o.centre(r.centre);
      if (!centre?.webhook) throw new Error('centre has no webhook configured');
      const body = JSON.stringify(r.sheet);
      const ts = this.now();
      const res = await this.fetch(centre.webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `linkage-${r.id}`,
          [TIMESTAMP_HEADER]: String(ts),
          [SIGNATURE_HEADER]: signSheet(body, ts, centre.webhook.secret),
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      httpStatus = res.status;
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new Error(`centre answered HTTP ${res.status}`);
      await this.o.db.query(
        `UPDATE emergency_linkages SET status = 'delivered', attempts = $2, delivered_at = $3, last_http_status = $4, last_error = NULL WHERE id = $1`,
        [r.id, attempts, new Date(this.now()), httpStatus],
      );
      log.info({ httpStatus }, 'linkage sheet delivered');
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      const giveUp = attempts >= (this.o.maxAttempts ?? 8);
      const delay = linkageBackoffMs(attempts, this.o.baseDelayMs ?? 2_000, this.o.maxDelayMs ?? 300_000);
      await this.o.db.query(
        `UPDATE emergency_linkages SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5, last_http_status = $6 WHERE id = $1`,
        [r.id, giveUp ? 'failed' : 'pending', attempts, new Date(this.now() + delay), message, httpStatus],
      );
      log[giveUp ? 'error' : 'warn'](
        { err: message, httpStatus, retryInMs: giveUp ? null : delay },
        giveUp ? 'linkage sheet given up' : 'linkage sheet not accepted; will retry',
      );
      if (!giveUp) this.wakeIn(delay);
    }
  }

  /** A retry due before the next regular poll is not left waiting for it. */
  private wakeIn(ms: number): void {
    const t = setTimeout(() => void this.runOnce(), ms + 10);
    t.unref();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.o.intervalMs ?? 5_000);
    this.timer.unref();
    void this.runOnce();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.pass;
  }
}
