import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { linkageBackoffMs, signSheet } from './linkage.js';

describe('linkage sheet delivery', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256 of the centre secret', () => {
    const body = JSON.stringify({ callerNumber: '13800138000' });
    const expected = createHmac('sha256', 'a-shared-secret-0123').update(`1700000000000.${body}`).digest('hex');
    expect(signSheet(body, 1_700_000_000_000, 'a-shared-secret-0123')).toBe(`sha256=${expected}`);
  });

  it('backs off exponentially up to the cap', () => {
    expect([1, 2, 3, 4, 10].map((n) => linkageBackoffMs(n, 1000, 5000))).toEqual([1000, 2000, 4000, 5000, 5000]);
  });
});
