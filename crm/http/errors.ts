// Error answers of the CRM routes: the stable codes of contracts/errors.ts with Chinese messages and field
// issues. Installed as the error handler of the CRM routes' own fastify scope, so the rest of the app is unchanged.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { PUBLIC_RATE_LIMITED_CODE } from '../../contracts/work-orders.js';
import { ApiError, errorBody, sendError } from '../../platform/http/errors.js';
import { CsvParseError } from '../catalog/csv.js';
import { CatalogValidationError } from '../catalog/validate.js';
import { WorkOrderError } from '../work-orders/errors.js';
import { OrderNotFoundError, VersionConflictError } from '../work-orders/service.js';

export class RateLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`查询过于频繁，请${retryAfterSeconds}秒后再试`);
    this.name = 'RateLimitedError';
  }
}

/** 400 validation_failed with one field issue per zod issue; `prefix` names the part of the request. */
export function invalid(err: ZodError, prefix?: string): ApiError {
  const fields = err.issues.map((i) => ({
    field: [prefix, ...i.path.map(String)].filter((x) => x !== undefined && x !== '').join('.') || '(body)',
    message: i.message,
  }));
  return new ApiError('validation_failed', fields.map((f) => f.message).join('；'), fields);
}

export function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkOrderError) return new ApiError(err.apiCode, err.message, err.issues.length > 0 ? [...err.issues] : undefined);
  if (err instanceof VersionConflictError) return new ApiError('conflict', err.message);
  if (err instanceof OrderNotFoundError) return new ApiError('not_found', err.message);
  if (err instanceof CatalogValidationError) {
    return new ApiError(
      'validation_failed',
      `职责清单校验失败（${err.issues.length}处问题），未做任何修改`,
      err.issues.map((message) => ({ field: 'catalog', message })),
    );
  }
  if (err instanceof CsvParseError) return new ApiError('validation_failed', `CSV 格式错误：${err.message}`, [{ field: 'files', message: err.message }]);
  return null;
}

function send(reply: FastifyReply, err: ApiError): FastifyReply {
  // An illegal step is not a stale read: 422 keeps 409 for "refresh and retry" (version conflicts) only.
  if (err.code === 'illegal_transition') return reply.code(422).send(errorBody(err));
  return sendError(reply, err);
}

export function installCrmErrorHandler(scope: FastifyInstance, log: Logger): void {
  scope.setErrorHandler((err, req, reply) => {
    if (err instanceof RateLimitedError) {
      return reply
        .code(429)
        .header('retry-after', String(err.retryAfterSeconds))
        .send({ error: { code: PUBLIC_RATE_LIMITED_CODE, message: err.message, retryAfterSeconds: err.retryAfterSeconds } });
    }
    const api = toApiError(err);
    if (api) return send(reply, api);
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      const e = err as { code?: string; message?: string };
      const message = e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(e.message ?? '') ? '请求内容不是有效的 JSON' : `请求格式不正确：${e.message ?? ''}`;
      return sendError(reply, new ApiError('validation_failed', message, [{ field: '(body)', message }]));
    }
    log.error({ err, url: req.url, method: req.method }, 'crm request failed');
    return sendError(reply, new ApiError('internal', '服务器内部错误，请稍后重试'));
  });
}
