// Where recordings are kept, behind one interface: a folder (FsRecordingStorage) or S3-compatible object storage
// (S3RecordingStorage). Keys are relative paths like 2026/11/23/<callId>.wav.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface ByteRange {
  /** inclusive */
  start: number;
  end: number;
}

export interface RecordingStorage {
  readonly kind: 'fs' | 's3';
  /** Stores the file at `localFile` under `key`; returns its size and sha256 (hex). */
  put(key: string, localFile: string): Promise<{ size: number; sha256: string }>;
  /** The whole object, or a byte range of it. */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /** null when there is no such object. */
  size(key: string): Promise<number | null>;
  delete(key: string): Promise<void>;
}

/** sha256 (hex) and size of a stream, read to the end. */
export async function hashStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const h = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    h.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), size };
}

const SAFE_KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

export function assertSafeKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.split('/').some((s) => s === '..' || s === '')) throw new Error(`unsafe recording key ${key}`);
}

export class FsRecordingStorage implements RecordingStorage {
  readonly kind = 'fs' as const;

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(key: string): string {
    assertSafeKey(key);
    return path.join(this.dir, key);
  }

  async put(key: string, localFile: string): Promise<{ size: number; sha256: string }> {
    const target = this.file(key);
    await fs.promises.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    // write next to the target and rename, so a reader never sees half a file
    const tmp = `${target}.part`;
    const h = createHash('sha256');
    let size = 0;
    const src = fs.createReadStream(localFile);
    src.on('data', (c) => {
      h.update(c as Buffer);
      size += (c as Buffer).length;
    });
    await pipeline(src, fs.createWriteStream(tmp, { mode: 0o600 }));
    await fs.promises.rename(tmp, target);
    return { size, sha256: h.digest('hex') };
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.file(key);
    await fs.promises.access(file, fs.constants.R_OK);
    return fs.createReadStream(file, range ? { start: range.start, end: range.end } : {});
  }

  async size(key: string): Promise<number | null> {
    try {
      return (await fs.promises.stat(this.file(key))).size;
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.file(key), { force: true });
  }
}
