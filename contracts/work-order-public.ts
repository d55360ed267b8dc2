// The citizen's progress query (GET /api/public/progress, no auth, rate-limited per IP).
import { z } from 'zod';
import type { FieldIssue } from './errors.js';
import { PHONE_PATTERN } from './work-order-schemas.js';

export const PublicProgressQuery = z.object({
  code: z.string({ error: '工单编号不能为空' }).trim().min(1, { error: '工单编号不能为空' }).max(40, { error: '工单编号格式不正确' }),
  phone: z.string({ error: '联系电话不能为空' }).trim().regex(PHONE_PATTERN, { error: '联系电话格式不正确' }),
});
export interface PublicProgressResponse {
  code: string;
  stateLabel: string;
  /** Local date of receipt. */
  receivedDate: string;
  /** Local date the reply is due by (办理时限), or null once closed. */
  expectedDate: string | null;
}
/** Per client IP, per minute. Over the limit: HTTP 429 with `error.code` PUBLIC_RATE_LIMITED_CODE. */
export const PUBLIC_PROGRESS_LIMIT_PER_MINUTE = 10;
/** Not (yet) in contracts/errors.ts ERROR_CODES: the 429 answer's error code. */
export const PUBLIC_RATE_LIMITED_CODE = 'rate_limited';
export interface RateLimitedBody {
  error: { code: typeof PUBLIC_RATE_LIMITED_CODE; message: string; retryAfterSeconds: number; fields?: FieldIssue[] };
}
