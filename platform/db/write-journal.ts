// Writes the database could not take while it was unreachable, kept on disk until they land: a server that
// crashes or is stopped during a database outage finds them at its next start and writes them then, in order.
// An append-only JSON-lines file in the state folder: `{"h":id,"k":key,"e":event,"p":payload}` when a write is
// held, `{"d":id}` when it has landed (each line fsynced: this only runs during an outage, so it costs nothing
// in normal operation). A torn last line (a crash mid-append) is ignored. The file is emptied once nothing is held.
import fs from 'node:fs';
import path from 'node:path';

export interface HeldWrite {
  id: number;
  /** Orders the writes of one thing (a call id): they are replayed in the order they were held. */
  key: string;
  event: string;
  payload: unknown;
}

export class WriteJournal {
  private fd: number | null = null;
  private nextId = 1;
  private readonly open = new Set<number>();

  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }

  /** What an earlier process held and never wrote, in the order it was held. Call once, before hold(). */
  pending(): HeldWrite[] {
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const held = new Map<number, HeldWrite>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      let v: { h?: number; k?: string; e?: string; p?: unknown; d?: number };
      try {
        v = JSON.parse(line) as typeof v;
      } catch {
        continue; // torn by a crash mid-append: that write was never acknowledged as held
      }
      if (typeof v.h === 'number' && typeof v.k === 'string' && typeof v.e === 'string') held.set(v.h, { id: v.h, key: v.k, event: v.e, payload: v.p });
      else if (typeof v.d === 'number') held.delete(v.d);
      this.nextId = Math.max(this.nextId, (v.h ?? v.d ?? 0) + 1);
    }
    for (const id of held.keys()) this.open.add(id);
    return [...held.values()].sort((a, b) => a.id - b.id);
  }

  /** Keeps a write that could not be made; returns its id for done(). Durable when this returns. */
  hold(key: string, event: string, payload: unknown): number {
    const id = this.nextId++;
    this.append({ h: id, k: key, e: event, p: payload });
    this.open.add(id);
    return id;
  }

  /** The held write has landed in the database. */
  done(id: number): void {
    if (!this.open.delete(id)) return;
    if (this.open.size === 0) {
      // nothing held any more: start the file afresh rather than let it grow over many outages
      this.close();
      fs.writeFileSync(this.file, '');
      return;
    }
    this.append({ d: id });
  }

  /** How many writes are held now. */
  get size(): number {
    return this.open.size;
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  private append(v: object): void {
    this.fd ??= fs.openSync(this.file, 'a', 0o600);
    fs.writeSync(this.fd, `${JSON.stringify(v)}\n`);
    fs.fsyncSync(this.fd);
  }
}
