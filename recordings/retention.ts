// Retention (default 180 days): recordings older than the period are deleted from storage and marked deleted
// (the metadata row stays, as proof of what existed and when it went). Legal hold keeps them: set by hand
// (call_recordings.legal_hold) or implied by a linked order under special supervision (专项督办). Runs daily.
import type { Logger } from 'pino';
import type { RecordingRepository } from './repository.js';
import type { RecordingStorage } from './storage.js';

export interface RetentionDeps {
  repo: RecordingRepository;
  storage: RecordingStorage;
  log: Logger;
  retentionDays: number;
  now?: () => number;
  /** Default once a day. */
  intervalMs?: number;
}

const BATCH = 200;

export class RecordingRetention {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private readonly now: () => number;

  constructor(private readonly d: RetentionDeps) {
    this.now = d.now ?? Date.now;
  }

  /** Deletes what is past retention and not held; returns how many recordings were deleted. */
  run(): Promise<number> {
    if (this.running) return this.running;
    this.running = this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const at = this.now();
    const before = new Date(at - this.d.retentionDays * 86_400_000);
    let deleted = 0;
    for (;;) {
      const batch = await this.d.repo.expired(before, BATCH);
      for (const r of batch) {
        try {
          await this.d.storage.delete(r.storageKey);
          await this.d.repo.markDeleted(r.callId, new Date(at));
          await this.d.repo.audit({ callId: r.callId, userId: null, role: 'system', action: 'retention_delete', at: new Date(at) });
          deleted++;
        } catch (err) {
          this.d.log.error({ err, callId: r.callId }, 'recording past retention could not be deleted');
          return deleted; // storage trouble: try again at the next pass rather than spin
        }
      }
      if (batch.length < BATCH) break;
    }
    if (deleted > 0) this.d.log.info({ deleted, retentionDays: this.d.retentionDays }, 'recordings past retention deleted');
    return deleted;
  }

  start(): void {
    if (this.timer) return;
    const tick = () => void this.run().catch((err) => this.d.log.error({ err }, 'recording retention failed'));
    this.timer = setInterval(tick, this.d.intervalMs ?? 86_400_000);
    this.timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running.catch(() => {});
  }
}
