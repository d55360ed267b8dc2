// Writing the memos the hotline keeps on channels (a waiting caller's place, who answered, a transfer, a
// supervision session) so that an ARI cut does not lose one: a write refused because Asterisk is unreachable is
// tried again (every 250 ms, for up to 30 s: ARI reconnects within 2 s), the latest value of each channel variable
// winning over an older one still being retried. Without this a caller whose memo was set during a cut would be
// greeted as a new call by a later restart.
import type { Logger } from 'pino';
import { ChannelGoneError, TelephonyUnavailableError, type CallControl } from './call-control.js';

export interface ChannelMemoWriterOptions {
  retryForMs?: number;
  pauseMs?: number;
}

export class ChannelMemoWriter {
  /** The value still to be written, per channel and variable. */
  private readonly latest = new Map<string, string>();
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly telephony: Pick<CallControl, 'setVariable'>,
    private readonly o: ChannelMemoWriterOptions = {},
  ) {}

  /**
   * Sets `variable` on the channel to `value`, retrying through an ARI cut; `log` hears of a write given up.
   * Never rejects (every failure is handled in drain), so callers may leave it running.
   */
  write(channelId: string, variable: string, value: string, log: Pick<Logger, 'warn'>, what: string): Promise<void> {
    const key = `${channelId}\u0000${variable}`;
    this.latest.set(key, value);
    let run = this.running.get(key);
    if (!run) {
      run = this.drain(key, channelId, variable, log, what).finally(() => this.running.delete(key));
      this.running.set(key, run);
    }
    return run;
  }

  private async drain(key: string, channelId: string, variable: string, log: Pick<Logger, 'warn'>, what: string): Promise<void> {
    const deadline = Date.now() + (this.o.retryForMs ?? 30_000);
    while (this.latest.has(key)) {
      const value = this.latest.get(key)!;
      try {
        await this.telephony.setVariable(channelId, variable, value);
        // a newer value came in meanwhile: write that one too
        if (this.latest.get(key) === value) this.latest.delete(key);
      } catch (err) {
        if (err instanceof TelephonyUnavailableError && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, this.o.pauseMs ?? 250));
          continue;
        }
        this.latest.delete(key);
        // a channel that is gone needs no memo
        if (!(err instanceof ChannelGoneError)) log.warn({ err: String(err), channelId }, what);
      }
    }
  }
}
