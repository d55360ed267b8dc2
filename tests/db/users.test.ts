import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../../platform/db/database.js';
import { UserRepository, type AgentStateChange, type NewUser } from '../../platform/auth/user-repository.js';
import { generatePassword, hashPassword, sipHa1, verifyPassword } from '../../platform/auth/passwords.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const user = (over: Partial<NewUser> & Pick<NewUser, 'id' | 'username'>): NewUser => ({
  displayName: `User ${over.username}`,
  role: 'agent',
  extension: null,
  passwordHash: 'scrypt$placeholder',
  sipHa1: null,
  ...over,
});

describe('UserRepository', () => {
  let t: TestDatabase;
  let users: UserRepository;
  beforeAll(async () => {
    t = await openTestDatabase();
    users = new UserRepository(t.db);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('creates and finds users by username and id', async () => {
    expect(await users.countUsers()).toBe(0);
    const created = await users.createUser(user({ id: 'u1', username: 'zhang.wei', displayName: '张伟', extension: '1001', sipHa1: 'ab'.repeat(16) }));
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(created.createdAt.getTime() - Date.now())).toBeLessThan(60_000);

    const byName = await users.findUserByUsername('zhang.wei');
    expect(byName).toEqual({
      id: 'u1',
      username: 'zhang.wei',
      displayName: '张伟',
      role: 'agent',
      extension: '1001',
      passwordHash: 'scrypt$placeholder',
      sipHa1: 'ab'.repeat(16),
      disabled: false,
      departmentCode: null,
      createdAt: created.createdAt,
      sessionsValidFrom: null,
    });
    expect(await users.findUserById('u1')).toEqual(byName);
    expect(await users.findUserByUsername('nobody')).toBeNull();
    expect(await users.findUserById('nobody')).toBeNull();
    expect(await users.countUsers()).toBe(1);
  });

  it('rejects a duplicate username or extension with a unique violation', async () => {
    const dupName = users.createUser(user({ id: 'u2', username: 'zhang.wei' }));
    await expect(dupName).rejects.toMatchObject({ code: '23505', constraint: 'users_username_key' });
    const err = await dupName.catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    expect(isUniqueViolation(err, 'users_extension_key')).toBe(false);

    await expect(users.createUser(user({ id: 'u3', username: 'li.na', extension: '1001' }))).rejects.toMatchObject({
      code: '23505',
      constraint: 'users_extension_key',
    });
    expect(await users.countUsers()).toBe(1);
  });

  it('lists only enabled users with an extension and a SIP HA1, by extension', async () => {
    await users.createUser(user({ id: 'u4', username: 'wang.fang', extension: '1003', sipHa1: 'cd'.repeat(16) }));
    await users.createUser(user({ id: 'u5', username: 'no.phone', role: 'handler' }));
    await users.createUser(user({ id: 'u6', username: 'no.ha1', extension: '1004' }));
    await users.createUser(user({ id: 'u7', username: 'gone', extension: '1002', sipHa1: 'ef'.repeat(16) }));
    await t.db.query('UPDATE users SET disabled = true WHERE id = $1', ['u7']);

    expect(await users.listAgentsWithSip()).toEqual([
      { id: 'u1', username: 'zhang.wei', displayName: '张伟', extension: '1001', sipHa1: 'ab'.repeat(16) },
      { id: 'u4', username: 'wang.fang', displayName: 'User wang.fang', extension: '1003', sipHa1: 'cd'.repeat(16) },
    ]);
  });

  it('returns the agent state log newest first, ties in insertion order reversed, limited', async () => {
    const t0 = new Date('2024-06-01T08:00:00.000Z');
    const plus = (s: number) => new Date(t0.getTime() + s * 1000);
    await users.appendAgentStateLog({ userId: 'u1', from: 'offline', to: 'available', reason: null, cause: 'agent', at: plus(0) });
    await users.appendAgentStateLog({ userId: 'u1', from: 'break', to: 'available', reason: null, cause: 'agent', at: plus(120) });
    // Logged late but happened earlier: ordering follows `at`, not insertion.
    await users.appendAgentStateLog({ userId: 'u1', from: 'available', to: 'break', reason: 'meal', cause: 'agent', at: plus(60) });
    const sameInstantA = await users.appendAgentStateLog({ userId: 'u1', from: 'available', to: 'reserved', reason: null, cause: 'acd', at: plus(180) });
    const sameInstantB = await users.appendAgentStateLog({ userId: 'u1', from: 'reserved', to: 'on_call', reason: null, cause: 'acd', at: plus(180) });
    await users.appendAgentStateLog({ userId: 'u4', from: 'offline', to: 'available', reason: null, cause: 'agent', at: plus(500) });
    expect(sameInstantB).toBeGreaterThan(sameInstantA);

    const log = await users.listAgentStateLog('u1', 10);
    expect(log.map((e) => [e.from, e.to, e.at.getTime() - t0.getTime()])).toEqual([
      ['reserved', 'on_call', 180_000],
      ['available', 'reserved', 180_000],
      ['break', 'available', 120_000],
      ['available', 'break', 60_000],
      ['offline', 'available', 0],
    ]);
    expect(log[3]).toMatchObject({ userId: 'u1', reason: 'meal', cause: 'agent' });
    expect(typeof log[0]?.id).toBe('number');
    expect((await users.listAgentStateLog('u1', 2)).map((e) => e.to)).toEqual(['on_call', 'reserved']);
  });

  it('writes a state change replayed after a crash once', async () => {
    const change: AgentStateChange = { userId: 'u4', from: 'available', to: 'break', reason: 'rest', cause: 'agent', at: new Date('2026-12-07T08:00:00.123Z') };
    await users.appendAgentStateLogOnce(change);
    await users.appendAgentStateLogOnce(change);
    await users.appendAgentStateLogOnce({ ...change, from: 'break', to: 'available', reason: null });
    const rows = (await users.listAgentStateLog('u4', 10)).filter((e) => e.at.getTime() === change.at.getTime());
    expect(rows.map((e) => `${e.from}>${e.to}`).sort()).toEqual(['available>break', 'break>available']);
  });

  it('refuses a state log entry for an unknown user', async () => {
    await expect(
      users.appendAgentStateLog({ userId: 'ghost', from: 'offline', to: 'available', reason: null, cause: 'agent', at: new Date() }),
    ).rejects.toMatchObject({ code: '23503' });
  });
});

describe('passwords', () => {
  it('verifies the right password and rejects a wrong one', async () => {
    const hash = await hashPassword('correct horse 电池');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(await verifyPassword('correct horse 电池', hash)).toBe(true);
    expect(await verifyPassword('correct horse 电池 ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same'), hashPassword('same')]);
    expect(a).not.toBe(b);
    expect(await verifyPassword('same', b)).toBe(true);
  });

  it('treats malformed hashes as a mismatch', async () => {
    for (const bad of ['', 'plain', 'scrypt$x$8$1$AAAA$AAAA', 'scrypt$16384$8$1$$AAAA', 'bcrypt$16384$8$1$AAAA$AAAA', 'scrypt$1073741824$8$1$AAAA$AAAA']) {
      expect(await verifyPassword('pw', bad)).toBe(false);
    }
  });

  it('computes the Asterisk digest HA1 as md5(extension:realm:password)', () => {
    // printf '%s' '1001:asterisk:s3cret-Pass' | md5sum
    expect(sipHa1('1001', 'asterisk', 's3cret-Pass')).toBe('19d134a615a67335e45b2d7ca8487aab');
  });

  it('generates long, unambiguous, distinct passwords', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const pw = generatePassword();
      expect(pw).toMatch(/^[2-9a-hjkmnp-z]{4}(-[2-9a-hjkmnp-z]{4}){4}$/);
      expect(pw.replaceAll('-', '').length).toBeGreaterThanOrEqual(16);
      seen.add(pw);
    }
    expect(seen.size).toBe(200);
  });
});
