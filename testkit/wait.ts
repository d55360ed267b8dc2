// Tests poll a condition until a deadline instead of sleeping blindly: they finish as soon as the system is
// ready, and a timeout names what was awaited and the last value seen, which is what one needs to debug it.

export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs: number;
  /** Pause between two polls (ms). Default 100. */
  intervalMs?: number;
  /** What is awaited, in words ("agent 1001 registered"); used in the timeout message. */
  what: string;
}

export class WaitTimeoutError extends Error {
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly lastValue: unknown,
    readonly lastError: unknown,
  ) {
    const last =
      lastError !== undefined
        ? `last attempt threw: ${lastError instanceof Error ? lastError.message : describe(lastError)}`
        : `last value: ${describe(lastValue)}`;
    super(`timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    this.name = 'WaitTimeoutError';
  }
}

/**
 * Polls `fn` until it returns a truthy value and resolves with that value.
 * A poll that throws counts as "not yet" (the error is reported if the deadline passes).
 * Throws {@link WaitTimeoutError} naming `what` and the last value when `timeoutMs` elapses.
 */
export async function waitUntil<T>(fn: () => T | Promise<T>, opts: WaitOptions): Promise<NonNullable<T>> {
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + opts.timeoutMs;
  let lastValue: unknown = undefined;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await fn();
      lastValue = v;
      lastError = undefined;
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(opts.what, opts.timeoutMs, lastValue, lastError);
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, left)));
  }
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  try {
    const s = JSON.stringify(v);
    if (s === undefined) return String(v);
    return s.length > 500 ? s.slice(0, 500) + '…' : s;
  } catch {
    return String(v);
  }
}
