// What a restarted server gives the agents back (issue 14): each agent's last recorded state change since a
// moment, one per agent, the newest (ties on time by insertion order); disabled agents and older rows left out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../contracts/agent-state.js';
import { UserRepository } from '../../platform/auth/user-repository.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const T0 = new Date('2026-12-07T08:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describe('UserRepository.lastAgentStates', () => {
  let t: TestDatabase;
  let users: UserRepository;

  beforeAll(async () => {
    t = await openTestDatabase();
    users = new UserRepository(t.db);
    for (const id of ['a1', 'a2', 'a3', 'a4'])
      await users.createUser({ id, username: id, displayName: id, role: 'agent', extension: null, passwordHash: 'x', sipHa1: null });
    const log = (userId: string, from: AgentState, to: AgentState, s: number, reason: string | null = null) =>
      users.appendAgentStateLog({ userId, from, to, reason, cause: 'agent_request', at: at(s) });
    await log('a1', 'offline', 'available', 10);
    await log('a1', 'available', 'break', 20, 'meal');
    await log('a2', 'offline', 'available', 30);
    await log('a2', 'available', 'reserved', 40);
    await log('a2', 'reserved', 'on_call', 40); // same instant: the later row is the state
    await log('a3', 'offline', 'available', -7_200); // before the window
    await log('a4', 'offline', 'available', 50);
    await t.db.query(`UPDATE users SET disabled = true WHERE id = 'a4'`);
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('given several changes per agent, then only each enabled agent’s newest one in the window comes back', async () => {
    const last = await users.lastAgentStates(at(-3_600));
    expect(last.map((l) => [l.userId, l.to, l.reason, l.at.toISOString()])).toEqual([
      ['a1', 'break', 'meal', at(20).toISOString()],
      ['a2', 'on_call', null, at(40).toISOString()],
    ]);
  });
});
