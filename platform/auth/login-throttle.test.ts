import { describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLE_POLICY, LoginThrottle, throttleMessage, type LoginAttempt, type ThrottlePolicy } from './login-throttle.js';

const at = (username: string, address = '10.1.2.3'): LoginAttempt => ({ username, address });

function clocked(policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY) {
  let t = 1_000_000;
  const throttle = new LoginThrottle(policy, () => t);
  return { throttle, advance: (ms: number) => (t += ms) };
}

/** Fails `n` times, waiting out every delay in between (what a patient guesser does). */
function failPatiently(c: ReturnType<typeof clocked>, a: LoginAttempt, n: number) {
  for (let i = 0; i < n; i++) {
    const v = c.throttle.check(a);
    if (!v.allowed) c.advance(v.retryAfterMs);
    c.throttle.failed(a);
  }
}

describe('LoginThrottle', () => {
  it('lets the first failures through, then makes each further attempt wait twice as long', () => {
    const c = clocked();
    const a = at('zhangwei');
    for (let i = 0; i < 3; i++) {
      expect(c.throttle.check(a)).toEqual({ allowed: true });
      c.throttle.failed(a);
    }
    expect(c.throttle.check(a)).toEqual({ allowed: true });
    c.throttle.failed(a); // the 4th failure: 1 s
    expect(c.throttle.check(a)).toEqual({ allowed: false, scope: 'pair', locked: false, retryAfterMs: 1_000 });
    c.advance(1_000);
    expect(c.throttle.check(a).allowed).toBe(true);
    c.throttle.failed(a); // 5th: 2 s
    expect(c.throttle.check(a)).toMatchObject({ allowed: false, retryAfterMs: 2_000 });
    c.advance(2_000);
    c.throttle.failed(a); // 6th: 4 s
    expect(c.throttle.check(a)).toMatchObject({ allowed: false, retryAfterMs: 4_000 });
  });

  it('locks the username on that address after 10 failures for 15 minutes; other addresses may still log in', () => {
    const c = clocked();
    const lockedBy: string[] = [];
    for (let i = 0; i < 10; i++) {
      const v = c.throttle.check(at('zhangwei'));
      if (!v.allowed) c.advance(v.retryAfterMs);
      lockedBy.push(...c.throttle.failed(at('zhangwei')));
    }
    expect(lockedBy).toEqual(['pair']);
    const v = c.throttle.check(at('zhangwei'));
    expect(v).toEqual({ allowed: false, scope: 'pair', locked: true, retryAfterMs: 15 * 60_000 });
    // the agent at their own seat still gets in: the username's own scope has not even begun to delay
    expect(c.throttle.check(at('zhangwei', '10.9.9.9'))).toEqual({ allowed: true });
    c.throttle.failed(at('zhangwei', '10.9.9.9')); // the 11th over all addresses: a wait, never a lock
    expect(c.throttle.check(at('zhangwei', '10.7.7.7'))).toEqual({ allowed: false, scope: 'user', locked: false, retryAfterMs: 1_000 });
    expect(c.throttle.check(at('zhangwei')).allowed).toBe(false);
    c.advance(15 * 60_000);
    expect(c.throttle.check(at('zhangwei')).allowed).toBe(true);
  });

  it('never locks a username over all addresses: guessing from many hosts cannot lock an agent out of their shift', () => {
    const c = clocked();
    for (let host = 1; host <= 30; host++) failPatiently(c, at('zhangwei', `10.0.0.${host}`), 9);
    const v = c.throttle.check(at('zhangwei', '10.8.8.8'));
    expect(v.allowed || !v.locked).toBe(true);
    if (!v.allowed) expect(v.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('locks an address that sprays many usernames', () => {
    const c = clocked();
    const locks: string[] = [];
    for (let i = 0; i < 100; i++) {
      const a = at(`user${i}`, '192.0.2.7');
      const v = c.throttle.check(a);
      if (!v.allowed) c.advance(v.retryAfterMs);
      locks.push(...c.throttle.failed(a));
    }
    expect(locks).toEqual(['address']);
    expect(c.throttle.check(at('someone-new', '192.0.2.7'))).toMatchObject({ allowed: false, scope: 'address', locked: true });
    expect(c.throttle.check(at('someone-new', '192.0.2.8'))).toEqual({ allowed: true });
  });

  it('a correct password clears the pair and the username but not the address', () => {
    const c = clocked();
    failPatiently(c, at('lina'), 5);
    failPatiently(c, at('x', '10.1.2.3'), 16); // the address is now past its 20 free failures
    c.throttle.succeeded(at('lina'));
    const v = c.throttle.check(at('lina'));
    expect(v).toMatchObject({ allowed: false, scope: 'address' });
    c.advance(v.allowed ? 0 : v.retryAfterMs);
    expect(c.throttle.check(at('lina'))).toEqual({ allowed: true });
  });

  it('counts usernames case-insensitively', () => {
    const c = clocked();
    failPatiently(c, at('ZhangWei'), 4);
    expect(c.throttle.check(at('zhangwei')).allowed).toBe(false);
  });

  it('forgets old failures, and stays within its memory bound under a spray', () => {
    const c = clocked({ ...DEFAULT_THROTTLE_POLICY, maxEntries: 500 });
    failPatiently(c, at('lina'), 3);
    c.advance(DEFAULT_THROTTLE_POLICY.forgetAfterMs);
    c.throttle.failed(at('lina'));
    expect(c.throttle.check(at('lina'))).toEqual({ allowed: true }); // counted as a first failure again
    for (let i = 0; i < 2_000; i++) c.throttle.failed(at(`u${i}`, `198.51.100.${i % 250}`));
    expect(c.throttle.size).toBeLessThanOrEqual(500);
  });

  it('says in Chinese how long to wait, and whether it is a lock', () => {
    expect(throttleMessage({ allowed: false, scope: 'pair', locked: false, retryAfterMs: 1_500 })).toBe('登录失败次数过多，请 2 秒后再试');
    expect(throttleMessage({ allowed: false, scope: 'pair', locked: true, retryAfterMs: 15 * 60_000 })).toBe(
      '该账号在此地址登录失败次数过多，已临时锁定，请 15 分钟后再试，或联系管理员重置密码',
    );
    expect(throttleMessage({ allowed: false, scope: 'address', locked: true, retryAfterMs: 61_000 })).toBe(
      '此地址登录失败次数过多，已临时锁定，请 2 分钟后再试',
    );
  });
});
