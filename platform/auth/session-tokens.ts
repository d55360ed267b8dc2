// Stateless session tokens: base64url(JSON payload) + "." + HMAC-SHA256. The key is generated on first start.
import crypto from 'node:crypto';
import type { Role } from '../../contracts/api.js';

export interface SessionClaims {
  sub: string;
  role: Role;
  /** ms epoch */
  exp: number;
  /** ms epoch of issue: a session issued before the user's sessionsValidFrom is ended (absent in older tokens). */
  iat?: number;
}

const TOKEN_TTL_MS = 12 * 3600_000; // one long shift

export class SessionTokens {
  constructor(
    private readonly key: string,
    private readonly now: () => number = Date.now,
  ) {}

  issue(sub: string, role: Role): string {
    const payload = Buffer.from(JSON.stringify({ sub, role, iat: this.now(), exp: this.now() + TOKEN_TTL_MS } satisfies SessionClaims)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** Whether a verified session was ended since it was issued (logout, revocation). */
  static ended(claims: Pick<SessionClaims, 'iat'>, user: { sessionsValidFrom: Date | null }): boolean {
    return user.sessionsValidFrom !== null && (claims.iat ?? 0) < user.sessionsValidFrom.getTime();
  }

  /** The claims of a valid, unexpired token, else null. */
  verify(token: string | undefined | null): SessionClaims | null {
    if (!token) return null;
    const [payload, sig] = token.split('.');
    if (!payload || !sig) return null;
    const want = Buffer.from(this.sign(payload));
    const got = Buffer.from(sig);
    if (want.length !== got.length || !crypto.timingSafeEqual(want, got)) return null;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
      return typeof claims.sub === 'string' && claims.exp > this.now() ? claims : null;
    } catch {
      return null;
    }
  }

  private sign(payload: string): string {
    return crypto.createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}
