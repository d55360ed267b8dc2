import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, AlreadyRunningError, ensureStateDir, keepPrivate, loadOrCreateSecrets } from './state-dir.js';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'state-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('instance lock', () => {
  it('given a live hotline holds the lock, when a second one starts, then it is refused naming the pid', async () => {
    const dir = tmp();
    const other = spawn('sleep', ['30']);
    try {
      fs.writeFileSync(path.join(dir, 'hotline.lock'), String(other.pid));
      expect(() => acquireInstanceLock(dir)).toThrow(AlreadyRunningError);
      expect(() => acquireInstanceLock(dir)).toThrow(new RegExp(`pid ${other.pid}`));
    } finally {
      other.kill();
    }
  });

  it('given a lock left by a crashed process, when the hotline starts, then it takes the lock over and releases it', () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'hotline.lock'), '999999999');
    const release = acquireInstanceLock(dir);
    expect(fs.readFileSync(path.join(dir, 'hotline.lock'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'hotline.lock'))).toBe(false);
  });
});

describe('secrets', () => {
  it('given an empty state folder, when secrets are loaded twice, then they are generated once, kept, private and strong', () => {
    const dir = tmp();
    const a = loadOrCreateSecrets(dir);
    const b = loadOrCreateSecrets(dir);
    expect(b).toEqual(a);
    expect(a.ariPassword).not.toBe(a.amiPassword);
    expect(a.ariPassword.length).toBeGreaterThanOrEqual(24);
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).toBe(0o600);
  });
});

describe('state folder permissions', () => {
  it('given a state folder restored readable by everyone, when the hotline starts, then it and all in it are made private and each fix is named', () => {
    const dir = path.join(tmp(), 'state');
    fs.mkdirSync(path.join(dir, 'db'), { recursive: true, mode: 0o755 });
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'secrets.json'), '{}');
    fs.chmodSync(path.join(dir, 'secrets.json'), 0o644);
    fs.writeFileSync(path.join(dir, 'db', 'PG_VERSION'), '17');
    fs.chmodSync(path.join(dir, 'db', 'PG_VERSION'), 0o664); // (the umask would take the group's write off a mode given to writeFileSync)
    fs.writeFileSync(path.join(dir, 'held-call-writes.jsonl'), '', { mode: 0o600 });
    const recordings = path.join(dir, 'recordings');
    fs.mkdirSync(path.join(recordings, '2026-12'), { recursive: true, mode: 0o755 });
    fs.chmodSync(recordings, 0o755);
    fs.chmodSync(path.join(recordings, '2026-12'), 0o755);

    const fixes = ensureStateDir(dir, { shallow: [recordings] });
    const mode = (p: string) => fs.statSync(p).mode & 0o777;
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'db'))).toBe(0o700);
    expect(mode(path.join(dir, 'secrets.json'))).toBe(0o600);
    expect(mode(path.join(dir, 'db', 'PG_VERSION'))).toBe(0o600);
    expect(mode(recordings)).toBe(0o700);
    expect(mode(path.join(recordings, '2026-12')), 'the recordings are checked, not walked').toBe(0o755);
    expect(fixes.map((f) => [path.relative(dir, f.path), f.was, f.now]).sort()).toEqual(
      [
        ['', '0755', '0700'],
        ['db', '0755', '0700'],
        [path.join('db', 'PG_VERSION'), '0664', '0600'],
        ['recordings', '0755', '0700'],
        ['secrets.json', '0644', '0600'],
      ].sort(),
    );
    expect(ensureStateDir(dir, { shallow: [recordings] }), 'a second start finds nothing to fix').toEqual([]);
  });

  it('does not follow a symbolic link out of the folder', () => {
    const dir = tmp();
    const outside = path.join(tmp(), 'shared.txt');
    fs.writeFileSync(outside, 'x', { mode: 0o644 });
    fs.symlinkSync(outside, path.join(dir, 'link'));
    keepPrivate(dir);
    expect(fs.statSync(outside).mode & 0o777).toBe(0o644);
  });
});
