// Asterisk Manager Interface, for what ARI lacks: CLI commands (module reloads after agent changes, diagnostics)
// and PJSIP contact details. ARI stays the way calls are controlled; AMI is loopback-only with its own account.
import AsteriskManager from 'asterisk-manager';
import type { Logger } from 'pino';

export interface AmiOptions {
  host: string;
  port: number;
  username: string;
  password: string;
}

export class AmiConnection {
  private ami: ReturnType<typeof AsteriskManager> | null = null;
  private connected = false;

  constructor(
    private readonly opts: AmiOptions,
    private readonly log: Logger,
  ) {}

  get up(): boolean {
    return this.connected;
  }

  /** Connects and keeps reconnecting in the background (the library backs off by itself). */
  start(): void {
    if (this.ami) return;
    const ami = AsteriskManager(this.opts.port, this.opts.host, this.opts.username, this.opts.password, false);
    ami.on('connect', () => {
      this.connected = true;
      this.log.info({ ami: 'connected' }, 'AMI connection state');
    });
    ami.on('close', () => {
      if (this.connected) this.log.warn({ ami: 'down' }, 'AMI connection state');
      this.connected = false;
    });
    ami.on('error', (err) => this.log.debug({ err: String(err) }, 'AMI socket error'));
    ami.keepConnected();
    this.ami = ami;
  }

  /** Runs an Asterisk CLI command and returns its output. */
  command(command: string, timeoutMs = 5_000): Promise<string> {
    const ami = this.ami;
    if (!ami || !this.connected) return Promise.reject(new Error('AMI is not connected'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`AMI command timed out: ${command}`)), timeoutMs);
      ami.action({ action: 'Command', command }, (err, res) => {
        clearTimeout(timer);
        if (err) return reject(new Error(`AMI command failed: ${JSON.stringify(err)}`));
        const out = res.output ?? res.content ?? '';
        resolve(Array.isArray(out) ? out.join('\n') : typeof out === 'string' ? out : JSON.stringify(out));
      });
    });
  }

  /** Runs one AMI action; rejects when AMI is down or Asterisk answers Response: Error. */
  action(fields: { action: string; [key: string]: string }, timeoutMs = 5_000): Promise<Record<string, unknown>> {
    const ami = this.ami;
    if (!ami || !this.connected) return Promise.reject(new Error('AMI is not connected'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`AMI ${fields.action} timed out`)), timeoutMs);
      ami.action(fields, (err, res) => {
        clearTimeout(timer);
        if (err) {
          const message = (err as { message?: unknown }).message;
          return reject(new Error(`AMI ${fields.action} failed: ${typeof message === 'string' ? message : JSON.stringify(err)}`));
        }
        resolve(res);
      });
    });
  }

  /**
   * MixMonitor on one channel with the audio it receives (read: what that party says) and sends (write: what it
   * hears) in two files. The audiohook stays on the channel through bridge changes, holds and transfers. `channel`
   * may be the channel name or its unique id (= the ARI channel id). Paths are as Asterisk sees them.
   */
  mixMonitor(channel: string, files: { read: string; write: string }): Promise<Record<string, unknown>> {
    return this.action({ action: 'MixMonitor', channel, file: '', options: `r(${files.read})t(${files.write})` });
  }

  /** Re-reads pjsip.conf (e.g. after agent accounts changed) without touching live calls. */
  reloadPjsip(): Promise<string> {
    return this.command('module reload res_pjsip.so');
  }

  stop(): void {
    this.ami?.disconnect();
    this.ami = null;
    this.connected = false;
  }
}
