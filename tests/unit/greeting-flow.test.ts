// The greeting IVR as a pure step machine: events in, commands out.
import { describe, expect, it } from 'vitest';
import { GENERAL_QUEUE, greetingStep, initialGreeting, type GreetingState, type IvrEvent } from '../../ivr/greeting-flow.js';

function ids(...values: string[]): () => string {
  const queue = [...values];
  return () => {
    const v = queue.shift();
    if (v === undefined) throw new Error('newId called more often than expected');
    return v;
  };
}

/** Runs a sequence of events from the initial state, returning the final state and every command issued. */
function run(events: IvrEvent[], newId = ids('pb-1', 'pb-2')) {
  let state: GreetingState = initialGreeting();
  const commands = [];
  for (const ev of events) {
    const r = greetingStep(state, ev, newId);
    state = r.state;
    commands.push(...r.commands);
  }
  return { state, commands };
}

describe('greeting flow', () => {
  it('given a new call, when it arrives, then it is answered and the greeting is played', () => {
    const r = greetingStep(initialGreeting(), { type: 'arrived' }, ids('pb-1'));
    expect(r.commands).toEqual([{ type: 'answer' }, { type: 'play', prompt: 'greeting', playbackId: 'pb-1' }]);
    expect(r.state).toEqual({ step: 'greeting', playbackId: 'pb-1' });
  });

  it('given the greeting playing, when that playback finishes, then the call is enqueued in the general queue', () => {
    const r = run([{ type: 'arrived' }, { type: 'playback_finished', playbackId: 'pb-1' }]);
    expect(r.commands.at(-1)).toEqual({ type: 'enqueue', queue: 'general' });
    expect(GENERAL_QUEUE).toBe('general');
    expect(r.state).toEqual({ step: 'queued', playbackId: null });
  });

  it('given the greeting playing, when a different playback finishes, then nothing happens', () => {
    const before = greetingStep(initialGreeting(), { type: 'arrived' }, ids('pb-1')).state;
    const r = greetingStep(before, { type: 'playback_finished', playbackId: 'other' }, ids());
    expect(r.commands).toEqual([]);
    expect(r.state).toEqual({ step: 'greeting', playbackId: 'pb-1' });
  });

  it('given the greeting playing, when the playback fails, then the call is enqueued anyway', () => {
    const r = run([{ type: 'arrived' }, { type: 'playback_failed' }]);
    expect(r.commands).toEqual([
      { type: 'answer' },
      { type: 'play', prompt: 'greeting', playbackId: 'pb-1' },
      { type: 'enqueue', queue: GENERAL_QUEUE },
    ]);
    expect(r.state.step).toBe('queued');
  });

  it('given a queued call, when the greeting playback finishes again or arrived repeats, then it is not enqueued twice', () => {
    const r = run([
      { type: 'arrived' },
      { type: 'playback_finished', playbackId: 'pb-1' },
      { type: 'playback_finished', playbackId: 'pb-1' },
      { type: 'playback_failed' },
      { type: 'arrived' },
    ]);
    expect(r.commands.filter((c) => c.type === 'enqueue')).toHaveLength(1);
    expect(r.commands.filter((c) => c.type === 'answer')).toHaveLength(1);
    expect(r.state.step).toBe('queued');
  });

  it('given a new call, when a playback event comes before arrived, then nothing happens', () => {
    const r = run([{ type: 'playback_finished', playbackId: 'pb-1' }, { type: 'playback_failed' }]);
    expect(r.commands).toEqual([]);
    expect(r.state).toEqual(initialGreeting());
  });

  const prefixes: [string, IvrEvent[]][] = [
    ['new', []],
    ['greeting', [{ type: 'arrived' }]],
    ['queued', [{ type: 'arrived' }, { type: 'playback_finished', playbackId: 'pb-1' }]],
    ['ended', [{ type: 'hung_up' }]],
  ];
  it.each(prefixes)('given a call at step %s, when the caller hangs up, then it is ended with no commands', (step, before) => {
    const { state } = run(before);
    expect(state.step).toBe(step);
    const r = greetingStep(state, { type: 'hung_up' }, ids());
    expect(r.commands).toEqual([]);
    expect(r.state).toEqual({ step: 'ended', playbackId: null });
  });

  it('given an ended call, when later events arrive, then nothing happens', () => {
    const r = run([{ type: 'arrived' }, { type: 'hung_up' }, { type: 'playback_finished', playbackId: 'pb-1' }, { type: 'playback_failed' }, { type: 'arrived' }]);
    expect(r.commands).toEqual([{ type: 'answer' }, { type: 'play', prompt: 'greeting', playbackId: 'pb-1' }]);
    expect(r.state.step).toBe('ended');
  });
});
