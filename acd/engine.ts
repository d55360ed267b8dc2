// The queue's decision core: plain state in, events in, commands out. No timers, no I/O: the caller passes
// `now` with every event and asks nextDeadline() when to come back with a tick. Adapters run the commands.
//
// What it decides (the ordering rules are documented at the top of acd/routing.ts):
//   - agents with skills (levels 1–5), groups and sites, one explicit state machine (acd/agent-machine.ts),
//     every transition emitted as an `agent_state` command with time and cause (acd/engine/agents.ts);
//   - queues with required skills, service target, overflow (widen / move, keeping the arrival time), max
//     wait (offer a callback or fall back to another queue), per-queue wrap-up with an early end and a
//     supervisor-set maximum (acd/engine/queue-steps.ts, acd/engine/agents.ts);
//   - routing of the best (entry, agent) pair whenever a call arrives or an agent frees up; a ring that times
//     out puts the agent in `missed` and the call back at its old place (acd/engine/calls.ts, deciding.ts);
//   - callbacks: a virtual entry keeps the caller's place, an agent is reserved before the number is dialled,
//     retries by policy, at most one pending callback per number (acd/engine/callbacks.ts);
//   - real-time figures and estimated waits (acd/figures.ts, acd/engine/views.ts).
//
// This file is the engine's one entry point: it dispatches each event to its step and re-exports the names
// the rest of the hotline imports from here.
import { IllegalTransitionError, type AgentRecord } from './agent-machine.js';
import { AcdConfigError, validateAcdConfig, type AcdConfig, type CompiledAcdConfig } from './config.js';
import type { AcdFigures, WaitEstimate } from './figures.js';
import type { CallbackFailure, PriorityTag } from './routing.js';
import { agentKnown, agentSlot, deviceChanged, extendWrapUp, logout, request, restoreAgent, setQueueWrapUp, wrapUpDone } from './engine/agents.js';
import { callbackConnected, callbackFailedEvent, callbackRequested, callbackRestored } from './engine/callbacks.js';
import { adoptCall, answered, callerGone, finish, offerFailed, queueCall } from './engine/calls.js';
import { expire, route } from './engine/deciding.js';
import type { AcdCommand, AcdEvent, AcdSettings } from './engine/protocol.js';
import { createEngineState, type EngineState } from './engine/state.js';
import * as views from './engine/views.js';

export class AcdEngine {
  readonly config: CompiledAcdConfig;
  private readonly st: EngineState;

  /** Throws AcdConfigError naming every unknown skill, queue, group or site. */
  constructor(settings: AcdSettings) {
    this.config = validateAcdConfig(settings);
    this.st = createEngineState(this.config);
  }

  handle(event: AcdEvent, now: number): AcdCommand[] {
    const st = this.st;
    const out: AcdCommand[] = [];
    switch (event.type) {
      case 'agent_known':
        agentKnown(st, event, now);
        break;
      case 'agent_request':
        request(st, agentSlot(st, event.agentId, now), event.state, event.reason ?? null, now, out);
        break;
      case 'agent_logout':
        logout(st, agentSlot(st, event.agentId, now), now, out);
        break;
      case 'device_changed':
        deviceChanged(st, event.agentId, event.online, now, out);
        break;
      case 'agent_restored':
        restoreAgent(st, event, now, out);
        break;
      case 'call_queued':
        queueCall(st, event, now, out);
        break;
      case 'caller_gone':
        callerGone(st, event.callId, now, out);
        break;
      case 'call_adopted':
        adoptCall(st, event, now, out);
        break;
      case 'offer_answered':
        answered(st, event.callId, event.offerId, now, out);
        break;
      case 'offer_failed':
        offerFailed(st, event.callId, event.offerId, event.unavailable ?? false, now, out);
        break;
      case 'call_finished':
        finish(st, st.connectedCallbacks.get(event.callId) ?? event.callId, now, out);
        break;
      case 'wrap_up_done':
        wrapUpDone(st, event.agentId, now, out);
        break;
      case 'wrap_up_extend':
        extendWrapUp(st, event.agentId, event.byMs, now, out);
        break;
      case 'queue_wrap_up_set':
        setQueueWrapUp(st, event.queueId, event.wrapUpMs, event.maxWrapUpMs, now, out);
        break;
      case 'callback_requested':
        callbackRequested(st, event.callId, event.number, now, out);
        break;
      case 'callback_restored':
        callbackRestored(st, event, now, out);
        break;
      case 'callback_connected':
        callbackConnected(st, event.callbackId, now, out);
        break;
      case 'callback_failed':
        callbackFailedEvent(st, event.callbackId, event.reason, now, out);
        break;
      case 'routing_paused':
        st.routingPaused = event.paused;
        break;
      case 'tick':
        break;
    }
    route(st, now, out);
    expire(st, now, out);
    return out;
  }

  /** When the adapter must call back with a tick (ring/dial timeout, wrap-up end, overflow, max wait, retry), or null. */
  nextDeadline(): number | null {
    return this.st.deadlines.peek();
  }

  agentView(agentId: string): Readonly<AgentRecord> | undefined {
    return views.agentView(this.st, agentId);
  }

  agentProfile(agentId: string): views.AgentProfileView | undefined {
    return views.agentProfile(this.st, agentId);
  }

  /** Live calls waiting (in routing order), ringing, and connected. Virtual callback entries are in callbackView(). */
  queueView(): { waiting: readonly string[]; offered: readonly string[]; connected: number } {
    return views.queueView(this.st);
  }

  callView(callId: string): views.CallView | undefined {
    return views.callView(this.st, callId);
  }

  callbackView(): views.CallbackView[] {
    return views.callbackView(this.st);
  }

  /**
   * Real-time figures per queue, per skill and overall, over the rolling window (default config.figures.windowMs).
   * The engine keeps max(config window, 60 min) of history; a longer window sees only that much.
   */
  figures(now: number, opts: { windowMs?: number } = {}): AcdFigures {
    return views.figures(this.st, now, opts.windowMs);
  }

  /**
   * Position and expected wait of a waiting call (live or virtual), for the position announcements:
   * position among the entries of the same queue ahead of it, agents logged in who may take it, and the
   * queue's recent average handle time (else the centre's, else config.figures.defaultHandleMs).
   */
  estimatedWait(callId: string, now: number): WaitEstimate | undefined {
    return views.estimatedWait(this.st, callId, now);
  }
}

export { DeviceOfflineError } from './engine/agents.js';
export type { AcdCommand, AcdEvent, AcdSettings, IgnoredReason, RestorableState } from './engine/protocol.js';
export type { AgentProfileView, CallbackView, CallView } from './engine/views.js';
export { AcdConfigError, IllegalTransitionError, validateAcdConfig };
export type { AcdConfig, CallbackFailure, PriorityTag };
