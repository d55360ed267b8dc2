// Password checks with bounded work. scrypt runs on libuv's thread pool (4 threads by default), which recordings'
// file writes, static files and DNS share: logins get a fixed share of it (`concurrency`), a burst waits in a short
// queue, and a flood beyond the queue is refused at once instead of growing a backlog that would delay every
// other user of the pool. A refused check is not a failed login: the throttle does not count it.
import PQueue from 'p-queue';
import { verifyPassword } from './passwords.js';

export const BUSY = 'busy' as const;

export class PasswordChecks {
  private readonly queue: PQueue;

  constructor(
    concurrency = 2,
    private readonly queueLimit = 32,
  ) {
    this.queue = new PQueue({ concurrency });
  }

  /** true/false as verifyPassword; BUSY when `queueLimit` checks are already waiting. */
  async verify(password: string, stored: string): Promise<boolean | typeof BUSY> {
    if (this.queue.size >= this.queueLimit) return BUSY;
    return (await this.queue.add(() => verifyPassword(password, stored))) ?? false;
  }

  /** Checks running now and waiting (tests, metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.queue.pending, waiting: this.queue.size };
  }
}
