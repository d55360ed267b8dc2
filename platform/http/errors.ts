// Stable error codes → HTTP status; 5xx bodies never leak internals.
import type { FastifyReply } from 'fastify';
import type { ZodError } from 'zod';
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
  rate_limited: 429,
  internal: 500,
};

export class ApiError extends Error {
  constructor(readonly code: ErrorCode, message: string, readonly fields?: FieldIssue[]) {
    super(message);
    this.name = 'ApiError';
  }
}

export function fieldIssues(err: ZodError): FieldIssue[] {
  return err.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}

export function validationError(err: ZodError): ApiError {
  const fields = fieldIssues(err);
  return new ApiError('validation_failed', fields.map((f) => `${f.field}: ${f.message}`).join('; '), fields);
}

export function errorBody(err: ApiError): ApiErrorBody {
  return { error: { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}) } };
}

export function sendError(reply: FastifyReply, err: ApiError): FastifyReply {
  return reply.code(STATUS[err.code]).send(errorBody(err));
}
