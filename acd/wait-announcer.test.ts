import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallControl } from '../telephony/call-control.js';
import { estimateWait } from './figures.js';
import { LiveCalls, type LiveCall } from './live-calls.js';
import { WaitAnnouncer, type WaitAnnouncerDeps } from './wait-announcer.js';

const log = pino({ level: 'silent' });

/** Records what the announcer asks of the PBX, in order. */
function recordingPbx() {
  const did: string[] = [];
  const pbx = {
    startMusicOnHold: async (ch: string) => void did.push(`moh on ${ch}`),
    stopMusicOnHold: async (ch: string) => void did.push(`moh off ${ch}`),
    play: async (ch: string, media: string, id: string) => void did.push(`play ${ch} ${media} ${id.slice(0, 5)}`),
    /** Readouts Asterisk still plays; the tests end one by removing it. */
    playbackExists: async (id: string) => !finished.has(id),
  };
  const finished = new Set<string>();
  return { did, finished, telephony: pbx as unknown as CallControl };
}

function waiting(calls: LiveCalls, callId: string): LiveCall {
  const call: LiveCall = {
    callId,
    channelId: `ch-${callId}`,
    callerNumber: '13800138000',
    dialed: '12345',
    arrivedAt: new Date(0),
    stage: 'queue',
    log,
    agentLeg: null,
    bridgeId: null,
    writes: Promise.resolve(),
  };
  calls.add(call);
  return call;
}

/** The announcer over `telephony` with the shared test settings; each test gives its timing and estimate. */
function announcer(calls: LiveCalls, telephony: CallControl, o: Pick<WaitAnnouncerDeps, 'firstAfterMs' | 'everyMs' | 'estimate' | 'busy'>): WaitAnnouncer {
  return new WaitAnnouncer({ telephony, calls, log, tts: { synthesize: async (text) => `/tts/${text}` }, mediaPath: (f) => f, ...o });
}

describe('WaitAnnouncer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tells a waiting caller their position after the first delay and then at intervals, with music around it', async () => {
    const calls = new LiveCalls();
    const call = waiting(calls, 'c1');
    const { did, telephony } = recordingPbx();
    let position = 3;
    const a = announcer(calls, telephony, { firstAfterMs: 20_000, everyMs: 60_000, estimate: () => estimateWait(position, 2, 180_000), busy: () => false });
    a.queued('c1');
    await vi.advanceTimersByTimeAsync(19_999);
    expect(did).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(did).toEqual(['moh off ch-c1', 'play ch-c1 sound:/tts/您前面还有2位来电，预计等待约5分钟。 wait-']);
    // the readout ends: music again
    const playbackId = /wait-[\w-]+/.exec(JSON.stringify([...(a as unknown as { playing: Map<string, string> }).playing.keys()]))![0];
    expect(a.handleTelephony({ type: 'playback_finished', playbackId, channelId: 'ch-c1', at: new Date() })).toBe(true);
    expect(did.at(-1)).toBe('moh on ch-c1');
    position = 1;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(did.at(-1)).toBe('play ch-c1 sound:/tts/您是下一位，预计等待约2分钟。 wait-');
    // answered: no more readouts
    call.stage = 'connected';
    a.ended('c1');
    const before = did.length;
    await vi.advanceTimersByTimeAsync(120_000);
    expect(did.length).toBe(before);
  });

  it('stays silent while a callback offer talks to the caller, and tries again at the next interval', async () => {
    const calls = new LiveCalls();
    waiting(calls, 'c2');
    const { did, telephony } = recordingPbx();
    let busy = true;
    const a = announcer(calls, telephony, { firstAfterMs: 1_000, everyMs: 10_000, estimate: () => estimateWait(1, 0, 180_000), busy: () => busy });
    a.queued('c2');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(did).toEqual([]);
    busy = false;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(did).toEqual(['moh off ch-c2', 'play ch-c2 sound:/tts/您是下一位，请耐心等待。 wait-']);
    a.stop();
  });

  it('given a readout that ended while ARI was away, when the hotline has reconnected, then the caller gets the music back', async () => {
    const calls = new LiveCalls();
    waiting(calls, 'c3');
    const { did, finished, telephony } = recordingPbx();
    const a = announcer(calls, telephony, { firstAfterMs: 1_000, everyMs: 60_000, estimate: () => estimateWait(1, 0, 180_000), busy: () => false });
    a.queued('c3');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(did.at(-1)).toMatch(/^play ch-c3/);
    expect(await a.catchUpAfterGap()).toBe(0); // still playing
    const [playbackId] = (a as unknown as { playing: Map<string, string> }).playing.keys();
    finished.add(playbackId!);
    expect(await a.catchUpAfterGap()).toBe(1);
    expect(did.at(-1)).toBe('moh on ch-c3');
    a.stop();
  });
});
