// Writes that must outlive a database outage and a crash during one, for rows nobody waits on (the agent state
// log): each is made in order after the earlier writes of its key, retried while the database is unreachable,
// and from its first failed try kept on disk (write-journal.ts) until it lands. The next start replays what is
// left (replay(), awaited before anything reads those rows); `write` must then be idempotent, as a write may have
// landed just before the crash that kept it from being marked done.
import type { Logger } from 'pino';
import { isTransientDatabaseError } from './database.js';
import { retryWhileUnreachable, type RetryWhileUnreachable } from './retry-while-unreachable.js';
import type { WriteJournal } from './write-journal.js';

export interface HeldWritesOptions<P> {
  /** Names the rows in the journal and the log, e.g. 'agent_state_log'. */
  event: string;
  write: (payload: P) => Promise<unknown>;
  journal?: WriteJournal | undefined;
  log: Logger;
  retry?: Pick<RetryWhileUnreachable, 'firstPauseMs' | 'maxPauseMs' | 'retryForMs'>;
}

export class HeldWrites<P> {
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;

  constructor(private readonly o: HeldWritesOptions<P>) {}

  /** Writes `payload` after the earlier writes of `key`. Never rejects: a write refused for good is logged. */
  write(key: string, payload: P): Promise<void> {
    const before = this.chains.get(key) ?? Promise.resolve();
    const next = before.then(() => this.land(key, payload, undefined));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /** Writes what an earlier process held and never wrote, in the order it was held. Call once, at start. */
  async replay(): Promise<number> {
    const held = (this.o.journal?.pending() ?? []).filter((h) => h.event === this.o.event);
    for (const h of held) await this.land(h.key, h.payload as P, h.id);
    return held.length;
  }

  /** How many writes wait for the database now (on disk). */
  get held(): number {
    return this.o.journal?.size ?? 0;
  }

  /** Stops retrying: what is held stays on disk for the next start. */
  stop(): void {
    this.stopped = true;
  }

  private async land(key: string, payload: P, heldBefore: number | undefined): Promise<void> {
    let held = heldBefore;
    try {
      await retryWhileUnreachable(() => this.o.write(payload), {
        ...this.o.retry,
        stopped: () => this.stopped,
        onRetry: (err, attempt) => {
          if (attempt !== 1) return;
          held ??= this.o.journal?.hold(key, this.o.event, payload);
          this.o.log.warn({ err: String(err), what: this.o.event, key }, 'database unreachable: write held on disk, trying again');
        },
      });
      if (held !== undefined) this.o.journal?.done(held);
    } catch (err) {
      if (this.stopped && isTransientDatabaseError(err)) return; // left on disk for the next start
      if (held !== undefined) this.o.journal?.done(held);
      this.o.log.error({ err, what: this.o.event, key }, 'database write failed');
    }
  }
}
