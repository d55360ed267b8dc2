// What the list's text search (q) compares: one normalized text per order (work_orders.search_text, written at
// insert) and the same normalization of the query, matched as a substring.
import type { WorkOrder } from '../../contracts/work-order-model.js';

/** What text search compares: lower case, no whitespace (Chinese text has no word boundaries anyway). */
export function searchKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** A LIKE pattern matching `key` anywhere, with LIKE's own wildcards escaped. */
export function containsPattern(key: string): string {
  return `%${key.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** Whether `key` has a 2-character gram for the search index (characters = code points, as PostgreSQL counts). */
export function hasSearchGrams(key: string): boolean {
  return [...key].length >= 2;
}

/** The search_text column of an order: its code, summary, content and place. */
export function orderSearchText(o: WorkOrder): string {
  return searchKey([o.code, o.summary, o.content, o.place.district, o.place.street ?? '', o.place.address ?? ''].join(' '));
}
