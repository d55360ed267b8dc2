// Runs the deadline checks (催办/督办) of open work orders every minute: checkDeadlines → recordDeadlineActions →
// persisted 'remind'/'escalate' events (WorkOrderService.runDeadlineChecks). The clock is injectable so tests
// drive time; ticks never overlap, and a failing tick is logged and retried at the next one.
import type { Logger } from 'pino';
import { failureLevel } from '../../platform/db/database.js';
import type { DeadlineRunResult } from './service.js';

export interface DeadlineChecker {
  runDeadlineChecks(now: number): Promise<DeadlineRunResult>;
}

export interface DeadlineSchedulerOptions {
  checker: DeadlineChecker;
  log: Logger;
  now?: () => number;
  /** Default one minute. */
  intervalMs?: number;
}

export class DeadlineScheduler {
  private readonly now: () => number;
  private readonly intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<DeadlineRunResult> | null = null;

  constructor(private readonly opts: DeadlineSchedulerOptions) {
    this.now = opts.now ?? Date.now;
    this.intervalMs = opts.intervalMs ?? 60_000;
  }

  get started(): boolean {
    return this.timer !== null;
  }

  /** One check at the clock's current time; joins a check already running instead of starting another. */
  tick(): Promise<DeadlineRunResult> {
    if (this.running) return this.running;
    const at = this.now();
    this.running = this.opts.checker
      .runDeadlineChecks(at)
      .then((r) => {
        if (r.events > 0 || r.conflicts > 0) this.opts.log.info({ ...r }, 'deadline reminders/escalations recorded');
        return r;
      })
      .catch((err: unknown) => {
        this.opts.log[failureLevel(err)]({ err }, 'deadline check failed');
        return { orders: 0, events: 0, conflicts: 0 };
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
    void this.tick(); // catch up at once after a restart
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }
}
