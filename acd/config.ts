// ACD configuration: skills, queues, agents, callback and figures policy. `validateAcdConfig` checks a whole
// configuration at start-up and names every unknown skill, queue, group or site it finds; the engine runs on
// the compiled form it returns (defaults filled in, overflow steps sorted, requirement sets precomputed).
//
// Times are milliseconds. Skill levels are integers 1 (beginner) … 5 (expert).
import type { ServiceTarget } from '../contracts/figures.js';

export const SKILL_LEVEL_MIN = 1;
export const SKILL_LEVEL_MAX = 5;

/** The default service target of a 12345 hotline: 80 % of calls answered within 15 s. */
export const DEFAULT_SERVICE_TARGET: ServiceTarget = { answeredWithinMs: 15_000, percent: 80 };
export const DEFAULT_QUEUE_ID = 'general';

/** Skills a typical municipal 12345 centre routes on (ids are what configuration and events use). */
export const HOTLINE_12345_SKILLS: readonly SkillDef[] = [
  { id: 'social_security', name: '人社' },
  { id: 'housing_fund', name: '住房公积金' },
  { id: 'real_estate', name: '房地产' },
  { id: 'business', name: '营商环境' },
  { id: 'medical_insurance', name: '医保' },
  { id: 'transport', name: '交通出行' },
  { id: 'english', name: 'English' },
  { id: 'cantonese', name: '粤语' },
];

export interface SkillDef {
  id: string;
  name?: string;
}

export interface SkillRequirement {
  skill: string;
  /** 1–5, default 1. */
  minLevel?: number;
}

export type { ServiceTarget } from '../contracts/figures.js';

/**
 * After `afterMs` in the queue (counted from the moment the call entered this queue), either widen the set of
 * agents that may take the call (a relaxation of the current requirement: drop a skill or lower a minimum
 * level) or move the call to another queue. A moved call keeps its original arrival time for ordering.
 */
export type OverflowStep = { afterMs: number; action: 'widen'; requires: SkillRequirement[] } | { afterMs: number; action: 'move'; toQueue: string };

/** What happens when a call has waited `afterMs` in this queue (counted from entering it). */
export type MaxWaitRule = { afterMs: number; action: 'offer_callback' } | { afterMs: number; action: 'fallback_queue'; toQueue: string };

export interface QueueConfig {
  id: string;
  name?: string;
  /** Every listed skill is required at its minimum level. The first one is the primary skill (agent ranking). */
  requires?: SkillRequirement[];
  /** Between queues at the same priority level the heavier queue is served first. Default 1. */
  weight?: number;
  serviceTarget?: ServiceTarget;
  overflow?: OverflowStep[];
  maxWait?: MaxWaitRule | null;
  /** Wrap-up (after-call work) after a call of this queue. Default: the config's wrapUpMs. */
  wrapUpMs?: number;
  /** Supervisor limit: an agent may extend wrap-up up to this long in total. Default: wrapUpMs (no extension). */
  maxWrapUpMs?: number;
  /** Wait (since arrival) after which the adapter is told it may offer a callback. Default: callbacks.offerAfterMs. */
  callbackOfferAfterMs?: number | null;
  /** Only agents in one of these groups serve the queue. Default: any group. */
  groups?: string[];
}

export interface AgentProfile {
  id: string;
  /** skill id → level 1–5 */
  skills?: Record<string, number>;
  groups?: string[];
  site?: string | null;
  /** Restricts the agent to these queues. Default: every queue whose skills the agent has. */
  queues?: string[] | null;
}

export interface CallbackPolicy {
  /** Wait (since arrival) after which an `offer_callback` command is issued; null = never by itself. */
  offerAfterMs: number | null;
  maxAttempts: number;
  retryDelayMs: number;
  /** If the adapter reports neither connected nor failed within this time, the attempt counts as no_answer. */
  dialTimeoutMs: number;
}

export interface FiguresPolicy {
  /** Rolling window of the real-time figures. */
  windowMs: number;
  /** Calls abandoned sooner than this are left out of service level and abandon rate. */
  shortAbandonMs: number;
  /** Handle time assumed for estimated waits while no call has been handled in the window. */
  defaultHandleMs: number;
}

export interface AcdConfig {
  ringTimeoutMs: number;
  /** Default wrap-up for queues that do not set their own. */
  wrapUpMs: number;
  skills?: SkillDef[];
  /** Known agent groups (班组); when given, agents and queues may only name these. */
  groups?: string[];
  /** Known sites (职场); when given, agents may only name these. */
  sites?: string[];
  /** Default: one queue `general` with no required skill. */
  queues?: QueueConfig[];
  /** Where a call with no (or an unknown) queue goes. Default: `general` if configured, else the first queue. */
  defaultQueue?: string;
  agents?: AgentProfile[];
  callbacks?: Partial<CallbackPolicy>;
  figures?: Partial<FiguresPolicy>;
}

// ---- compiled form ----

export interface Requirement {
  skill: string;
  minLevel: number;
}

export type CompiledStep =
  { afterMs: number; action: 'widen'; widenTo: number; requires: Requirement[] } | { afterMs: number; action: 'move'; toQueue: string };

export interface CompiledQueue {
  id: string;
  name: string;
  /** requirementLevels[0] is the queue's own requirement; [k] the one after the k-th widen step. */
  requirementLevels: Requirement[][];
  weight: number;
  target: ServiceTarget;
  overflow: CompiledStep[];
  maxWait: MaxWaitRule | null;
  wrapUpMs: number;
  maxWrapUpMs: number;
  callbackOfferAfterMs: number | null;
  groups: ReadonlySet<string> | null;
  /** Skills the queue asks for (its own requirement): the per-skill figures count its calls under these. */
  skills: readonly string[];
}

export interface CompiledProfile {
  id: string;
  skills: Map<string, number>;
  groups: Set<string>;
  site: string | null;
  queues: Set<string> | null;
}

export interface CompiledAcdConfig {
  ringTimeoutMs: number;
  wrapUpMs: number;
  skills: ReadonlyMap<string, SkillDef>;
  groups: ReadonlySet<string> | null;
  sites: ReadonlySet<string> | null;
  queues: Map<string, CompiledQueue>;
  defaultQueue: string;
  agents: Map<string, CompiledProfile>;
  callbacks: CallbackPolicy;
  figures: FiguresPolicy;
}

export interface AcdConfigIssue {
  /** Where, e.g. `queues[2].overflow[0].toQueue`. */
  path: string;
  message: string;
}

export class AcdConfigError extends Error {
  constructor(readonly issues: AcdConfigIssue[]) {
    super(`invalid ACD configuration: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.name = 'AcdConfigError';
  }
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);
const isMs = (n: unknown, allowZero: boolean): n is number => typeof n === 'number' && Number.isFinite(n) && (allowZero ? n >= 0 : n > 0);

/** True when `wider` asks nothing `narrower` does not: each requirement is also in `narrower` at the same or a higher level. */
export function isRelaxationOf(wider: readonly Requirement[], narrower: readonly Requirement[]): boolean {
  return wider.every((w) => narrower.some((n) => n.skill === w.skill && n.minLevel >= w.minLevel));
}

/** Checks a configuration and returns its compiled form; throws AcdConfigError listing every problem. */
export function validateAcdConfig(config: AcdConfig): CompiledAcdConfig {
  const issues: AcdConfigIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });

  if (!isMs(config.ringTimeoutMs, false)) bad('ringTimeoutMs', 'must be a positive number of ms');
  if (!isMs(config.wrapUpMs, true)) bad('wrapUpMs', 'must be a number of ms ≥ 0');

  const skills = new Map<string, SkillDef>();
  (config.skills ?? []).forEach((s, i) => {
    if (!s.id) bad(`skills[${i}].id`, 'must not be empty');
    else if (skills.has(s.id)) bad(`skills[${i}].id`, `duplicate skill "${s.id}"`);
    else skills.set(s.id, s);
  });
  const groups = config.groups ? new Set(config.groups) : null;
  const sites = config.sites ? new Set(config.sites) : null;

  const requirement = (r: SkillRequirement, path: string, owner: string): Requirement => {
    const minLevel = r.minLevel ?? SKILL_LEVEL_MIN;
    if (!skills.has(r.skill)) bad(`${path}.skill`, `${owner} requires unknown skill "${r.skill}"`);
    if (!isInt(minLevel) || minLevel < SKILL_LEVEL_MIN || minLevel > SKILL_LEVEL_MAX) {
      bad(`${path}.minLevel`, `${owner}: minimum level of "${r.skill}" must be an integer ${SKILL_LEVEL_MIN}–${SKILL_LEVEL_MAX}, got ${String(minLevel)}`);
    }
    return { skill: r.skill, minLevel };
  };
  const requirements = (list: SkillRequirement[], path: string, owner: string): Requirement[] => {
    const out = list.map((r, i) => requirement(r, `${path}[${i}]`, owner));
    const seen = new Set<string>();
    for (const r of out) {
      if (seen.has(r.skill)) bad(path, `${owner} lists skill "${r.skill}" twice`);
      seen.add(r.skill);
    }
    return out;
  };

  const queueConfigs: QueueConfig[] = config.queues && config.queues.length > 0 ? config.queues : [{ id: DEFAULT_QUEUE_ID }];
  const queueIds = new Set<string>();
  queueConfigs.forEach((q, i) => {
    if (!q.id) bad(`queues[${i}].id`, 'must not be empty');
    else if (queueIds.has(q.id)) bad(`queues[${i}].id`, `duplicate queue "${q.id}"`);
    queueIds.add(q.id);
  });

  const callbacks: CallbackPolicy = {
    offerAfterMs: config.callbacks?.offerAfterMs ?? null,
    maxAttempts: config.callbacks?.maxAttempts ?? 3,
    retryDelayMs: config.callbacks?.retryDelayMs ?? 300_000,
    dialTimeoutMs: config.callbacks?.dialTimeoutMs ?? 60_000,
  };
  if (callbacks.offerAfterMs !== null && !isMs(callbacks.offerAfterMs, false)) bad('callbacks.offerAfterMs', 'must be a positive number of ms or null');
  if (!isInt(callbacks.maxAttempts) || callbacks.maxAttempts < 1) bad('callbacks.maxAttempts', 'must be an integer ≥ 1');
  if (!isMs(callbacks.retryDelayMs, true)) bad('callbacks.retryDelayMs', 'must be a number of ms ≥ 0');
  if (!isMs(callbacks.dialTimeoutMs, false)) bad('callbacks.dialTimeoutMs', 'must be a positive number of ms');

  const figures: FiguresPolicy = {
    windowMs: config.figures?.windowMs ?? 30 * 60_000,
    shortAbandonMs: config.figures?.shortAbandonMs ?? 5_000,
    defaultHandleMs: config.figures?.defaultHandleMs ?? 300_000,
  };
  if (!isMs(figures.windowMs, false)) bad('figures.windowMs', 'must be a positive number of ms');
  if (!isMs(figures.shortAbandonMs, true)) bad('figures.shortAbandonMs', 'must be a number of ms ≥ 0');
  if (!isMs(figures.defaultHandleMs, false)) bad('figures.defaultHandleMs', 'must be a positive number of ms');

  const queues = new Map<string, CompiledQueue>();
  queueConfigs.forEach((q, i) => {
    const at = `queues[${i}]`;
    const owner = `queue "${q.id}"`;
    const base = requirements(q.requires ?? [], `${at}.requires`, owner);
    const weight = q.weight ?? 1;
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) bad(`${at}.weight`, `${owner}: weight must be a positive number`);
    const target = q.serviceTarget ?? DEFAULT_SERVICE_TARGET;
    if (!isMs(target.answeredWithinMs, false)) bad(`${at}.serviceTarget.answeredWithinMs`, `${owner}: must be a positive number of ms`);
    if (typeof target.percent !== 'number' || !(target.percent >= 0 && target.percent <= 100)) bad(`${at}.serviceTarget.percent`, `${owner}: must be 0–100`);

    const levels: Requirement[][] = [base];
    const steps: CompiledStep[] = [];
    let lastAfter = 0;
    (q.overflow ?? []).forEach((s, j) => {
      const sp = `${at}.overflow[${j}]`;
      if (!isMs(s.afterMs, false)) bad(`${sp}.afterMs`, `${owner}: overflow after must be a positive number of ms`);
      else if (s.afterMs <= lastAfter && j > 0) bad(`${sp}.afterMs`, `${owner}: overflow steps must be in increasing time order`);
      lastAfter = s.afterMs;
      if (s.action === 'widen') {
        const reqs = requirements(s.requires, `${sp}.requires`, `${owner} overflow`);
        const prev = levels[levels.length - 1]!;
        if (!isRelaxationOf(reqs, prev)) {
          bad(`${sp}.requires`, `${owner}: an overflow widen step may only drop skills or lower minimum levels`);
        }
        levels.push(reqs);
        steps.push({ afterMs: s.afterMs, action: 'widen', widenTo: levels.length - 1, requires: reqs });
      } else if (s.action === 'move') {
        if (!queueIds.has(s.toQueue)) bad(`${sp}.toQueue`, `${owner} overflows to unknown queue "${s.toQueue}"`);
        else if (s.toQueue === q.id) bad(`${sp}.toQueue`, `${owner} overflows to itself`);
        steps.push({ afterMs: s.afterMs, action: 'move', toQueue: s.toQueue });
      } else {
        bad(`${sp}.action`, `${owner}: unknown overflow action "${String((s as { action: unknown }).action)}"`);
      }
    });

    const maxWait = q.maxWait ?? null;
    if (maxWait) {
      if (!isMs(maxWait.afterMs, false)) bad(`${at}.maxWait.afterMs`, `${owner}: must be a positive number of ms`);
      if (maxWait.action === 'fallback_queue') {
        if (!queueIds.has(maxWait.toQueue)) bad(`${at}.maxWait.toQueue`, `${owner} falls back to unknown queue "${maxWait.toQueue}"`);
        else if (maxWait.toQueue === q.id) bad(`${at}.maxWait.toQueue`, `${owner} falls back to itself`);
      } else if (maxWait.action !== 'offer_callback') {
        bad(`${at}.maxWait.action`, `${owner}: unknown max-wait action "${String((maxWait as { action: unknown }).action)}"`);
      }
    }
    const wrapUpMs = q.wrapUpMs ?? config.wrapUpMs;
    const maxWrapUpMs = q.maxWrapUpMs ?? wrapUpMs;
    if (!isMs(wrapUpMs, true)) bad(`${at}.wrapUpMs`, `${owner}: must be a number of ms ≥ 0`);
    if (!isMs(maxWrapUpMs, true) || maxWrapUpMs < wrapUpMs) bad(`${at}.maxWrapUpMs`, `${owner}: must be ≥ the queue's wrapUpMs (${wrapUpMs})`);
    const cbAfter = q.callbackOfferAfterMs === undefined ? callbacks.offerAfterMs : q.callbackOfferAfterMs;
    if (cbAfter !== null && !isMs(cbAfter, false)) bad(`${at}.callbackOfferAfterMs`, `${owner}: must be a positive number of ms or null`);
    (q.groups ?? []).forEach((g, j) => {
      if (groups && !groups.has(g)) bad(`${at}.groups[${j}]`, `${owner} names unknown group "${g}"`);
    });
    queues.set(q.id, {
      id: q.id,
      name: q.name ?? q.id,
      requirementLevels: levels,
      weight,
      target: { ...target },
      overflow: steps,
      maxWait: maxWait ? { ...maxWait } : null,
      wrapUpMs,
      maxWrapUpMs,
      callbackOfferAfterMs: cbAfter,
      groups: q.groups && q.groups.length > 0 ? new Set(q.groups) : null,
      skills: base.map((r) => r.skill),
    });
  });

  const defaultQueue = config.defaultQueue ?? (queueIds.has(DEFAULT_QUEUE_ID) ? DEFAULT_QUEUE_ID : queueConfigs[0]!.id);
  if (!queueIds.has(defaultQueue)) bad('defaultQueue', `unknown queue "${defaultQueue}"`);

  const partial: Omit<CompiledAcdConfig, 'agents'> = {
    ringTimeoutMs: config.ringTimeoutMs,
    wrapUpMs: config.wrapUpMs,
    skills,
    groups,
    sites,
    queues,
    defaultQueue,
    callbacks,
    figures,
  };
  const agents = new Map<string, CompiledProfile>();
  (config.agents ?? []).forEach((a, i) => {
    if (!a.id) bad(`agents[${i}].id`, 'must not be empty');
    else if (agents.has(a.id)) bad(`agents[${i}].id`, `duplicate agent "${a.id}"`);
    agents.set(a.id, checkProfile(a, partial, `agents[${i}]`, bad));
  });

  if (issues.length > 0) throw new AcdConfigError(issues);
  return { ...partial, agents };
}

/** Checks one agent's profile (from configuration or an agent_known event); throws AcdConfigError naming what is unknown. */
export function compileAgentProfile(profile: AgentProfile, config: Omit<CompiledAcdConfig, 'agents'>): CompiledProfile {
  const issues: AcdConfigIssue[] = [];
  const compiled = checkProfile(profile, config, `agent "${profile.id}"`, (path, message) => issues.push({ path, message }));
  if (issues.length > 0) throw new AcdConfigError(issues);
  return compiled;
}

function checkProfile(a: AgentProfile, config: Omit<CompiledAcdConfig, 'agents'>, at: string, bad: (path: string, message: string) => void): CompiledProfile {
  const owner = `agent "${a.id}"`;
  const skills = new Map<string, number>();
  for (const [skill, level] of Object.entries(a.skills ?? {})) {
    if (!config.skills.has(skill)) bad(`${at}.skills.${skill}`, `${owner} has unknown skill "${skill}"`);
    if (!isInt(level) || level < SKILL_LEVEL_MIN || level > SKILL_LEVEL_MAX) {
      bad(`${at}.skills.${skill}`, `${owner}: level of "${skill}" must be an integer ${SKILL_LEVEL_MIN}–${SKILL_LEVEL_MAX}, got ${String(level)}`);
    }
    skills.set(skill, level);
  }
  (a.groups ?? []).forEach((g, j) => {
    if (config.groups && !config.groups.has(g)) bad(`${at}.groups[${j}]`, `${owner} is in unknown group "${g}"`);
  });
  if (a.site != null && config.sites && !config.sites.has(a.site)) bad(`${at}.site`, `${owner} is at unknown site "${a.site}"`);
  (a.queues ?? []).forEach((q, j) => {
    if (!config.queues.has(q)) bad(`${at}.queues[${j}]`, `${owner} is assigned to unknown queue "${q}"`);
  });
  return {
    id: a.id,
    skills,
    groups: new Set(a.groups ?? []),
    site: a.site ?? null,
    queues: a.queues ? new Set(a.queues) : null,
  };
}
