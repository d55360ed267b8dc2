// The work-order lifecycle core: every state × action, and who may act on which order.
import { describe, expect, it } from 'vitest';
import { WorkOrderError } from './errors.js';
import { transition } from './lifecycle.js';
import type { Actor } from '../../contracts/work-order-model.js';
import { ACTION_LABELS_ZH, MOVES, STATE_LABELS_ZH, WORK_ORDER_ACTIONS, WORK_ORDER_STATES, type ActorRole } from '../../contracts/work-order-states.js';
import { agent, caught, HOUR, orderIn, otherHandler, T0 } from './testing.js';
import { ACTOR_BY_ROLE, VALID, allowedActor, prepared } from './lifecycle-testing.js';

describe('legal moves: every state × action', () => {
  const pairs = WORK_ORDER_STATES.flatMap((s) => WORK_ORDER_ACTIONS.map((a) => [s, a] as const));

  it('covers 10 states × 16 actions', () => {
    expect(pairs).toHaveLength(160);
  });

  it.each(pairs.filter(([s, a]) => MOVES[a].from.includes(s)))('%s --%s--> allowed', (state, action) => {
    const order = prepared(orderIn(state), action);
    const { order: next, event } = transition(order, VALID[action], allowedActor(action), T0 + 2 * HOUR);
    const to = MOVES[action].to ?? state;
    expect(next.state).toBe(to);
    expect(event).toMatchObject({ action, from: state, to, version: order.version + 1, at: T0 + 2 * HOUR });
  });

  it.each(pairs.filter(([s, a]) => !MOVES[a].from.includes(s)))('%s --%s--> refused', (state, action) => {
    const order = orderIn(state);
    const err = caught(() => transition(order, VALID[action], allowedActor(action), T0 + 2 * HOUR));
    expect(err).toBeInstanceOf(WorkOrderError);
    expect(err).toMatchObject({ code: 'illegal_transition' });
    expect(err.message).toBe(`工单当前状态为「${STATE_LABELS_ZH[state]}」，不能执行「${ACTION_LABELS_ZH[action]}」`);
  });
});

describe('roles and departments', () => {
  const ROLES: ActorRole[] = ['agent', 'dispatcher', 'supervisor', 'handler', 'admin', 'system'];
  const cases = WORK_ORDER_ACTIONS.flatMap((a) => ROLES.map((r) => [a, r, MOVES[a].roles.includes(r)] as const));

  it.each(cases)('%s by %s: allowed = %s', (action, role, allowed) => {
    const state = MOVES[action].from[0]!;
    const order = prepared(orderIn(state), action);
    const run = () => transition(order, VALID[action], ACTOR_BY_ROLE[role], T0 + 2 * HOUR);
    if (!allowed) {
      expect(caught(run)).toMatchObject({ code: 'forbidden_role', apiCode: 'forbidden' });
      return;
    }
    // closing a dissatisfied order is the only further role restriction
    if (action === 'close' && role !== 'supervisor' && role !== 'admin') {
      expect(caught(run)).toMatchObject({ code: 'close_dissatisfied_requires_supervisor' });
      return;
    }
    expect(run().order.state).toBe(MOVES[action].to ?? state);
  });

  it('names the role in the refusal', () => {
    expect(caught(() => transition(orderIn('dispatched'), VALID.sign, agent, T0 + HOUR)).message).toBe('话务员无权执行「签收」');
  });

  it.each(['sign', 'return', 'start', 'request_extension', 'reply'] as const)('refuses %s by a handler of another department', (action) => {
    const state = MOVES[action].from[MOVES[action].from.length - 1]!;
    const err = caught(() => transition(orderIn(state), VALID[action], otherHandler, T0 + HOUR));
    expect(err).toMatchObject({ code: 'wrong_department', apiCode: 'forbidden' });
    expect(err.message).toBe(`该工单不属于您所在的部门，不能执行「${ACTION_LABELS_ZH[action]}」`);
  });

  it('refuses unknown actions and roles coming from untyped input', () => {
    expect(caught(() => transition(orderIn('received'), { type: 'teleport' } as never, agent, T0))).toMatchObject({ code: 'illegal_transition' });
    expect(caught(() => transition(orderIn('received'), VALID.dispatch, { id: 'x', role: 'mayor' } as never, T0))).toMatchObject({
      code: 'forbidden_role',
    });
  });

  it('refuses a handler without a department', () => {
    const nobody: Actor = { id: 'h-x', role: 'handler' };
    expect(caught(() => transition(orderIn('dispatched'), VALID.sign, nobody, T0 + HOUR))).toMatchObject({ code: 'wrong_department' });
  });
});
