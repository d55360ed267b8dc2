// Start-up validation: every unknown skill, queue, group or site is named; bad numbers are refused.
import { describe, expect, it } from 'vitest';
import { AcdConfigError, HOTLINE_12345_SKILLS, validateAcdConfig, type AcdConfig } from './config.js';
import { AcdEngine } from './engine.js';
import { engineWith } from './testing.js';

const base: AcdConfig = { ringTimeoutMs: 15_000, wrapUpMs: 30_000, skills: [...HOTLINE_12345_SKILLS] };

function issuesOf(config: AcdConfig): string[] {
  try {
    validateAcdConfig(config);
  } catch (err) {
    expect(err).toBeInstanceOf(AcdConfigError);
    return (err as AcdConfigError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}

describe('validateAcdConfig', () => {
  it('given a complete 12345 configuration, when validated, then it compiles with the documented defaults', () => {
    const c = validateAcdConfig({
      ...base,
      groups: ['early', 'late'],
      sites: ['main', 'branch'],
      queues: [
        { id: 'general' },
        {
          id: 'fund',
          name: '住房公积金',
          requires: [{ skill: 'housing_fund', minLevel: 3 }],
          overflow: [
            { afterMs: 30_000, action: 'widen', requires: [{ skill: 'housing_fund', minLevel: 1 }] },
            { afterMs: 90_000, action: 'move', toQueue: 'general' },
          ],
          maxWait: { afterMs: 300_000, action: 'offer_callback' },
          wrapUpMs: 60_000,
          maxWrapUpMs: 180_000,
        },
      ],
      agents: [{ id: '1001', skills: { housing_fund: 4, cantonese: 2 }, groups: ['early'], site: 'main', queues: ['fund'] }],
    });
    expect(c.defaultQueue).toBe('general');
    expect(c.queues.get('general')).toMatchObject({
      weight: 1,
      target: { answeredWithinMs: 15_000, percent: 80 },
      wrapUpMs: 30_000,
      maxWrapUpMs: 30_000,
      maxWait: null,
    });
    expect(c.queues.get('fund')?.requirementLevels).toEqual([[{ skill: 'housing_fund', minLevel: 3 }], [{ skill: 'housing_fund', minLevel: 1 }]]);
    expect(c.queues.get('fund')?.skills).toEqual(['housing_fund']);
    expect(c.agents.get('1001')?.skills.get('housing_fund')).toBe(4);
    expect(c.callbacks).toEqual({ offerAfterMs: null, maxAttempts: 3, retryDelayMs: 300_000, dialTimeoutMs: 60_000 });
    expect(c.figures).toEqual({ windowMs: 1_800_000, shortAbandonMs: 5_000, defaultHandleMs: 300_000 });
  });

  it('given a queue requiring a misspelt skill, when validated, then the error names the skill and the queue', () => {
    const issues = issuesOf({ ...base, queues: [{ id: 'fund', requires: [{ skill: 'housing_fnd' }] }] });
    expect(issues).toEqual(['queues[0].requires[0].skill: queue "fund" requires unknown skill "housing_fnd"']);
    expect(() => validateAcdConfig({ ...base, queues: [{ id: 'fund', requires: [{ skill: 'housing_fnd' }] }] })).toThrow(/unknown skill "housing_fnd"/);
  });

  it('given unknown queues in overflow, max wait, default queue and an agent, when validated, then each is named', () => {
    const issues = issuesOf({
      ...base,
      defaultQueue: 'genral',
      queues: [
        { id: 'general', maxWait: { afterMs: 60_000, action: 'fallback_queue', toQueue: 'overflow-centre' } },
        { id: 'english', requires: [{ skill: 'english' }], overflow: [{ afterMs: 30_000, action: 'move', toQueue: 'engish' }] },
      ],
      agents: [{ id: '1001', queues: ['fnd'] }],
    });
    expect(issues).toEqual([
      'queues[0].maxWait.toQueue: queue "general" falls back to unknown queue "overflow-centre"',
      'queues[1].overflow[0].toQueue: queue "english" overflows to unknown queue "engish"',
      'defaultQueue: unknown queue "genral"',
      'agents[0].queues[0]: agent "1001" is assigned to unknown queue "fnd"',
    ]);
  });

  it('given agents with unknown skills, groups and sites, or levels outside 1–5, when validated, then each is named', () => {
    const issues = issuesOf({
      ...base,
      groups: ['early'],
      sites: ['main'],
      agents: [
        { id: '1001', skills: { hokkien: 3 } },
        { id: '1002', skills: { english: 6 }, groups: ['night'], site: 'annex' },
      ],
    });
    expect(issues).toEqual([
      'agents[0].skills.hokkien: agent "1001" has unknown skill "hokkien"',
      'agents[1].skills.english: agent "1002": level of "english" must be an integer 1–5, got 6',
      'agents[1].groups[0]: agent "1002" is in unknown group "night"',
      'agents[1].site: agent "1002" is at unknown site "annex"',
    ]);
  });

  it('given numbers out of range and inconsistent rules, when validated, then all problems are reported at once', () => {
    const issues = issuesOf({
      ringTimeoutMs: 0,
      wrapUpMs: -1,
      skills: [{ id: 'english' }, { id: 'english' }],
      queues: [
        {
          id: 'q',
          requires: [{ skill: 'english', minLevel: 0 }],
          weight: 0,
          serviceTarget: { answeredWithinMs: 15_000, percent: 120 },
          overflow: [
            { afterMs: 60_000, action: 'widen', requires: [{ skill: 'english', minLevel: 3 }] },
            { afterMs: 30_000, action: 'move', toQueue: 'q' },
          ],
          wrapUpMs: 60_000,
          maxWrapUpMs: 30_000,
        },
        { id: 'q' },
      ],
      callbacks: { maxAttempts: 0 },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'ringTimeoutMs: must be a positive number of ms',
        'wrapUpMs: must be a number of ms ≥ 0',
        'skills[1].id: duplicate skill "english"',
        'queues[1].id: duplicate queue "q"',
        'callbacks.maxAttempts: must be an integer ≥ 1',
        'queues[0].requires[0].minLevel: queue "q": minimum level of "english" must be an integer 1–5, got 0',
        'queues[0].weight: queue "q": weight must be a positive number',
        'queues[0].serviceTarget.percent: queue "q": must be 0–100',
        'queues[0].overflow[0].requires: queue "q": an overflow widen step may only drop skills or lower minimum levels',
        'queues[0].overflow[1].afterMs: queue "q": overflow steps must be in increasing time order',
        'queues[0].overflow[1].toQueue: queue "q" overflows to itself',
        'queues[0].maxWrapUpMs: queue "q": must be ≥ the queue\'s wrapUpMs (60000)',
      ]),
    );
  });

  it('given a widen step that adds a skill, when validated, then it is refused as not a widening', () => {
    expect(
      issuesOf({
        ...base,
        queues: [{ id: 'f', requires: [{ skill: 'housing_fund' }], overflow: [{ afterMs: 1, action: 'widen', requires: [{ skill: 'english' }] }] }],
      }),
    ).toEqual(['queues[0].overflow[0].requires: queue "f": an overflow widen step may only drop skills or lower minimum levels']);
  });
});

describe('validation in the engine', () => {
  it('given a bad configuration, when the engine is built, then it throws AcdConfigError naming the problem', () => {
    expect(() => new AcdEngine({ ...base, queues: [{ id: 'x', requires: [{ skill: 'tax' }] }] })).toThrow('queue "x" requires unknown skill "tax"');
  });

  it('given an agent_known with an unknown skill, when handled, then AcdConfigError names it and the agent keeps their profile', () => {
    const e = engineWith();
    e.handle({ type: 'agent_known', agentId: 'a', skills: { english: 3 } }, 0);
    expect(() => e.handle({ type: 'agent_known', agentId: 'a', skills: { englsh: 3 } }, 1)).toThrow('agent "a" has unknown skill "englsh"');
    expect(e.agentProfile('a')?.skills).toEqual({ english: 3 });
  });

  it('given a call for a queue the configuration lacks, when queued, then it goes to the default queue and call_misrouted names both', () => {
    const e = engineWith();
    expect(e.handle({ type: 'call_queued', callId: 'c1', queueId: 'tax' }, 0)).toEqual([
      { type: 'call_misrouted', callId: 'c1', requestedQueue: 'tax', queueId: 'general' },
    ]);
    expect(e.queueView().waiting).toEqual(['c1']);
  });
});
