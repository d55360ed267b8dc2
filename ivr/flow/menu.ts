// menu: one key picks the next step; an option may set flow variables (the language menu sets `language` and
// `skillHint`). The menu prompt is followed by the options' own prompts. A key pressed during the prompts
// stops them; a key typed ahead before the menu is taken without playing the prompts at all.
import { attemptFailed, cancelTimer, isOwnTimeout, playbackEnded, silence, speak, startTimer, stay, andThen } from './prompting.js';
import type { IvrState, MenuStep, StepContext, StepHandler, StepResult, Utterance } from './types.js';

export const DEFAULT_MENU_TIMEOUT_MS = 5_000;

export function menuPrompts(step: MenuStep): Utterance[] {
  const options = step.options.flatMap((o) => (o.prompt !== undefined ? [{ prompt: o.prompt }] : []));
  return [{ prompt: step.prompt }, ...options];
}

export const menu: StepHandler<MenuStep> = {
  enter(state, step, ctx) {
    const [first, ...rest] = state.typedAhead;
    if (first !== undefined) return choose({ ...state, typedAhead: rest }, step, first, ctx);
    return speak({ ...state, phase: 'prompting' }, menuPrompts(step), ctx.newId);
  },

  onEvent(state, step, event, ctx) {
    const ended = playbackEnded(state, event, ctx.newId);
    if (ended) {
      if (!ended.done) return stay(ended.state, ended.commands);
      return andThen(stay(ended.state, ended.commands), (s) => startTimer({ ...s, phase: 'waiting' }, step.timeoutMs ?? DEFAULT_MENU_TIMEOUT_MS, ctx.newId));
    }
    if (event.type === 'digit') return andThen(andThen(silence(state), cancelTimer), (s) => choose(s, step, event.digit, ctx));
    if (isOwnTimeout(state, event)) return attemptFailed({ ...state, timerId: null }, step, menuPrompts(step), false, ctx);
    return stay(state);
  },
};

function choose(state: IvrState, step: MenuStep, digit: string, ctx: StepContext): StepResult {
  const option = step.options.find((o) => o.digit === digit);
  if (!option) return attemptFailed(state, step, menuPrompts(step), true, ctx);
  return { state: { ...state, vars: { ...state.vars, ...option.set } }, commands: [], goto: option.next };
}
