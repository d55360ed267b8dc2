// A logged-in user of the hotline's REST API, for end-to-end tests that drive steps a person would take in a
// browser elsewhere (the browser parts are tested by their own pages).
import type { IssuedCredential } from '../platform/auth/demo-users.js';

export interface ApiUser {
  token: string;
  call<T = unknown>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export async function apiLogin(baseUrl: string, cred: Pick<IssuedCredential, 'username' | 'password'>): Promise<ApiUser> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: cred.username, password: cred.password }),
  });
  if (res.status !== 200) throw new Error(`login of ${cred.username} failed: ${res.status} ${await res.text()}`);
  const { token } = (await res.json()) as { token: string };
  return {
    token,
    async call<T>(method: 'GET' | 'POST', path: string, body?: unknown) {
      const r = await fetch(`${baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : null) as T };
    },
  };
}
