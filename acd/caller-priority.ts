// Which priority line a call joins. GB/T 33358 asks 12345 centres to serve urgent matters first; centres also
// keep lines for the elderly and for calls from partner centres (110/119/120 linkage lines). Pure.
import { normalizePhone } from '../contracts/phone.js';
import { PRIORITY_TAGS, type PriorityTag } from './routing.js';

export interface PriorityFacts {
  callerNumber: string;
  /** An emergency word heard from the caller during the greeting (keyword spotting). */
  emergencyKeyword?: string | undefined;
}

/** Numbers with a standing priority (e.g. `{ "13900000001": "elderly", "0755110": "urgent" }`), normalised. */
export type PriorityCallers = ReadonlyMap<string, PriorityTag>;

/** A suspected emergency is urgent whoever calls; otherwise the caller's standing priority, else normal. */
export function callerPriority(call: PriorityFacts, callers: PriorityCallers): PriorityTag {
  if (call.emergencyKeyword) return 'urgent';
  return callers.get(normalizePhone(call.callerNumber)) ?? 'normal';
}

/** Parses the priority callers file's JSON; a bad entry is an error naming it. */
export function parsePriorityCallers(json: unknown): PriorityCallers {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('priority callers: must be an object of number → tag');
  const map = new Map<string, PriorityTag>();
  const allowed = PRIORITY_TAGS.filter((t) => t !== 'callback_due' && t !== 'normal');
  for (const [raw, tag] of Object.entries(json)) {
    const number = normalizePhone(raw);
    if (!number) throw new Error(`priority callers: "${raw}" is not a phone number`);
    if (!(allowed as readonly unknown[]).includes(tag))
      throw new Error(`priority callers: "${raw}" has tag ${JSON.stringify(tag)}; expected one of ${allowed.join(', ')}`);
    map.set(number, tag as PriorityTag);
  }
  return map;
}
