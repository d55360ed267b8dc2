// HTTP contract of the work-order (工单) API: the agent desk, the dispatch desk, supervisors, department handlers
// (the department portal) and admins. Request bodies/queries are validated on the server with these zod
// schemas; every message is Simplified Chinese and errors come back as ApiErrorBody (contracts/errors.ts) with
// `fields: [{ field, message }]` naming the offending input (dotted path, e.g. "citizen.phone").
//
// Browser-safe: only zod and the other contracts (no Node imports). Instants are ms since the epoch (numbers);
// local dates are 'YYYY-MM-DD' in China time (UTC+8).
//
// Endpoints (Authorization: Bearer <token> unless noted):
//   POST /api/work-orders                    201 CreateWorkOrderResponse      agent, dispatcher, supervisor, admin
//   GET  /api/work-orders?…                  200 WorkOrderListResponse        all roles (role-filtered, see below)
//   GET  /api/work-orders/:code              200 WorkOrderDetailResponse      all roles (404 when not visible)
//   POST /api/work-orders/:code/actions      200 WorkOrderActionResponse      per the lifecycle (states.ts MOVES)
//   GET  /api/screen-pop?phone=              200 ScreenPopResponse            agent, dispatcher, supervisor, admin
//   GET  /api/catalog[?q=]                   200 CatalogResponse              all roles
//   GET  /api/catalog/suggest?text=          200 CatalogSuggestResponse       all roles
//   GET  /api/catalog/export?format=json     200 Catalog (JSON file)          admin
//   GET  /api/catalog/export?format=csv      200 CatalogCsvExport             admin  (&table=items → that one text/csv file)
//   POST /api/catalog/import                 200 CatalogImportResponse        admin  (replaces the catalog atomically)
//   GET  /api/departments                    200 DepartmentsResponse          all roles
//   GET  /api/knowledge?q=                   200 KnowledgeListResponse        all roles
//   POST /api/knowledge                      201 KnowledgeArticleResponse     supervisor, admin
//   GET  /api/public/progress?code=&phone=   200 PublicProgressResponse       NO auth; 10 queries/min per IP (429)
//
// Visibility: dispatchers, supervisors and admins see every order. Agents see the orders they received, and the
// orders of a citizen whose number called them (a call offered to or answered by the agent). Handlers see only
// their department's orders. An order that is not visible answers 404, never 403, so codes cannot be probed.
// Confidential orders (citizen.confidential) carry the citizen's phone masked (138****8000) and name masked
// (张**) for everyone except supervisors, admins and handlers of the department holding the order; `masked`
// says when that happened.
import { z } from 'zod';
import type { FieldIssue } from './errors.js';
import type { Catalog, CatalogItem, Department, District, ItemClass } from './catalog.js';
import type { DispatchResult, ItemSuggestion, ManualReasonCode, DistrictMatch } from './catalog.js';
import type {
  Actor,
  Deadline,
  DeadlineActionRecord,
  EventDetails,
  ExtensionRequest,
  Rating,
  RatingScores,
  ReplyRecord,
  ReturnRecord,
  WorkOrder,
  WorkOrderEvent,
} from './work-order-model.js';
import {
  CHANNEL_LABELS_ZH,
  CHANNELS,
  CreateWorkOrderInput,
  FIELD_LABELS_ZH,
  ORDER_TYPE_LABELS_ZH,
  ORDER_TYPES,
  PHONE_PATTERN,
  TIME_LIMIT_CLASS_LABELS_ZH,
  TIME_LIMIT_CLASSES,
  URGENCIES,
  URGENCY_LABELS_ZH,
  type Channel,
  type CreateWorkOrderRawInput,
  type OrderType,
  type TimeLimitClass,
  type Urgency,
} from './work-order-schemas.js';
import {
  ACTION_LABELS_ZH,
  ROLE_LABELS_ZH,
  STATE_LABELS_ZH,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATES,
  type ActorRole,
  type WorkOrderAction,
  type WorkOrderEventAction,
  type WorkOrderState,
} from './work-order-states.js';

export {
  ACTION_LABELS_ZH,
  CHANNEL_LABELS_ZH,
  CHANNELS,
  CreateWorkOrderInput,
  FIELD_LABELS_ZH,
  ORDER_TYPE_LABELS_ZH,
  ORDER_TYPES,
  PHONE_PATTERN,
  ROLE_LABELS_ZH,
  STATE_LABELS_ZH,
  TIME_LIMIT_CLASS_LABELS_ZH,
  TIME_LIMIT_CLASSES,
  URGENCIES,
  URGENCY_LABELS_ZH,
  WORK_ORDER_ACTIONS,
  WORK_ORDER_STATES,
};
export type {
  Actor,
  ActorRole,
  Catalog,
  CatalogItem,
  Channel,
  CreateWorkOrderRawInput,
  Deadline,
  DeadlineActionRecord,
  Department,
  District,
  DistrictMatch,
  DispatchResult,
  EventDetails,
  ExtensionRequest,
  ItemClass,
  ItemSuggestion,
  ManualReasonCode,
  OrderType,
  Rating,
  RatingScores,
  ReplyRecord,
  ReturnRecord,
  TimeLimitClass,
  Urgency,
  WorkOrder,
  WorkOrderAction,
  WorkOrderEvent,
  WorkOrderEventAction,
  WorkOrderState,
};

// ---------------------------------------------------------------------------------------------------------------
// Shared views

/** A work order as served: the domain order, possibly masked, plus display helpers. */
export interface WorkOrderView extends WorkOrder {
  stateLabel: string;
  /** Name of the department holding the order (departmentId is the department code). */
  departmentName: string | null;
  /** The reply is due and not given (see deadlines.ts isOverdue). */
  overdue: boolean;
  /** true when citizen.phone / citizen.name were masked for this user. */
  masked: boolean;
}

/** One list row: what a table of orders needs. */
export interface WorkOrderSummary {
  id: string;
  code: string;
  version: number;
  state: WorkOrderState;
  stateLabel: string;
  type: OrderType;
  channel: Channel;
  urgency: Urgency;
  timeLimitClass: TimeLimitClass;
  catalogItemCode: string;
  summary: string;
  citizen: { phone: string; name?: string | undefined; confidential: boolean };
  district: string;
  departmentId: string | null;
  departmentName: string | null;
  receivedAt: number;
  receivedBy: string;
  updatedAt: number;
  /** Reply due time (办理时限). */
  dueAt: number;
  overdue: boolean;
  specialSupervision: boolean;
  reworkCount: number;
  closedAt: number | null;
  masked: boolean;
}

/** A history row with display helpers. */
export interface WorkOrderEventView extends WorkOrderEvent {
  actionLabel: string;
  /** Display name of the acting user; null for the system or an unknown user. */
  actorName: string | null;
}

/** Where a new order went: a department (auto-dispatch by the catalog) or the manual dispatch desk. */
export type DispatchOutcome =
  | { kind: 'auto'; departmentCode: string; departmentName: string; itemCode: string; reason: string }
  | { kind: 'manual'; code: ManualReasonCode; reason: string }
  /** Not dispatched: answered and closed on the spot (直办) at creation. */
  | { kind: 'on_spot'; reason: string };

/** A call linked to an order (or shown on the screen pop). */
export interface LinkedCall {
  id: string;
  callerNumber: string;
  arrivedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  outcome: 'answered' | 'abandoned' | 'failed' | null;
  agentId: string | null;
  recordingName: string | null;
  /** 录音失败: why the recording failed to start or be stored; null when it did not fail. */
  recordingError: string | null;
  /** 疑似紧急: an emergency word heard from the caller in this call (keyword spotting). */
  emergencyKeyword: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
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
  const parts = s.split(',').map((x) => x.trim()).filter((x) => x !== '');
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
  overdue: z.enum(['true', 'false'], { error: '是否超期须为 true 或 false' }).transform((v) => v === 'true').optional(),
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

const act = <T extends WorkOrderAction, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), version, comment, ...shape });

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

/** Chinese message of the 409 `conflict` answer when `version` is stale. */
export const VERSION_CONFLICT_MESSAGE = '工单已被他人修改，请刷新后重试';

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

// ---------------------------------------------------------------------------------------------------------------
// Catalog and departments

export const CatalogQuery = z.object({ q: z.string().trim().max(50, { error: '搜索词不能超过50个字' }).optional() });
/** The active catalog; with `q`, `items` holds only items whose code, name, class or keywords contain q. */
export type CatalogResponse = Catalog;

export const CatalogSuggestQuery = z.object({
  text: z.string({ error: '诉求文本不能为空' }).trim().min(1, { error: '诉求文本不能为空' }).max(5000, { error: '诉求文本不能超过5000个字' }),
  /** Address text for district detection; defaults to `text`. */
  address: z.string().trim().max(500, { error: '地址不能超过500个字' }).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});
export interface CatalogSuggestion extends ItemSuggestion {
  name: string;
  classCode: string;
  timeLimit: TimeLimitClass;
}
export interface CatalogSuggestResponse {
  items: CatalogSuggestion[];
  district: (DistrictMatch & { name: string }) | null;
  /** What dispatch() would decide for the best suggestion and the detected district; null without a suggestion. */
  dispatch: DispatchOutcome | null;
}

export const CATALOG_CSV_TABLES = ['meta', 'districts', 'departments', 'classes', 'items'] as const;
export type CatalogCsvTable = (typeof CATALOG_CSV_TABLES)[number];
export const CatalogExportQuery = z.object({
  format: z.enum(['json', 'csv'], { error: '导出格式须为 json 或 csv' }).default('json'),
  /** With format=csv: return this one table as a text/csv download instead of the five as JSON. */
  table: z.enum(CATALOG_CSV_TABLES, { error: `表名须为：${CATALOG_CSV_TABLES.join('、')}` }).optional(),
});
/** format=csv without `table`: the five CSV files (UTF-8 with BOM, CRLF), see crm/catalog/csv.ts. */
export type CatalogCsvExport = Record<CatalogCsvTable, string>;

export const CatalogImportRequest = z.discriminatedUnion(
  'format',
  [
    z.object({ format: z.literal('json'), catalog: z.unknown() }),
    z.object({
      format: z.literal('csv'),
      files: z.object(
        Object.fromEntries(CATALOG_CSV_TABLES.map((t) => [t, z.string({ error: `缺少 ${t} 表` })])) as Record<CatalogCsvTable, z.ZodString>,
        { error: 'CSV 文件不能为空' },
      ),
    }),
  ],
  { error: '导入格式须为 json 或 csv' },
);
export type CatalogImportRequest = z.infer<typeof CatalogImportRequest>;
/** On a bad catalog: 400 validation_failed, one field issue per problem (field 'catalog'), nothing replaced. */
export interface CatalogImportResponse {
  version: string;
  districts: number;
  departments: number;
  classes: number;
  items: number;
}

export interface DepartmentView {
  code: string;
  name: string;
  level: 'city' | 'utility' | 'district';
  districtCode: string | null;
  /** false when the current catalog no longer lists it (kept for older orders and accounts). */
  active: boolean;
}
export interface DepartmentsResponse {
  departments: DepartmentView[];
}

// ---------------------------------------------------------------------------------------------------------------
// Knowledge base (知识库)

export const KnowledgeQuery = z.object({
  q: z.string().trim().max(100, { error: '搜索词不能超过100个字' }).optional(),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const NewKnowledgeArticle = z.object({
  title: z.string({ error: '标题不能为空' }).trim().min(1, { error: '标题不能为空' }).max(200, { error: '标题不能超过200个字' }),
  body: z.string({ error: '正文不能为空' }).trim().min(1, { error: '正文不能为空' }).max(20000, { error: '正文不能超过20000个字' }),
  keywords: z.array(z.string().trim().min(1, { error: '关键词不能为空' }).max(50), { error: '关键词须为列表' }).max(50).default([]),
  catalogItemCodes: z.array(z.string().trim().min(1), { error: '关联事项须为列表' }).max(50).default([]),
});
export type NewKnowledgeArticle = z.input<typeof NewKnowledgeArticle>;
export interface KnowledgeArticle {
  id: number;
  title: string;
  body: string;
  keywords: string[];
  catalogItemCodes: string[];
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}
export interface KnowledgeListResponse {
  items: KnowledgeArticle[];
}
export interface KnowledgeArticleResponse {
  article: KnowledgeArticle;
}

// ---------------------------------------------------------------------------------------------------------------
// Citizen progress query (no auth)

export const PublicProgressQuery = z.object({
  code: z.string({ error: '工单编号不能为空' }).trim().min(1, { error: '工单编号不能为空' }).max(40, { error: '工单编号格式不正确' }),
  phone: z.string({ error: '联系电话不能为空' }).trim().regex(PHONE_PATTERN, { error: '联系电话格式不正确' }),
});
export interface PublicProgressResponse {
  code: string;
  stateLabel: string;
  /** Local date of receipt. */
  receivedDate: string;
  /** Local date the reply is due by (办理时限), or null once closed. */
  expectedDate: string | null;
}
/** Per client IP, per minute. Over the limit: HTTP 429 with `error.code` PUBLIC_RATE_LIMITED_CODE. */
export const PUBLIC_PROGRESS_LIMIT_PER_MINUTE = 10;
/** Not (yet) in contracts/errors.ts ERROR_CODES: the 429 answer's error code. */
export const PUBLIC_RATE_LIMITED_CODE = 'rate_limited';
export interface RateLimitedBody {
  error: { code: typeof PUBLIC_RATE_LIMITED_CODE; message: string; retryAfterSeconds: number; fields?: FieldIssue[] };
}
