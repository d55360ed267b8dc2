import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { HeldWrites } from './held-writes.js';
import { WriteJournal } from './write-journal.js';

const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
const log = pino({ level: 'silent' });
const retry = { firstPauseMs: 5, maxPauseMs: 10 };

const dirs: string[] = [];
const journalFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'held-writes-'));
  dirs.push(dir);
  return path.join(dir, 'held.jsonl');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A database that is down while `isDown()` and stores what it is given. */
function database(isDown: () => boolean) {
  const rows: string[] = [];
  return { rows, write: (p: string) => (isDown() ? Promise.reject(down()) : Promise.resolve(void rows.push(p))) };
}

describe('HeldWrites', () => {
  it('given the database down, when writes of two keys come in, then each key’s writes land in order once it is back, and nothing stays on disk', async () => {
    let isDown = true;
    const db = database(() => isDown);
    const file = journalFile();
    const writes = new HeldWrites<string>({ event: 'agent_state_log', write: db.write, journal: new WriteJournal(file), log, retry });
    const all = [writes.write('a', 'a1'), writes.write('b', 'b1'), writes.write('a', 'a2'), writes.write('a', 'a3')];
    await expect.poll(() => writes.held).toBeGreaterThan(0);
    isDown = false;
    await Promise.all(all);
    expect(db.rows.filter((r) => r.startsWith('a'))).toEqual(['a1', 'a2', 'a3']);
    expect(db.rows).toContain('b1');
    expect(writes.held).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('given a server stopped during the outage, when the next start replays, then the held writes land in the order they were held', async () => {
    const file = journalFile();
    const first = new HeldWrites<string>({ event: 'agent_state_log', write: database(() => true).write, journal: new WriteJournal(file), log, retry });
    const pending = [first.write('a', 'a1'), first.write('b', 'b1')];
    await expect.poll(() => first.held).toBe(2);
    first.stop();
    await Promise.all(pending);
    const db = database(() => false);
    const next = new HeldWrites<string>({ event: 'agent_state_log', write: db.write, journal: new WriteJournal(file), log, retry });
    expect(await next.replay()).toBe(2);
    expect(db.rows).toEqual(['a1', 'b1']);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('never rejects: a write refused for good is logged and dropped from the disk', async () => {
    const file = journalFile();
    let tries = 0;
    const writes = new HeldWrites<string>({
      event: 'agent_state_log',
      write: () => (++tries === 1 ? Promise.reject(down()) : Promise.reject(Object.assign(new Error('violates foreign key'), { code: '23503' }))),
      journal: new WriteJournal(file),
      log,
      retry,
    });
    await expect(writes.write('a', 'a1')).resolves.toBeUndefined();
    expect(tries).toBe(2);
    expect(writes.held).toBe(0);
  });
});
