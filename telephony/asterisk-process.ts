// Lifecycle of the embedded Asterisk: start inside the project's root, wait until fully booted, run CLI
// commands, stop cleanly. Asterisk runs in its own mount namespace (unshare -m) where /dev and /proc are
// mounted into the root: the mounts vanish with the process, so nothing is left mounted after a crash and
// the root can never be deleted with live device nodes in it (recipe G15).
// Asterisk's life is not the server's: it runs in its own session (detached), so a server killed or restarted
// leaves every call up, and the next start adopts the Asterisk it finds on the instance instead of starting one.
// Only an explicit stop (Ctrl-C of npm start, npm stop, a test's stop) ends it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import { isAlive } from '../platform/state-dir.js';

const execFileP = promisify(execFile);

export class AsteriskProcess {
  /** Instance folder as Asterisk sees it (inside the chroot). */
  readonly instanceDir: string;
  /** The same folder as this process sees it. */
  readonly hostInstanceDir: string;
  private child: ChildProcess | null = null;
  /** The running Asterisk's pid: our child, or the one adopted from an earlier run. */
  private runningPid: number | undefined;
  private watch: NodeJS.Timeout | null = null;
  private stopping = false;
  /** How this process got its Asterisk: started it, or found it running (an earlier server's). */
  adopted = false;

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
    return this.runningPid;
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

  /** Starts Asterisk, or adopts the one already running on this instance (left by a server that was killed or restarted). */
  async start(timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    // We hold the hotline's instance lock, so an Asterisk answering on this instance was started by an earlier
    // run of this hotline: its calls are citizens on the line, so it is adopted, never stopped.
    const running = await this.cli('core waitfullybooted').then(
      () => true,
      () => false,
    );
    if (running) {
      const pid = this.readPidFile();
      this.adopted = true;
      this.setRunning(pid);
      this.log.warn({ pid, instance: this.instanceDir }, 'adopting the Asterisk left running by an earlier run (its calls go on)');
      return;
    }
    const out = fs.openSync(path.join(this.hostInstanceDir, 'log', 'console.log'), 'a');
    const script = [
      'set -e',
      `mount --bind /dev "$ROOT/dev"`,
      `mount -t proc proc "$ROOT/proc"`,
      `exec chroot "$ROOT" /usr/sbin/asterisk -f -n -C "$CONF"`,
    ].join('; ');
    // detached: its own session, so neither the server's death nor a Ctrl-C meant for the server reaches it
    const child = spawn('unshare', ['--mount', '--propagation', 'private', '--', '/bin/sh', '-c', script], {
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ROOT: this.root, CONF: this.confFile, LANG: 'C.UTF-8' },
      stdio: ['ignore', out, out],
      detached: true,
    });
    fs.closeSync(out);
    child.unref();
    this.child = child;
    this.adopted = false;
    child.on('exit', () => {
      this.child = null;
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
    // unshare and sh exec into Asterisk, so the child's pid is Asterisk's; the pid file says the same
    this.setRunning(this.readPidFile() ?? child.pid);
    this.log.info({ pid: this.runningPid, ms: Date.now() - t0, instance: this.instanceDir }, 'Asterisk started');
  }

  /** Re-reads the configuration files in the running Asterisk (after an adopted start rendered them again). */
  async reload(): Promise<void> {
    await this.cli('core reload');
  }

  private readPidFile(): number | undefined {
    try {
      const pid = Number(fs.readFileSync(path.join(this.hostInstanceDir, 'run', 'asterisk.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Watches the pid: an adopted Asterisk is not our child, so its end is seen by polling, for ours the same way. */
  private setRunning(pid: number | undefined): void {
    this.runningPid = pid;
    this.stopping = false;
    if (this.watch) clearInterval(this.watch);
    if (pid === undefined) return;
    this.watch = setInterval(() => {
      if (isAlive(pid)) return;
      if (this.watch) clearInterval(this.watch);
      this.watch = null;
      this.runningPid = undefined;
      if (!this.stopping) {
        this.log.error({ pid }, 'Asterisk exited unexpectedly');
        this.onUnexpectedExit(null);
      }
    }, 1000);
    this.watch.unref();
  }

  /** Leaves Asterisk running for the next start to adopt (the server restarts; calls go on). */
  detach(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    this.log.info({ pid: this.runningPid }, 'server stopping; Asterisk keeps running with its calls');
  }

  /** Runs an Asterisk CLI command through the instance's control socket. */
  async cli(command: string): Promise<string> {
    const { stdout } = await execFileP('chroot', [this.root, '/usr/sbin/asterisk', '-C', this.confFile, '-rx', command], {
      timeout: 10_000,
    });
    return stdout;
  }

  /** Stops Asterisk (ours or adopted): every call on it ends. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const pid = this.runningPid ?? this.readPidFile();
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    this.stopping = true;
    const answering = await this.cli('core stop now').then(
      () => true,
      () => false,
    );
    if (pid === undefined) {
      if (answering)
        await waitFor(
          async () =>
            !(await this.cli('core show version').then(
              () => true,
              () => false,
            )),
          timeoutMs,
        );
      return;
    }
    if (!answering) kill(pid, 'SIGTERM');
    if (!(await waitFor(async () => Promise.resolve(!isAlive(pid)), timeoutMs))) {
      this.log.warn({ pid }, 'Asterisk did not stop in time; killing it');
      kill(pid, 'SIGKILL');
      await waitFor(async () => Promise.resolve(!isAlive(pid)), 5000);
    }
    this.runningPid = undefined;
    this.log.info('Asterisk stopped');
  }
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    /* already gone */
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
