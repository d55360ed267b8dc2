// Agents' routing profiles (skills with levels, groups, site, allowed queues) as stored in the database.
import type { Queryable } from '../platform/db/database.js';
import type { AgentProfile } from './config.js';

export class AgentProfileRepository {
  constructor(private readonly db: Queryable) {}

  async all(): Promise<AgentProfile[]> {
    const skills = await this.db.query<{ user_id: string; skill: string; level: number }>(
      'SELECT user_id, skill, level FROM agent_skills ORDER BY user_id, skill',
    );
    const profiles = await this.db.query<{ user_id: string; groups: string[]; site: string | null; queues: string[] | null }>(
      'SELECT user_id, groups, site, queues FROM agent_profiles',
    );
    const byId = new Map<string, AgentProfile>();
    const get = (id: string) => {
      let p = byId.get(id);
      if (!p) byId.set(id, (p = { id, skills: {} }));
      return p;
    };
    for (const r of skills.rows) get(r.user_id).skills![r.skill] = r.level;
    for (const r of profiles.rows) Object.assign(get(r.user_id), { groups: r.groups, site: r.site, queues: r.queues });
    return [...byId.values()];
  }

  async setSkills(userId: string, skills: Record<string, number>): Promise<void> {
    await this.db.query('DELETE FROM agent_skills WHERE user_id = $1', [userId]);
    for (const [skill, level] of Object.entries(skills)) {
      await this.db.query('INSERT INTO agent_skills (user_id, skill, level) VALUES ($1, $2, $3)', [userId, skill, level]);
    }
  }
}
