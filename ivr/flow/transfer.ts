// transfer: hands the call to another number; the IVR's part ends (a queued caller leaves the queue).
import { stay } from './prompting.js';
import type { StepHandler, TransferStep } from './types.js';

export const transfer: StepHandler<TransferStep> = {
  enter(state, step) {
    return stay({ ...state, status: 'ended', phase: 'done' }, [
      { type: 'transfer', number: step.number },
      { type: 'report', outcome: { kind: 'transferred', number: step.number } },
    ]);
  },
  onEvent(state) {
    return stay(state);
  },
};
