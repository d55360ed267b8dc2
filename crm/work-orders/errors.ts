// Every refusal of the work-order core is a WorkOrderError: an English `code` for programs, a Simplified
// Chinese `message` for people, and the offending `field` (dotted path) when one input field is to blame.
import type { ErrorCode, FieldIssue } from '../../contracts/errors.js';
import { VERSION_CONFLICT_MESSAGE } from '../../contracts/work-order-views.js';

export const WORK_ORDER_ERROR_CODES = [
  'validation_failed',
  'illegal_transition',
  'forbidden_role',
  'wrong_department',
  'reason_required',
  'content_required',
  'department_required',
  'department_returned',
  'return_window_expired',
  'extension_pending',
  'no_pending_extension',
  'invalid_due_date',
  'invalid_rating',
  'rework_requires_dissatisfied',
  'close_dissatisfied_requires_supervisor',
  'invalid_order_code',
  'invalid_config',
] as const;
export type WorkOrderErrorCode = (typeof WORK_ORDER_ERROR_CODES)[number];

/** How the HTTP layer should classify each domain code (see contracts/errors.ts). */
export const API_ERROR_CODE: Record<WorkOrderErrorCode, ErrorCode> = {
  validation_failed: 'validation_failed',
  illegal_transition: 'illegal_transition',
  forbidden_role: 'forbidden',
  wrong_department: 'forbidden',
  reason_required: 'validation_failed',
  content_required: 'validation_failed',
  department_required: 'validation_failed',
  department_returned: 'forbidden',
  return_window_expired: 'illegal_transition',
  extension_pending: 'conflict',
  no_pending_extension: 'illegal_transition',
  invalid_due_date: 'validation_failed',
  invalid_rating: 'validation_failed',
  rework_requires_dissatisfied: 'illegal_transition',
  close_dissatisfied_requires_supervisor: 'forbidden',
  invalid_order_code: 'validation_failed',
  invalid_config: 'internal',
};

export class WorkOrderError extends Error {
  readonly apiCode: ErrorCode;

  constructor(
    readonly code: WorkOrderErrorCode,
    message: string,
    readonly field?: string,
    /** Every field issue, when input validation failed on more than one field. */
    readonly issues: readonly FieldIssue[] = field === undefined ? [] : [{ field, message }],
  ) {
    super(message);
    this.name = 'WorkOrderError';
    this.apiCode = API_ERROR_CODE[code];
  }
}

/** The order changed since the caller read it (stale `version`): HTTP 409 `conflict`. */
export class VersionConflictError extends Error {
  readonly apiCode = 'conflict' as const;
  constructor(readonly currentVersion: number | null) {
    super(VERSION_CONFLICT_MESSAGE);
    this.name = 'VersionConflictError';
  }
}

/** No such order: HTTP 404. */
export class OrderNotFoundError extends Error {
  readonly apiCode = 'not_found' as const;
  constructor(readonly code: string) {
    super(`工单 ${code} 不存在`);
    this.name = 'OrderNotFoundError';
  }
}

/** SQLSTATE 23503 (both pg and PGlite errors carry `code` and `constraint`). */
export function isForeignKeyViolation(err: unknown, constraint?: string): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { code?: unknown; constraint?: unknown };
  return e.code === '23503' && (constraint === undefined || e.constraint === constraint);
}
