import { describe, expect, it } from 'vitest';
import { maskPhone, normalizePhone } from './phone.js';

describe('normalizePhone', () => {
  it('gives a mobile the same form whatever prefix it was written with', () => {
    for (const raw of ['13800138000', '+86 138-0013-8000', '008613800138000', '8613800138000', '013800138000']) {
      expect(normalizePhone(raw)).toBe('13800138000');
    }
  });
  it('keeps a landline area code and restores the trunk 0 after a country code', () => {
    expect(normalizePhone('010-12345678')).toBe('01012345678');
    expect(normalizePhone('+86 755 8888 8888')).toBe('075588888888');
    expect(normalizePhone('0086 10 1234 5678')).toBe('01012345678');
  });
  it('leaves short service numbers and extensions alone', () => {
    expect(normalizePhone('12345')).toBe('12345');
    expect(normalizePhone('8612')).toBe('8612');
    expect(normalizePhone('')).toBe('');
  });
});

describe('maskPhone', () => {
  it('hides the middle of a number and most of a short one', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('1')).toBe('**');
  });
});
