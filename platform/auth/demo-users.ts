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
export const SUPERVISOR_EXTENSION = '1900';

export async function seedUsersIfEmpty(
  users: UserRepository,
  opts: { agents: number; realm: string; stateDir: string; demo?: boolean },
): Promise<{ created: IssuedCredential[]; file: string }> {
  const file = path.join(opts.stateDir, CREDENTIALS_FILE);
  if ((await users.countUsers()) > 0) return { created: [], file };
  const plan: Omit<IssuedCredential, 'password'>[] = [{ username: 'admin', role: 'admin', extension: null, displayName: '系统管理员' }];
  // without demo data (production) the administrator creates everyone else
  // the supervisor's browser softphone (wallboard) is rung for listen / whisper / barge; clear of the seats' 1001…
  if (opts.demo !== false) {
    plan.push({ username: 'supervisor', role: 'supervisor', extension: opts.agents < 899 ? SUPERVISOR_EXTENSION : null, displayName: '班长席' });
  }
  for (let i = 1; i <= opts.agents; i++) {
    const extension = String(1000 + i);
    plan.push({ username: extension, role: 'agent', extension, displayName: `座席${extension}` });
  }
  // scrypt is deliberately slow (~0.5 s); hash on the thread pool in parallel, insert in order
  const created: IssuedCredential[] = plan.map((p) => ({ ...p, password: generatePassword() }));
  const hashes = await Promise.all(created.map((c) => hashPassword(c.password)));
  for (const [i, c] of created.entries()) {
    await users.createUser({
      id: `u-${c.username}`,
      username: c.username,
      displayName: c.displayName,
      role: c.role,
      extension: c.extension,
      passwordHash: hashes[i]!,
      sipHa1: c.extension ? sipHa1(c.extension, opts.realm, c.password) : null,
    });
  }
  fs.writeFileSync(file, JSON.stringify(created, null, 2) + '\n', { mode: 0o600 });
  return { created, file };
}
