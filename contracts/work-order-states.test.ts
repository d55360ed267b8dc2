import { describe, expect, it } from 'vitest';
import {
  ACTION_LABELS_ZH,
  canApply,
  legalActions,
  MOVES,
  ROLE_LABELS_ZH,
  STATE_LABELS_ZH,
  targetState,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_ROLES,
  WORK_ORDER_STATES,
  type WorkOrderState,
} from './work-order-states.js';

describe('the legal-moves table', () => {
  it('labels every state, action and role in Chinese', () => {
    for (const s of WORK_ORDER_STATES) expect(STATE_LABELS_ZH[s]).toMatch(/^[\u4e00-\u9fff]+$/);
    for (const a of [...WORK_ORDER_ACTIONS, 'receive', 'remind', 'escalate'] as const) expect(ACTION_LABELS_ZH[a]).toMatch(/^[\u4e00-\u9fff]+$/);
    for (const r of [...WORK_ORDER_ROLES, 'system'] as const) expect(ROLE_LABELS_ZH[r]).toMatch(/^[\u4e00-\u9fff]+$/);
  });

  it('reaches every state from received, and archived is terminal', () => {
    const seen = new Set<WorkOrderState>(['received']);
    const queue: WorkOrderState[] = ['received'];
    while (queue.length > 0) {
      const s = queue.shift()!;
      for (const a of legalActions(s)) {
        const to = targetState(s, a)!;
        if (!seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    expect([...seen].sort()).toEqual([...WORK_ORDER_STATES].sort());
    expect(legalActions('archived')).toEqual([]);
  });

  it('lists the moves of each state', () => {
    expect(legalActions('received')).toEqual(['answer_on_spot', 'dispatch']);
    expect(legalActions('dispatched')).toEqual(['sign', 'return']);
    expect(legalActions('signed')).toEqual(['return', 'start', 'request_extension', 'approve_extension', 'reject_extension']);
    expect(legalActions('in_progress')).toEqual(['request_extension', 'approve_extension', 'reject_extension', 'reply']);
    expect(legalActions('replied')).toEqual(['accept_reply', 'reject_reply']);
    expect(legalActions('callback_pending')).toEqual(['rate', 'close_unrated']);
    expect(legalActions('rated')).toEqual(['rework', 'close']);
    expect(legalActions('closed')).toEqual(['archive']);
    expect(legalActions('returned')).toEqual(['answer_on_spot', 'dispatch']);
  });

  it('answers target states, null when illegal, same state for bookkeeping actions', () => {
    expect(targetState('received', 'answer_on_spot')).toBe('closed');
    expect(targetState('signed', 'request_extension')).toBe('signed');
    expect(targetState('closed', 'dispatch')).toBeNull();
    expect(canApply('in_progress', 'return')).toBe(false);
  });

  it('leaves department work to handlers only', () => {
    for (const a of ['sign', 'return', 'start', 'request_extension', 'reply'] as const) expect(MOVES[a].roles).toEqual(['handler']);
    for (const a of WORK_ORDER_ACTIONS.filter((x) => !['sign', 'return', 'start', 'request_extension', 'reply'].includes(x))) {
      expect(MOVES[a].roles).not.toContain('handler');
    }
  });
});
