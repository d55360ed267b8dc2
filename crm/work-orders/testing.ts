// Test fixtures shared by the *.test.ts files beside this one: a clock in China local time, actors, valid
// input, and orders walked into every state through the real transition function.
import { DEFAULT_WORK_ORDER_CONFIG, type WorkOrderConfig } from './config.js';
import { createWorkOrder, transition, type WorkOrderCommand } from './lifecycle.js';
import type { Actor, WorkOrder, WorkOrderEvent } from '../../contracts/work-order-model.js';
import type { CreateWorkOrderRawInput } from '../../contracts/work-order-schemas.js';
import type { WorkOrderState } from '../../contracts/work-order-states.js';

/** Instant of a China local wall-clock time: t('2026-11-23 10:00'). */
export function t(local: string): number {
  const [date, time = '00:00'] = local.split(' ');
  const ms = Date.parse(`${date}T${time.length === 5 ? `${time}:00` : time}+08:00`);
  if (Number.isNaN(ms)) throw new Error(`bad local time ${local}`);
  return ms;
}

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export const DEPT = 'dept-water';
export const OTHER_DEPT = 'dept-housing';

export const agent: Actor = { id: 'agent-1', role: 'agent' };
export const dispatcher: Actor = { id: 'disp-1', role: 'dispatcher' };
export const supervisor: Actor = { id: 'sup-1', role: 'supervisor' };
export const admin: Actor = { id: 'admin-1', role: 'admin' };
export const handler: Actor = { id: 'handler-1', role: 'handler', departmentId: DEPT };
export const otherHandler: Actor = { id: 'handler-2', role: 'handler', departmentId: OTHER_DEPT };
export const system: Actor = { id: 'system', role: 'system' };

export function validInput(overrides: Partial<CreateWorkOrderRawInput> = {}): CreateWorkOrderRawInput {
  return {
    channel: 'phone',
    citizen: { phone: '13812345678', name: '张女士', confidential: false },
    type: 'help',
    catalogItemCode: 'SW-001',
    place: { district: '朝阳区', street: '望京街道', address: '望京西路1号院' },
    content: '小区自来水停水两天，没有接到任何通知，请尽快恢复供水。',
    summary: '小区停水两天未恢复',
    urgency: 'normal',
    timeLimitClass: 'general',
    links: { callIds: ['call-1'], recordingIds: ['rec-1'] },
    ...overrides,
  };
}

/** Monday 2026-11-23 10:00 local: an ordinary working week. */
export const T0 = t('2026-11-23 10:00');

export function newOrder(now = T0, overrides: Partial<CreateWorkOrderRawInput> = {}, config: WorkOrderConfig = DEFAULT_WORK_ORDER_CONFIG): WorkOrder {
  return createWorkOrder({ id: 'wo-1', seq: 123, input: validInput(overrides), actor: agent, now, config }).order;
}

export type Step = [WorkOrderCommand, Actor];

/** Applies steps one minute apart starting at `start`; returns the order and every event. */
export function walk(order: WorkOrder, steps: readonly Step[], start: number, config: WorkOrderConfig = DEFAULT_WORK_ORDER_CONFIG) {
  const events: WorkOrderEvent[] = [];
  let o = order;
  steps.forEach(([cmd, actor], i) => {
    const r = transition(o, cmd, actor, start + i * MIN, config);
    o = r.order;
    events.push(r.event);
  });
  return { order: o, events };
}

const DISSATISFIED = { speed: 2, result: 1, attitude: 3, replyQuality: 2, satisfied: false } as const;
const SATISFIED = { speed: 5, result: 5, attitude: 5, replyQuality: 4, satisfied: true } as const;
export const ratings = { DISSATISFIED, SATISFIED };

/** The shortest path into each state. `rated` is rated dissatisfied (so that rework is possible). */
export const PATH_TO: Record<WorkOrderState, readonly Step[]> = {
  received: [],
  dispatched: [[{ type: 'dispatch', departmentId: DEPT }, dispatcher]],
  signed: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'sign' }, handler],
  ],
  in_progress: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'sign' }, handler],
    [{ type: 'start' }, handler],
  ],
  replied: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'sign' }, handler],
    [{ type: 'start' }, handler],
    [{ type: 'reply', content: '已协调自来水公司抢修，今日18时前恢复供水。' }, handler],
  ],
  callback_pending: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'sign' }, handler],
    [{ type: 'start' }, handler],
    [{ type: 'reply', content: '已协调自来水公司抢修，今日18时前恢复供水。' }, handler],
    [{ type: 'accept_reply' }, dispatcher],
  ],
  rated: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'sign' }, handler],
    [{ type: 'start' }, handler],
    [{ type: 'reply', content: '已协调自来水公司抢修，今日18时前恢复供水。' }, handler],
    [{ type: 'accept_reply' }, dispatcher],
    [{ type: 'rate', rating: DISSATISFIED }, agent],
  ],
  closed: [[{ type: 'answer_on_spot', answer: '停水原因为管网检修，预计明日恢复。' }, agent]],
  archived: [
    [{ type: 'answer_on_spot', answer: '停水原因为管网检修，预计明日恢复。' }, agent],
    [{ type: 'archive' }, supervisor],
  ],
  returned: [
    [{ type: 'dispatch', departmentId: DEPT }, dispatcher],
    [{ type: 'return', reason: '不属于本部门职责，应由住建委办理' }, handler],
  ],
};

export function orderIn(state: WorkOrderState, start = T0, overrides: Partial<CreateWorkOrderRawInput> = {}): WorkOrder {
  return walk(newOrder(start, overrides), PATH_TO[state], start + MIN).order;
}

/** Runs `fn` and returns the WorkOrderError-like thing it throws (fails the test if it does not throw). */
export function caught(fn: () => unknown): { code: string; message: string; field?: string | undefined } {
  try {
    fn();
  } catch (e) {
    return e as { code: string; message: string; field?: string };
  }
  throw new Error('expected an error');
}
