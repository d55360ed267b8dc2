// The login session survives a page reload (sessionStorage, per tab) so an agent who reloads mid-shift
// keeps their server session and agent state. The password is deliberately NOT stored here: it is also
// the SIP password, so it lives only in React memory and is asked for again after a reload.
import type { LoginResponse } from '../../../contracts/api.js';

const KEY = 'hotline.session';

export type StoredSession = LoginResponse;

export function loadSession(): StoredSession | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (typeof parsed.token !== 'string' || !parsed.user || typeof parsed.user.username !== 'string') return null;
    return { token: parsed.token, user: parsed.user, sip: parsed.sip ?? null };
  } catch {
    return null;
  }
}

export function saveSession(session: StoredSession): void {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
