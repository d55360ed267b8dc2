// enqueue: hands the call to the ACD queue with the skill hint of the caller's language choice. The flow stays
// alive while the call waits, so a hot key still works (the adapter forwards the DTMF of queued callers);
// a caller who comes back from a sub-flow, or whose sub-flow ends at an agent, gets `resume_queue` and keeps
// their place instead of a second enqueue. Other keys are ignored while queued.
import { stay } from './prompting.js';
import type { EnqueueStep, IvrState, StepHandler } from './types.js';

/** Variables the enqueue step reads (set by the language menu). */
export const SKILL_HINT_VAR = 'skillHint';
export const LANGUAGE_VAR = 'language';

export const enqueue: StepHandler<EnqueueStep> = {
  enter(state, step, ctx) {
    const base: IvrState = { ...state, status: 'queued', phase: 'queued', typedAhead: [], returnTo: null };
    if (state.queue !== 'none') return stay(base, [{ type: 'resume_queue' }]);
    const skillHint = state.vars[SKILL_HINT_VAR] ?? step.skillHint ?? null;
    const language = state.vars[LANGUAGE_VAR] ?? null;
    return stay({ ...base, queue: 'requested', queueStepId: ctx.stepId }, [
      { type: 'enqueue', queue: step.queue, skillHint },
      { type: 'report', outcome: { kind: 'queued', queue: step.queue, skillHint, language } },
    ]);
  },
  onEvent(state) {
    return stay(state);
  },
};
