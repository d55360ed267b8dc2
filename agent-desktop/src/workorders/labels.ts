// Enum value → message key. Records over the contract's unions, so a new state, action or type in the
// contract fails the type check here until it has a label in every language.
import type { Role } from '../../../contracts/api.js';
import type {
  ActorRole,
  Channel,
  ExtensionRequest,
  OrderType,
  TimeLimitClass,
  Urgency,
  WorkOrderAction,
  WorkOrderEventAction,
  WorkOrderState,
} from '../../../contracts/work-orders.js';
import type { MessageKey } from '../i18n/zh-CN';

export const STATE_KEYS: Record<WorkOrderState, MessageKey> = {
  received: 'wo.state.received',
  dispatched: 'wo.state.dispatched',
  signed: 'wo.state.signed',
  in_progress: 'wo.state.in_progress',
  replied: 'wo.state.replied',
  callback_pending: 'wo.state.callback_pending',
  rated: 'wo.state.rated',
  closed: 'wo.state.closed',
  archived: 'wo.state.archived',
  returned: 'wo.state.returned',
};

/** Every state, in lifecycle order (filters). */
export const STATES_IN_ORDER = Object.keys(STATE_KEYS) as WorkOrderState[];

export const STATE_COLORS: Record<WorkOrderState, string> = {
  received: 'default',
  dispatched: 'blue',
  signed: 'cyan',
  in_progress: 'processing',
  replied: 'purple',
  callback_pending: 'gold',
  rated: 'lime',
  closed: 'success',
  archived: 'default',
  returned: 'orange',
};

export const TYPE_KEYS: Record<OrderType, MessageKey> = {
  consultation: 'wo.type.consultation',
  help: 'wo.type.help',
  complaint: 'wo.type.complaint',
  report: 'wo.type.report',
  suggestion: 'wo.type.suggestion',
};

export const CHANNEL_KEYS: Record<Channel, MessageKey> = {
  phone: 'wo.channel.phone',
  web: 'wo.channel.web',
  app: 'wo.channel.app',
  wechat: 'wo.channel.wechat',
  sms: 'wo.channel.sms',
};

export const URGENCY_KEYS: Record<Urgency, MessageKey> = {
  normal: 'wo.urgency.normal',
  urgent: 'wo.urgency.urgent',
};

export const TIME_LIMIT_KEYS: Record<TimeLimitClass, MessageKey> = {
  urgent_dispatch: 'wo.timeLimit.urgent_dispatch',
  life_property: 'wo.timeLimit.life_property',
  utility: 'wo.timeLimit.utility',
  general: 'wo.timeLimit.general',
  complex: 'wo.timeLimit.complex',
};

/** History labels (处理记录), as ACTION_LABELS_ZH. */
export const EVENT_KEYS: Record<WorkOrderEventAction, MessageKey> = {
  receive: 'wo.event.receive',
  answer_on_spot: 'wo.event.answer_on_spot',
  dispatch: 'wo.event.dispatch',
  sign: 'wo.event.sign',
  return: 'wo.event.return',
  start: 'wo.event.start',
  request_extension: 'wo.event.request_extension',
  approve_extension: 'wo.event.approve_extension',
  reject_extension: 'wo.event.reject_extension',
  reply: 'wo.event.reply',
  accept_reply: 'wo.event.accept_reply',
  reject_reply: 'wo.event.reject_reply',
  rate: 'wo.event.rate',
  close_unrated: 'wo.event.close_unrated',
  rework: 'wo.event.rework',
  close: 'wo.event.close',
  archive: 'wo.event.archive',
  remind: 'wo.event.remind',
  escalate: 'wo.event.escalate',
  mark_urgent: 'wo.event.mark_urgent',
};

/** Button labels: short imperative words (通过 / 退回 on the review tab). */
export const BUTTON_KEYS: Record<WorkOrderAction, MessageKey> = {
  answer_on_spot: 'wo.button.answer_on_spot',
  dispatch: 'wo.button.dispatch',
  sign: 'wo.button.sign',
  return: 'wo.button.return',
  start: 'wo.button.start',
  request_extension: 'wo.button.request_extension',
  approve_extension: 'wo.button.approve_extension',
  reject_extension: 'wo.button.reject_extension',
  reply: 'wo.button.reply',
  accept_reply: 'wo.button.accept_reply',
  reject_reply: 'wo.button.reject_reply',
  rate: 'wo.button.rate',
  close_unrated: 'wo.button.close_unrated',
  rework: 'wo.button.rework',
  close: 'wo.button.close',
  archive: 'wo.button.archive',
};

export const ROLE_KEYS: Record<Role | ActorRole, MessageKey> = {
  agent: 'role.agent',
  dispatcher: 'role.dispatcher',
  supervisor: 'role.supervisor',
  handler: 'role.handler',
  admin: 'role.admin',
  system: 'role.system',
};

export const EXTENSION_STATUS_KEYS: Record<ExtensionRequest['status'], MessageKey> = {
  pending: 'detail.extension.pending',
  approved: 'detail.extension.approved',
  rejected: 'detail.extension.rejected',
  withdrawn: 'detail.extension.withdrawn',
};
