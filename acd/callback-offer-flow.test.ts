// The waiting caller's callback offer and the called-back citizen's "press 1", as pure step machines.
import { describe, expect, it } from 'vitest';
import { confirmStep, dialFailureForCause, initialConfirm, type ConfirmEvent, type ConfirmState } from './callback-dial-flow.js';
import { initialOffer, isValidCallbackNumber, offerStep, type OfferCommand, type OfferEvent, type OfferState } from './callback-offer-flow.js';

const CALLER = '+86 139-0013-9000';

/** Runs events through the offer; returns the final state and every command, with ids p1, p2 … */
function run(events: (OfferEvent | ((s: OfferState) => OfferEvent))[], start: OfferState = initialOffer()) {
  let n = 0;
  let s = start;
  const commands: OfferCommand[] = [];
  const claimed: boolean[] = [];
  for (const e of events) {
    const r = offerStep(s, typeof e === 'function' ? e(s) : e, CALLER, () => `p${++n}`);
    s = r.state;
    commands.push(...r.commands);
    claimed.push(r.claimed);
  }
  return { s, commands, claimed };
}
const finished = (s: OfferState): OfferEvent => ({ type: 'playback_finished', playbackId: s.playbackId! });
const timedOut = (s: OfferState): OfferEvent => ({ type: 'timeout', timerId: s.timerId! });
const key = (digit: string): OfferEvent => ({ type: 'digit', digit });
const prompts = (cs: OfferCommand[]) => cs.flatMap((c) => (c.type === 'play' ? [c.prompt] : []));

describe('callback offer to a waiting caller', () => {
  it('given the offer, when the caller presses 1 then 1, then music stops for the prompts and their own number is requested', () => {
    const { s, commands } = run([{ type: 'start' }, key('1'), key('1')]);
    expect(commands[0]).toEqual({ type: 'stop_moh' });
    expect(prompts(commands)).toEqual(['callback-offer', 'callback-number-choice']);
    expect(commands.at(-1)).toEqual({ type: 'request', number: '8613900139000' });
    expect(s.step).toBe('requested');
  });

  it('given a request, when the engine accepts it, then the confirmation plays and the caller is hung up after it', () => {
    const { s, commands } = run([{ type: 'start' }, key('1'), key('1'), { type: 'accepted' }, finished]);
    expect(prompts(commands).at(-1)).toBe('callback-accepted');
    expect(commands.at(-1)).toEqual({ type: 'hangup' });
    expect(s.step).toBe('done');
  });

  it('given a number already pending, when the engine refuses, then the refusal plays and the caller waits on with music', () => {
    const { s, commands } = run([{ type: 'start' }, key('1'), key('1'), { type: 'refused', reason: 'already_pending' }, finished]);
    expect(prompts(commands).at(-1)).toBe('callback-already-pending');
    expect(commands.at(-1)).toEqual({ type: 'start_moh' });
    expect(commands.some((c) => c.type === 'hangup')).toBe(false);
    expect(s.step).toBe('done');
  });

  it('given the choice, when the caller presses 2 and types a number ending with #, then that number is requested', () => {
    const { commands } = run([{ type: 'start' }, key('1'), key('2'), ...'075588886666'.split('').map(key), key('#')]);
    expect(prompts(commands)).toContain('callback-enter-number');
    expect(commands.at(-1)).toEqual({ type: 'request', number: '075588886666' });
  });

  it('given a typed number too short, when # ends it, then it is refused by the flow and asked again; a second bad one gives up', () => {
    const first = run([{ type: 'start' }, key('1'), key('2'), ...'12345'.split('').map(key), key('#')]);
    expect(prompts(first.commands).at(-1)).toBe('ivr-invalid-input');
    expect(first.commands.some((c) => c.type === 'request')).toBe(false);
    const second = run([...'1234'.split('').map(key), key('#')], first.s);
    expect(second.commands.at(-1)).toEqual({ type: 'start_moh' });
    expect(second.s.step).toBe('done');
  });

  it('given a pause after the digits, when the inter-digit time runs out, then the digits count as the number', () => {
    const { commands } = run([{ type: 'start' }, key('1'), key('2'), ...'13800138000'.split('').map(key), timedOut]);
    expect(commands.at(-1)).toEqual({ type: 'request', number: '13800138000' });
  });

  it('given the offer prompt ended, when 1 comes within the window, then music stops again and the choice plays', () => {
    const { commands } = run([{ type: 'start' }, finished, key('1')]);
    expect(commands.filter((c) => c.type === 'start_moh' || c.type === 'stop_moh').map((c) => c.type)).toEqual(['stop_moh', 'start_moh', 'stop_moh']);
    expect(prompts(commands).at(-1)).toBe('callback-number-choice');
  });

  it('given no key, when the window ends, then the offer is over and later digits go back to the IVR', () => {
    const { s, claimed } = run([{ type: 'start' }, finished, timedOut, key('1')]);
    expect(s.step).toBe('done');
    expect(claimed.at(-1)).toBe(false);
  });

  it('given the offer, when other keys are pressed, then they are swallowed and do nothing', () => {
    const { s, commands, claimed } = run([{ type: 'start' }, key('5')]);
    expect(s.step).toBe('offer');
    expect(claimed.at(-1)).toBe(true);
    expect(commands).toHaveLength(2);
  });

  it('given the choice unanswered twice, when it times out, then the caller keeps waiting with music', () => {
    const { s, commands } = run([{ type: 'start' }, key('1'), finished, timedOut, finished, timedOut]);
    expect(prompts(commands)).toEqual(['callback-offer', 'callback-number-choice', 'callback-number-choice']);
    expect(commands.at(-1)).toEqual({ type: 'start_moh' });
    expect(s.step).toBe('done');
  });

  it('given an offer in progress, when the call ends (hang-up or an agent), then its timer is stopped and nothing more plays', () => {
    const { s, commands } = run([{ type: 'start' }, finished, { type: 'ended' }, key('1')]);
    expect(commands.filter((c) => c.type === 'cancel_timer')).toHaveLength(1);
    expect(prompts(commands)).toEqual(['callback-offer']);
    expect(s.step).toBe('done');
  });

  it('given stale events, when a playback id or timer does not match, then nothing happens', () => {
    const { s, commands } = run([{ type: 'start' }, { type: 'playback_finished', playbackId: 'other' }, { type: 'timeout', timerId: 'x' }]);
    expect(s.step).toBe('offer');
    expect(commands).toHaveLength(2);
  });

  it('validates typed numbers: 7 to 12 digits only', () => {
    expect(isValidCallbackNumber('5588866')).toBe(true);
    expect(isValidCallbackNumber('075588886666')).toBe(true);
    expect(isValidCallbackNumber('558886')).toBe(false);
    expect(isValidCallbackNumber('0755888866661')).toBe(false);
    expect(isValidCallbackNumber('12345678*')).toBe(false);
  });
});

describe('called-back citizen must press 1', () => {
  function confirm(events: (ConfirmEvent | ((s: ConfirmState) => ConfirmEvent))[]) {
    let n = 0;
    let s = initialConfirm();
    const commands: string[] = [];
    for (const e of events) {
      const r = confirmStep(s, typeof e === 'function' ? e(s) : e, () => `id${++n}`);
      s = r.state;
      commands.push(...r.commands.map((c) => c.type));
    }
    return { s, commands };
  }
  const done = (s: ConfirmState): ConfirmEvent => ({ type: 'playback_finished', playbackId: s.playbackId! });
  const late = (s: ConfirmState): ConfirmEvent => ({ type: 'timeout', timerId: s.timerId! });

  it('given the citizen answers, when they press 1 during the greeting, then the greeting stops and they are connected', () => {
    const { s, commands } = confirm([{ type: 'answered' }, { type: 'digit', digit: '1' }]);
    expect(commands).toEqual(['play', 'stop_playback', 'connected']);
    expect(s.step).toBe('connected');
  });

  it('given an answering machine, when no 1 comes after two greetings, then the attempt fails as machine', () => {
    const { s, commands } = confirm([{ type: 'answered' }, done, late, done, late]);
    expect(commands).toEqual(['play', 'start_timer', 'play', 'start_timer', 'failed']);
    expect(s.step).toBe('failed');
  });

  it('given the greeting, when other keys are pressed, then they do not connect', () => {
    const { s } = confirm([{ type: 'answered' }, { type: 'digit', digit: '2' }, { type: 'digit', digit: '#' }]);
    expect(s.step).toBe('greeting');
  });

  it('maps hang-up causes of unanswered dials to failure reasons', () => {
    expect(dialFailureForCause(17)).toBe('busy');
    expect(dialFailureForCause(21)).toBe('rejected');
    expect(dialFailureForCause(1)).toBe('rejected');
    expect(dialFailureForCause(19)).toBe('no_answer');
    expect(dialFailureForCause(16)).toBe('no_answer');
  });
});
