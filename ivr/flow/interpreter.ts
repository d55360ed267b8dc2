// The IVR interpreter: pure and synchronous. ivrStep(flow, state, event, newId) → { state, commands }.
//
// It owns what is common to every step kind: start, hang-up (only a report follows), a call connected to an
// agent, global hot keys (press 1 at any time → progress query; the sub-flow's RETURN brings the caller back:
// a queued caller gets resume_queue), the terminator swallowed after a complete gather, and moving from step
// to step (what the left step still plays is stopped and its timer cancelled). Everything else is the
// current step kind's (play.ts, gather.ts, menu.ts …).
import { enqueue } from './enqueue.js';
import { gather } from './gather.js';
import { hangup } from './hangup.js';
import { lookup } from './lookup.js';
import { menu } from './menu.js';
import { play } from './play.js';
import { say } from './say.js';
import { transfer } from './transfer.js';
import {
  DTMF,
  RETURN,
  type FlowDefinition,
  type FlowStep,
  type IvrCommand,
  type IvrEvent,
  type IvrState,
  type StepHandler,
  type StepId,
  type StepKind,
  type StepResult,
  type Target,
} from './types.js';

export const HANDLERS: { readonly [K in StepKind]: StepHandler<Extract<FlowStep, { kind: K }>> } = {
  play,
  say,
  menu,
  gather,
  lookup,
  enqueue,
  transfer,
  hangup,
};

/** Steps entered while handling one event; a valid flow never comes close (validateFlow refuses loops). */
export const MAX_TRANSITIONS_PER_EVENT = 100;

/** The flow cannot go on: an invalid definition reached the interpreter (run validateFlow at start-up). */
export class FlowRuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FlowRuntimeError';
  }
}

export function initialIvrState(): IvrState {
  return {
    status: 'new',
    stepId: null,
    phase: 'idle',
    playbackId: null,
    pending: [],
    timerId: null,
    lookupId: null,
    typedAhead: [],
    digits: '',
    tries: 0,
    swallow: null,
    vars: {},
    returnTo: null,
    queue: 'none',
    queueStepId: null,
  };
}

/** Whether the flow's hot keys work while `step` is current (never during a gather: its keys are data). */
export function hotkeysApply(step: FlowStep): boolean {
  switch (step.kind) {
    case 'gather':
    case 'transfer':
    case 'hangup':
      return false;
    default:
      return step.hotkeys !== false;
  }
}

export function ivrStep(flow: FlowDefinition, state: IvrState, event: IvrEvent, newId: () => string): { state: IvrState; commands: IvrCommand[] } {
  const unchanged = { state, commands: [] };
  if (state.status === 'ended') return unchanged;
  switch (event.type) {
    case 'hung_up':
      // the channel is gone: nothing to stop or cancel there, the adapter drops the call's timers
      return {
        state: { ...state, status: 'ended', phase: 'done' },
        commands: [{ type: 'report', outcome: { kind: 'caller_hung_up', step: state.stepId, inQueue: state.queue !== 'none' } }],
      };
    case 'connected': {
      const left = leave(state);
      return { state: { ...left.state, status: 'ended', phase: 'done' }, commands: left.commands };
    }
    case 'started':
    case 'answered': {
      if (state.status !== 'new') return unchanged;
      const answer: IvrCommand[] = event.type === 'started' ? [{ type: 'answer' }] : [];
      return follow(flow, { state: { ...state, status: 'running' }, commands: answer, goto: flow.start }, newId);
    }
    case 'queued':
      return { state: state.queue === 'requested' ? { ...state, queue: 'confirmed' } : state, commands: [] };
    case 'digit': {
      if (!DTMF.test(event.digit)) return unchanged;
      if (state.status === 'new') return { state: { ...state, typedAhead: [...state.typedAhead, event.digit] }, commands: [] };
      if (state.swallow !== null) {
        const swallowed = event.digit === state.swallow;
        state = { ...state, swallow: null };
        if (swallowed) return { state, commands: [] };
      }
      const target = hotkeyTarget(flow, state, event.digit);
      if (target !== null) return pressedHotkey(flow, state, target, newId);
      break;
    }
    default:
      break;
  }
  if (state.status === 'new' || state.stepId === null) return { state, commands: [] };
  const step = stepOf(flow, state.stepId);
  const result = handlerOf(step).onEvent(state, step, event, { flow, stepId: state.stepId, newId });
  return follow(flow, result, newId);
}

function hotkeyTarget(flow: FlowDefinition, state: IvrState, digit: string): StepId | null {
  const target = flow.hotkeys?.[digit];
  if (target === undefined || state.stepId === null) return null;
  return hotkeysApply(stepOf(flow, state.stepId)) ? target : null;
}

/** A hot key: stop the current step and start the sub-flow; a second hot key inside it keeps the first return. */
function pressedHotkey(flow: FlowDefinition, state: IvrState, target: StepId, newId: () => string) {
  const left = leave(state);
  const commands: IvrCommand[] = [...left.commands];
  if (state.status === 'queued') commands.push({ type: 'pause_queue' });
  const s: IvrState = { ...left.state, status: 'running', typedAhead: [], returnTo: state.returnTo ?? state.stepId };
  return follow(flow, { state: s, commands, goto: target }, newId);
}

/** Follows `goto`s until a step waits for an event. */
function follow(flow: FlowDefinition, result: StepResult, newId: () => string): { state: IvrState; commands: IvrCommand[] } {
  let { state, goto } = result;
  const commands = [...result.commands];
  for (let n = 0; goto !== undefined; n++) {
    if (n >= MAX_TRANSITIONS_PER_EVENT) throw new FlowRuntimeError(`more than ${MAX_TRANSITIONS_PER_EVENT} steps without an event, last "${goto}"`);
    const left = leave(state);
    commands.push(...left.commands);
    const r = go(flow, left.state, goto, newId);
    commands.push(...r.commands);
    state = r.state;
    goto = r.goto;
  }
  return { state, commands };
}

function go(flow: FlowDefinition, state: IvrState, target: Target, newId: () => string): StepResult {
  if (target !== RETURN) {
    const step = stepOf(flow, target);
    return handlerOf(step).enter(resetFor(state, target), step, { flow, stepId: target, newId });
  }
  const back = state.returnTo;
  const s: IvrState = { ...state, returnTo: null };
  // a queued caller goes back to the queue (the enqueue step answers resume_queue)
  if (s.queue !== 'none' && s.queueStepId !== null) return go(flow, s, s.queueStepId, newId);
  if (back === null) return go(flow, s, flow.start, newId);
  const step = stepOf(flow, back);
  const handler = handlerOf(step);
  const ctx = { flow, stepId: back, newId };
  return handler.resume ? handler.resume(resetFor(s, back), step, ctx) : handler.enter(resetFor(s, back), step, ctx);
}

/** Per-step state cleared for a step being entered. */
function resetFor(state: IvrState, stepId: StepId): IvrState {
  return { ...state, status: 'running', stepId, phase: 'idle', playbackId: null, pending: [], timerId: null, lookupId: null, digits: '', tries: 0 };
}

/** Stops what the current step still plays and cancels its timer. */
function leave(state: IvrState): { state: IvrState; commands: IvrCommand[] } {
  const commands: IvrCommand[] = [];
  if (state.playbackId !== null) commands.push({ type: 'stop_playback', playbackId: state.playbackId });
  if (state.timerId !== null) commands.push({ type: 'cancel_timer', timerId: state.timerId });
  return { state: { ...state, playbackId: null, pending: [], timerId: null, lookupId: null }, commands };
}

function stepOf(flow: FlowDefinition, id: StepId): FlowStep {
  const step = Object.hasOwn(flow.steps, id) ? flow.steps[id] : undefined;
  if (!step) throw new FlowRuntimeError(`unknown step "${id}"`);
  return step;
}

function handlerOf(step: FlowStep): StepHandler<FlowStep> {
  const handler = (HANDLERS as Partial<Record<string, StepHandler<FlowStep>>>)[step.kind];
  if (!handler) throw new FlowRuntimeError(`unknown step kind "${String(step.kind)}"`);
  return handler;
}
