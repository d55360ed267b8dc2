// First start: the sample catalog and the CRM's own demo accounts (a dispatcher and department handlers), next to
// the seats platform/auth/demo-users.ts creates.
import fs from 'node:fs';
import type { IssuedCredential } from '../platform/auth/demo-users.js';
import { generatePassword, hashPassword } from '../platform/auth/passwords.js';
import { UserRepository } from '../platform/auth/user-repository.js';
import type { Database } from '../platform/db/database.js';
import { loadSampleCatalog } from './catalog/sample.js';
import { CatalogStore } from './catalog/store.js';

export interface IssuedCrmCredential extends IssuedCredential {
  departmentCode: string | null;
}

export interface CrmSeedResult {
  /** The catalog version imported now; null when a catalog was already there. */
  catalogVersion: string | null;
  /** Accounts created now, with their one-time passwords; empty when dispatchers/handlers already existed. */
  created: IssuedCrmCredential[];
}

/** Departments that get a demo handler account (when the catalog lists them). */
export const DEMO_HANDLER_DEPARTMENTS = ['util.water', 'city.hpf', 'city.housing', 'city.hrss', 'nanshan.urban'] as const;

/**
 * Loads the sample catalog when none is active, and creates one dispatcher and one handler per demo department
 * when there is no dispatcher or handler yet. Passwords are generated and returned once (only scrypt hashes are
 * stored); with `credentialsFile` they are also appended to that JSON array file (mode 0600), e.g. the
 * credentials.json written by seedUsersIfEmpty.
 */
export async function seedCrmIfEmpty(db: Database, opts: { credentialsFile?: string; now?: () => number; demo?: boolean } = {}): Promise<CrmSeedResult> {
  // production (no demo data) starts empty: the administrator imports the city's own catalog and accounts
  if (opts.demo === false) return { catalogVersion: null, created: [] };
  const now = opts.now ?? Date.now;
  const store = new CatalogStore(db, now);
  let catalogVersion: string | null = null;
  if (await store.isEmpty()) {
    const sample = loadSampleCatalog();
    await store.replace(sample, null);
    catalogVersion = sample.version;
  }
  if ((await new UserRepository(db).countUsersWithRoles(['dispatcher', 'handler'])) > 0) return { catalogVersion, created: [] };

  const snap = await store.snapshot();
  const plan: Omit<IssuedCrmCredential, 'password'>[] = [
    { username: 'dispatcher', role: 'dispatcher', extension: null, displayName: '派单员', departmentCode: null },
  ];
  for (const code of DEMO_HANDLER_DEPARTMENTS) {
    const dep = snap.departments.get(code);
    if (!dep || !dep.active) continue;
    plan.push({ username: `handler-${code.replaceAll('.', '-')}`, role: 'handler', extension: null, displayName: `${dep.name}承办人`, departmentCode: code });
  }
  const created: IssuedCrmCredential[] = plan.map((p) => ({ ...p, password: generatePassword() }));
  const hashes = await Promise.all(created.map((c) => hashPassword(c.password)));
  await db.transaction(async (tx) => {
    const users = new UserRepository(tx);
    for (const [i, c] of created.entries()) {
      await users.createUser({
        id: `u-${c.username}`,
        username: c.username,
        displayName: c.displayName,
        role: c.role,
        extension: null,
        passwordHash: hashes[i] as string,
        sipHa1: null,
        departmentCode: c.departmentCode,
      });
    }
  });
  if (opts.credentialsFile !== undefined) appendCredentials(opts.credentialsFile, created);
  return { catalogVersion, created };
}

function appendCredentials(file: string, created: readonly IssuedCrmCredential[]): void {
  let existing: unknown[] = [];
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (Array.isArray(parsed)) existing = parsed;
  }
  fs.writeFileSync(file, JSON.stringify([...existing, ...created], null, 2) + '\n', { mode: 0o600 });
  fs.chmodSync(file, 0o600);
}
