// What goes in and out of the ACD core: the events the adapter feeds it and the commands it answers with.
import type { BreakReason, RequestableState } from '../../contracts/agent-state.js';

/** The states an agent is given back after a restart: those that need no call the new process does not know. */
export type RestorableState = 'available' | 'break' | 'missed' | 'wrap_up';
import type { AgentTransition } from '../agent-machine.js';
import type { CallbackRefusal } from '../callbacks.js';
import type { AcdConfig, Requirement } from '../config.js';
import type { CallbackFailure, PriorityTag } from '../routing.js';

/** The engine's configuration. `{ ringTimeoutMs, wrapUpMs }` alone gives one skill-less queue `general`. */
export type AcdSettings = AcdConfig;

export type AcdEvent =
  /** The agent exists (desktop connected). Profile fields, when given, replace the configured ones. */
  | {
      type: 'agent_known';
      agentId: string;
      skills?: Record<string, number>;
      groups?: string[];
      site?: string | null;
      queues?: string[] | null;
    }
  | { type: 'agent_request'; agentId: string; state: RequestableState; reason?: BreakReason | undefined }
  /** The agent's session ended: a ringing offer is withdrawn at once; a call in progress ends first. */
  | { type: 'agent_logout'; agentId: string }
  | { type: 'device_changed'; agentId: string; online: boolean }
  /**
   * After a server restart: the agent is put back in the state the database last recorded for them (`since`, epoch
   * ms, keeps their idle order; `until` ends a wrap-up), unless they have done something since the start or their
   * phone is not registered (then they stay offline). Nothing is recorded: the state did not change.
   */
  | { type: 'agent_restored'; agentId: string; state: RestorableState; reason?: BreakReason | null; since: number; until?: number }
  /** Default queue: config.defaultQueue. Default priority: normal. */
  /** `queuedAt`: a caller taken back after a server restart keeps the wait they had (epoch ms; never after now). */
  /** `callbackOffered`: a caller taken back after a restart who was offered a callback already is not asked again. */
  | { type: 'call_queued'; callId: string; queueId?: string; priority?: PriorityTag; number?: string; queuedAt?: number; callbackOffered?: boolean }
  | { type: 'caller_gone'; callId: string }
  /**
   * After a server restart: a conversation found in Asterisk (bridge, caller, the agent's leg) is the agent's call
   * again: they are on_call since `answeredAt` (epoch ms) and wrap up when it ends. Nothing is recorded (the answer
   * was counted when it happened). Ignored when the agent is busy with other work, or the call is known already.
   */
  | { type: 'call_adopted'; callId: string; agentId: string; queueId: string; answeredAt: number }
  /** offerId, when given, must be the current offer's: a late answer of an older offer is ignored. */
  | { type: 'offer_answered'; callId: string; offerId?: string }
  /** `unavailable`: the agent could not be rung because Asterisk was unreachable; they are not 未接, and routing
   *  pauses until `routing_paused` false says Asterisk is back. */
  | { type: 'offer_failed'; callId: string; offerId?: string; unavailable?: boolean }
  /** Asterisk became unreachable (paused) or reachable again: offers wait for it rather than fail. */
  | { type: 'routing_paused'; paused: boolean }
  /** callId may also be a callbackId for a connected callback. */
  | { type: 'call_finished'; callId: string }
  /** The agent ends wrap-up early. */
  | { type: 'wrap_up_done'; agentId: string }
  /** The agent asks for more wrap-up time, capped by the queue's maxWrapUpMs (counted from the start of wrap-up). */
  | { type: 'wrap_up_extend'; agentId: string; byMs: number }
  /** Supervisor changes a queue's wrap-up and its maximum; running wrap-ups are capped to the new maximum. */
  | { type: 'queue_wrap_up_set'; queueId: string; wrapUpMs?: number; maxWrapUpMs?: number }
  | { type: 'callback_requested'; callId: string; number: string }
  /**
   * After a server restart: a callback the database still has as requested is pending again, at the place its
   * caller had (`queuedAt`, epoch ms) and with the attempts already made (then it is due now, as a retry).
   * Ignored (unknown_callback) when its number already has one or the call is routed already.
   */
  | { type: 'callback_restored'; callId: string; number: string; queueId: string; queuedAt: number; attempts: number; lastReason: CallbackFailure | null }
  /** The citizen answered the callback and accepted it (pressed 1). */
  | { type: 'callback_connected'; callbackId: string }
  | { type: 'callback_failed'; callbackId: string; reason: CallbackFailure }
  | { type: 'tick' };

export type IgnoredReason =
  | 'no_offer'
  | 'stale_offer'
  | 'already_connected'
  | 'not_in_wrap_up'
  | 'max_wrap_up_reached'
  | 'unknown_agent'
  | 'unknown_callback'
  | 'not_restorable'
  | 'agent_busy';

export type AcdCommand =
  | { type: 'offer'; callId: string; agentId: string; offerId: string; waitedMs: number; queueId: string; priority: PriorityTag }
  | { type: 'cancel_offer'; callId: string; agentId: string; offerId: string; reason: 'ring_timeout' | 'caller_gone' }
  /** Like cancel_offer (hang up the agent leg, close the offer) but the agent left, not the call. */
  | { type: 'withdraw_offer'; callId: string; agentId: string; offerId: string; reason: 'agent_logged_out' }
  /** Bridge caller and agent. For a callback, callbackId is set and offerId is the attempt id. */
  | { type: 'connect'; callId: string; agentId: string; offerId: string; callbackId?: string }
  | { type: 'agent_state'; transition: AgentTransition }
  /** call_queued named a queue the configuration does not have: the call went to the default queue. */
  | { type: 'call_misrouted'; callId: string; requestedQueue: string; queueId: string }
  | {
      type: 'overflow';
      callId: string;
      action: 'widen' | 'move';
      fromQueue: string;
      toQueue: string;
      requires: Requirement[];
      waitedMs: number;
    }
  | {
      type: 'max_wait_reached';
      callId: string;
      queueId: string;
      waitedMs: number;
      action: 'offer_callback' | 'fallback_queue';
      toQueue?: string;
    }
  /** The caller has waited long enough to be offered a callback (the adapter plays the prompt). */
  | { type: 'offer_callback'; callId: string; queueId: string; waitedMs: number }
  | { type: 'callback_accepted'; callbackId: string; callId: string; number: string; position: number }
  | { type: 'callback_refused'; callId: string; number: string; reason: CallbackRefusal; pendingCallbackId?: string }
  /** The agent is already reserved (see the agent_state before it): dial the citizen and bridge with the agent. */
  | { type: 'place_callback'; callbackId: string; callId: string; agentId: string; number: string; attempt: number; attemptId: string }
  /** The dial attempt took longer than callbacks.dialTimeoutMs: hang it up (it counts as no_answer). */
  | { type: 'cancel_callback'; callbackId: string; agentId: string; attemptId: string; reason: 'dial_timeout' }
  | { type: 'callback_retry_scheduled'; callbackId: string; attempt: number; dueAt: number; lastReason: CallbackFailure }
  | { type: 'callback_abandoned'; callbackId: string; callId: string; number: string; attempts: number; lastReason: CallbackFailure }
  /** A running wrap-up got a new end (agent extension or supervisor cap). */
  | { type: 'wrap_up_changed'; agentId: string; until: number; maxUntil: number }
  /** An event that changed nothing, with why (e.g. an answer on a second device after the first one). */
  | { type: 'ignored'; event: AcdEvent['type']; reason: IgnoredReason; callId?: string; agentId?: string; callbackId?: string };
