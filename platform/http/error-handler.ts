// The one error handler of the API, installed once on the app. Features teach it their domain errors through
// `errorMappings` (crm registers WorkOrderError, VersionConflictError, …), so platform never imports a feature.
// Bad input is always a 400 with a Chinese message, never a 500; a 500 says only that something failed.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isTransientDatabaseError } from '../db/database.js';
import { ApiError, sendError } from './errors.js';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export class ErrorMappings {
  private readonly mappings = new Map<ErrorClass<Error>, (err: Error) => ApiError>();

  /** How errors of `cls` (and its subclasses) answer; registering a class again replaces its mapping. */
  register<E extends Error>(cls: ErrorClass<E>, toApi: (err: E) => ApiError): void {
    this.mappings.set(cls, toApi as (err: Error) => ApiError);
  }

  /** The ApiError `err` answers as, if it is one or a registered domain error. */
  toApiError(err: unknown): ApiError | null {
    if (err instanceof ApiError) return err;
    if (!(err instanceof Error)) return null;
    for (const [cls, toApi] of this.mappings) if (err instanceof cls) return toApi(err);
    return null;
  }
}

/** The process's mappings: features register theirs when they register their routes. */
export const errorMappings = new ErrorMappings();

const BAD_JSON = '请求内容不是有效的 JSON';
const INTERNAL = '服务器内部错误，请稍后重试';
const DATABASE_DOWN = '数据库暂时无法访问，请稍后重试';

const installed = new WeakSet<FastifyInstance>();

/** Installs the handler on `app` (a second call on the same app does nothing). */
export function installErrorHandler(app: FastifyInstance, mappings: ErrorMappings = errorMappings): void {
  if (installed.has(app)) return;
  installed.add(app);
  app.setErrorHandler((err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const api = mappings.toApiError(err);
    // an ApiError was composed on purpose, its message included (a 500 one is logged where it is thrown)
    if (api) return sendError(reply, api);
    // fastify's own 4xx: a body that is not JSON, a wrong content type, a body over the limit
    if ((err.statusCode ?? 500) < 500) {
      const message = err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || /JSON/i.test(err.message ?? '') ? BAD_JSON : `请求格式不正确：${err.message ?? ''}`;
      return sendError(reply, new ApiError('validation_failed', message, [{ field: '(body)', message }]));
    }
    // an outage, not a fault of the request: 503 tells clients (the desktop's draft queue) to send it again later
    if (isTransientDatabaseError(err)) {
      req.log.warn({ err: String(err), url: req.url, method: req.method }, 'request refused: the database is unreachable');
      return sendError(reply, new ApiError('database_unavailable', DATABASE_DOWN, undefined, { retryAfterSeconds: 5 }));
    }
    req.log.error({ err, url: req.url, method: req.method }, 'request failed');
    return sendError(reply, new ApiError('internal', INTERNAL));
  });
}
