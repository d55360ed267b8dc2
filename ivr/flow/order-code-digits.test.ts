import { describe, expect, it } from 'vitest';
import { orderCodeFromDigits } from './order-code-digits.js';

describe('order codes typed on the keypad', () => {
  it.each([
    ['20261123000123', 'GD20261123-000123'],
    ['20261123123', 'GD20261123-000123'],
    ['202611237', 'GD20261123-000007'],
    ['20261231999999', 'GD20261231-999999'],
    ['20280229000001', 'GD20280229-000001'],
  ])('given %s, when converted, then the code is %s', (digits, code) => {
    expect(orderCodeFromDigits(digits)).toBe(code);
  });

  it.each([
    ['too short (date only)', '20261123'],
    ['too long', '202611230001234'],
    ['sequence zero', '20261123000000'],
    ['no such date', '20260230000001'],
    ['month 13', '20261323000001'],
    ['letters', 'GD20261123000123'],
    ['a dash', '20261123-000123'],
    ['a hash', '20261123000123#'],
    ['empty', ''],
  ])('given %s, when converted, then it is refused', (_, digits) => {
    expect(orderCodeFromDigits(digits)).toBeNull();
  });
});
