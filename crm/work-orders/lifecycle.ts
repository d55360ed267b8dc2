// The work-order transition function: (order, command, actor, now, config) → { order, event }, or a
// WorkOrderError. Checks, in order: the action is legal in the current state (states.ts MOVES), the actor's
// role may take it, a handler belongs to the order's department, then the action's own rules. The input
// order is never mutated; the returned one has version + 1 and the event is the history row to store.
import { DEFAULT_WORK_ORDER_CONFIG, type WorkOrderConfig } from './config.js';
import { addDuration, dispatchDeadlineFrom, durationLabelZh, needsUrgentDispatch, resolveDeadlineFrom } from './deadlines.js';
import { WorkOrderError } from './errors.js';
import {
  lastRating,
  pendingExtension,
  type Actor,
  type EventDetails,
  type ExtensionRequest,
  type Rating,
  type RatingScores,
  type WorkOrder,
  type WorkOrderEvent,
} from '../../contracts/work-order-model.js';
import { orderCodeFor } from './order-code.js';
import { validateCreateWorkOrder } from '../../contracts/work-order-schemas.js';
import { ACTION_LABELS_ZH, canApply, MOVES, RECEIVE_ROLES, ROLE_LABELS_ZH, STATE_LABELS_ZH, type WorkOrderAction } from '../../contracts/work-order-states.js';
import { DAY_MS, formatLocal, isDateKey, localDayStart } from './working-calendar.js';

interface Base {
  /** Free comment; becomes the event's reason when the action has no mandatory reason. */
  comment?: string | undefined;
}

export type WorkOrderCommand =
  | (Base & { type: 'answer_on_spot'; answer: string })
  | (Base & { type: 'dispatch'; departmentId: string })
  | (Base & { type: 'sign' })
  | (Base & { type: 'return'; reason: string })
  | (Base & { type: 'start' })
  | (Base & { type: 'request_extension'; reason: string; requestedDueDate: string })
  /** newDueDate defaults to the requested date; the hotline may grant a different (earlier or later) one. */
  | (Base & { type: 'approve_extension'; newDueDate?: string | undefined })
  | (Base & { type: 'reject_extension'; reason: string })
  | (Base & { type: 'reply'; content: string })
  | (Base & { type: 'accept_reply' })
  | (Base & { type: 'reject_reply'; reason: string })
  | (Base & { type: 'rate'; rating: RatingScores })
  | (Base & { type: 'close_unrated'; reason: string })
  | (Base & { type: 'rework' })
  /** A dissatisfied order may only be closed by a supervisor/admin, with a reason (认定理由). */
  | (Base & { type: 'close'; reason?: string | undefined })
  | (Base & { type: 'archive' });

// compile-time check: one command per action in the table
type _EveryActionHasACommand = WorkOrderAction extends WorkOrderCommand['type'] ? true : never;
const _everyActionHasACommand: _EveryActionHasACommand = true; // fails to compile if an action lacks a command

export interface TransitionResult {
  order: WorkOrder;
  event: WorkOrderEvent;
}

export const RATING_LABELS_ZH: Record<keyof RatingScores, string> = {
  speed: '办理速度',
  result: '办理结果',
  attitude: '服务态度',
  replyQuality: '答复质量',
  satisfied: '总体评价',
};

/** 受理: creates the order in `received`. `seq` is the daily sequence from the database. */
export function createWorkOrder(params: { id: string; seq: number; input: unknown; actor: Actor; now: number; config?: WorkOrderConfig }): TransitionResult {
  const { id, seq, actor, now } = params;
  const config = params.config ?? DEFAULT_WORK_ORDER_CONFIG;
  if (!RECEIVE_ROLES.includes(actor.role)) {
    throw new WorkOrderError('forbidden_role', `${ROLE_LABELS_ZH[actor.role]}无权受理工单`);
  }
  const v = validateCreateWorkOrder(params.input);
  if (!v.ok) {
    const first = v.issues[0];
    throw new WorkOrderError('validation_failed', first?.message ?? '工单信息有误', first?.field, v.issues);
  }
  const input = v.value;
  const order: WorkOrder = {
    ...input,
    id,
    code: orderCodeFor(now, seq),
    version: 1,
    state: 'received',
    stateSince: now,
    receivedAt: now,
    receivedBy: actor.id,
    updatedAt: now,
    departmentId: null,
    dispatchedAt: null,
    dispatchCount: 0,
    dispatchDeadline: needsUrgentDispatch(input) ? dispatchDeadlineFrom(now, config) : null,
    resolveDeadline: resolveDeadlineFrom(now, input.timeLimitClass, config),
    answer: null,
    replies: [],
    returns: [],
    extensions: [],
    ratings: [],
    reworkCount: 0,
    specialSupervision: false,
    deadlineActions: [],
    closedAt: null,
    archivedAt: null,
  };
  const details: EventDetails = { dueAt: order.resolveDeadline.dueAt };
  return {
    order,
    event: { orderId: id, orderCode: order.code, version: 1, action: 'receive', from: null, to: 'received', actor, at: now, reason: null, details },
  };
}

/** Applies one command. Throws WorkOrderError (code + Chinese message) when it is not allowed. */
export function transition(
  order: WorkOrder,
  command: WorkOrderCommand,
  actor: Actor,
  now: number,
  config: WorkOrderConfig = DEFAULT_WORK_ORDER_CONFIG,
): TransitionResult {
  const action = command.type;
  if (!Object.hasOwn(MOVES, action)) throw new WorkOrderError('illegal_transition', `未知的工单操作：${String(action)}`);
  if (!Object.hasOwn(ROLE_LABELS_ZH, actor.role)) throw new WorkOrderError('forbidden_role', `未知的角色：${String(actor.role)}`);
  const label = ACTION_LABELS_ZH[action];
  if (!canApply(order.state, action)) {
    throw new WorkOrderError('illegal_transition', `工单当前状态为「${STATE_LABELS_ZH[order.state]}」，不能执行「${label}」`);
  }
  if (!MOVES[action].roles.includes(actor.role)) {
    throw new WorkOrderError('forbidden_role', `${ROLE_LABELS_ZH[actor.role]}无权执行「${label}」`);
  }
  if (actor.role === 'handler' && (!actor.departmentId || actor.departmentId !== order.departmentId)) {
    throw new WorkOrderError('wrong_department', `该工单不属于您所在的部门，不能执行「${label}」`);
  }

  const step = apply(order, command, actor, now, config);
  const from = order.state;
  const to = MOVES[action].to ?? from;
  const version = order.version + 1;
  const next: WorkOrder = {
    ...order,
    ...step.patch,
    state: to,
    stateSince: to === from ? order.stateSince : now,
    version,
    updatedAt: now,
  };
  const reason = step.reason ?? clean(command.comment);
  return {
    order: next,
    event: { orderId: order.id, orderCode: order.code, version, action, from, to, actor, at: now, reason, details: step.details },
  };
}

interface Step {
  patch: Partial<WorkOrder>;
  details: EventDetails;
  reason?: string | null;
}

function apply(order: WorkOrder, cmd: WorkOrderCommand, actor: Actor, now: number, config: WorkOrderConfig): Step {
  switch (cmd.type) {
    case 'answer_on_spot': {
      const answer = required(cmd.answer, 'content_required', 'answer', '直办答复内容不能为空');
      return { patch: { answer, departmentId: null, closedAt: now }, details: { content: answer } };
    }
    case 'dispatch': {
      const departmentId = required(cmd.departmentId, 'department_required', 'departmentId', '请选择承办部门');
      if (order.returns.some((r) => r.departmentId === departmentId) && actor.role !== 'supervisor' && actor.role !== 'admin') {
        throw new WorkOrderError('department_returned', '该部门已退回过此工单，再次派往该部门须由值班长操作', 'departmentId');
      }
      const late = order.dispatchDeadline !== null && now >= order.dispatchDeadline.dueAt;
      return {
        patch: { departmentId, dispatchedAt: now, dispatchCount: order.dispatchCount + 1 },
        details: { departmentId, dueAt: order.resolveDeadline.dueAt, ...(order.dispatchDeadline !== null ? { late } : {}) },
      };
    }
    case 'sign':
    case 'start':
      return { patch: {}, details: { departmentId: order.departmentId as string } };
    case 'return': {
      const reason = required(cmd.reason, 'reason_required', 'reason', '回退须填写原因');
      const closesAt = addDuration(config.calendar, order.dispatchedAt as number, config.returnWindow);
      if (now >= closesAt) {
        throw new WorkOrderError(
          'return_window_expired',
          `回退须在派单后${durationLabelZh(config.returnWindow)}内提出（截止 ${formatLocal(closesAt)}），现已超过回退期限`,
        );
      }
      const departmentId = order.departmentId as string;
      const w = withdrawPending(order, actor, now, '工单已回退');
      return {
        patch: {
          departmentId: null,
          returns: [...order.returns, { departmentId, by: actor.id, at: now, reason }],
          // an urgent order must again be dispatched within the urgent limit
          dispatchDeadline: needsUrgentDispatch(order) ? dispatchDeadlineFrom(now, config) : null,
          ...w.patch,
        },
        details: { departmentId, ...w.details },
        reason,
      };
    }
    case 'request_extension': {
      const reason = required(cmd.reason, 'reason_required', 'reason', '申请延期须填写原因');
      if (pendingExtension(order) !== null) {
        throw new WorkOrderError('extension_pending', '已有待审批的延期申请，请等待审批结果后再申请');
      }
      const dueAt = endOfDate(cmd.requestedDueDate, 'requestedDueDate', '申请的新办结日期');
      checkLater(dueAt, order, now, 'requestedDueDate', '申请的新办结日期');
      const ext: ExtensionRequest = {
        departmentId: order.departmentId as string,
        requestedBy: actor.id,
        requestedAt: now,
        reason,
        requestedDueDate: cmd.requestedDueDate,
        previousDueAt: order.resolveDeadline.dueAt,
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        decisionComment: null,
        grantedDueAt: null,
      };
      return {
        patch: { extensions: [...order.extensions, ext] },
        details: { requestedDueDate: cmd.requestedDueDate, previousDueAt: order.resolveDeadline.dueAt },
        reason,
      };
    }
    case 'approve_extension': {
      const pending = requirePending(order);
      const date = cmd.newDueDate ?? pending.requestedDueDate;
      const dueAt = endOfDate(date, 'newDueDate', '批准的新办结日期');
      checkLater(dueAt, order, now, 'newDueDate', '批准的新办结日期');
      const decided: ExtensionRequest = {
        ...pending,
        status: 'approved',
        decidedBy: actor.id,
        decidedAt: now,
        decisionComment: clean(cmd.comment),
        grantedDueAt: dueAt,
      };
      return {
        patch: { extensions: replaceExt(order, pending, decided), resolveDeadline: { ...order.resolveDeadline, dueAt } },
        details: { previousDueAt: order.resolveDeadline.dueAt, dueAt, requestedDueDate: pending.requestedDueDate },
      };
    }
    case 'reject_extension': {
      const pending = requirePending(order);
      const reason = required(cmd.reason, 'reason_required', 'reason', '驳回延期须填写理由');
      const decided: ExtensionRequest = { ...pending, status: 'rejected', decidedBy: actor.id, decidedAt: now, decisionComment: reason };
      return {
        patch: { extensions: replaceExt(order, pending, decided) },
        details: { requestedDueDate: pending.requestedDueDate, dueAt: order.resolveDeadline.dueAt },
        reason,
      };
    }
    case 'reply': {
      const content = required(cmd.content, 'content_required', 'content', '答复内容不能为空');
      const departmentId = order.departmentId as string;
      const late = now >= order.resolveDeadline.dueAt;
      const w = withdrawPending(order, actor, now, '部门已答复');
      return {
        patch: { replies: [...order.replies, { departmentId, by: actor.id, at: now, content, late }], ...w.patch },
        details: { departmentId, content, late, dueAt: order.resolveDeadline.dueAt, ...w.details },
      };
    }
    case 'accept_reply':
      return { patch: {}, details: {} };
    case 'reject_reply':
      return { patch: {}, details: {}, reason: required(cmd.reason, 'reason_required', 'reason', '退回答复须填写原因') };
    case 'rate': {
      const rating: Rating = { ...checkRating(cmd.rating), comment: clean(cmd.comment), by: actor.id, at: now, round: order.reworkCount };
      // 专项督办: dissatisfied again after a rework. The flag stays; the order goes on being processed.
      const special = order.specialSupervision || (!rating.satisfied && order.reworkCount >= 1);
      return {
        patch: { ratings: [...order.ratings, rating], specialSupervision: special },
        details: { rating, specialSupervision: special },
      };
    }
    case 'close_unrated': {
      const reason = required(cmd.reason, 'reason_required', 'reason', '无评价办结须填写原因（如多次回访未接通）');
      return { patch: { closedAt: now }, details: {}, reason };
    }
    case 'rework': {
      const rating = lastRating(order);
      if (rating === null || rating.satisfied) {
        throw new WorkOrderError('rework_requires_dissatisfied', '仅市民评价为不满意的工单可以重办');
      }
      const resolveDeadline = resolveDeadlineFrom(now, order.timeLimitClass, config, { rework: true });
      const reworkCount = order.reworkCount + 1;
      return {
        patch: { reworkCount, resolveDeadline },
        details: { departmentId: order.departmentId as string, dueAt: resolveDeadline.dueAt, reworkCount },
      };
    }
    case 'close': {
      const rating = lastRating(order);
      if (rating !== null && !rating.satisfied) {
        if (actor.role !== 'supervisor' && actor.role !== 'admin') {
          throw new WorkOrderError('close_dissatisfied_requires_supervisor', '市民评价不满意的工单须重办，或由值班长认定后办结');
        }
        const reason = required(cmd.reason, 'reason_required', 'reason', '办结不满意工单须填写认定理由');
        return { patch: { closedAt: now }, details: {}, reason };
      }
      return { patch: { closedAt: now }, details: {}, reason: clean(cmd.reason) };
    }
    case 'archive':
      return { patch: { archivedAt: now }, details: {} };
  }
}

function clean(s: string | undefined | null): string | null {
  const t = typeof s === 'string' ? s.trim() : '';
  return t === '' ? null : t;
}

function required(value: unknown, code: 'reason_required' | 'content_required' | 'department_required', field: string, message: string): string {
  const t = clean(typeof value === 'string' ? value : null);
  if (t === null) throw new WorkOrderError(code, message, field);
  return t;
}

function endOfDate(date: unknown, field: string, what: string): number {
  if (typeof date !== 'string' || !isDateKey(date)) {
    throw new WorkOrderError('invalid_due_date', `${what}格式无效，应为 YYYY-MM-DD`, field);
  }
  return localDayStart(date) + DAY_MS;
}

function checkLater(dueAt: number, order: WorkOrder, now: number, field: string, what: string): void {
  if (dueAt <= order.resolveDeadline.dueAt || dueAt <= now) {
    throw new WorkOrderError('invalid_due_date', `${what}须晚于当前办结时限（${formatLocal(order.resolveDeadline.dueAt)}）`, field);
  }
}

function requirePending(order: WorkOrder): ExtensionRequest {
  const p = pendingExtension(order);
  if (p === null) throw new WorkOrderError('no_pending_extension', '该工单没有待审批的延期申请');
  return p;
}

function replaceExt(order: WorkOrder, old: ExtensionRequest, next: ExtensionRequest): ExtensionRequest[] {
  return order.extensions.map((e) => (e === old ? next : e));
}

/** A pending extension lapses when the department returns or replies. */
function withdrawPending(order: WorkOrder, actor: Actor, now: number, why: string): { patch: Partial<WorkOrder>; details: EventDetails } {
  const p = pendingExtension(order);
  if (p === null) return { patch: {}, details: {} };
  const w: ExtensionRequest = { ...p, status: 'withdrawn', decidedBy: actor.id, decidedAt: now, decisionComment: why };
  return { patch: { extensions: replaceExt(order, p, w) }, details: { extensionWithdrawn: true } };
}

function checkRating(r: unknown): RatingScores {
  const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
  const scores = {} as Record<'speed' | 'result' | 'attitude' | 'replyQuality', number>;
  for (const k of ['speed', 'result', 'attitude', 'replyQuality'] as const) {
    const v = o[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 5) {
      throw new WorkOrderError('invalid_rating', `${RATING_LABELS_ZH[k]}评分须为1至5的整数`, `rating.${k}`);
    }
    scores[k] = v;
  }
  if (typeof o.satisfied !== 'boolean') {
    throw new WorkOrderError('invalid_rating', `${RATING_LABELS_ZH.satisfied}须选择满意或不满意`, 'rating.satisfied');
  }
  return { ...scores, satisfied: o.satisfied };
}
