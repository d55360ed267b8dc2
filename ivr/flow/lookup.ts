// lookup: asks the adapter to look a work order up (lookup_order → lookup_result) and branches on the answer.
// Found: the variables `orderState` and `expectedDate` are set for a following say step. No answer within
// timeoutMs counts as a failed look-up; a result arriving later is ignored (its lookupId is no longer current).
import { cancelTimer, startTimer, stay } from './prompting.js';
import type { IvrCommand, IvrState, LookupStep, StepHandler, StepResult } from './types.js';

export const DEFAULT_LOOKUP_TIMEOUT_MS = 8_000;
export const DEFAULT_CODE_VAR = 'orderCode';
/** Variables a successful look-up sets. */
export const ORDER_STATE_VAR = 'orderState';
export const EXPECTED_DATE_VAR = 'expectedDate';

export const lookup: StepHandler<LookupStep> = {
  enter(state, step, ctx) {
    const code = state.vars[step.codeVar ?? DEFAULT_CODE_VAR];
    if (!code) return { state, commands: [], goto: step.failed ?? step.notFound };
    const lookupId = ctx.newId();
    const timer = startTimer({ ...state, phase: 'waiting', lookupId }, step.timeoutMs ?? DEFAULT_LOOKUP_TIMEOUT_MS, ctx.newId);
    return { state: timer.state, commands: [{ type: 'lookup_order', code, lookupId }, ...timer.commands] };
  },

  onEvent(state, step, event) {
    const code = state.vars[step.codeVar ?? DEFAULT_CODE_VAR] ?? '';
    const report = (result: 'found' | 'not_found' | 'failed'): IvrCommand => ({ type: 'report', outcome: { kind: 'order_query', orderCode: code, result } });
    if (event.type === 'lookup_result' && state.lookupId !== null && event.lookupId === state.lookupId) {
      const { state: s, commands } = cancelTimer({ ...state, lookupId: null, phase: 'done' });
      const r = event.result;
      if (r.found) {
        const vars = { ...s.vars, [ORDER_STATE_VAR]: r.stateLabelZh, [EXPECTED_DATE_VAR]: r.expectedDateZh ?? '' };
        const goto = r.expectedDateZh ? step.next : (step.noDate ?? step.next);
        return { state: { ...s, vars }, commands: [...commands, report('found')], goto };
      }
      if (r.failed) return failed(s, step, [...commands, report('failed')]);
      return { state: s, commands: [...commands, report('not_found')], goto: step.notFound };
    }
    if (event.type === 'timeout' && state.timerId !== null && event.timerId === state.timerId) {
      return failed({ ...state, timerId: null, lookupId: null, phase: 'done' }, step, [report('failed')]);
    }
    if (event.type === 'digit') return stay({ ...state, typedAhead: [...state.typedAhead, event.digit] });
    return stay(state);
  },
};

function failed(state: IvrState, step: LookupStep, commands: IvrCommand[]): StepResult {
  return { state, commands, goto: step.failed ?? step.notFound };
}
