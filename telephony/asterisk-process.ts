// Lifecycle of the embedded Asterisk: start inside the project's root, wait until fully booted, run CLI
// commands, stop cleanly. Asterisk runs in its own mount namespace (unshare -m) where /dev and /proc are
// mounted into the root: the mounts vanish with the process, so nothing is left mounted after a crash and
// the root can never be deleted with live device nodes in it (recipe G15).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';

const execFileP = promisify(execFile);

export class AsteriskProcess {
  /** Instance folder as Asterisk sees it (inside the chroot). */
  readonly instanceDir: string;
  /** The same folder as this process sees it. */
  readonly hostInstanceDir: string;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;

  constructor(
    readonly root: string,
    instance: string,
    private readonly log: Logger,
    private readonly onUnexpectedExit: (code: number | null) => void = () => {},
  ) {
    this.instanceDir = `/srv/hotline/${instance}`;
    this.hostInstanceDir = path.join(root, this.instanceDir);
  }

  get etcDir(): string {
    return path.join(this.hostInstanceDir, 'etc');
  }
  get spoolDir(): string {
    return path.join(this.hostInstanceDir, 'spool');
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  private get confFile(): string {
    return `${this.instanceDir}/etc/asterisk.conf`;
  }

  /** Creates the instance's folders; call before rendering the configuration into etcDir. */
  prepareFolders(): void {
    for (const d of ['etc', 'run', 'log', 'lib', 'cache', 'spool/recording']) {
      fs.mkdirSync(path.join(this.hostInstanceDir, d), { recursive: true });
    }
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    // We hold the hotline's instance lock, so an Asterisk still answering on this instance is an orphan
    // of a crashed run: stop it rather than fight over its ports.
    if (
      await this.cli('core show version').then(
        () => true,
        () => false,
      )
    ) {
      this.log.warn({ instance: this.instanceDir }, 'stopping an orphaned Asterisk left by an earlier run');
      await this.cli('core stop now').catch(() => {});
      await waitFor(
        async () =>
          !(await this.cli('core show version').then(
            () => true,
            () => false,
          )),
        10_000,
      );
    }
    const out = fs.openSync(path.join(this.hostInstanceDir, 'log', 'console.log'), 'a');
    const script = [
      'set -e',
      `mount --bind /dev "$ROOT/dev"`,
      `mount -t proc proc "$ROOT/proc"`,
      `exec chroot "$ROOT" /usr/sbin/asterisk -f -n -C "$CONF"`,
    ].join('; ');
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ROOT: this.root, CONF: this.confFile, LANG: 'C.UTF-8' },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    this.child = child;
    this.stopping = false;
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.child = null;
        if (!this.stopping) {
          this.log.error({ code }, 'Asterisk exited unexpectedly');
          this.onUnexpectedExit(code);
        }
        resolve();
      });
    });
    child.on('error', (err) => this.log.error({ err }, 'could not start Asterisk'));
    const ready = await waitFor(async () => {
      if (!this.child) throw new Error(`Asterisk exited during start; see ${path.join(this.hostInstanceDir, 'log', 'console.log')}`);
      return this.cli('core waitfullybooted').then(
        () => true,
        () => false,
      );
    }, timeoutMs);
    if (!ready) throw new Error(`Asterisk did not finish booting within ${timeoutMs} ms`);
    this.log.info({ pid: child.pid, ms: Date.now() - t0, instance: this.instanceDir }, 'Asterisk started');
  }

  /** Runs an Asterisk CLI command through the instance's control socket. */
  async cli(command: string): Promise<string> {
    const { stdout } = await execFileP('chroot', [this.root, '/usr/sbin/asterisk', '-C', this.confFile, '-rx', command], {
      timeout: 10_000,
    });
    return stdout;
  }

  async stop(timeoutMs = 10_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.stopping = true;
    await this.cli('core stop now').catch(() => child.kill('SIGTERM'));
    const done = await Promise.race([this.exited.then(() => true), delay(timeoutMs).then(() => false)]);
    if (!done) {
      this.log.warn('Asterisk did not stop in time; killing it');
      child.kill('SIGKILL');
      await this.exited;
    }
    this.log.info('Asterisk stopped');
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return true;
    await delay(250);
  }
  return false;
}
