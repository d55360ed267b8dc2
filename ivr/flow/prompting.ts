// Helpers the step kinds share: playing a sequence of utterances one at a time (so a key press stops exactly
// what is playing), and the single timer a step may run.
import type { IvrCommand, IvrState, PlayStep, SayStep, StepContext, StepEvent, StepHandler, StepResult, Target, Utterance } from './types.js';

export function stay(state: IvrState, commands: IvrCommand[] = []): StepResult {
  return { state, commands };
}

function utter(u: Utterance, playbackId: string): IvrCommand {
  if ('text' in u) return { type: 'say', text: u.text, playbackId };
  return { type: 'play', media: u, playbackId };
}

/** Starts playing `utterances` in order (nothing when empty). */
export function speak(state: IvrState, utterances: readonly Utterance[], newId: () => string): StepResult {
  const [first, ...rest] = utterances;
  if (!first) return stay({ ...state, playbackId: null, pending: [] });
  const playbackId = newId();
  return stay({ ...state, playbackId, pending: rest }, [utter(first, playbackId)]);
}

/**
 * The current playback ended (finished or failed): plays the next pending utterance, or reports `done`.
 * Null when the event is not about the current playback (stale or another step's).
 */
export function playbackEnded(state: IvrState, event: StepEvent, newId: () => string): (StepResult & { done: boolean }) | null {
  if (event.type !== 'playback_finished' && event.type !== 'playback_failed') return null;
  if (state.playbackId === null || event.playbackId !== state.playbackId) return null;
  if (state.pending.length === 0) return { state: { ...state, playbackId: null }, commands: [], done: true };
  return { ...speak(state, state.pending, newId), done: false };
}

/** Stops what is playing and drops what was still to come. */
export function silence(state: IvrState): StepResult {
  const commands: IvrCommand[] = state.playbackId ? [{ type: 'stop_playback', playbackId: state.playbackId }] : [];
  return { state: { ...state, playbackId: null, pending: [] }, commands };
}

/** Starts the step's timer, cancelling a running one. */
export function startTimer(state: IvrState, ms: number, newId: () => string): StepResult {
  const cancelled = cancelTimer(state);
  const timerId = newId();
  return { state: { ...cancelled.state, timerId }, commands: [...cancelled.commands, { type: 'start_timer', timerId, ms }] };
}

export function cancelTimer(state: IvrState): StepResult {
  if (!state.timerId) return stay(state);
  return { state: { ...state, timerId: null }, commands: [{ type: 'cancel_timer', timerId: state.timerId }] };
}

/** Whether `event` is the expiry of the step's current timer. */
export function isOwnTimeout(state: IvrState, event: StepEvent): boolean {
  return event.type === 'timeout' && state.timerId !== null && event.timerId === state.timerId;
}

/** Runs `b` on the state `a` produced and joins their commands (b's goto wins). */
export function andThen(a: StepResult, b: (state: IvrState) => StepResult): StepResult {
  const r = b(a.state);
  return { ...r, commands: [...a.commands, ...r.commands] };
}

/**
 * A step that plays something and then moves on (play, say). Keys pressed meanwhile are typed ahead for the
 * next step; with bargeIn the first one also cuts the announcement short. Back from a sub-flow, the caller
 * is not made to hear it again: the flow goes on with `next`.
 */
export function announcement<S extends PlayStep | SayStep>(what: (step: S, state: IvrState) => Utterance): StepHandler<S> {
  return {
    enter(state, step, ctx) {
      return speak({ ...state, phase: 'playing' }, [what(step, state)], ctx.newId);
    },
    onEvent(state, step, event, ctx) {
      const ended = playbackEnded(state, event, ctx.newId);
      if (ended) return ended.done ? { state: ended.state, commands: ended.commands, goto: step.next } : stay(ended.state, ended.commands);
      if (event.type === 'digit') {
        const typed = { ...state, typedAhead: [...state.typedAhead, event.digit] };
        return step.bargeIn ? { ...silence(typed), goto: step.next } : stay(typed);
      }
      return stay(state);
    },
    resume(state, step) {
      return { state, commands: [], goto: step.next };
    },
  };
}

/** Attempts at a menu or gather, the first included: one prompt and two re-prompts, then onFail. */
export const DEFAULT_MAX_ATTEMPTS = 3;

/**
 * Invalid or missing input at a menu or gather: re-prompt (after `invalidPrompt` when the input was wrong),
 * or — after the last attempt — report it and go to `onFail`. Keys typed ahead are dropped.
 */
export function attemptFailed(
  state: IvrState,
  step: { maxAttempts?: number; invalidPrompt?: string; onFail: Target },
  prompts: readonly Utterance[],
  invalid: boolean,
  ctx: StepContext,
): StepResult {
  const tries = state.tries + 1;
  const base: IvrState = { ...state, tries, typedAhead: [], digits: '' };
  if (tries >= (step.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    return { state: base, commands: [{ type: 'report', outcome: { kind: 'no_valid_input', step: ctx.stepId } }], goto: step.onFail };
  }
  const again = invalid && step.invalidPrompt ? [{ prompt: step.invalidPrompt }, ...prompts] : prompts;
  return speak({ ...base, phase: 'prompting' }, again, ctx.newId);
}
