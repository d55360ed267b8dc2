// SMS to citizens through a transactional outbox: the work-order service writes a row in the same transaction
// as the event that causes it (so a rolled-back step sends nothing, and a committed one is never forgotten);
// a worker sends due rows through an SmsGateway, retrying failures with exponential backoff. A failing gateway
// only ever delays messages: it never blocks or undoes a work-order step. Delivery is at-least-once (a row
// claimed by a process that died is sent again after claimTimeoutMs); gateways get the row id as an
// idempotency key.
import type { Logger } from 'pino';
import { maskPhone } from '../../contracts/phone.js';
import { failureLevel, type Database, type Queryable } from '../../platform/db/database.js';

export const SMS_TEMPLATES = ['order_accepted', 'order_closed', 'rating_request'] as const;
export type SmsTemplate = (typeof SMS_TEMPLATES)[number];

export interface SmsMessage {
  to: string;
  template: SmsTemplate;
  params: Record<string, string>;
  orderId?: string | null | undefined;
}

export interface OutgoingSms {
  id: number;
  to: string;
  template: SmsTemplate;
  params: Record<string, string>;
  /** The rendered Chinese text. */
  text: string;
}

export interface SmsGateway {
  /** Resolves when the carrier/gateway accepted the message; rejects to have it retried. */
  send(sms: OutgoingSms): Promise<void>;
}

const SIGNATURE = '【12345热线】';

/** The Chinese text of a message. */
export function renderSms(template: SmsTemplate, p: Record<string, string>): string {
  switch (template) {
    case 'order_accepted':
      return `${SIGNATURE}您的诉求已受理，工单号${p.code}，已转${p.departmentName}办理，预计${p.expectedDate}前答复。您可凭工单号和来电号码查询办理进度。`;
    case 'order_closed':
      return `${SIGNATURE}您的工单${p.code}已办结。感谢您对12345热线工作的支持。`;
    case 'rating_request':
      return `${SIGNATURE}您的工单${p.code}已由${p.departmentName}答复办理，请对办理结果进行评价：回复1为满意，回复2为不满意。`;
  }
}

/** Default gateway: writes one log line per message (development, or until a carrier is configured). */
export class LogSmsGateway implements SmsGateway {
  constructor(private readonly log: Logger) {}

  async send(sms: OutgoingSms): Promise<void> {
    this.log.info({ smsId: sms.id, to: maskPhone(sms.to), template: sms.template, text: sms.text }, 'sms (log gateway)');
  }
}

export interface HttpSmsGatewayOptions {
  /** Receives POST application/json { id, to, template, params, text }; any 2xx is success. */
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** POSTs each message as JSON to an SMS gateway of the operator (the carrier's API behind it). */
export class HttpSmsGateway implements SmsGateway {
  private readonly fetch: typeof fetch;

  constructor(private readonly opts: HttpSmsGatewayOptions) {
    this.fetch = opts.fetch ?? globalThis.fetch;
  }

  async send(sms: OutgoingSms): Promise<void> {
    const res = await this.fetch(this.opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `sms-${sms.id}`, ...this.opts.headers },
      body: JSON.stringify({ id: sms.id, to: sms.to, template: sms.template, params: sms.params, text: sms.text }),
      signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000),
    });
    if (!res.ok) {
      const detail = (await res.text().catch(() => '')).slice(0, 200);
      throw new Error(`SMS gateway answered HTTP ${res.status}${detail ? `: ${detail}` : ''}`);
    }
  }
}

export interface SmsOutboxOptions {
  db: Database;
  gateway: SmsGateway;
  log: Logger;
  now?: () => number;
  /** Attempts before a message is given up ('failed'). Default 6. */
  maxAttempts?: number;
  /** Delay after the first failure; doubles with each further failure, capped at maxDelayMs. Default 30 s. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  batchSize?: number;
  /** Worker poll interval. Default 5 s. */
  intervalMs?: number;
  /** A row left 'sending' this long (the process died mid-send) is sent again. Default 5 min. */
  claimTimeoutMs?: number;
}

export interface OutboxRunResult {
  sent: number;
  retried: number;
  failed: number;
}

interface OutboxRow {
  id: number;
  to_phone: string;
  template: SmsTemplate;
  params: Record<string, string>;
  body: string;
  attempts: number;
}

export class SmsOutbox {
  private readonly now: () => number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly batchSize: number;
  private readonly intervalMs: number;
  private readonly claimTimeoutMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<OutboxRunResult> | null = null;

  constructor(private readonly opts: SmsOutboxOptions) {
    this.now = opts.now ?? Date.now;
    this.maxAttempts = opts.maxAttempts ?? 6;
    this.baseDelayMs = opts.baseDelayMs ?? 30_000;
    this.maxDelayMs = opts.maxDelayMs ?? 3_600_000;
    this.batchSize = opts.batchSize ?? 20;
    this.intervalMs = opts.intervalMs ?? 5_000;
    this.claimTimeoutMs = opts.claimTimeoutMs ?? 300_000;
  }

  /** Writes a message to send; pass the transaction of the step that causes it. */
  async enqueue(q: Queryable, msg: SmsMessage, at: number = this.now()): Promise<void> {
    await q.query(
      `INSERT INTO sms_outbox (order_id, to_phone, template, params, body, status, attempts, next_attempt_at, created_at)
       VALUES ($1, $2, $3, $4::jsonb, $5, 'pending', 0, $6, $6)`,
      [msg.orderId ?? null, msg.to, msg.template, JSON.stringify(msg.params), renderSms(msg.template, msg.params), new Date(at)],
    );
  }

  /** Delay before the next attempt after `attempts` failed ones. */
  backoffMs(attempts: number): number {
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.max(0, attempts - 1));
  }

  /** Sends every due message once. Never throws: failures are recorded on the rows and logged. */
  runOnce(): Promise<OutboxRunResult> {
    // one pass at a time per process: start() and a caller (tests, shutdown) may ask at once
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<OutboxRunResult> {
    const result: OutboxRunResult = { sent: 0, retried: 0, failed: 0 };
    const { db, log } = this.opts;
    try {
      const now = this.now();
      await db.query(`UPDATE sms_outbox SET status = 'pending' WHERE status = 'sending' AND claimed_at < $1`, [new Date(now - this.claimTimeoutMs)]);
      const { rows } = await db.query<OutboxRow>(
        `UPDATE sms_outbox SET status = 'sending', claimed_at = $1
         WHERE id IN (SELECT id FROM sms_outbox WHERE status = 'pending' AND next_attempt_at <= $1
                      ORDER BY next_attempt_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING id, to_phone, template, params, body, attempts`,
        [new Date(now), this.batchSize],
      );
      rows.sort((a, b) => a.id - b.id);
      for (const row of rows) {
        const attempts = row.attempts + 1;
        try {
          await this.opts.gateway.send({ id: row.id, to: row.to_phone, template: row.template, params: row.params, text: row.body });
          await db.query(`UPDATE sms_outbox SET status = 'sent', attempts = $2, sent_at = $3, last_error = NULL WHERE id = $1`, [
            row.id,
            attempts,
            new Date(this.now()),
          ]);
          result.sent += 1;
        } catch (err) {
          const message = (err instanceof Error ? err.message : String(err)).slice(0, 500);
          const giveUp = attempts >= this.maxAttempts;
          const next = new Date(this.now() + this.backoffMs(attempts));
          await db.query(`UPDATE sms_outbox SET status = $2, attempts = $3, next_attempt_at = $4, last_error = $5 WHERE id = $1`, [
            row.id,
            giveUp ? 'failed' : 'pending',
            attempts,
            next,
            message,
          ]);
          if (giveUp) result.failed += 1;
          else result.retried += 1;
          log[giveUp ? 'error' : 'warn']({ smsId: row.id, attempts, err: message }, giveUp ? 'sms given up' : 'sms failed; will retry');
        }
      }
    } catch (err) {
      log[failureLevel(err)]({ err }, 'sms outbox pass failed');
    }
    return result;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
