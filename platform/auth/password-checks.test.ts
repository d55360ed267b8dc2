import { describe, expect, it } from 'vitest';
import { hashPassword } from './passwords.js';
import { BUSY, PasswordChecks } from './password-checks.js';

describe('PasswordChecks', () => {
  it('verifies like verifyPassword', async () => {
    const stored = await hashPassword('k7mp-x3qa');
    const checks = new PasswordChecks();
    expect(await checks.verify('k7mp-x3qa', stored)).toBe(true);
    expect(await checks.verify('wrong', stored)).toBe(false);
    expect(await checks.verify('k7mp-x3qa', 'not a hash')).toBe(false);
  });

  it('runs at most `concurrency` checks at once and refuses beyond the queue at once', async () => {
    const stored = await hashPassword('secret');
    const checks = new PasswordChecks(2, 3);
    let peak = 0;
    const burst = Array.from({ length: 10 }, () => {
      const p = checks.verify('guess', stored);
      peak = Math.max(peak, checks.load.running);
      return p;
    });
    expect(checks.load).toEqual({ running: 2, waiting: 3 });
    const results = await Promise.all(burst);
    expect(peak).toBe(2);
    // 2 running + 3 queued were checked; the other 5 were refused without any scrypt
    expect(results.filter((r) => r === BUSY)).toHaveLength(5);
    expect(results.filter((r) => r === false)).toHaveLength(5);
    expect(checks.load).toEqual({ running: 0, waiting: 0 });
  });
});
