// gather: collects digits. Ends on the terminator, on maxDigits (a terminator pressed right after is
// swallowed), or when the inter-digit timeout passes after at least one digit. No digit before the
// first-digit timeout, too few or too many digits, a value the format refuses, or a stray * count as a failed
// attempt. Keys typed ahead before the gather are taken as its first digits, without playing the prompt.
import { orderCodeFromDigits } from './order-code-digits.js';
import { attemptFailed, cancelTimer, isOwnTimeout, playbackEnded, silence, speak, startTimer, stay, andThen } from './prompting.js';
import type { GatherStep, IvrState, StepContext, StepHandler, StepResult } from './types.js';

export const DEFAULT_FIRST_DIGIT_TIMEOUT_MS = 8_000;
export const DEFAULT_INTER_DIGIT_TIMEOUT_MS = 5_000;

export function terminatorOf(step: GatherStep): string | null {
  return step.terminator === undefined ? '#' : step.terminator;
}

/** The value to store for `digits`, or null when the step refuses them. */
export function acceptDigits(step: GatherStep, digits: string): string | null {
  if (digits.length < step.minDigits || digits.length > step.maxDigits) return null;
  if (step.format === 'order_code') return orderCodeFromDigits(digits);
  return digits;
}

export const gather: StepHandler<GatherStep> = {
  enter(state, step, ctx) {
    const typed = state.typedAhead;
    if (typed.length === 0) return speak({ ...state, phase: 'prompting' }, [{ prompt: step.prompt }], ctx.newId);
    let s: IvrState = { ...state, phase: 'collecting' };
    const commands: StepResult['commands'] = [];
    for (let i = 0; i < typed.length; i++) {
      // the keys not fed yet stay typed ahead: what is left after a complete input belongs to the next step
      const r = feed({ ...s, typedAhead: typed.slice(i + 1) }, step, typed[i]!, ctx);
      commands.push(...r.commands);
      if (r.goto !== undefined || r.state.phase === 'prompting') return { ...r, commands };
      s = r.state;
    }
    return { state: s, commands };
  },

  onEvent(state, step, event, ctx) {
    const ended = playbackEnded(state, event, ctx.newId);
    if (ended) {
      if (!ended.done) return stay(ended.state, ended.commands);
      return andThen(stay(ended.state, ended.commands), (s) =>
        startTimer({ ...s, phase: 'collecting' }, step.firstDigitTimeoutMs ?? DEFAULT_FIRST_DIGIT_TIMEOUT_MS, ctx.newId),
      );
    }
    if (event.type === 'digit') return andThen(silence(state), (s) => feed({ ...s, phase: 'collecting' }, step, event.digit, ctx));
    if (isOwnTimeout(state, event)) {
      const s = { ...state, timerId: null };
      return s.digits === '' ? attemptFailed(s, step, [{ prompt: step.prompt }], false, ctx) : finish(s, step, false, ctx);
    }
    return stay(state);
  },
};

function feed(state: IvrState, step: GatherStep, key: string, ctx: StepContext): StepResult {
  if (key === terminatorOf(step)) return finish(state, step, false, ctx);
  if (!/^[0-9]$/.test(key)) return andThen(cancelTimer(state), (s) => attemptFailed(s, step, [{ prompt: step.prompt }], true, ctx));
  const digits = state.digits + key;
  if (digits.length >= step.maxDigits) return finish({ ...state, digits }, step, true, ctx);
  return startTimer({ ...state, digits }, step.interDigitTimeoutMs ?? DEFAULT_INTER_DIGIT_TIMEOUT_MS, ctx.newId);
}

function finish(state: IvrState, step: GatherStep, full: boolean, ctx: StepContext): StepResult {
  return andThen(cancelTimer(state), (s) => {
    const value = acceptDigits(step, s.digits);
    if (value === null) return attemptFailed(s, step, [{ prompt: step.prompt }], true, ctx);
    // complete on maxDigits: the caller may still press the terminator out of habit
    const term = terminatorOf(step);
    let typedAhead = s.typedAhead;
    let swallow: string | null = null;
    if (full && term !== null) {
      if (typedAhead[0] === term) typedAhead = typedAhead.slice(1);
      else if (typedAhead.length === 0) swallow = term;
    }
    return { state: { ...s, typedAhead, swallow, vars: { ...s.vars, [step.saveAs]: value } }, commands: [], goto: step.next };
  });
}
