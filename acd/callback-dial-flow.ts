// The citizen's side of a placed callback as a pure step machine: once the citizen answers they hear
// 「…您之前预约了回电。接通座席请按1。」 and must press 1 to be connected. An answering machine or a voice mailbox
// never presses 1, so "answered" alone does not count: after the prompt twice without 1 the attempt fails as
// 'machine'. Also maps the hang-up cause of an unanswered dial to the engine's failure reasons.
import type { CallbackFailure } from './callbacks.js';

/** After each greeting, how long to wait for the 1. */
export const CONFIRM_TIMEOUT_MS = 6_000;
const GREETINGS = 2;

export interface ConfirmState {
  step: 'dialling' | 'greeting' | 'waiting' | 'connected' | 'failed';
  plays: number;
  playbackId: string | null;
  timerId: string | null;
}

export type ConfirmEvent =
  { type: 'answered' } | { type: 'playback_finished'; playbackId: string } | { type: 'digit'; digit: string } | { type: 'timeout'; timerId: string };

export type ConfirmCommand =
  | { type: 'play'; playbackId: string }
  | { type: 'stop_playback'; playbackId: string }
  | { type: 'start_timer'; timerId: string; ms: number }
  | { type: 'cancel_timer'; timerId: string }
  | { type: 'connected' }
  | { type: 'failed'; reason: 'machine' };

export function initialConfirm(): ConfirmState {
  return { step: 'dialling', plays: 0, playbackId: null, timerId: null };
}

export function confirmStep(s: ConfirmState, ev: ConfirmEvent, newId: () => string): { state: ConfirmState; commands: ConfirmCommand[] } {
  const greet = (): { state: ConfirmState; commands: ConfirmCommand[] } => {
    const playbackId = newId();
    return { state: { step: 'greeting', plays: s.plays + 1, playbackId, timerId: null }, commands: [{ type: 'play', playbackId }] };
  };
  switch (ev.type) {
    case 'answered':
      return s.step === 'dialling' ? greet() : { state: s, commands: [] };
    case 'playback_finished': {
      if (s.step !== 'greeting' || ev.playbackId !== s.playbackId) break;
      const timerId = newId();
      return { state: { ...s, step: 'waiting', playbackId: null, timerId }, commands: [{ type: 'start_timer', timerId, ms: CONFIRM_TIMEOUT_MS }] };
    }
    case 'timeout':
      if (s.step !== 'waiting' || ev.timerId !== s.timerId) break;
      if (s.plays < GREETINGS) return greet();
      return { state: { ...s, step: 'failed', timerId: null }, commands: [{ type: 'failed', reason: 'machine' }] };
    case 'digit': {
      if ((s.step !== 'greeting' && s.step !== 'waiting') || ev.digit !== '1') break;
      const commands: ConfirmCommand[] = [];
      if (s.playbackId) commands.push({ type: 'stop_playback', playbackId: s.playbackId });
      if (s.timerId) commands.push({ type: 'cancel_timer', timerId: s.timerId });
      commands.push({ type: 'connected' });
      return { state: { ...s, step: 'connected', playbackId: null, timerId: null }, commands };
    }
  }
  return { state: s, commands: [] };
}

/**
 * Why a dial that was never answered failed, from its Q.850 hang-up cause: 17 user busy → busy; 21 call
 * rejected and number/network errors (1 unallocated, 3 no route, 22 number changed, 27 destination out of
 * order, 28 invalid format, 34/38/41/42 congestion or network failure) → rejected; everything else (16 normal
 * clearing when our own ring timeout ends it, 18 no user responding, 19 no answer, 0 unknown) → no_answer.
 */
export function dialFailureForCause(cause: number): CallbackFailure {
  if (cause === 17) return 'busy';
  if ([1, 3, 21, 22, 27, 28, 34, 38, 41, 42].includes(cause)) return 'rejected';
  return 'no_answer';
}
