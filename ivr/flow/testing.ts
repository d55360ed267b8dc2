// Test support: drives a flow with ids id1, id2 … and records every command.
import { initialIvrState, ivrStep } from './interpreter.js';
import type { FlowDefinition, IvrCommand, IvrEvent, IvrOutcome, IvrState, LookupResult } from './types.js';

export interface FlowDriver {
  readonly state: IvrState;
  /** Every command so far. */
  readonly log: IvrCommand[];
  send(event: IvrEvent): IvrCommand[];
  /** The current playback finishes (throws when nothing plays). */
  finish(): IvrCommand[];
  /** The current playback fails. */
  failPlayback(): IvrCommand[];
  /** Finishes playbacks until the flow waits for something else. */
  playThrough(): IvrCommand[];
  /** The current timer expires (throws when none runs). */
  expire(): IvrCommand[];
  /** Presses each key of `keys`. */
  press(keys: string): IvrCommand[];
  /** Answers the pending look-up. */
  lookupAnswers(result: LookupResult): IvrCommand[];
}

export function driveFlow(flow: FlowDefinition): FlowDriver {
  let n = 0;
  const newId = () => `id${++n}`;
  let state = initialIvrState();
  const log: IvrCommand[] = [];
  const send = (event: IvrEvent) => {
    const r = ivrStep(flow, state, event, newId);
    state = r.state;
    log.push(...r.commands);
    return r.commands;
  };
  const d: FlowDriver = {
    get state() {
      return state;
    },
    log,
    send,
    finish() {
      if (!state.playbackId) throw new Error(`nothing is playing (step ${state.stepId}, phase ${state.phase})`);
      return send({ type: 'playback_finished', playbackId: state.playbackId });
    },
    failPlayback() {
      if (!state.playbackId) throw new Error(`nothing is playing (step ${state.stepId})`);
      return send({ type: 'playback_failed', playbackId: state.playbackId });
    },
    playThrough() {
      const out: IvrCommand[] = [];
      for (let i = 0; state.playbackId && i < 50; i++) out.push(...d.finish());
      return out;
    },
    expire() {
      if (!state.timerId) throw new Error(`no timer runs (step ${state.stepId}, phase ${state.phase})`);
      return send({ type: 'timeout', timerId: state.timerId });
    },
    press(keys) {
      return [...keys].flatMap((digit) => send({ type: 'digit', digit }));
    },
    lookupAnswers(result) {
      if (!state.lookupId) throw new Error(`no look-up pending (step ${state.stepId})`);
      return send({ type: 'lookup_result', lookupId: state.lookupId, result });
    },
  };
  return d;
}

/** Prompt names (or audio URIs) of the play commands, in order. */
export function plays(commands: readonly IvrCommand[]): string[] {
  return commands.flatMap((c) => (c.type === 'play' ? ['prompt' in c.media ? c.media.prompt : c.media.audio] : []));
}

export function says(commands: readonly IvrCommand[]): string[] {
  return commands.flatMap((c) => (c.type === 'say' ? [c.text] : []));
}

export function ofType<T extends IvrCommand['type']>(commands: readonly IvrCommand[], type: T): Extract<IvrCommand, { type: T }>[] {
  return commands.filter((c): c is Extract<IvrCommand, { type: T }> => c.type === type);
}

export function reports(commands: readonly IvrCommand[]): IvrOutcome[] {
  return ofType(commands, 'report').map((c) => c.outcome);
}

/** Command types in order, for checking the shape of a step. */
export function types(commands: readonly IvrCommand[]): string[] {
  return commands.map((c) => c.type);
}
