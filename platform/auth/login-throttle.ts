// Login throttling: failed logins are counted per (username, address) pair, per username over all addresses and
// per address over all usernames. Past a few free failures each further attempt must wait longer (1 s, 2 s, 4 s …
// up to a cap); past a limit the scope is locked for a while. Pure and clocked from outside; the login route
// asks before it verifies a password (a throttled attempt costs no scrypt) and reports the outcome after.
//
// Only the pair and the address scopes lock. Locking a username over all addresses would let anyone on the
// network lock every agent out of their shift by guessing at their names; a username's own scope only slows
// guessing down, which a distributed attack meets too.

export type ThrottleScope = 'pair' | 'user' | 'address';

export interface ScopePolicy {
  /** Failures before any wait. */
  freeFailures: number;
  /** The first wait; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Failures that lock the scope for lockMs; Infinity never locks. */
  lockAfter: number;
  lockMs: number;
}

export interface ThrottlePolicy {
  scopes: Record<ThrottleScope, ScopePolicy>;
  /** A scope's count is forgotten this long after its last failure (and its lock ended). */
  forgetAfterMs: number;
  /** Counters kept at most (memory bound under a spray of random usernames and addresses). */
  maxEntries: number;
}

export const DEFAULT_THROTTLE_POLICY: ThrottlePolicy = {
  scopes: {
    pair: { freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 30_000, lockAfter: 10, lockMs: 15 * 60_000 },
    user: { freeFailures: 10, baseDelayMs: 1_000, maxDelayMs: 60_000, lockAfter: Infinity, lockMs: 0 },
    // a centre's seats may share one address behind NAT: generous, but a spraying host is stopped
    address: { freeFailures: 20, baseDelayMs: 500, maxDelayMs: 10_000, lockAfter: 100, lockMs: 15 * 60_000 },
  },
  forgetAfterMs: 30 * 60_000,
  maxEntries: 100_000,
};

export interface LoginAttempt {
  username: string;
  address: string;
}

export type ThrottleVerdict = { allowed: true } | { allowed: false; scope: ThrottleScope; locked: boolean; retryAfterMs: number };

interface Counter {
  failures: number;
  lastFailureAt: number;
  /** When the next attempt may be made (a wait or a lock). */
  blockedUntil: number;
  locked: boolean;
}

const SCOPES: readonly ThrottleScope[] = ['pair', 'address', 'user'];

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(
    private readonly policy: ThrottlePolicy = DEFAULT_THROTTLE_POLICY,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether an attempt may be verified now; when not, which scope refuses it and for how long. */
  check(a: LoginAttempt): ThrottleVerdict {
    const now = this.now();
    let worst: ThrottleVerdict = { allowed: true };
    for (const scope of SCOPES) {
      const c = this.live(keyOf(scope, a), now);
      if (!c || c.blockedUntil <= now) continue;
      const retryAfterMs = c.blockedUntil - now;
      // a lock is the more useful answer to show; otherwise the longest wait
      if (worst.allowed || (c.locked && !worst.locked) || (c.locked === worst.locked && retryAfterMs > worst.retryAfterMs)) {
        worst = { allowed: false, scope, locked: c.locked, retryAfterMs };
      }
    }
    return worst;
  }

  /** Counts a refused login; returns the scopes this failure locked (for the audit). */
  failed(a: LoginAttempt): ThrottleScope[] {
    const now = this.now();
    const lockedNow: ThrottleScope[] = [];
    for (const scope of SCOPES) {
      const key = keyOf(scope, a);
      const p = this.policy.scopes[scope];
      const c = this.live(key, now) ?? { failures: 0, lastFailureAt: now, blockedUntil: 0, locked: false };
      c.failures += 1;
      c.lastFailureAt = now;
      if (c.failures >= p.lockAfter) {
        if (!c.locked) lockedNow.push(scope);
        c.locked = true;
        c.blockedUntil = now + p.lockMs;
      } else if (c.failures > p.freeFailures) {
        const doublings = Math.min(c.failures - p.freeFailures - 1, 30);
        c.blockedUntil = now + Math.min(p.baseDelayMs * 2 ** doublings, p.maxDelayMs);
      }
      this.counters.delete(key); // re-insert: the map's order is the eviction order (least recently failed first)
      this.counters.set(key, c);
    }
    this.bound(now);
    return lockedNow;
  }

  /** A correct password clears the pair and the username; the address keeps its count (one good account must not
   * launder a spraying host's failures). */
  succeeded(a: LoginAttempt): void {
    this.counters.delete(keyOf('pair', a));
    this.counters.delete(keyOf('user', a));
  }

  /** Counters held (for tests and the memory bound). */
  get size(): number {
    return this.counters.size;
  }

  private live(key: string, now: number): Counter | undefined {
    const c = this.counters.get(key);
    if (c && this.expired(c, now)) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }

  private expired(c: Counter, now: number): boolean {
    return c.blockedUntil <= now && now - c.lastFailureAt >= this.policy.forgetAfterMs;
  }

  private bound(now: number): void {
    if (this.counters.size <= this.policy.maxEntries) return;
    for (const [key, c] of this.counters) if (this.expired(c, now)) this.counters.delete(key);
    // still too many: forget the least recently failed, which are the least likely to be a live attack
    for (const key of this.counters.keys()) {
      if (this.counters.size <= this.policy.maxEntries) break;
      this.counters.delete(key);
    }
  }
}

function keyOf(scope: ThrottleScope, a: LoginAttempt): string {
  const user = a.username.trim().toLowerCase();
  if (scope === 'pair') return `p\u0000${user}\u0000${a.address}`;
  return scope === 'user' ? `u\u0000${user}` : `a\u0000${a.address}`;
}

/** The Chinese refusal the login form shows. */
export function throttleMessage(v: Extract<ThrottleVerdict, { allowed: false }>): string {
  const wait = v.retryAfterMs >= 60_000 ? `${Math.ceil(v.retryAfterMs / 60_000)} 分钟` : `${Math.max(1, Math.ceil(v.retryAfterMs / 1000))} 秒`;
  if (!v.locked) return `登录失败次数过多，请 ${wait}后再试`;
  if (v.scope === 'address') return `此地址登录失败次数过多，已临时锁定，请 ${wait}后再试`;
  return `该账号在此地址登录失败次数过多，已临时锁定，请 ${wait}后再试，或联系管理员重置密码`;
}
