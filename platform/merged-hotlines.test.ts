import { describe, expect, it } from 'vitest';
import { DEFAULT_MERGED_HOTLINES, parseMergedHotlines, unknownMergedQueues } from './merged-hotlines.js';

describe('merged hotlines', () => {
  it('maps the merged national numbers to their queues, and names queues the ACD does not have', () => {
    const merged = parseMergedHotlines(DEFAULT_MERGED_HOTLINES);
    expect([...merged]).toEqual([
      ['12329', 'housing_fund'],
      ['12333', 'social_security'],
    ]);
    expect(parseMergedHotlines('').size).toBe(0);
    expect(unknownMergedQueues(merged, new Set(['general', 'housing_fund']))).toEqual(['12333 → social_security']);
  });

  it('refuses a malformed entry, naming it', () => {
    expect(() => parseMergedHotlines('12329=housing_fund')).toThrow(/"12329=housing_fund" must be NUMBER:queue_id/);
    expect(() => parseMergedHotlines('12329:Housing')).toThrow(/must be NUMBER:queue_id/);
  });
});
