// How the CRM's domain errors answer over HTTP: registered with the app's one error handler
// (platform/http/error-handler.ts), which stays ignorant of work orders and catalogs.
import { PUBLIC_RATE_LIMITED_CODE } from '../../contracts/work-orders.js';
import { errorMappings, type ErrorMappings } from '../../platform/http/error-handler.js';
import { ApiError } from '../../platform/http/errors.js';
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

/** Registers the CRM's mappings (again is harmless: a class's mapping is replaced by the same one). */
export function registerCrmErrorMappings(mappings: ErrorMappings = errorMappings): void {
  mappings.register(WorkOrderError, (e) => new ApiError(e.apiCode, e.message, e.issues.length > 0 ? [...e.issues] : undefined));
  mappings.register(VersionConflictError, (e) => new ApiError('conflict', e.message));
  mappings.register(OrderNotFoundError, (e) => new ApiError('not_found', e.message));
  mappings.register(
    CatalogValidationError,
    (e) =>
      new ApiError(
        'validation_failed',
        `职责清单校验失败（${e.issues.length}处问题），未做任何修改`,
        e.issues.map((message) => ({ field: 'catalog', message })),
      ),
  );
  mappings.register(CsvParseError, (e) => new ApiError('validation_failed', `CSV 格式错误：${e.message}`, [{ field: 'files', message: e.message }]));
  mappings.register(RateLimitedError, (e) => new ApiError(PUBLIC_RATE_LIMITED_CODE, e.message, undefined, { retryAfterSeconds: e.retryAfterSeconds }));
}
