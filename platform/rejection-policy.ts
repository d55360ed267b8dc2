// What a stray rejected promise does to a running hotline: it is logged as an error with its stack and the
// process keeps serving. Node's default (exit) would hang up every citizen on the line for one forgotten
// `.catch` on an ARI request; lint (no-floating-promises) keeps such promises rare, this keeps them harmless.
// Synchronous exceptions that escape still end the process: the state they leave behind is unknown.
import type { Logger } from 'pino';

interface ProcessLike {
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export function keepServingOnUnhandledRejection(proc: ProcessLike, log: Pick<Logger, 'error'>): { count(): number } {
  let seen = 0;
  proc.on('unhandledRejection', (reason) => {
    seen += 1;
    log.error({ err: reason, unhandledRejections: seen }, 'unhandled promise rejection (kept running)');
  });
  return { count: () => seen };
}
