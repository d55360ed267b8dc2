// Installs Asterisk 22 from Debian sid into a project-local root with mmdebstrap (Debian 12 has no Asterisk).
// Cached: a finished root carries a marker naming its package set; building happens in a temp folder that is
// renamed into place only when complete, so an interrupted build never leaves a half root behind.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';

export const ASTERISK_PACKAGES = ['asterisk', 'asterisk-core-sounds-en-wav', 'asterisk-moh-opsound-wav'] as const;
const MARKER = '.hotline-root';

export interface ProvisionResult {
  root: string;
  cached: boolean;
  seconds: number;
}

export async function provisionAsteriskRoot(root: string, mirror: string, log: Logger): Promise<ProvisionResult> {
  const t0 = Date.now();
  const want = ASTERISK_PACKAGES.join(',');
  if (readMarker(root) === want) return { root, cached: true, seconds: 0 };
  if (process.getuid?.() !== 0) {
    throw new Error('installing the Asterisk root needs root (mmdebstrap --mode=root and chroot); run as root');
  }
  if (!fs.existsSync('/usr/bin/mmdebstrap')) {
    throw new Error('mmdebstrap is missing: apt-get install mmdebstrap (scripts/setup-host.sh does it)');
  }
  if (fs.existsSync(root)) {
    // An old or foreign root: never delete something we did not build, and never one with live mounts (G15).
    throw new Error(`${root} exists but is not a complete hotline Asterisk root; remove it by hand (check it has no mounts)`);
  }
  const tmp = `${root}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  log.info({ root, packages: ASTERISK_PACKAGES }, 'installing Asterisk root from Debian sid (first start only, ~40 s)');
  await run('mmdebstrap', [
    '--variant=apt',
    // the mirror may serve a frozen snapshot whose Release file has expired
    '--aptopt=Acquire::Check-Valid-Until "false"',
    `--include=${want}`,
    '--mode=root',
    'sid',
    tmp,
    mirror,
  ]);
  fs.writeFileSync(path.join(tmp, MARKER), want + '\n');
  try {
    fs.renameSync(tmp, root);
  } catch (err) {
    // another process (a test run beside `npm start`) finished first: keep its root, drop ours
    if (readMarker(root) !== want) throw err;
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const seconds = (Date.now() - t0) / 1000;
  log.info({ root, seconds }, 'Asterisk root installed');
  return { root, cached: false, seconds };
}

function readMarker(root: string): string | null {
  try {
    return fs.readFileSync(path.join(root, MARKER), 'utf8').trim();
  } catch {
    return null;
  }
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let tail = '';
    child.stderr.on('data', (d: Buffer) => {
      tail = (tail + d.toString()).slice(-4000);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}:\n${tail}`))));
  });
}
