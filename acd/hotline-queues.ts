// The queues a 12345 centre starts with, and how an operator replaces them (HOTLINE_ACD_CONFIG: a JSON file
// with `queues`, `skills`, `groups`, `sites`, `callbacks`). Every specialised queue overflows to the general
// queue, so a citizen never waits for one expert while other agents are free.
import fs from 'node:fs';
import type { AgentProfileRepository } from './agent-profiles.js';
import { HOTLINE_12345_SKILLS, type AcdConfig, type QueueConfig } from './config.js';

const specialised = (id: string, name: string, skill: string): QueueConfig => ({
  id,
  name,
  requires: [{ skill, minLevel: 1 }],
  weight: 2,
  overflow: [{ afterMs: 30_000, action: 'move', toQueue: 'general' }],
});

export const DEFAULT_QUEUES: QueueConfig[] = [
  { id: 'general', name: '综合', weight: 1 },
  specialised('housing_fund', '住房公积金', 'housing_fund'),
  specialised('social_security', '人社', 'social_security'),
  specialised('real_estate', '房地产', 'real_estate'),
  specialised('business', '营商环境', 'business'),
  specialised('english', 'English', 'english'),
  specialised('cantonese', '粤语', 'cantonese'),
];

/** Demo seats' skills: a mix so skills routing is visible on first start. */
export const DEMO_AGENT_SKILLS: readonly Record<string, number>[] = [
  { housing_fund: 3, social_security: 2 },
  { housing_fund: 5 },
  { social_security: 4, english: 3 },
  { real_estate: 4, business: 2 },
  { cantonese: 4, social_security: 1 },
];

export function loadAcdConfig(base: { ringTimeoutMs: number; wrapUpMs: number }, file: string | undefined): AcdConfig {
  const fromFile = file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<AcdConfig>) : {};
  return {
    skills: [...HOTLINE_12345_SKILLS],
    queues: DEFAULT_QUEUES,
    defaultQueue: 'general',
    ...fromFile,
    ...base,
  };
}

/** First start: give the demo seats their skills (round robin over DEMO_AGENT_SKILLS). */
export async function seedDemoSkills(repo: AgentProfileRepository, agentIds: readonly string[]): Promise<void> {
  for (const [i, id] of agentIds.entries()) await repo.setSkills(id, DEMO_AGENT_SKILLS[i % DEMO_AGENT_SKILLS.length]!);
}
