// Checks a flow definition before it is used (at start-up; flows may come from configuration files).
// Every problem is reported, each message naming the step: unknown next ids, unreachable steps, missing or
// unknown prompts, loops the caller could never leave by pressing a key, RETURN outside a hot-key sub-flow,
// menu keys taken by a hot key, and parameters out of range.
import { hotkeysApply } from './interpreter.js';
import { DEFAULT_CODE_VAR, EXPECTED_DATE_VAR, ORDER_STATE_VAR } from './lookup.js';
import { ORDER_CODE_MAX_DIGITS, ORDER_CODE_MIN_DIGITS } from './order-code-digits.js';
import { placeholders } from './say.js';
import { DTMF, RETURN, type FlowDefinition, type FlowStep, type StepId, type Target } from './types.js';

export class FlowValidationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid IVR flow:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'FlowValidationError';
  }
}

interface Edge {
  target: Target;
  /** How the step names it in messages: next, onFail, option 2 … */
  label: string;
  /** Taken without the caller pressing a key (after a playback, a look-up, or the last failed attempt). */
  withoutInput: boolean;
}

const KINDS = new Set(['play', 'say', 'menu', 'gather', 'lookup', 'enqueue', 'transfer', 'hangup']);

function edgesOf(step: FlowStep): Edge[] {
  switch (step.kind) {
    case 'play':
    case 'say':
      return [{ target: step.next, label: 'next', withoutInput: true }];
    case 'menu':
      return [
        ...(step.options ?? []).map((o) => ({ target: o.next, label: `option ${o.digit}`, withoutInput: false })),
        { target: step.onFail, label: 'onFail', withoutInput: true },
      ];
    case 'gather':
      return [
        { target: step.next, label: 'next', withoutInput: false },
        { target: step.onFail, label: 'onFail', withoutInput: true },
      ];
    case 'lookup': {
      const edges: Edge[] = [
        { target: step.next, label: 'next', withoutInput: true },
        { target: step.notFound, label: 'notFound', withoutInput: true },
      ];
      if (step.noDate !== undefined) edges.push({ target: step.noDate, label: 'noDate', withoutInput: true });
      if (step.failed !== undefined) edges.push({ target: step.failed, label: 'failed', withoutInput: true });
      return edges;
    }
    default:
      return [];
  }
}

/**
 * Problems of `flow`, each naming the step; empty when the flow is valid. `prompts`: the prompt names the
 * adapter can play (the keys of its PromptSet).
 */
export function validateFlow(flow: FlowDefinition, prompts: Iterable<string>): string[] {
  const problems: string[] = [];
  const known = new Set(prompts);
  const steps = flow.steps ?? {};
  const ids = Object.keys(steps);
  const exists = (id: string) => Object.hasOwn(steps, id);
  const valid = new Map<StepId, FlowStep>();

  if (!exists(flow.start)) problems.push(`start step "${flow.start}" does not exist`);
  if (exists(RETURN)) problems.push(`step id "${RETURN}" is reserved for returning from a hot-key sub-flow`);

  for (const id of ids) {
    const step = steps[id]!;
    if (!step || !KINDS.has(step.kind)) {
      problems.push(`step "${id}": unknown kind "${String(step?.kind)}"`);
      continue;
    }
    valid.set(id, step);
    for (const e of edgesOf(step)) {
      if (typeof e.target !== 'string' || e.target === '') problems.push(`step "${id}": ${e.label} is missing`);
      else if (e.target !== RETURN && !exists(e.target)) problems.push(`step "${id}": ${e.label} leads to unknown step "${e.target}"`);
    }
  }

  const hotkeys = Object.entries(flow.hotkeys ?? {});
  for (const [key, target] of hotkeys) {
    if (!DTMF.test(key)) problems.push(`hot key "${key}" is not a single DTMF key (0-9, *, #)`);
    if (!exists(target)) problems.push(`hot key ${key} leads to unknown step "${target}"`);
  }

  // variables some step sets, for say placeholders and the look-up's code
  const setVars = new Set<string>();
  for (const step of valid.values()) {
    if (step.kind === 'gather' && step.saveAs) setVars.add(step.saveAs);
    if (step.kind === 'menu') for (const o of step.options ?? []) for (const k of Object.keys(o.set ?? {})) setVars.add(k);
    if (step.kind === 'lookup') [ORDER_STATE_VAR, EXPECTED_DATE_VAR].forEach((v) => setVars.add(v));
  }

  for (const [id, step] of valid) problems.push(...checkStep(id, step, { known, setVars, hotkeys: flow.hotkeys ?? {} }));

  // reachability: the main flow from start, sub-flows from the hot keys
  const reach = (from: StepId[]) => {
    const seen = new Set<StepId>();
    const todo = from.filter(exists);
    while (todo.length) {
      const id = todo.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      const step = valid.get(id); // a step of unknown kind is reached, but leads nowhere
      if (step) for (const e of edgesOf(step)) if (e.target !== RETURN && exists(e.target)) todo.push(e.target);
    }
    return seen;
  };
  const main = reach([flow.start]);
  const sub = reach(hotkeys.map(([, target]) => target));
  for (const id of ids) if (!main.has(id) && !sub.has(id)) problems.push(`step "${id}" is unreachable (neither from start "${flow.start}" nor from a hot key)`);
  for (const id of main) {
    const step = valid.get(id);
    if (!step) continue;
    for (const e of edgesOf(step)) {
      if (e.target === RETURN)
        problems.push(`step "${id}": ${e.label} returns to where the caller was, but the step is part of the main flow (only a hot-key sub-flow can return)`);
    }
  }

  problems.push(...loopsWithoutInput(valid));
  return problems;
}

/** Throws FlowValidationError listing every problem. */
export function assertValidFlow(flow: FlowDefinition, prompts: Iterable<string>): void {
  const problems = validateFlow(flow, prompts);
  if (problems.length) throw new FlowValidationError(problems);
}

interface CheckContext {
  known: Set<string>;
  setVars: Set<string>;
  hotkeys: Readonly<Record<string, StepId>>;
}

function checkStep(id: StepId, step: FlowStep, c: CheckContext): string[] {
  const out: string[] = [];
  const at = (msg: string) => out.push(`step "${id}": ${msg}`);
  const prompt = (field: string, name: string | undefined, required: boolean) => {
    if (name === undefined && !required) return;
    if (typeof name !== 'string' || name === '') at(`${field} is missing`);
    else if (!c.known.has(name)) at(`${field} "${name}" is not in the prompt set`);
  };
  const positiveMs = (field: string, ms: number | undefined) => {
    if (ms !== undefined && !(Number.isInteger(ms) && ms > 0)) at(`${field} must be a positive whole number of milliseconds, got ${String(ms)}`);
  };
  const attempts = (n: number | undefined) => {
    if (n !== undefined && !(Number.isInteger(n) && n >= 1)) at(`maxAttempts must be a whole number ≥ 1, got ${String(n)}`);
  };

  switch (step.kind) {
    case 'play':
      if (step.prompt !== undefined && step.audio !== undefined) at('give either prompt or audio, not both');
      else if (step.audio !== undefined) {
        if (typeof step.audio !== 'string' || step.audio === '') at('audio is missing');
      } else prompt('prompt', step.prompt, true);
      break;
    case 'say':
      if (typeof step.text !== 'string' || step.text.trim() === '') at('text is missing');
      else for (const v of placeholders(step.text)) if (!c.setVars.has(v)) at(`text uses {${v}}, which no step sets`);
      break;
    case 'menu': {
      prompt('prompt', step.prompt, true);
      prompt('invalidPrompt', step.invalidPrompt, false);
      positiveMs('timeoutMs', step.timeoutMs);
      attempts(step.maxAttempts);
      const options = step.options ?? [];
      if (options.length === 0) at('has no options');
      const seen = new Set<string>();
      for (const o of options) {
        if (typeof o.digit !== 'string' || !DTMF.test(o.digit)) at(`option "${String(o.digit)}" is not a single DTMF key (0-9, *, #)`);
        else if (seen.has(o.digit)) at(`option ${o.digit} is listed twice`);
        else if (hotkeysApply(step) && Object.hasOwn(c.hotkeys, o.digit)) {
          at(`option ${o.digit} is also the hot key ${o.digit} (the hot key would win): pick another key or set hotkeys: false`);
        }
        seen.add(o.digit);
        prompt(`option ${o.digit} prompt`, o.prompt, false);
      }
      break;
    }
    case 'gather': {
      prompt('prompt', step.prompt, true);
      prompt('invalidPrompt', step.invalidPrompt, false);
      positiveMs('firstDigitTimeoutMs', step.firstDigitTimeoutMs);
      positiveMs('interDigitTimeoutMs', step.interDigitTimeoutMs);
      attempts(step.maxAttempts);
      const { minDigits: min, maxDigits: max } = step;
      if (!Number.isInteger(min) || min < 1) at(`minDigits must be a whole number ≥ 1, got ${String(min)}`);
      else if (!Number.isInteger(max) || max < min) at(`maxDigits must be a whole number ≥ minDigits (${min}), got ${String(max)}`);
      else if (step.format === 'order_code' && (max < ORDER_CODE_MIN_DIGITS || min > ORDER_CODE_MAX_DIGITS)) {
        at(`an order code has ${ORDER_CODE_MIN_DIGITS}–${ORDER_CODE_MAX_DIGITS} digits, but the step accepts ${min}–${max}`);
      }
      if (step.terminator !== undefined && step.terminator !== null && step.terminator !== '#' && step.terminator !== '*') {
        at(`terminator must be "#", "*" or null, got "${String(step.terminator)}"`);
      }
      if (step.format !== undefined && step.format !== 'digits' && step.format !== 'order_code') at(`unknown format "${String(step.format)}"`);
      if (typeof step.saveAs !== 'string' || step.saveAs === '') at('saveAs is missing');
      break;
    }
    case 'lookup': {
      positiveMs('timeoutMs', step.timeoutMs);
      const codeVar = step.codeVar ?? DEFAULT_CODE_VAR;
      if (!c.setVars.has(codeVar)) at(`looks up the code in {${codeVar}}, which no step sets`);
      break;
    }
    case 'enqueue':
      if (typeof step.queue !== 'string' || step.queue === '') at('queue is missing');
      break;
    case 'transfer':
      if (typeof step.number !== 'string' || !/^\+?[0-9*#]+$/.test(step.number)) at(`number "${String(step.number)}" is not a dialable number`);
      break;
    case 'hangup':
      break;
  }
  return out;
}

/** Cycles made only of edges taken without a key press: the caller would be stuck in them forever. */
function loopsWithoutInput(steps: ReadonlyMap<StepId, FlowStep>): string[] {
  const next = (id: StepId) =>
    edgesOf(steps.get(id)!)
      .filter((e) => e.withoutInput && e.target !== RETURN && steps.has(e.target))
      .map((e) => e.target);
  const state = new Map<StepId, 'open' | 'done'>();
  const path: StepId[] = [];
  const found = new Map<string, string>();
  const visit = (id: StepId) => {
    state.set(id, 'open');
    path.push(id);
    for (const t of next(id)) {
      if (state.get(t) === 'open') {
        const cycle = path.slice(path.indexOf(t));
        const key = [...cycle].sort().join('\u0000');
        if (!found.has(key)) found.set(key, `steps ${[...cycle, t].map((s) => `"${s}"`).join(' → ')} loop without the caller pressing a key`);
      } else if (!state.has(t)) visit(t);
    }
    path.pop();
    state.set(id, 'done');
  };
  for (const id of steps.keys()) if (!state.has(id)) visit(id);
  return [...found.values()];
}
