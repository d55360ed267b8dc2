// Citizens' phone numbers are personal information (PIPL): the hotline's logs show them masked, 138****5678 or
// 0755-****5678, which still lets an operator tell two calls apart. This file is the one place that decides what
// a number looks like in a log; platform/logger.ts applies it to every line the server writes (messages, fields,
// child bindings, error stacks), and the end-to-end run checks its logs against the same shapes.
import { normalizePhone } from '../contracts/phone.js';

// Shapes of numbers in free text. Separators as people write them (138-0013-8000, 0755 1234 5678, +86 …).
const MOBILE = String.raw`1[3-9]\d(?:[- ]?\d{4}){2}`;
const AREA = String.raw`(?:10|2\d|[3-9]\d{2})`;
// local numbers never start with 0 (that is a trunk prefix): zero-padded sequences are not taken for one
const LOCAL = String.raw`[1-9]\d{2,3}[- ]?\d{4}`;
const PHONE = [String.raw`(?:\+|00)?86[- ]?(?:${MOBILE}|\(?0?${AREA}\)?[- ]?${LOCAL})`, String.raw`\(?0${AREA}\)?[- ]?${LOCAL}`, `0?${MOBILE}`].join('|');
// A number is a phone number only as a whole: not 11 digits out of a timestamp, nor the fraction of 1765000000.12.
const BEFORE = String.raw`(?<!\d)(?<!\d\.)`;
const AFTER = String.raw`(?!\d)(?!\.\d)`;
// Ids that can hold a phone-shaped run of digits (a UUID's last group, a sha256) are left whole: the scan consumes
// them before it can look inside. Only whole tokens, so that a number glued to a word is still found.
const OPAQUE_ID = String.raw`(?<![0-9A-Za-z])(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{32,})(?![0-9A-Za-z])`;

const IN_TEXT = new RegExp(`(?:${OPAQUE_ID})|${BEFORE}(${PHONE})${AFTER}`, 'g');
const MAY_HOLD_ONE = new RegExp(`${BEFORE}(?:${PHONE})${AFTER}`);

// Fields whose value is a phone number even when it has no recognisable shape (an 8-digit local number without
// its area code, a foreign number): callerNumber, callbackNumber, trunkNumber, phone, citizenPhone, number (ARI's
// caller.number) … Fields like from/to are agent states and supervision modes here, not numbers.
const PHONE_FIELD = /^(?:number|phone|phoneNorm|mobile|msisdn|callerId)$|(?:Number|Phone|Mobile|Msisdn)$/;
const PHONE_CHARS = /^[\d\s+()-]+$/;
const MOBILE_DIGITS = /^1[3-9]\d{9}$/;
const AREA_CODE = new RegExp(`^0${AREA}`);
// A cheap test that a line may have a phone field holding 7 digits or more, before paying for a parse (a superset
// of PHONE_FIELD: a leading \w* would cost twice the time on every line).
const PHONE_FIELD_IN_JSON = /(?:[nN]umber|[pP]hone|[mM]obile|[mM]sisdn|callerId|phoneNorm)":"?[\d\s+()-]{7,}/;

/**
 * One number as it may appear in a log: a mobile keeps its first 3 and last 4 digits (138****5678), a landline its
 * area code and last 4 (0755-****5678), anything else of 7 digits or more its last 4. Service numbers and
 * extensions (110, 12345, agent 1001) are not personal and stay as they are; so does text that is not a number
 * alone, whose numbers are masked where they appear.
 */
export function maskPhoneNumber(raw: string): string {
  if (!PHONE_CHARS.test(raw)) return maskPhoneNumbersInText(raw);
  const digits = normalizePhone(raw);
  if (digits.length < 7) return raw;
  const last4 = digits.slice(-4);
  if (MOBILE_DIGITS.test(digits)) return `${digits.slice(0, 3)}****${last4}`;
  const area = AREA_CODE.exec(digits)?.[0];
  if (area !== undefined && digits.length - area.length >= 7) return `${area}-****${last4}`;
  return `****${last4}`;
}

/** `text` with every mobile and landline in it masked; ids, timestamps, order codes and short numbers untouched. */
export function maskPhoneNumbersInText(text: string): string {
  if (!MAY_HOLD_ONE.test(text)) return text;
  return text.replace(IN_TEXT, (m, phone: string | undefined) => (phone === undefined ? m : maskPhoneNumber(phone)));
}

/**
 * One serialized log line (pino's JSON, newline included) with its numbers masked: phone fields whatever their
 * shape, phone-shaped numbers in any string. Lines with nothing to mask, nearly all of them, come back
 * as they are after one scan; the rest are parsed, masked and serialized again.
 */
export function maskLogLine(line: string): string {
  return maskLine(line, undefined);
}

/** The numbers `line` would show unmasked ([] when it is clean): for the check of a run's logs. */
export function unmaskedPhoneNumbers(line: string): string[] {
  const found: string[] = [];
  maskLine(line, found);
  return found;
}

function maskLine(line: string, found: string[] | undefined): string {
  if (!MAY_HOLD_ONE.test(line) && !PHONE_FIELD_IN_JSON.test(line)) return line;
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return maskText(line, found);
  }
  const masked = JSON.stringify(maskValue(record, undefined, found));
  return line.endsWith('\n') ? `${masked}\n` : masked;
}

function maskValue(value: unknown, key: string | undefined, found: string[] | undefined): unknown {
  if (typeof value === 'string') {
    if (key !== undefined && PHONE_FIELD.test(key) && PHONE_CHARS.test(value)) return note(value, maskPhoneNumber(value), found);
    return maskText(value, found);
  }
  // Numbers are strings all through the code (a landline's leading 0 would not survive a number): a JSON number is
  // one only in a phone field. Elsewhere 13812345678 is more likely a byte count.
  if (typeof value === 'number') {
    if (key === undefined || !PHONE_FIELD.test(key) || !Number.isSafeInteger(value)) return value;
    const digits = String(value);
    const masked = note(digits, maskPhoneNumber(digits), found);
    return masked === digits ? value : masked;
  }
  if (Array.isArray(value)) return value.map((v) => maskValue(v, undefined, found));
  if (value !== null && typeof value === 'object') {
    // no prototype: a logged "__proto__" key stays a field
    const out = Object.create(null) as Record<string, unknown>;
    for (const [k, v] of Object.entries(value)) out[k] = maskValue(v, k, found);
    return out;
  }
  return value;
}

function maskText(text: string, found: string[] | undefined): string {
  if (found === undefined) return maskPhoneNumbersInText(text);
  if (!MAY_HOLD_ONE.test(text)) return text;
  return text.replace(IN_TEXT, (m, phone: string | undefined) => (phone === undefined ? m : note(phone, maskPhoneNumber(phone), found)));
}

function note(original: string, masked: string, found: string[] | undefined): string {
  if (found !== undefined && masked !== original) found.push(original);
  return masked;
}
