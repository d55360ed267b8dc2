// First start on an empty database: create the seat accounts so the hotline can take a call at once.
// Passwords are generated, shown once and written to a 0600 file in the state folder; the database keeps
// only an scrypt hash and the SIP digest HA1.
import fs from 'node:fs';
import path from 'node:path';
import type { Role } from '../../contracts/api.js';
import { generatePassword, hashPassword, sipHa1 } from './passwords.js';
import type { UserRepository } from './user-repository.js';

export interface IssuedCredential {
  username: string;
  password: string;
  role: Role;
  extension: string | null;
  displayName: string;
}

export const CREDENTIALS_FILE = 'credentials.json';

export async function seedUsersIfEmpty(
  users: UserRepository,
  opts: { agents: number; realm: string; stateDir: string },
): Promise<{ created: IssuedCredential[]; file: string }> {
  const file = path.join(opts.stateDir, CREDENTIALS_FILE);
  if ((await users.countUsers()) > 0) return { created: [], file };
  const plan: Omit<IssuedCredential, 'password'>[] = [
    { username: 'admin', role: 'admin', extension: null, displayName: '系统管理员' },
    { username: 'supervisor', role: 'supervisor', extension: null, displayName: '班长席' },
  ];
  for (let i = 1; i <= opts.agents; i++) {
    const extension = String(1000 + i);
    plan.push({ username: extension, role: 'agent', extension, displayName: `座席${extension}` });
  }
  const created: IssuedCredential[] = [];
  for (const p of plan) {
    const password = generatePassword();
    await users.createUser({
      id: `u-${p.username}`,
      username: p.username,
      displayName: p.displayName,
      role: p.role,
      extension: p.extension,
      passwordHash: await hashPassword(password),
      sipHa1: p.extension ? sipHa1(p.extension, opts.realm, password) : null,
    });
    created.push({ ...p, password });
  }
  fs.writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
  return { created, file };
}
