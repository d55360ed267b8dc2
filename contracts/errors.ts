// Stable error codes: the HTTP layer maps them to status codes, the desktop to localized text.
export const ERROR_CODES = [
  'validation_failed',
  'invalid_credentials',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'illegal_transition',
  'telephony_unavailable',
  'database_unavailable',
  'rate_limited',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "password" or "place.district". */
  field: string;
  message: string;
}

export interface ApiErrorBody {
  /** `retryAfterSeconds` comes with rate_limited and database_unavailable (also as the retry-after header). */
  error: { code: ErrorCode; message: string; fields?: FieldIssue[]; retryAfterSeconds?: number };
}
