// Requests and answers of the work-order endpoints proper (create, list, detail, actions, screen pop); see
// contracts/work-orders.ts for the endpoint table, roles and visibility rules.
import { z } from 'zod';
import type { CreateWorkOrderRawInput } from './work-order-schemas.js';
import { PHONE_PATTERN } from './work-order-schemas.js';
import { WORK_ORDER_ACTIONS, WORK_ORDER_STATES, type WorkOrderAction, type WorkOrderState } from './work-order-states.js';
import type { DispatchOutcome, LinkedCall, WorkOrderEventView, WorkOrderSummary, WorkOrderView } from './work-order-views.js';

// POST /api/work-orders

const optionalId = (label: string) =>
  z
    .string({ error: `${label}须为文本` })
    .trim()
    .min(1, { error: `${label}不能为空` })
    .max(100, { error: `${label}不能超过100个字` })
    .optional();

/**
 * Extra fields of the creation body, beside the creation input (contracts/work-order-schemas.ts CreateWorkOrderInput,
 * which the server validates with validateCreateWorkOrder). `callId` links the order to the call it came from
 * (it must exist); it is also added to links.callIds.
 */
export const CreateWorkOrderExtras = z.object({
  callId: optionalId('关联通话'),
  /**
   * 直办: the agent's answer. The order is received and closed on the spot in the same transaction, instead of
   * being dispatched (auto-dispatch would otherwise take it before a second request could close it).
   */
  answerOnSpot: z
    .string({ error: '直办答复内容须为文本' })
    .trim()
    .min(1, { error: '直办答复内容不能为空' })
    .max(5000, { error: '直办答复内容不能超过5000个字' })
    .optional(),
});

/** The header a sender names its 受理 request by: the same key sent again returns the order the first made. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** Request headers of POST /api/work-orders (others pass through). */
export const IdempotencyKeyHeader = z.looseObject({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string({ error: '幂等键（Idempotency-Key）须为文本' })
    .regex(/^[\x21-\x7e]{8,100}$/, { error: '幂等键（Idempotency-Key）须为8到100个可见ASCII字符' })
    .optional(),
});

export type CreateWorkOrderRequest = CreateWorkOrderRawInput & { callId?: string | undefined; answerOnSpot?: string | undefined };

export interface CreateWorkOrderResponse {
  /** The order after creation and (when the catalog decided it) auto-dispatch. */
  order: WorkOrderView;
  dispatch: DispatchOutcome;
  /** 'receive', then 'dispatch' when auto-dispatched, or 'answer_on_spot' when closed on the spot. */
  events: WorkOrderEventView[];
}

// ---------------------------------------------------------------------------------------------------------------
// GET /api/work-orders

export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 100;

const stateList = z.string({ error: '状态须为文本' }).transform((s, ctx) => {
  const parts = s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  const bad = parts.filter((x) => !(WORK_ORDER_STATES as readonly string[]).includes(x));
  if (bad.length > 0) {
    ctx.addIssue({ code: 'custom', message: `状态取值无效：${bad.join('、')}，应为：${WORK_ORDER_STATES.join('、')}` });
    return z.NEVER;
  }
  return parts as WorkOrderState[];
});

/** Query string of the list. `state` may list several states separated by commas. */
export const WorkOrderListQuery = z.object({
  state: stateList.optional(),
  departmentCode: z.string().trim().min(1, { error: '承办部门不能为空' }).max(100).optional(),
  phone: z.string().trim().regex(PHONE_PATTERN, { error: '联系电话格式不正确' }).optional(),
  code: z.string().trim().min(1, { error: '工单编号不能为空' }).max(40, { error: '工单编号不能超过40个字' }).optional(),
  /** Words in the code, summary, content or address (substring match, case-insensitive). */
  q: z.string().trim().max(100, { error: '搜索词不能超过100个字' }).optional(),
  overdue: z
    .enum(['true', 'false'], { error: '是否超期须为 true 或 false' })
    .transform((v) => v === 'true')
    .optional(),
  limit: z.coerce
    .number({ error: '每页条数须为数字' })
    .int({ error: '每页条数须为整数' })
    .min(1, { error: '每页条数至少为1' })
    .max(LIST_LIMIT_MAX, { error: `每页条数不能超过${LIST_LIMIT_MAX}` })
    .default(LIST_LIMIT_DEFAULT),
  /** nextCursor of the previous page. */
  cursor: z.string().trim().max(200, { error: '分页游标无效' }).optional(),
});
export type WorkOrderListQuery = z.input<typeof WorkOrderListQuery>;

export interface WorkOrderListResponse {
  /** Newest received first. */
  items: WorkOrderSummary[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// GET /api/work-orders/:code

export interface WorkOrderDetailResponse {
  order: WorkOrderView;
  /** Oldest first. */
  events: WorkOrderEventView[];
  /** The actions this user may take now (role, department, state and the action's own rules). */
  legalActions: WorkOrderAction[];
  calls: LinkedCall[];
}

// ---------------------------------------------------------------------------------------------------------------
// POST /api/work-orders/:code/actions — { type, version, ...payload }

const version = z
  .number({ error: (i) => (i.input === undefined ? '版本号不能为空，请刷新后重试' : '版本号须为整数') })
  .int({ error: '版本号须为整数' })
  .min(1, { error: '版本号须为正整数' });
const comment = z.string({ error: '备注须为文本' }).max(2000, { error: '备注不能超过2000个字' }).optional();
const reqText = (label: string, max: number) =>
  z
    .string({ error: (i) => (i.input === undefined || i.input === null ? `${label}不能为空` : `${label}须为文本`) })
    .max(max, { error: `${label}不能超过${max}个字` });
const dateKey = (label: string) =>
  z.string({ error: (i) => (i.input === undefined ? `${label}不能为空` : `${label}须为文本`) }).regex(/^\d{4}-\d{2}-\d{2}$/, {
    error: `${label}格式无效，应为 YYYY-MM-DD`,
  });
const score = (label: string) =>
  z
    .number({ error: (i) => (i.input === undefined ? `${label}评分不能为空` : `${label}评分须为1至5的整数`) })
    .int({ error: `${label}评分须为1至5的整数` })
    .min(1, { error: `${label}评分须为1至5的整数` })
    .max(5, { error: `${label}评分须为1至5的整数` });

export const RatingInput = z.object(
  {
    speed: score('办理速度'),
    result: score('办理结果'),
    attitude: score('服务态度'),
    replyQuality: score('答复质量'),
    satisfied: z.boolean({ error: '总体评价须选择满意或不满意' }),
  },
  { error: '评价不能为空' },
);

const act = <T extends WorkOrderAction, S extends z.ZodRawShape>(type: T, shape: S) => z.object({ type: z.literal(type), version, comment, ...shape });

export const WorkOrderActionRequest = z.discriminatedUnion(
  'type',
  [
    act('answer_on_spot', { answer: reqText('直办答复内容', 5000) }),
    act('dispatch', { departmentId: reqText('承办部门', 100) }),
    act('sign', {}),
    act('return', { reason: reqText('回退原因', 2000) }),
    act('start', {}),
    act('request_extension', { reason: reqText('延期原因', 2000), requestedDueDate: dateKey('申请的新办结日期') }),
    act('approve_extension', { newDueDate: dateKey('批准的新办结日期').optional() }),
    act('reject_extension', { reason: reqText('驳回理由', 2000) }),
    act('reply', { content: reqText('答复内容', 5000) }),
    act('accept_reply', {}),
    act('reject_reply', { reason: reqText('退回原因', 2000) }),
    act('rate', { rating: RatingInput }),
    act('close_unrated', { reason: reqText('无评价办结原因', 2000) }),
    act('rework', {}),
    act('close', { reason: reqText('办结理由', 2000).optional() }),
    act('archive', {}),
  ],
  { error: `操作类型无效，应为：${WORK_ORDER_ACTIONS.join('、')}` },
);
export type WorkOrderActionRequest = z.infer<typeof WorkOrderActionRequest>;

export interface WorkOrderActionResponse {
  order: WorkOrderView;
  event: WorkOrderEventView;
  legalActions: WorkOrderAction[];
}

// ---------------------------------------------------------------------------------------------------------------
// GET /api/screen-pop?phone=

export const ScreenPopQuery = z.object({
  phone: z
    .string({ error: '来电号码不能为空' })
    .trim()
    .min(3, { error: '来电号码不能为空' })
    .max(32, { error: '来电号码过长' })
    .regex(/^\+?[\d-]+$/, { error: '来电号码格式不正确' }),
});
export interface ScreenPopResponse {
  /** The number as normalized for matching (digits; +86/0086 prefix removed from mobile numbers). */
  phone: string;
  /** Newest first, at most 20. */
  orders: WorkOrderSummary[];
  /** Earlier calls of the number, newest first, at most 20. */
  calls: LinkedCall[];
}
