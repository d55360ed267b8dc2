// Turns API and socket failures into localized text; codes come from contracts/errors.ts.
import { ERROR_CODES, type ErrorCode } from '../../../contracts/errors.js';
import type { Translate } from '../i18n/i18n';
import { ApiError } from './http';

type ClientErrorCode = ErrorCode | 'network' | 'timeout' | 'disconnected';

function isKnownCode(code: string): code is ClientErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code) || code === 'network' || code === 'timeout' || code === 'disconnected';
}

export function describeCode(code: string, t: Translate): string {
  return isKnownCode(code) ? t(`error.${code}`) : t('error.unknown');
}

export function describeError(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    if (err.body) return describeCode(err.body.error.code, t);
    return `HTTP ${err.status}`;
  }
  return t('error.unknown');
}
