// HTTP client for /api/*. Errors carry the HTTP status and, when the server sent one, its ApiErrorBody.
import type { LoginRequest, LoginResponse } from '../../../contracts/api.js';
import type { ApiErrorBody } from '../../../contracts/errors.js';

export class ApiError extends Error {
  constructor(
    /** 0 when the request never reached the server. */
    readonly status: number,
    readonly body: ApiErrorBody | null,
  ) {
    super(body?.error.message ?? (status === 0 ? 'network error' : `HTTP ${status}`));
    this.name = 'ApiError';
  }
}

function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string';
}

async function postJson<Res>(path: string, body: unknown, token?: string): Promise<Res> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let res: Response;
  try {
    res = await fetch(path, { method: 'POST', headers, body: JSON.stringify(body) });
  } catch {
    throw new ApiError(0, null);
  }
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, isApiErrorBody(payload) ? payload : null);
  return payload as Res;
}

export function login(req: LoginRequest): Promise<LoginResponse> {
  return postJson<LoginResponse>('/api/auth/login', req);
}
