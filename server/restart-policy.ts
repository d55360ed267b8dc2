// When `npm start`'s supervisor starts a server that died by itself again: at once the first time, then waiting
// longer after each crash that follows soon after a start (a server that cannot stay up must not spin), back to
// at once after a run long enough to count as healthy. A server that exits by itself on purpose is not restarted:
// 0 (stopped by SIGINT/SIGTERM or `npm stop`), 2 (the configuration is wrong), 3 (another hotline runs).
export const NOT_RESTARTED_EXIT_CODES: readonly number[] = [0, 2, 3];

export interface RestartPolicy {
  /** A run at least this long resets the back-off (ms). Default 60 s. */
  healthyRunMs?: number;
  /** Default 1 000 ms, doubled per quick crash up to maxDelayMs. */
  firstDelayMs?: number;
  /** Default 30 000 ms. */
  maxDelayMs?: number;
}

/** How long to wait before the next start, or null when the exit was on purpose. `quickCrashes` counts the crashes in a row that came soon after a start, this one included. */
export function restartDelay(exit: { code: number | null; signal: string | null }, ranMs: number, quickCrashes: number, p: RestartPolicy = {}): number | null {
  if (exit.signal === null && exit.code !== null && NOT_RESTARTED_EXIT_CODES.includes(exit.code)) return null;
  if (ranMs >= (p.healthyRunMs ?? 60_000)) return p.firstDelayMs ?? 1_000;
  return Math.min((p.firstDelayMs ?? 1_000) * 2 ** Math.max(0, quickCrashes - 1), p.maxDelayMs ?? 30_000);
}
