// IVR flows as data. A FlowDefinition is a set of steps keyed by id, each `{ kind, ...params, next }`; the pure
// interpreter in interpreter.ts runs one event at a time and answers with commands for the adapter
// (play, timers, queue, transfer …). Timers, playbacks and look-ups are identified by ids from an injected
// `newId`, so a stale timer or playback event is recognised and ignored.
//
// Each step kind lives in its own file (play.ts, gather.ts, menu.ts, say.ts, lookup.ts, enqueue.ts,
// transfer.ts, hangup.ts) and implements StepHandler. validate.ts checks a definition before it is used.

/** Id of a step in FlowDefinition.steps. */
export type StepId = string;

/**
 * Special `next` of the last step of a hot-key sub-flow: go back to where the caller was when they pressed the
 * hot key (a queued caller gets `resume_queue` and keeps their place).
 */
export const RETURN = '@return';
/** A step id, or RETURN (StepId is any string, so the union is spelled out for readers, not for the compiler). */
export type Target = StepId;

/** What a play step plays: a prompt of the prompt set (telephony/prompts.ts) or a media URI the adapter plays as is. */
export type PlaySource = { prompt: string } | { audio: string };

/** A prompt (by name) or a recording (media URI) played, then `next`. */
export interface PlayStep {
  kind: 'play';
  prompt?: string;
  /** Media URI (e.g. `sound:/var/lib/hotline/prompts/notice`) instead of a prompt name. */
  audio?: string;
  /** A digit cuts the prompt short and moves on (the digit is kept for the next step). Default false. */
  bargeIn?: boolean;
  /** Global hot keys work during this step. Default true. */
  hotkeys?: boolean;
  next: Target;
}

/** Dynamic text read out by text-to-speech. `{name}` placeholders are replaced by flow variables. */
export interface SayStep {
  kind: 'say';
  text: string;
  bargeIn?: boolean;
  hotkeys?: boolean;
  next: Target;
}

export interface MenuOption {
  /** One DTMF key: 0-9, *, #. */
  digit: string;
  next: Target;
  /** Announces this option after the menu prompt (e.g. "普通话服务请按二"). */
  prompt?: string;
  /** Flow variables set when the caller picks this option (e.g. language, skillHint). */
  set?: Readonly<Record<string, string>>;
}

/** One key picks the next step. Invalid or no input: re-prompt, after maxAttempts go to onFail. */
export interface MenuStep {
  kind: 'menu';
  prompt: string;
  options: readonly MenuOption[];
  /** Wait for a key after the prompts finished. Default 5000 ms. */
  timeoutMs?: number;
  /** Attempts in all, the first included. Default 3 (one prompt and two re-prompts). */
  maxAttempts?: number;
  /** Played before the re-prompt after a wrong key. */
  invalidPrompt?: string;
  hotkeys?: boolean;
  onFail: Target;
}

/** Value checks a gather step can apply to what was typed. */
export type GatherFormat = 'digits' | 'order_code';

/**
 * Collects digits: ends on the terminator, on maxDigits, or when the inter-digit timeout passes after at least
 * one digit. The value (normalised by `format`) is stored in the flow variable `saveAs`. Global hot keys never
 * apply during a gather: its digits are data.
 */
export interface GatherStep {
  kind: 'gather';
  prompt: string;
  minDigits: number;
  maxDigits: number;
  /** A non-digit key ending the input. Default '#'; null: none. */
  terminator?: '#' | '*' | null;
  /** Wait for the first digit after the prompt finished. Default 8000 ms. */
  firstDigitTimeoutMs?: number;
  /** Wait for each following digit. Default 5000 ms. */
  interDigitTimeoutMs?: number;
  /** Default 'digits'. 'order_code' turns 20261123000123 into GD20261123-000123 (see orderCodeFromDigits). */
  format?: GatherFormat;
  saveAs: string;
  maxAttempts?: number;
  invalidPrompt?: string;
  next: Target;
  onFail: Target;
}

/**
 * Asks the adapter to look up a work order whose code is in the flow variable `codeVar`. Sets the variables
 * `orderState` and `expectedDate` when found.
 */
export interface LookupStep {
  kind: 'lookup';
  /** Variable holding the order code. Default 'orderCode'. */
  codeVar?: string;
  /** The look-up counts as failed when no result came within this time. Default 8000 ms. */
  timeoutMs?: number;
  hotkeys?: boolean;
  /** Found (with an expected completion date, or without one when noDate is not given). */
  next: Target;
  /** Found, but the order has no expected completion date (e.g. already completed). Default: next. */
  noDate?: Target;
  notFound: Target;
  /** The look-up failed or timed out. Default: notFound. */
  failed?: Target;
}

/** Hands the call to the ACD queue; a caller already queued (back from a sub-flow) keeps their place. */
export interface EnqueueStep {
  kind: 'enqueue';
  queue: string;
  /** Skill hint when the caller chose none (the variable `skillHint`, set by the language menu, wins). */
  skillHint?: string;
  hotkeys?: boolean;
}

/** Transfers the call to another number (e.g. 110/119/120 for emergencies). The IVR's part ends. */
export interface TransferStep {
  kind: 'transfer';
  number: string;
}

/** Ends the call (play a goodbye before it with a play step). */
export interface HangupStep {
  kind: 'hangup';
}

export type FlowStep = PlayStep | SayStep | MenuStep | GatherStep | LookupStep | EnqueueStep | TransferStep | HangupStep;
export type StepKind = FlowStep['kind'];

export interface FlowDefinition {
  start: StepId;
  steps: Readonly<Record<StepId, FlowStep>>;
  /** Key → first step of a sub-flow, available at every step whose `hotkeys` is not false (never in a gather). */
  hotkeys?: Readonly<Record<string, StepId>>;
}

// ---------------------------------------------------------------- events and commands

export type LookupResult =
  | { found: true; stateLabelZh: string; expectedDateZh: string | null }
  /** `failed`: the look-up itself failed (database down …); the flow says so rather than "not found". */
  | { found: false; failed?: boolean };

export type IvrEvent =
  /** A new inbound call: the flow answers it and starts. */
  | { type: 'started' }
  /** The channel is already answered (e.g. an outbound leg): the flow starts without `answer`. */
  | { type: 'answered' }
  /** A play or say command finished (for say: after synthesis and playback). */
  | { type: 'playback_finished'; playbackId: string }
  /** A play or say command could not be carried out; the flow moves on as if it had finished. */
  | { type: 'playback_failed'; playbackId: string }
  | { type: 'digit'; digit: string }
  | { type: 'timeout'; timerId: string }
  | { type: 'lookup_result'; lookupId: string; result: LookupResult }
  /** The adapter confirms the enqueue. */
  | { type: 'queued' }
  /** The ACD connected the caller to an agent: the IVR's part is over (stop what is playing). */
  | { type: 'connected' }
  | { type: 'hung_up' };

export type IvrOutcome =
  | { kind: 'queued'; queue: string; skillHint: string | null; language: string | null }
  | { kind: 'transferred'; number: string }
  | { kind: 'flow_hangup'; step: StepId }
  | { kind: 'caller_hung_up'; step: StepId | null; inQueue: boolean }
  /** Invalid or missing input at every attempt; the flow goes on with the step's onFail. */
  | { kind: 'no_valid_input'; step: StepId }
  | { kind: 'order_query'; orderCode: string; result: 'found' | 'not_found' | 'failed' };

export type IvrCommand =
  | { type: 'answer' }
  | { type: 'play'; media: PlaySource; playbackId: string }
  | { type: 'stop_playback'; playbackId: string }
  | { type: 'start_timer'; timerId: string; ms: number }
  | { type: 'cancel_timer'; timerId: string }
  /** Text-to-speech of Chinese text; reported back as playback_finished / playback_failed with playbackId. */
  | { type: 'say'; text: string; playbackId: string }
  | { type: 'lookup_order'; code: string; lookupId: string }
  | { type: 'enqueue'; queue: string; skillHint: string | null }
  /** A queued caller steps out to self-service: stop music on hold, keep the place, do not offer the call. */
  | { type: 'pause_queue' }
  /** Back from self-service: music on hold again, the call is offered again from its old place. */
  | { type: 'resume_queue' }
  | { type: 'transfer'; number: string }
  | { type: 'hangup' }
  | { type: 'report'; outcome: IvrOutcome };

// ---------------------------------------------------------------- state

/** Something the caller hears: a prompt, a media URI or text for TTS. */
export type Utterance = PlaySource | { text: string };

export interface IvrState {
  /** new: not started; running: in a step; queued: waiting in the queue; ended: nothing more happens. */
  status: 'new' | 'running' | 'queued' | 'ended';
  stepId: StepId | null;
  /** Kind-specific phase of the current step (e.g. 'prompting', 'collecting', 'waiting'). */
  phase: string;
  playbackId: string | null;
  /** Utterances still to play after the current one. */
  pending: Utterance[];
  timerId: string | null;
  lookupId: string | null;
  /** Digits pressed before a step wanted them; the next menu or gather takes them. */
  typedAhead: string[];
  /** Digits collected by the current gather. */
  digits: string;
  /** Failed attempts at the current menu or gather. */
  tries: number;
  /** A gather completed on maxDigits: the terminator pressed right after it is swallowed. */
  swallow: string | null;
  vars: Record<string, string>;
  /** Where a hot-key sub-flow returns to. */
  returnTo: StepId | null;
  queue: 'none' | 'requested' | 'confirmed';
  /** The enqueue step that queued the call. */
  queueStepId: StepId | null;
}

export type StepResult = { state: IvrState; commands: IvrCommand[]; goto?: Target };

export interface StepContext {
  flow: FlowDefinition;
  stepId: StepId;
  newId: () => string;
}

/** Events a step handler sees (start, hang-up, connected and queued are the interpreter's). */
export type StepEvent = Extract<IvrEvent, { type: 'playback_finished' | 'playback_failed' | 'digit' | 'timeout' | 'lookup_result' }>;

export interface StepHandler<S extends FlowStep> {
  /** The step starts; per-step state is already reset. */
  enter(state: IvrState, step: S, ctx: StepContext): StepResult;
  /** An event while the step is current; return the state unchanged (no commands) to ignore it. */
  onEvent(state: IvrState, step: S, event: StepEvent, ctx: StepContext): StepResult;
  /** Back from a hot-key sub-flow to this step. Default: enter it again. */
  resume?(state: IvrState, step: S, ctx: StepContext): StepResult;
}

/** DTMF keys. */
export const DTMF = /^[0-9*#A-D]$/;
