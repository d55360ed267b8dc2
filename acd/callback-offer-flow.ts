// The waiting caller's side of a queue callback as a pure step machine: the engine said `offer_callback`, the
// caller hears the offer (music stops for it and comes back after), may press 1, confirms their own number (1)
// or types another one ending with # (2), and the engine accepts or refuses the request. Digits are only claimed
// while the offer runs; afterwards 1 is the IVR's progress-query key again.
import type { PromptName } from '../telephony/prompts.js';
import type { CallbackRefusal } from './callbacks.js';

/** After the offer prompt, how long 1 still takes the offer (music plays meanwhile). */
export const OFFER_KEY_WINDOW_MS = 10_000;
/** After the number choice or the number prompt, how long to wait for a key. */
export const CHOICE_TIMEOUT_MS = 8_000;
/** Between two digits of a typed number. */
export const INTER_DIGIT_TIMEOUT_MS = 6_000;
export const MIN_NUMBER_DIGITS = 7;
export const MAX_NUMBER_DIGITS = 12;
/** Prompts of the choice and of the number entry are each given this many times before the caller just waits on. */
const MAX_TRIES = 2;

export type OfferStep =
  /** the offer prompt plays */
  | 'offer'
  /** after the prompt: music again, 1 still accepted for a while */
  | 'offer_window'
  /** 「确认请按1，输入其他号码请按2」 plays or waits for its key */
  | 'choice'
  /** the caller types a number ending with # */
  | 'entry'
  /** asked the engine; its answer comes back as accepted / refused */
  | 'requested'
  /** the confirmation plays, then the caller is hung up */
  | 'accepted'
  /** 「您已登记过回电」 plays, then music again */
  | 'refused'
  /** the offer is over (declined, no key, refused, hung up or with an agent) */
  | 'done';

export interface OfferState {
  step: OfferStep;
  playbackId: string | null;
  timerId: string | null;
  tries: number;
  digits: string;
  /** The number asked for (digits), once requested. */
  number: string | null;
}

export type OfferEvent =
  | { type: 'start' }
  | { type: 'playback_finished'; playbackId: string }
  | { type: 'digit'; digit: string }
  | { type: 'timeout'; timerId: string }
  | { type: 'accepted' }
  | { type: 'refused'; reason: CallbackRefusal }
  /** the caller hung up or an agent took the call: stop everything */
  | { type: 'ended' };

export type OfferCommand =
  | { type: 'stop_moh' }
  | { type: 'start_moh' }
  | { type: 'play'; prompt: PromptName; playbackId: string }
  | { type: 'stop_playback'; playbackId: string }
  | { type: 'start_timer'; timerId: string; ms: number }
  | { type: 'cancel_timer'; timerId: string }
  /** ask the engine for a callback to `number` (the caller's own number, or the digits typed) */
  | { type: 'request'; number: string }
  | { type: 'hangup' };

export interface OfferStepResult {
  state: OfferState;
  commands: OfferCommand[];
  /** The event was the offer's (a digit then does not reach the IVR). */
  claimed: boolean;
}

export function initialOffer(): OfferState {
  return { step: 'done', playbackId: null, timerId: null, tries: 0, digits: '', number: null };
}

/** A typed callback number: 7 (local landline) to 12 digits (area code + landline, or a mobile number). */
export function isValidCallbackNumber(digits: string): boolean {
  return /^\d+$/.test(digits) && digits.length >= MIN_NUMBER_DIGITS && digits.length <= MAX_NUMBER_DIGITS;
}

/** `callerNumber` is the number the call came from (what key 1 in the choice confirms). */
export function offerStep(s: OfferState, ev: OfferEvent, callerNumber: string, newId: () => string): OfferStepResult {
  const out: OfferCommand[] = [];
  const result = (state: OfferState, claimed = true): OfferStepResult => ({ state, commands: out, claimed });
  const stopCurrent = () => {
    if (s.playbackId) out.push({ type: 'stop_playback', playbackId: s.playbackId });
    if (s.timerId) out.push({ type: 'cancel_timer', timerId: s.timerId });
  };
  const play = (step: OfferStep, prompt: PromptName, extra: Partial<OfferState> = {}): OfferState => {
    const playbackId = newId();
    out.push({ type: 'play', prompt, playbackId });
    return { ...s, ...extra, step, playbackId, timerId: null };
  };
  const wait = (ms: number, extra: Partial<OfferState> = {}): OfferState => {
    const timerId = newId();
    out.push({ type: 'start_timer', timerId, ms });
    return { ...s, ...extra, playbackId: null, timerId };
  };
  /** Back to plain waiting with music; the offer is not made again. */
  const keepWaiting = (): OfferStepResult => {
    stopCurrent();
    out.push({ type: 'start_moh' });
    return result({ ...s, step: 'done', playbackId: null, timerId: null });
  };
  const request = (number: string): OfferStepResult => {
    stopCurrent();
    out.push({ type: 'request', number });
    return result({ ...s, step: 'requested', playbackId: null, timerId: null, number });
  };

  if (ev.type === 'ended') {
    if (s.step === 'done') return result(s, false);
    stopCurrent();
    return result({ ...s, step: 'done', playbackId: null, timerId: null }, false);
  }
  if (ev.type === 'start') {
    if (s.step !== 'done') return result(s, false); // the engine offers once per call (callbackOffered)
    out.push({ type: 'stop_moh' });
    return result(play('offer', 'callback-offer', { tries: 0, digits: '' }));
  }
  if (s.step === 'done') return result(s, false);

  switch (ev.type) {
    case 'playback_finished': {
      if (ev.playbackId !== s.playbackId) return result(s, false);
      switch (s.step) {
        case 'offer':
          out.push({ type: 'start_moh' });
          return result(wait(OFFER_KEY_WINDOW_MS, { step: 'offer_window' }));
        case 'choice':
          return result(wait(CHOICE_TIMEOUT_MS));
        case 'entry':
          return result(wait(CHOICE_TIMEOUT_MS));
        case 'accepted':
          out.push({ type: 'hangup' });
          return result({ ...s, step: 'done', playbackId: null });
        case 'refused':
          out.push({ type: 'start_moh' });
          return result({ ...s, step: 'done', playbackId: null });
        default:
          return result(s);
      }
    }
    case 'timeout': {
      if (ev.timerId !== s.timerId) return result(s, false);
      const t = { ...s, timerId: null };
      if (s.step === 'offer_window') return result({ ...t, step: 'done' });
      if (s.step === 'choice') {
        if (s.tries + 1 >= MAX_TRIES) return keepWaiting();
        return result(play('choice', 'callback-number-choice', { tries: s.tries + 1 }));
      }
      if (s.step === 'entry') {
        // a pause after some digits ends the number as # would
        if (s.digits.length > 0) return typedNumber(s.digits);
        if (s.tries + 1 >= MAX_TRIES) return keepWaiting();
        return result(play('entry', 'callback-enter-number', { tries: s.tries + 1 }));
      }
      return result(s);
    }
    case 'digit': {
      const d = ev.digit;
      switch (s.step) {
        case 'offer':
        case 'offer_window':
          if (d !== '1') return result(s); // other keys do nothing while the offer stands
          stopCurrent();
          if (s.step === 'offer_window') out.push({ type: 'stop_moh' });
          return result(play('choice', 'callback-number-choice', { tries: 0 }));
        case 'choice':
          if (d === '1') return request(callerNumber.replace(/\D/g, ''));
          if (d === '2') {
            stopCurrent();
            return result(play('entry', 'callback-enter-number', { tries: 0, digits: '' }));
          }
          return result(s);
        case 'entry': {
          if (d === '#') return typedNumber(s.digits);
          if (!/^\d$/.test(d)) return result(s);
          stopCurrent();
          const digits = s.digits + d;
          if (digits.length > MAX_NUMBER_DIGITS) return typedNumber(digits);
          return result(wait(INTER_DIGIT_TIMEOUT_MS, { digits }));
        }
        default:
          return result(s); // while the request or its answer is under way, keys are swallowed
      }
    }
    case 'accepted':
      if (s.step !== 'requested') return result(s, false);
      return result(play('accepted', 'callback-accepted'));
    case 'refused':
      if (s.step !== 'requested') return result(s, false);
      if (ev.reason === 'already_pending') return result(play('refused', 'callback-already-pending'));
      // e.g. an agent is ringing for this call meanwhile: the caller just waits on
      out.push({ type: 'start_moh' });
      return result({ ...s, step: 'done' });
  }
  return result(s, false);

  function typedNumber(digits: string): OfferStepResult {
    if (isValidCallbackNumber(digits)) return request(digits);
    stopCurrent();
    if (s.tries + 1 >= MAX_TRIES) {
      out.push({ type: 'start_moh' });
      return result({ ...s, step: 'done', playbackId: null, timerId: null, digits: '' });
    }
    return result(play('entry', 'ivr-invalid-input', { tries: s.tries + 1, digits: '' }));
  }
}
