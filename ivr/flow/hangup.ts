// hangup: ends the call (put a play step with a goodbye before it). A queued caller leaves the queue.
import { stay } from './prompting.js';
import type { HangupStep, StepHandler } from './types.js';

export const hangup: StepHandler<HangupStep> = {
  enter(state, _step, ctx) {
    return stay({ ...state, status: 'ended', phase: 'done' }, [{ type: 'hangup' }, { type: 'report', outcome: { kind: 'flow_hangup', step: ctx.stepId } }]);
  },
  onEvent(state) {
    return stay(state);
  },
};
