// The one error type of the API: stable codes (contracts/errors.ts) → HTTP status; 5xx bodies never leak
// internals. Also the two ways a route turns what it was given into ApiErrors: zod issues (parseBody) and the
// domain's refusals (refusalsAs).
import type { FastifyReply } from 'fastify';
import type { z, ZodError } from 'zod';
import type { ApiErrorBody, ErrorCode, FieldIssue } from '../../contracts/errors.js';

const STATUS: Record<ErrorCode, number> = {
  validation_failed: 400,
  invalid_credentials: 401,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  // 409 means only "changed meanwhile, refresh and retry"; a move the state machine refuses is 422
  illegal_transition: 422,
  telephony_unavailable: 503,
  database_unavailable: 503,
  rate_limited: 429,
  internal: 500,
};

export class ApiError extends Error {
  /** With rate_limited and database_unavailable: sent as the retry-after header and in the body. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldIssue[],
    opts: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

/**
 * 400 validation_failed with one field issue per zod issue (dotted path, '(body)' for the whole value); the
 * message joins the issues' own (Chinese) messages. `prefix` names the part of the request, e.g. 'query'.
 */
export function validationError(err: ZodError, prefix?: string): ApiError {
  const fields = err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((x) => x !== undefined && x !== '').join('.') || '(body)',
    message: i.message,
  }));
  return new ApiError('validation_failed', fields.map((f) => f.message).join('；'), fields);
}

/** `value` (a body, query or params; absent = {}) parsed with `schema`, else a validationError. */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, prefix?: string): z.output<T> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw validationError(parsed.error, prefix);
  return parsed.data;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `fn`, turning the domain's refusals into API errors (the first matching class decides the code), also
 * when `fn` returns a promise that rejects with one.
 */
export function refusalsAs<T>(fn: () => T, codes: readonly (readonly [ErrorClass, ErrorCode])[]): T {
  const translate = (err: unknown): never => {
    const hit = codes.find(([cls]) => err instanceof cls);
    if (hit) throw new ApiError(hit[1], (err as Error).message);
    throw err;
  };
  let result: T;
  try {
    result = fn();
  } catch (err) {
    return translate(err);
  }
  if (result instanceof Promise) return result.catch(translate) as T;
  return result;
}

export function errorBody(err: ApiError): ApiErrorBody {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.fields ? { fields: err.fields } : {}),
      ...(err.retryAfterSeconds !== undefined ? { retryAfterSeconds: err.retryAfterSeconds } : {}),
    },
  };
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
  return reply.code(STATUS[err.code]).send(errorBody(err));
}
