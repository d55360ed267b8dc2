import { describe, expect, it } from 'vitest';
import { ChannelGoneError, TelephonyUnavailableError } from './call-control.js';
import { ChannelMemoWriter } from './channel-memo-writer.js';

/** Asterisk as setVariable sees it: unreachable for the first `cutFor` tries, then storing what it is given. */
function asterisk(cutFor: number, opts: { gone?: boolean } = {}) {
  const vars = new Map<string, string>();
  let tries = 0;
  return {
    vars,
    tries: () => tries,
    setVariable: (channelId: string, variable: string, value: string): Promise<void> => {
      tries++;
      if (tries <= cutFor) return Promise.reject(new TelephonyUnavailableError('setVariable'));
      if (opts.gone) return Promise.reject(new ChannelGoneError(channelId, 'setVariable'));
      vars.set(`${channelId}/${variable}`, value);
      return Promise.resolve();
    },
  };
}

const quiet = () => {
  const warnings: string[] = [];
  return { warnings, warn: (_o: unknown, msg?: string) => void warnings.push(msg ?? '') };
};

describe('ChannelMemoWriter', () => {
  it('given ARI cut for three tries, when a memo is written, then it lands once ARI is back', async () => {
    const a = asterisk(3);
    const log = quiet();
    await new ChannelMemoWriter(a, { pauseMs: 1 }).write('ch-1', 'HOTLINE_QUEUED', 'place', log, 'kept?');
    expect(a.vars.get('ch-1/HOTLINE_QUEUED')).toBe('place');
    expect(a.tries()).toBe(4);
    expect(log.warnings).toEqual([]);
  });

  it('given a newer value while an older one is retried, then the newer one is what stays', async () => {
    const a = asterisk(2);
    const w = new ChannelMemoWriter(a, { pauseMs: 1 });
    const log = quiet();
    const first = w.write('ch-1', 'HOTLINE_TRANSFER', 'consulting', log, 'kept?');
    const second = w.write('ch-1', 'HOTLINE_TRANSFER', '', log, 'kept?');
    await Promise.all([first, second]);
    expect(a.vars.get('ch-1/HOTLINE_TRANSFER')).toBe('');
  });

  it('gives up after its window, saying so, and says nothing for a channel that is gone', async () => {
    const log = quiet();
    await new ChannelMemoWriter(asterisk(1_000_000), { pauseMs: 1, retryForMs: 20 }).write(
      'ch-1',
      'HOTLINE_ANSWERED',
      'x',
      log,
      'who answered could not be kept',
    );
    expect(log.warnings).toEqual(['who answered could not be kept']);
    const gone = quiet();
    await new ChannelMemoWriter(asterisk(0, { gone: true })).write('ch-2', 'HOTLINE_ANSWERED', 'x', gone, 'who answered could not be kept');
    expect(gone.warnings).toEqual([]);
  });
});
