// A write the database could not take because it was unreachable (a restart, a failover, a cut network) is tried
// again with growing pauses instead of being lost; a statement it refused is not (isTransientDatabaseError).
// Held in memory: it survives a database outage, not a crash of this process during one.
import { isTransientDatabaseError } from './database.js';

export interface RetryWhileUnreachable {
  /** How long to keep trying (ms). Default 15 minutes. */
  retryForMs?: number;
  /** First pause between tries (ms), doubled each time up to maxPauseMs. Default 250. */
  firstPauseMs?: number;
  /** Default 10 000. */
  maxPauseMs?: number;
  /** Told of each retry, e.g. to log the outage once (attempt 1). */
  onRetry?: (err: unknown, attempt: number) => void;
  /** Checked before each retry: true gives up at once (shutting down). */
  stopped?: () => boolean;
  /** Other refusals worth waiting out, e.g. a row this write points at that a held write has yet to make. */
  alsoRetry?: (err: unknown) => boolean;
}

export async function retryWhileUnreachable<T>(fn: () => Promise<T>, o: RetryWhileUnreachable = {}): Promise<T> {
  const started = Date.now();
  const retryForMs = o.retryForMs ?? 15 * 60_000;
  let pause = o.firstPauseMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = isTransientDatabaseError(err) || o.alsoRetry?.(err) === true;
      if (o.stopped?.() || !retryable || Date.now() - started + pause > retryForMs) throw err;
      o.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, o.maxPauseMs ?? 10_000);
    }
  }
}
