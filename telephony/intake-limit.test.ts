import { describe, expect, it } from 'vitest';
import { IntakeLimit } from './intake-limit.js';

describe('IntakeLimit', () => {
  it('admits up to the limit within a minute, refuses beyond, and admits again as the window slides', () => {
    const limit = new IntakeLimit(3);
    const t0 = 1_000_000;
    expect([0, 1_000, 2_000, 3_000].map((d) => limit.admit(t0 + d))).toEqual([true, true, true, false]);
    // a refused call does not count: one minute after the first, one place is free again
    expect(limit.admit(t0 + 59_999)).toBe(false);
    expect(limit.admit(t0 + 60_000)).toBe(true);
    expect(limit.admit(t0 + 60_001)).toBe(false);
    expect(limit.admit(t0 + 61_000)).toBe(true);
  });
});
