import { describe, expect, it } from 'vitest';
import { callerPriority, parsePriorityCallers } from './caller-priority.js';

describe('callerPriority', () => {
  const callers = parsePriorityCallers({ '+86 139-0000-0001': 'elderly', '0755110': 'urgent' });

  it('puts a suspected emergency first whoever calls, then standing priorities, else normal', () => {
    expect(callerPriority({ callerNumber: '13800138000', emergencyKeyword: '着火' }, callers)).toBe('urgent');
    expect(callerPriority({ callerNumber: '13900000001' }, callers)).toBe('elderly');
    expect(callerPriority({ callerNumber: '008613900000001' }, callers)).toBe('elderly');
    expect(callerPriority({ callerNumber: '0755110' }, callers)).toBe('urgent');
    expect(callerPriority({ callerNumber: '13800138000' }, callers)).toBe('normal');
    expect(callerPriority({ callerNumber: 'anonymous' }, callers)).toBe('normal');
  });

  it('refuses entries that are not numbers or not a standing priority, naming them', () => {
    expect(() => parsePriorityCallers({ abc: 'urgent' })).toThrow(/"abc" is not a phone number/);
    expect(() => parsePriorityCallers({ '13900000001': 'vip' })).toThrow(/"13900000001" has tag "vip"/);
    expect(() => parsePriorityCallers({ '13900000001': 'callback_due' })).toThrow(/expected one of urgent, elderly/);
    expect(() => parsePriorityCallers([])).toThrow(/must be an object/);
  });
});
