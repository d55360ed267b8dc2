import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteJournal } from '../platform/db/write-journal.js';
import type { LinkageRecord, NewLinkage } from './linkage.js';
import { LinkageWriter } from './linkage-writer.js';

const down = () => Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
const noCallRow = () => Object.assign(new Error('violates foreign key constraint'), { code: '23503' });
const log = pino({ level: 'silent' });
const retry = { firstPauseMs: 5, maxPauseMs: 10 };

const sheet: NewLinkage = {
  centre: '120',
  callId: 'c-120',
  callerNumber: '13700137001',
  place: '福田区某小区',
  summary: '老人晕倒',
  transcript: null,
  emergencyKeyword: '晕倒',
  recordingUrl: 'https://hotline.example/api/recordings/c-120/audio',
  agentId: 'u-1001',
};

/** A LinkageService stand-in answering from `script` (an error to throw, or ok), then ok. */
function fakeLinkage(script: (() => Error)[] = []) {
  const tries: NewLinkage[] = [];
  return {
    tries,
    create: (input: NewLinkage): Promise<LinkageRecord> => {
      tries.push(input);
      const next = script.shift();
      if (next) return Promise.reject(next());
      return Promise.resolve({ id: input.linkageId!, callId: input.callId, status: 'pending' } as LinkageRecord);
    },
  };
}

const dirs: string[] = [];
const journalFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'linkage-writer-'));
  dirs.push(dir);
  return path.join(dir, 'held-linkage-sheets.jsonl');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('LinkageWriter', () => {
  it('given the database answers, then the sheet is written once with an id and time of its own and nothing is held', async () => {
    const linkage = fakeLinkage();
    const file = journalFile();
    const writer = new LinkageWriter({ linkage, journal: new WriteJournal(file), log, retry, now: () => 1_000 });
    const record = await writer.write(sheet);
    expect(linkage.tries).toHaveLength(1);
    expect(linkage.tries[0]).toMatchObject({ at: 1_000, linkageId: record.id });
    expect(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '').toBe('');
  });

  it('given the database down for three tries, then the sheet is held on disk meanwhile, written with the same id each time, and the file empties', async () => {
    const linkage = fakeLinkage([down, down, down]);
    const file = journalFile();
    const journal = new WriteJournal(file);
    const writer = new LinkageWriter({ linkage, journal, log, retry });
    const record = await writer.write(sheet);
    expect(linkage.tries).toHaveLength(4);
    expect(new Set(linkage.tries.map((t) => t.linkageId))).toEqual(new Set([record.id]));
    expect(writer.held).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('given the server stopped during the outage, when the next start replays, then the held sheet is written with its first id and time and its followers are told', async () => {
    const file = journalFile();
    const first = new LinkageWriter({
      linkage: fakeLinkage(Array.from({ length: 1000 }, () => down)),
      journal: new WriteJournal(file),
      log,
      retry,
      now: () => 5_000,
    });
    const pending = first.write(sheet);
    await expect.poll(() => first.held).toBe(1);
    first.stop();
    await expect(pending).rejects.toThrow(/administrator command/);
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);

    // its call's row is not back yet either at the next start: the sheet waits for it
    const linkage = fakeLinkage([noCallRow, down]);
    const landed: string[] = [];
    const next = new LinkageWriter({ linkage, journal: new WriteJournal(file), log, retry, now: () => 9_000 });
    expect(next.replayHeld(async (r) => void landed.push(r.callId))).toBe(1);
    await expect.poll(() => landed).toEqual(['c-120']);
    expect(linkage.tries.map((t) => t.at)).toEqual([5_000, 5_000, 5_000]);
    expect(new Set(linkage.tries.map((t) => t.linkageId)).size).toBe(1);
    await expect.poll(() => fs.readFileSync(file, 'utf8')).toBe('');
  });

  it('given a sheet the database refuses for good, then it is not retried nor left held', async () => {
    const linkage = fakeLinkage([down, () => Object.assign(new Error('value too long'), { code: '22001' })]);
    const file = journalFile();
    const writer = new LinkageWriter({ linkage, journal: new WriteJournal(file), log, retry });
    await expect(writer.write(sheet)).rejects.toThrow(/too long/);
    expect(linkage.tries).toHaveLength(2);
    expect(writer.held).toBe(0);
  });

  it('a missing call row is waited out only for a replayed sheet (a live one was written after its call)', async () => {
    const linkage = fakeLinkage([noCallRow]);
    const writer = new LinkageWriter({ linkage, journal: new WriteJournal(journalFile()), log, retry });
    await expect(writer.write(sheet)).rejects.toThrow(/foreign key/);
    expect(linkage.tries).toHaveLength(1);
  });
});
