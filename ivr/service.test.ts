// The IVR's hand-over to the queue when the caller hangs up during the last prompt (issue 14, ghost calls):
// Asterisk reports the prompt's end first and the channel's end a moment later, so the flow moves on to the
// queue for a caller who is gone. The IVR starts the hold music first and hands over only a caller still there.
// And a prompt that ended while the ARI socket was down is taken as ended once the hotline has reconnected.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { CallEvents } from '../contracts/call-events.js';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import { ChannelGoneError, TelephonyUnavailableError, type CallControl, type TelephonyEvent } from '../telephony/call-control.js';
import { PROMPT_NAMES, type PromptSet } from '../telephony/prompts.js';
import { buildHotlineFlow } from './flow/index.js';
import { IvrService } from './service.js';

const CHANNEL = 'ch-1';

function setup(opts: { cutBeforeArrival?: boolean; goneBeforeAnswer?: boolean } = {}) {
  const plays: string[] = [];
  const answers: string[] = [];
  /** ARI is cut: every request fails as unreachable until it is back. */
  let unreachable = false;
  let moh: () => Promise<void> = async () => {};
  /** Playbacks Asterisk no longer has (ended while nobody listened). */
  const ended_ = new Set<string>();
  const fake: Partial<CallControl> = {
    answer: async (ch) => {
      if (unreachable) throw new TelephonyUnavailableError('answer');
      if (opts.goneBeforeAnswer) throw new ChannelGoneError(ch, 'answer');
      answers.push(ch);
    },
    play: async (_ch, _media, playbackId) => {
      if (unreachable) throw new TelephonyUnavailableError('play');
      plays.push(playbackId);
    },
    startMusicOnHold: () => moh(),
    playbackExists: async (id) => !ended_.has(id),
  };
  const telephony = new Proxy(fake as CallControl, { get: (t, name) => (name in t ? t[name as keyof CallControl] : async () => undefined) });
  const bus = createCallEventBus(pino({ level: 'silent' }));
  const ended: CallEvents['call.ended'][] = [];
  bus.on('call.ended', (e) => void ended.push(e));
  const calls = new LiveCalls();
  const enqueued: string[] = [];
  const queue = {
    onConnected: () => {},
    enqueue: async (call: { callId: string; stage: string }) => {
      call.stage = 'queue';
      enqueued.push(call.callId);
    },
  } as unknown as QueueService;
  const ivr = new IvrService({
    telephony,
    calls,
    bus,
    queue,
    flow: buildHotlineFlow(),
    prompts: Object.fromEntries(PROMPT_NAMES.map((n) => [n, `/sounds/${n}`])) as PromptSet,
    tts: { synthesize: async () => '/tmp/x.wav' },
    mediaPath: (f) => f,
    lookupOrder: async () => ({ found: false }),
    queueFor: (_call, q) => q,
    serviceNumber: '12345',
    log: pino({ level: 'silent' }),
  });
  const send = (ev: TelephonyEvent) => ivr.handleTelephony(ev);
  const arrive = () => send({ type: 'call_arrived', channelId: CHANNEL, callerNumber: '13800138000', dialed: '12345', at: new Date() });
  if (!opts.cutBeforeArrival) arrive();
  else {
    unreachable = true;
    arrive();
  }
  /** Lets the IVR's promises (play, music on hold, enqueue) settle. */
  const settle = () => new Promise((r) => setTimeout(r, 0));
  /** Plays the greeting and the hint to their end: the flow then hands the call to the queue. */
  const promptsEnd = async () => {
    for (let i = 0; i < 2; i++) {
      await settle();
      send({ type: 'playback_finished', playbackId: plays.at(-1)!, channelId: CHANNEL, at: new Date() });
    }
  };
  const hangUp = () => send({ type: 'channel_gone', channelId: CHANNEL, cause: 16, causeText: 'Normal Clearing', at: new Date() });
  return {
    ivr,
    plays,
    answers,
    ended_,
    calls,
    enqueued,
    ended,
    settle,
    promptsEnd,
    hangUp,
    setMoh: (f: () => Promise<void>) => (moh = f),
    reconnect: () => (unreachable = false),
  };
}

describe('IVR hand-over to the queue', () => {
  it('given the prompts end with the caller there, then the call is handed to the queue after the music started', async () => {
    const s = setup();
    await s.promptsEnd();
    await s.settle();
    expect(s.enqueued).toHaveLength(1);
    expect(s.calls.all()[0]!.stage).toBe('queue');
  });

  it('given the caller hangs up as the last prompt ends (its end comes just before the hang-up), then the IVR ends the call and never queues it', async () => {
    const s = setup();
    let started!: () => void;
    s.setMoh(() => new Promise<void>((r) => (started = r)));
    await s.promptsEnd();
    // the hang-up arrives while the music is being started
    expect(s.hangUp()).toBe(true);
    started();
    await s.settle();
    expect(s.enqueued).toEqual([]);
    expect(s.calls.all()).toEqual([]);
    expect(s.ended).toHaveLength(1);
  });

  it('given Asterisk no longer has the channel when the music starts, then the call is not queued and its hang-up ends it in the IVR', async () => {
    const s = setup();
    s.setMoh(() => Promise.reject(new ChannelGoneError(CHANNEL, 'startMoh')));
    await s.promptsEnd();
    await s.settle();
    expect(s.enqueued).toEqual([]);
    expect(s.calls.all()[0]!.stage).toBe('ivr');
    expect(s.hangUp()).toBe(true);
    expect(s.calls.all()).toEqual([]);
    expect(s.ended).toHaveLength(1);
  });

  it('given the music fails for another reason, then the caller is still handed to the queue (never stranded in the IVR)', async () => {
    const s = setup();
    s.setMoh(() => Promise.reject(new Error('ARI 500')));
    await s.promptsEnd();
    await s.settle();
    expect(s.enqueued).toHaveLength(1);
  });
});

describe('IVR after an ARI gap', () => {
  it('given the greeting ended while ARI was away, when the hotline has reconnected, then the IVR goes on to the next prompt', async () => {
    const s = setup();
    await s.settle();
    const greeting = s.plays.at(-1)!;
    expect(await s.ivr.catchUpAfterGap()).toBe(0); // still playing: nothing is skipped
    expect(s.plays).toEqual([greeting]);
    s.ended_.add(greeting);
    expect(await s.ivr.catchUpAfterGap()).toBe(1);
    await s.settle();
    expect(s.plays).toHaveLength(2);
    expect(s.plays[1]).not.toBe(greeting);
  });
});

describe('a call that arrives as the ARI socket goes', () => {
  it('given the answer and the greeting cannot reach Asterisk, then the call is not rushed to the queue unanswered; once ARI is back it is answered and greeted from the start', async () => {
    const s = setup({ cutBeforeArrival: true });
    await s.settle();
    await s.settle();
    expect(s.answers).toEqual([]);
    expect(s.enqueued, 'never queued while nobody could answer it').toEqual([]);
    s.reconnect();
    expect(await s.ivr.catchUpAfterGap()).toBe(1);
    await s.settle();
    expect(s.answers).toEqual([CHANNEL]);
    expect(s.plays).toHaveLength(1); // the greeting, from the start
    await s.promptsEnd();
    await s.settle();
    expect(s.enqueued).toHaveLength(1);
  });

  it('given a stalled call whose caller hangs up before ARI is back, then the call ends in the IVR', async () => {
    const s = setup({ cutBeforeArrival: true });
    await s.settle();
    s.hangUp();
    expect(s.ended).toHaveLength(1);
    s.reconnect();
    expect(await s.ivr.catchUpAfterGap()).toBe(0);
    expect(s.answers).toEqual([]);
  });
});

describe('a call whose channel is gone before it is answered', () => {
  it('given the answer finds the channel gone (its hang-up came before the call was known), then the call ends at once and is never queued', async () => {
    const s = setup({ goneBeforeAnswer: true });
    await s.settle();
    await s.settle();
    expect(s.ended.map((e) => e.hangupCause)).toEqual(['gone before it was answered']);
    expect(s.calls.all()).toEqual([]);
    expect(s.enqueued).toEqual([]);
  });
});
