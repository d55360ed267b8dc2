// HTTP contract of the work-order (工单) API, one import for the server and the desktop: the agent desk, the dispatch desk, supervisors, department handlers
// (the department portal) and admins. Request bodies/queries are validated on the server with these zod
// schemas; every message is Simplified Chinese and errors come back as ApiErrorBody (contracts/errors.ts) with
// `fields: [{ field, message }]` naming the offending input (dotted path, e.g. "citizen.phone").
//
// Browser-safe: only zod and the other contracts (no Node imports). Instants are ms since the epoch (numbers);
// local dates are 'YYYY-MM-DD' in China time (UTC+8).
//
// Endpoints (Authorization: Bearer <token> unless noted):
//   POST /api/work-orders                    201 CreateWorkOrderResponse      agent, dispatcher, supervisor, admin
//        (Idempotency-Key: <key> header: the same key again answers 200 with the order the first made)
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
//
// The shapes live in smaller files, re-exported here: work-order-views.ts (served shapes, no zod),
// work-order-requests.ts (the order endpoints), work-order-reference.ts (catalog, departments, knowledge) and
// work-order-public.ts (the citizen's progress query).
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

export * from './work-order-public.js';
export * from './work-order-reference.js';
export * from './work-order-requests.js';
export * from './work-order-views.js';
