import { describe, expect, it } from 'vitest';
import { formatOrderCode, orderCodeFor, parseOrderCode } from './order-code.js';

describe('work-order codes', () => {
  it('formats GD + local date + six-digit daily sequence', () => {
    expect(formatOrderCode('2026-11-23', 123)).toBe('GD20261123-000123');
    expect(formatOrderCode('2026-01-01', 1)).toBe('GD20260101-000001');
    expect(formatOrderCode('2026-12-31', 999_999)).toBe('GD20261231-999999');
  });

  it('takes the date in UTC+8: 23:30 UTC on the 22nd is the 23rd in China', () => {
    expect(orderCodeFor(Date.UTC(2026, 10, 22, 23, 30), 7)).toBe('GD20261123-000007');
    expect(orderCodeFor(Date.UTC(2026, 10, 22, 15, 59), 7)).toBe('GD20261122-000007');
  });

  it.each([
    ['2026-11-23', 0],
    ['2026-11-23', 1_000_000],
    ['2026-11-23', 1.5],
    ['2026-02-30', 1],
    ['20261123', 1],
  ])('refuses date %s with sequence %s', (date, seq) => {
    expect(() => formatOrderCode(date, seq)).toThrowError(expect.objectContaining({ code: 'invalid_order_code' }));
  });

  it('parses what it formats', () => {
    expect(parseOrderCode('GD20261123-000123')).toEqual({ date: '2026-11-23', seq: 123 });
    for (const [d, s] of [
      ['2026-02-28', 42],
      ['2027-12-31', 999_999],
    ] as const) {
      expect(parseOrderCode(formatOrderCode(d, s))).toEqual({ date: d, seq: s });
    }
  });

  it.each(['GD20261123-00123', 'gd20261123-000123', 'GD20260230-000001', 'GD20261123-000000', 'XX20261123-000123', 'GD20261123000123', ' GD20261123-000123'])(
    'rejects %j',
    (code) => {
      expect(parseOrderCode(code)).toBeNull();
    },
  );
});
