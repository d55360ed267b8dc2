import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireInstanceLock, AlreadyRunningError, loadOrCreateSecrets } from './state-dir.js';

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
