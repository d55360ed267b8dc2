// Commands and actors for the lifecycle-*.test.ts files: one valid command per action, and who may run it.
import { transition, type WorkOrderCommand } from './lifecycle.js';
import type { Actor, WorkOrder } from '../../contracts/work-order-model.js';
import { MOVES, type ActorRole, type WorkOrderAction } from '../../contracts/work-order-states.js';
import { admin, agent, dispatcher, handler, HOUR, OTHER_DEPT, ratings, supervisor, system, T0 } from './testing.js';

/** A command that satisfies each action's own rules in the fixture states. */
export const VALID: Record<WorkOrderAction, WorkOrderCommand> = {
  answer_on_spot: { type: 'answer_on_spot', answer: '已告知市民停水原因及恢复时间。' },
  dispatch: { type: 'dispatch', departmentId: OTHER_DEPT },
  sign: { type: 'sign' },
  return: { type: 'return', reason: '不属于本部门职责' },
  start: { type: 'start' },
  request_extension: { type: 'request_extension', reason: '需协调多个部门', requestedDueDate: '2026-12-31' },
  approve_extension: { type: 'approve_extension' },
  reject_extension: { type: 'reject_extension', reason: '理由不充分' },
  reply: { type: 'reply', content: '已恢复供水。' },
  accept_reply: { type: 'accept_reply' },
  reject_reply: { type: 'reject_reply', reason: '答复未说明停水原因' },
  rate: { type: 'rate', rating: ratings.SATISFIED },
  close_unrated: { type: 'close_unrated', reason: '三次回访均未接通' },
  rework: { type: 'rework' },
  close: { type: 'close', reason: '诉求超出政策范围，认定办结' }, // fixture `rated` is dissatisfied
  archive: { type: 'archive' },
};

export const ACTOR_BY_ROLE: Record<ActorRole, Actor> = { agent, dispatcher, supervisor, handler, admin, system };

/** An actor the table allows; supervisor where several are allowed (it may also close dissatisfied orders). */
export function allowedActor(action: WorkOrderAction): Actor {
  const roles = MOVES[action].roles;
  return roles.includes('supervisor') ? supervisor : ACTOR_BY_ROLE[roles[0] as ActorRole];
}

/** Puts the order in a condition where `action` is possible by its own rules (pending extension …). */
export function prepared(order: WorkOrder, action: WorkOrderAction): WorkOrder {
  if (action === 'approve_extension' || action === 'reject_extension') {
    return transition(order, VALID.request_extension, handler, T0 + HOUR).order;
  }
  return order;
}
