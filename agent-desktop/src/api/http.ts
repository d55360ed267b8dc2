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

/** A JSON payload that has the shape of the server's ApiErrorBody (anything else is not passed on as one). */
export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string';
}

export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  token?: string | undefined;
  body?: unknown;
  /** Appended as a query string; null/undefined/'' values are left out. */
  query?: Record<string, QueryValue> | undefined;
  headers?: Record<string, string> | undefined;
}

/** JSON request to the hotline API; throws ApiError on a non-2xx answer or a network failure. */
export async function requestJson<Res>(method: 'GET' | 'POST', path: string, opts: RequestOptions = {}): Promise<Res> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let url = path;
  if (opts.query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(opts.query)) {
      if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    if (qs) url += (url.includes('?') ? '&' : '?') + qs;
  }
  let res: Response;
  try {
    res = await fetch(url, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, null);
  }
  const payload: unknown = await res.json().catch(() => null);
  if (!res.ok) throw new ApiError(res.status, isApiErrorBody(payload) ? payload : null);
  return payload as Res;
}

/** Binary GET (e.g. a recording, fetched with the bearer token an <audio src> cannot send); ApiError as requestJson. */
export async function requestBlob(path: string, token: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
  } catch {
    throw new ApiError(0, null);
  }
  if (!res.ok) {
    const payload: unknown = await res.json().catch(() => null);
    throw new ApiError(res.status, isApiErrorBody(payload) ? payload : null);
  }
  return res.blob();
}

function postJson<Res>(path: string, body: unknown, token?: string): Promise<Res> {
  return requestJson<Res>('POST', path, { body, token });
}

export function login(req: LoginRequest): Promise<LoginResponse> {
  return postJson<LoginResponse>('/api/auth/login', req);
}

/** Ends the session on the server too: a copy of the token stops working, the other tabs are disconnected. */
export function logout(token: string): Promise<unknown> {
  return requestJson('POST', '/api/auth/logout', { token });
}
