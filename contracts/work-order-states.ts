// The work-order (工单) lifecycle. One table, MOVES, says for every action which states it may be taken in,
// where it leads and which roles may take it; lifecycle.ts refuses everything else.
//
//  received ──dispatch──► dispatched ──sign──► signed ──start──► in_progress ──reply──► replied
//   受理         派单        已派单      签收     已签收    开始      办理中      答复       已答复
//     │                      ▲    │               │               ▲    ▲                  │   │
//     │              dispatch│    └──return──┐    │return         │    └───reject_reply───┘   │accept_reply
//     │        (another dept)│      (回退)   ▼    ▼               │                           ▼
//     │                      └────────────── returned          rework (重办)           callback_pending
//     │                                      已回退              │                      待回访
//     │                                        │                 │                      │        │
//     │                                        │               rated ◄────rate (评价)───┘        │
//     │                                        │               已评价                            │
//     │answer_on_spot (直办)     answer_on_spot │                 │close                   close_unrated
//     ▼                                        ▼                 ▼                               ▼
//   closed (已办结) ◄──────────────────────────────────────────────────────────────────────────────
//     │archive
//     ▼
//   archived (已归档)
//
// Not state changes, but recorded as events all the same (from = to):
//   signed / in_progress: request_extension (申请延期) → approve_extension | reject_extension
//   any open state: remind (催办) and escalate (督办) from deadlines.ts
// `return` is only allowed within 2 working days of the dispatch; `rework` only after a dissatisfied rating.

export const WORK_ORDER_STATES = [
  'received',
  'dispatched',
  'signed',
  'in_progress',
  'replied',
  'callback_pending',
  'rated',
  'closed',
  'archived',
  'returned',
] as const;
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number];

export const STATE_LABELS_ZH: Record<WorkOrderState, string> = {
  received: '已受理',
  dispatched: '已派单',
  signed: '已签收',
  in_progress: '办理中',
  replied: '已答复',
  callback_pending: '待回访',
  rated: '已评价',
  closed: '已办结',
  archived: '已归档',
  returned: '已回退',
};

export const WORK_ORDER_ROLES = ['agent', 'dispatcher', 'supervisor', 'handler', 'admin'] as const;
/** People who act on work orders. `handler` is a department's case officer. */
export type WorkOrderRole = (typeof WORK_ORDER_ROLES)[number];
/** Automated steps (web/app intake, SMS ratings, deadline checks, auto-archive) act as `system`. */
export type ActorRole = WorkOrderRole | 'system';

export const ROLE_LABELS_ZH: Record<ActorRole, string> = {
  agent: '话务员',
  dispatcher: '派单员',
  supervisor: '值班长',
  handler: '承办部门',
  admin: '系统管理员',
  system: '系统',
};

export const WORK_ORDER_ACTIONS = [
  'answer_on_spot',
  'dispatch',
  'sign',
  'return',
  'start',
  'request_extension',
  'approve_extension',
  'reject_extension',
  'reply',
  'accept_reply',
  'reject_reply',
  'rate',
  'close_unrated',
  'rework',
  'close',
  'archive',
] as const;
export type WorkOrderAction = (typeof WORK_ORDER_ACTIONS)[number];

/** Facts recorded in the history that are not commands: creation, deadline-driven steps, urgency from a 110/120 linkage. */
export type SystemEventAction = 'receive' | 'remind' | 'escalate' | 'mark_urgent';
export type WorkOrderEventAction = WorkOrderAction | SystemEventAction;

export const ACTION_LABELS_ZH: Record<WorkOrderEventAction, string> = {
  receive: '受理',
  answer_on_spot: '直办办结',
  dispatch: '派单',
  sign: '签收',
  return: '回退',
  start: '开始办理',
  request_extension: '申请延期',
  approve_extension: '批准延期',
  reject_extension: '驳回延期',
  reply: '答复',
  accept_reply: '答复审核通过',
  reject_reply: '答复退回重办',
  rate: '回访评价',
  close_unrated: '无评价办结',
  rework: '不满意重办',
  close: '办结',
  archive: '归档',
  remind: '催办',
  escalate: '督办',
  mark_urgent: '紧急联动',
};

export interface Move {
  readonly from: readonly WorkOrderState[];
  /** Target state; null = the order stays where it is (the step is still recorded). */
  readonly to: WorkOrderState | null;
  readonly roles: readonly ActorRole[];
}

const DESK = ['agent', 'dispatcher', 'supervisor', 'admin'] as const; // 受理/派单 desk
const HOTLINE_REVIEW = ['dispatcher', 'supervisor', 'admin'] as const;
const DEPARTMENT = ['handler'] as const;

/** The legal-moves table. Handlers may only act on orders of their own department (checked in lifecycle.ts). */
export const MOVES: Record<WorkOrderAction, Move> = {
  answer_on_spot: { from: ['received', 'returned'], to: 'closed', roles: DESK },
  dispatch: { from: ['received', 'returned'], to: 'dispatched', roles: DESK },
  sign: { from: ['dispatched'], to: 'signed', roles: DEPARTMENT },
  return: { from: ['dispatched', 'signed'], to: 'returned', roles: DEPARTMENT },
  start: { from: ['signed'], to: 'in_progress', roles: DEPARTMENT },
  request_extension: { from: ['signed', 'in_progress'], to: null, roles: DEPARTMENT },
  approve_extension: { from: ['signed', 'in_progress'], to: null, roles: HOTLINE_REVIEW },
  reject_extension: { from: ['signed', 'in_progress'], to: null, roles: HOTLINE_REVIEW },
  reply: { from: ['in_progress'], to: 'replied', roles: DEPARTMENT },
  accept_reply: { from: ['replied'], to: 'callback_pending', roles: HOTLINE_REVIEW },
  reject_reply: { from: ['replied'], to: 'in_progress', roles: HOTLINE_REVIEW },
  rate: { from: ['callback_pending'], to: 'rated', roles: [...DESK, 'system'] },
  close_unrated: { from: ['callback_pending'], to: 'closed', roles: HOTLINE_REVIEW },
  rework: { from: ['rated'], to: 'in_progress', roles: HOTLINE_REVIEW },
  // closing a dissatisfied order is further restricted to supervisor/admin (lifecycle.ts)
  close: { from: ['rated'], to: 'closed', roles: [...DESK, 'system'] },
  archive: { from: ['closed'], to: 'archived', roles: ['supervisor', 'admin', 'system'] },
};

/** Roles that may create (受理) a work order. */
export const RECEIVE_ROLES: readonly ActorRole[] = [...DESK, 'system'];

export function canApply(state: WorkOrderState, action: WorkOrderAction): boolean {
  return MOVES[action].from.includes(state);
}

export function legalActions(state: WorkOrderState): WorkOrderAction[] {
  return WORK_ORDER_ACTIONS.filter((a) => canApply(state, a));
}

/** Where `action` leads from `state`, or null when it is not legal there. */
export function targetState(state: WorkOrderState, action: WorkOrderAction): WorkOrderState | null {
  if (!canApply(state, action)) return null;
  return MOVES[action].to ?? state;
}
