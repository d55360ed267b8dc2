// Writing a 转110/120 linkage sheet so that no outage loses it: while the database is unreachable the sheet is
// retried, and from its first failed try it is also kept on disk (platform/db/write-journal.ts,
// `held-linkage-sheets.jsonl`). A server that crashes or is stopped during the outage leaves it there; the next
// start writes it (with its id and time, so a sheet whose first write did land is not made twice) and tells the
// same followers (the call's order becomes urgent) as the first process would have.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { retryWhileUnreachable, type RetryWhileUnreachable } from '../platform/db/retry-while-unreachable.js';
import type { WriteJournal } from '../platform/db/write-journal.js';
import type { LinkageRecord, LinkageService, NewLinkage } from './linkage.js';

const HELD_EVENT = 'linkage.create';

/** 23503: the sheet's call row is not written yet (its own writes are held too, and land first). */
const callRowMissing = (err: unknown) => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '23503';

export interface LinkageWriterOptions {
  linkage: Pick<LinkageService, 'create'>;
  journal?: WriteJournal | undefined;
  log: Logger;
  retry?: Pick<RetryWhileUnreachable, 'firstPauseMs' | 'maxPauseMs' | 'retryForMs'>;
  now?: () => number;
}

export class LinkageWriter {
  private stopped = false;
  private readonly now: () => number;

  constructor(private readonly o: LinkageWriterOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Writes the sheet, waiting out an unreachable database (held on disk meanwhile). */
  write(input: NewLinkage): Promise<LinkageRecord> {
    return this.land({ ...input, linkageId: input.linkageId ?? randomUUID(), at: input.at ?? this.now() }, undefined);
  }

  /**
   * Writes the sheets an earlier process held and never wrote, in the background, each told to `landed` once
   * written. Call once at start, before write().
   */
  replayHeld(landed: (record: LinkageRecord) => Promise<unknown>): number {
    const held = this.o.journal?.pending() ?? [];
    for (const h of held) {
      if (h.event !== HELD_EVENT) continue;
      this.land(h.payload as NewLinkage, h.id)
        .then(landed)
        .catch((err: unknown) => this.o.log.error({ err: String(err), linkageId: (h.payload as NewLinkage).linkageId }, 'held linkage sheet not written'));
    }
    return held.length;
  }

  /** How many sheets are held (waiting for the database) now. */
  get held(): number {
    return this.o.journal?.size ?? 0;
  }

  /** Stops retrying: what is held stays on disk for the next start. */
  stop(): void {
    this.stopped = true;
  }

  private async land(sheet: NewLinkage, heldBefore: number | undefined): Promise<LinkageRecord> {
    let held = heldBefore;
    const log = this.o.log.child({ callId: sheet.callId, linkageId: sheet.linkageId });
    try {
      const record = await retryWhileUnreachable(() => this.o.linkage.create(sheet), {
        ...this.o.retry,
        stopped: () => this.stopped,
        // a replayed sheet may come before its call's replayed row: wait for it as for the database
        alsoRetry: heldBefore === undefined ? undefined : callRowMissing,
        onRetry: (err, attempt) => {
          if (attempt !== 1) return;
          held ??= this.o.journal?.hold(sheet.callId, HELD_EVENT, sheet);
          log.warn({ err: String(err) }, 'database unreachable: linkage sheet held on disk, trying again');
        },
      });
      if (held !== undefined) this.o.journal?.done(held);
      return record;
    } catch (err) {
      // refused for good (not an outage): nothing would make it land; stopping: left on disk for the next start
      if (held !== undefined && !this.stopped) {
        this.o.journal?.done(held);
        log.error({ err: String(err), centre: sheet.centre }, 'linkage sheet refused by the database');
      }
      throw err;
    }
  }
}
