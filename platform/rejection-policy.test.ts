import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { keepServingOnUnhandledRejection } from './rejection-policy.js';

describe('keepServingOnUnhandledRejection', () => {
  it('logs every stray rejection with its reason and counts them', () => {
    const proc = new EventEmitter();
    const logged: unknown[] = [];
    const policy = keepServingOnUnhandledRejection(proc, { error: (obj: unknown) => void logged.push(obj) } as never);
    const reason = new Error('ARI request timed out');
    proc.emit('unhandledRejection', reason);
    proc.emit('unhandledRejection', 'plain string');
    expect(policy.count()).toBe(2);
    expect(logged).toEqual([
      { err: reason, unhandledRejections: 1 },
      { err: 'plain string', unhandledRejections: 2 },
    ]);
  });
});
