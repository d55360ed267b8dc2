// Typed calls of the work-order API (contracts/work-orders.ts). Type-only imports: the contract's zod schemas
// stay on the server, the browser bundle only gets the shapes.
import type {
  CatalogResponse,
  CatalogSuggestResponse,
  CreateWorkOrderRequest,
  CreateWorkOrderResponse,
  DepartmentsResponse,
  KnowledgeListResponse,
  ScreenPopResponse,
  PublicProgressResponse,
  WorkOrderActionRequest,
  WorkOrderActionResponse,
  WorkOrderDetailResponse,
  WorkOrderListResponse,
  WorkOrderState,
} from '../../../contracts/work-orders.js';
import { ApiError, requestBlob, requestJson } from './http';

/** GET /api/work-orders query (WorkOrderListQuery on the server). */
export interface ListParams {
  state?: readonly WorkOrderState[] | undefined;
  departmentCode?: string | undefined;
  phone?: string | undefined;
  code?: string | undefined;
  q?: string | undefined;
  overdue?: boolean | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface WorkOrderApi {
  list(query: ListParams): Promise<WorkOrderListResponse>;
  detail(code: string): Promise<WorkOrderDetailResponse>;
  act(code: string, action: WorkOrderActionRequest): Promise<WorkOrderActionResponse>;
  departments(): Promise<DepartmentsResponse>;
  catalog(): Promise<CatalogResponse>;
  /** 受理: POST /api/work-orders (the server auto-dispatches or leaves the order at the dispatch desk). */
  create(request: CreateWorkOrderRequest, idempotencyKey?: string): Promise<CreateWorkOrderResponse>;
  /** The citizen's earlier orders and calls (masked as the server decides). */
  screenPop(phone: string): Promise<ScreenPopResponse>;
  /** Catalog items whose code, name, class or keywords contain `q`. */
  searchCatalog(q: string): Promise<CatalogResponse>;
  suggestCatalog(text: string, address?: string): Promise<CatalogSuggestResponse>;
  knowledge(q: string): Promise<KnowledgeListResponse>;
  /** The call's recording (GET /api/recordings/:callId/audio): 403 for those who may not listen, 404 when none. */
  recordingAudio(callId: string): Promise<Blob>;
}

/**
 * The signed-in user's client. A 401 answer means the server forgot the session: `onUnauthorized` runs (the app
 * goes back to the login page) and the error is still thrown to the caller.
 */
export function workOrderApi(token: string, onUnauthorized: () => void): WorkOrderApi {
  const signedIn = async <Res>(request: Promise<Res>): Promise<Res> => {
    try {
      return await request;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onUnauthorized();
      throw err;
    }
  };
  const call = <Res>(
    method: 'GET' | 'POST',
    path: string,
    opts: { body?: unknown; query?: Record<string, string | number | boolean | undefined>; headers?: Record<string, string> } = {},
  ) => signedIn(requestJson<Res>(method, path, { token, ...opts }));
  return {
    list: (q) =>
      call<WorkOrderListResponse>('GET', '/api/work-orders', {
        query: {
          state: q.state && q.state.length > 0 ? q.state.join(',') : undefined,
          departmentCode: q.departmentCode,
          phone: q.phone,
          code: q.code,
          q: q.q,
          overdue: q.overdue,
          limit: q.limit,
          cursor: q.cursor,
        },
      }),
    detail: (code) => call<WorkOrderDetailResponse>('GET', `/api/work-orders/${encodeURIComponent(code)}`),
    act: (code, action) => call<WorkOrderActionResponse>('POST', `/api/work-orders/${encodeURIComponent(code)}/actions`, { body: action }),
    departments: () => call<DepartmentsResponse>('GET', '/api/departments'),
    catalog: () => call<CatalogResponse>('GET', '/api/catalog'),
    // the same key on every retry of one save: the server then makes the order once (crm/work-orders/create-requests.ts)
    create: (request, idempotencyKey) =>
      call<CreateWorkOrderResponse>('POST', '/api/work-orders', { body: request, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : undefined }),
    screenPop: (phone) => call<ScreenPopResponse>('GET', '/api/screen-pop', { query: { phone } }),
    searchCatalog: (q) => call<CatalogResponse>('GET', '/api/catalog', { query: { q } }),
    suggestCatalog: (text, address) =>
      call<CatalogSuggestResponse>('GET', '/api/catalog/suggest', { query: { text, address: address || undefined, limit: 5 } }),
    knowledge: (q) => call<KnowledgeListResponse>('GET', '/api/knowledge', { query: { q: q || undefined, limit: 10 } }),
    recordingAudio: (callId) => signedIn(requestBlob(`/api/recordings/${encodeURIComponent(callId)}/audio`, token)),
  };
}

/** 工单进度查询 for citizens: no login. 429 when the IP asked too often (see PUBLIC_PROGRESS_LIMIT_PER_MINUTE). */
export function publicProgress(code: string, phone: string): Promise<PublicProgressResponse> {
  return requestJson<PublicProgressResponse>('GET', '/api/public/progress', { query: { code, phone } });
}
