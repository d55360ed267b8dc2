// The journal of writes held during a database outage: what one process held and did not write is what the next
// one reads back, in order; landed writes are forgotten, a torn last line is ignored, and the file starts afresh
// once nothing is held.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteJournal } from './write-journal.js';

const dirs: string[] = [];
const journalFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'write-journal-'));
  dirs.push(dir);
  return path.join(dir, 'held.jsonl');
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('the write journal', () => {
  it('given writes held and one landed, when the process is gone, then the next one reads back the others in order', () => {
    const file = journalFile();
    const first = new WriteJournal(file);
    expect(first.pending()).toEqual([]);
    const a = first.hold('c1', 'call.queued', { callId: 'c1', queueId: 'general', at: 1 });
    const b = first.hold('c1', 'call.ended', { callId: 'c1', at: 2 });
    first.hold('c2', 'call.arrived', { callId: 'c2', at: 3 });
    first.done(a);
    expect(first.size).toBe(2);
    // no close(): a crash; every hold was fsynced when it returned

    const next = new WriteJournal(file);
    expect(next.pending().map((h) => [h.key, h.event])).toEqual([
      ['c1', 'call.ended'],
      ['c2', 'call.arrived'],
    ]);
    expect(next.pending()[0]!.id).toBe(b);
    // ids go on after the earlier run's, so a done() is never taken for another write
    expect(next.hold('c3', 'call.arrived', {})).toBeGreaterThan(b + 1);
  });

  it('given a crash in the middle of an append, then the torn line is ignored and the rest is read', () => {
    const file = journalFile();
    const j = new WriteJournal(file);
    j.hold('c1', 'call.queued', { callId: 'c1' });
    fs.appendFileSync(file, '{"h":2,"k":"c1","e":"call.en');
    expect(new WriteJournal(file).pending().map((h) => h.event)).toEqual(['call.queued']);
  });

  it('given every held write landed, then the file is emptied', () => {
    const file = journalFile();
    const j = new WriteJournal(file);
    const ids = [j.hold('c1', 'call.queued', {}), j.hold('c1', 'call.ended', {})];
    ids.forEach((id) => j.done(id));
    expect(j.size).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    j.done(ids[0]!); // twice: nothing happens
    expect(new WriteJournal(file).pending()).toEqual([]);
  });
});
