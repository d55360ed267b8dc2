// The softphone's states as a pure machine: (state, event) -> next state, or an explicit refusal. The sip.js
// adapter (softphone.ts) turns what sip.js reports into events and applies only what this machine accepts, the way
// sip.js itself refuses an illegal Session state transition instead of assigning it.
//
// Registration:  unregistered -> registering -> registered
//                      ^              |  \-> error (auth rejected: waits for a new password via start())
//                      +--- WS drop / refresh failure: retry with backoff ---+
// Call:          idle -> ringing -> connecting -> established -> ended -> idle (after the linger)
//                          \-> ended (rejected by us / cancelled by the caller)
//
// Refusals are returned, not thrown: sip.js callbacks race (a late 200 OK after a drop, a duplicate Registered),
// and a refused event must leave the phone as it was rather than tear down the UI. The adapter logs them.

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'error';
export type CallState = 'idle' | 'ringing' | 'connecting' | 'established' | 'ended';

export interface RegistrationError {
  /** auth_failed: Asterisk refused the credentials; we stop retrying until start() is called again. */
  reason: 'auth_failed' | 'rejected';
  statusCode: number | null;
}

export interface CallInfo {
  state: CallState;
  callerNumber: string | null;
  callerName: string | null;
  ringingAt: number | null;
  establishedAt: number | null;
  endedAt: number | null;
  /** Who ended it: we did, the far end did, or media/signalling failed before it was up. */
  endReason: 'local' | 'remote' | 'failed' | null;
  muted: boolean;
  /** On hold (re-INVITE sendonly accepted): the agent's mic and the caller's audio are both off here. */
  held: boolean;
  /** A hold or resume re-INVITE is in flight. */
  holdPending: boolean;
}

export interface ReconnectInfo {
  attempt: number;
  /** Epoch ms of the next attempt. */
  retryAt: number;
}

/** What the machine decides; the snapshot adds the agent's settings (auto answer, devices). */
export interface PhoneState {
  registration: RegistrationState;
  registrationError: RegistrationError | null;
  transportConnected: boolean;
  /** Set while a retry is scheduled or running after a drop; null once registered again. */
  reconnect: ReconnectInfo | null;
  call: CallInfo;
}

export type PhoneEvent =
  // registration and transport
  | { type: 'start' }
  | { type: 'uri_invalid' }
  | { type: 'stop' }
  | { type: 'transport_up' }
  | { type: 'transport_down' }
  | { type: 'register_sent' }
  | { type: 'registered' }
  | { type: 'register_rejected'; statusCode: number }
  /** A refresh failed or the binding expired while the socket stayed up. */
  | { type: 'binding_lost' }
  | { type: 'retry_scheduled'; attempt: number; retryAt: number }
  | { type: 'retry' }
  // the call
  | { type: 'invite'; callerNumber: string | null; callerName: string | null; at: number }
  | { type: 'answer' }
  | { type: 'established'; at: number }
  /** The session is over; byUs when the agent hung up (or the phone was stopped). */
  | { type: 'terminated'; at: number; byUs: boolean }
  /** The "call ended" line has been on screen long enough. */
  | { type: 'linger_over' }
  | { type: 'mute'; on: boolean }
  | { type: 'hold_requested'; on: boolean }
  /** The hold / resume re-INVITE settled; held is what the call is now. */
  | { type: 'hold_settled'; held: boolean };

export type PhoneEventType = PhoneEvent['type'];

export interface Refusal {
  event: PhoneEventType;
  /** The registration or call state the event did not fit. */
  from: string;
  reason: string;
}

export type Transition = { ok: true; state: PhoneState } | { ok: false; refusal: Refusal };

/** Asterisk's answers that mean wrong credentials: retrying only risks tripping brute-force limits. */
export const AUTH_FAILURE_CODES: ReadonlySet<number> = new Set([401, 403, 407]);

export const IDLE_CALL: CallInfo = {
  state: 'idle',
  callerNumber: null,
  callerName: null,
  ringingAt: null,
  establishedAt: null,
  endedAt: null,
  endReason: null,
  muted: false,
  held: false,
  holdPending: false,
};

export const INITIAL_PHONE_STATE: PhoneState = {
  registration: 'unregistered',
  registrationError: null,
  transportConnected: false,
  reconnect: null,
  call: IDLE_CALL,
};

const BACKOFF_BASE_MS = 1000;
const BACKOFF_MAX_MS = 30_000;

/** Delay before retry number `attempt` (1-based): doubling up to 30 s, with ±20 % jitter from `random` (0..1). */
export function backoffMs(attempt: number, random: number = Math.random()): number {
  const base = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  // Jitter so a room full of desktops does not hammer a restarted Asterisk in lockstep.
  return Math.round(base * (0.8 + random * 0.4));
}

/** After the socket dropped: retry, unless we closed it ourselves or the password was refused. */
export function retryAfterDrop(before: PhoneState, withError: boolean): boolean {
  return withError && before.registrationError?.reason !== 'auth_failed';
}

const LIVE_CALL: ReadonlySet<CallState> = new Set(['ringing', 'connecting', 'established']);

function refuse(event: PhoneEvent, from: string, reason: string): Transition {
  return { ok: false, refusal: { event: event.type, from, reason } };
}

function ok(state: PhoneState, patch: Partial<PhoneState>): Transition {
  return { ok: true, state: { ...state, ...patch } };
}

function withCall(state: PhoneState, patch: Partial<CallInfo>): Transition {
  return { ok: true, state: { ...state, call: { ...state.call, ...patch } } };
}

function registrationStep(s: PhoneState, e: PhoneEvent): Transition {
  const r = s.registration;
  switch (e.type) {
    case 'start':
      if (r !== 'unregistered') return refuse(e, r, 'start() stops the previous user agent first');
      return ok(s, { registration: 'registering', registrationError: null, reconnect: null });
    case 'uri_invalid':
      if (r !== 'unregistered') return refuse(e, r, 'the address is checked before registering');
      return ok(s, { registration: 'error', registrationError: { reason: 'rejected', statusCode: null } });
    case 'stop':
      return ok(s, { registration: 'unregistered', registrationError: null, transportConnected: false, reconnect: null });
    case 'transport_up':
      if (s.transportConnected) return refuse(e, 'connected', 'the socket is up already');
      return ok(s, { transportConnected: true });
    case 'transport_down': {
      // Asterisk dropped our contact with the socket; a refused password stays an error until a new start().
      const authFailed = s.registrationError?.reason === 'auth_failed';
      return ok(s, { transportConnected: false, registration: authFailed ? 'error' : 'unregistered' });
    }
    case 'register_sent':
      if (r === 'registered') return refuse(e, r, 'already registered');
      return ok(s, { registration: 'registering', registrationError: null });
    case 'registered':
      // unregistered: a 200 OK that was on its way when the socket dropped still counts
      if (r === 'registered') return refuse(e, r, 'already registered');
      return ok(s, { registration: 'registered', registrationError: null, reconnect: null });
    case 'register_rejected':
      if (r === 'error') return refuse(e, r, 'the rejection is known already');
      if (AUTH_FAILURE_CODES.has(e.statusCode)) {
        return ok(s, { registration: 'error', registrationError: { reason: 'auth_failed', statusCode: e.statusCode }, reconnect: null });
      }
      return ok(s, { registration: 'error', registrationError: { reason: 'rejected', statusCode: e.statusCode } });
    case 'binding_lost':
      if (r !== 'registered') return refuse(e, r, 'only a registered binding can be lost');
      return ok(s, { registration: 'unregistered' });
    case 'retry_scheduled':
      if (r === 'registered') return refuse(e, r, 'nothing to retry');
      if (s.registrationError?.reason === 'auth_failed') return refuse(e, 'auth_failed', 'a refused password is not retried');
      return ok(s, { reconnect: { attempt: e.attempt, retryAt: e.retryAt } });
    case 'retry':
      if (r === 'registered') return refuse(e, r, 'nothing to retry');
      if (s.registrationError?.reason === 'auth_failed') return refuse(e, 'auth_failed', 'a refused password is not retried');
      return ok(s, { registration: 'registering' });
    default:
      return refuse(e, r, 'not a registration event');
  }
}

function callStep(s: PhoneState, e: PhoneEvent): Transition {
  const c = s.call;
  switch (e.type) {
    case 'invite':
      // One call per agent: a stray INVITE must not ring over a call.
      if (LIVE_CALL.has(c.state)) return refuse(e, c.state, 'one call at a time');
      return withCall(s, { ...IDLE_CALL, state: 'ringing', callerNumber: e.callerNumber, callerName: e.callerName, ringingAt: e.at });
    case 'answer':
      if (c.state !== 'ringing') return refuse(e, c.state, 'only a ringing call can be answered');
      return withCall(s, { state: 'connecting' });
    case 'established':
      if (c.state !== 'connecting') return refuse(e, c.state, 'a call is established only after it was answered');
      return withCall(s, { state: 'established', establishedAt: e.at });
    case 'terminated': {
      if (!LIVE_CALL.has(c.state)) return refuse(e, c.state, 'no call to end');
      const endReason = e.byUs ? 'local' : c.state === 'connecting' ? 'failed' : 'remote';
      return withCall(s, { state: 'ended', endedAt: e.at, endReason, muted: false, held: false, holdPending: false });
    }
    case 'linger_over':
      if (c.state !== 'ended') return refuse(e, c.state, 'only an ended call goes back to idle');
      return withCall(s, IDLE_CALL);
    case 'mute':
      if (c.state !== 'established') return refuse(e, c.state, 'only a live call can be muted');
      return withCall(s, { muted: e.on });
    case 'hold_requested':
      if (c.state !== 'established') return refuse(e, c.state, 'only a live call can be held');
      if (c.holdPending) return refuse(e, 'hold_pending', 'a hold or resume is in flight');
      if (c.held === e.on) return refuse(e, c.held ? 'held' : 'not_held', 'already so');
      return withCall(s, { holdPending: true });
    case 'hold_settled':
      if (c.state !== 'established' || !c.holdPending) return refuse(e, c.holdPending ? c.state : 'no_hold_pending', 'no hold in flight');
      return withCall(s, { held: e.held, holdPending: false });
    default:
      return refuse(e, c.state, 'not a call event');
  }
}

const CALL_EVENTS: ReadonlySet<PhoneEventType> = new Set([
  'invite',
  'answer',
  'established',
  'terminated',
  'linger_over',
  'mute',
  'hold_requested',
  'hold_settled',
]);

/** The next state, or why the event does not fit the current one. Pure: time comes in with the events. */
export function transition(state: PhoneState, event: PhoneEvent): Transition {
  return CALL_EVENTS.has(event.type) ? callStep(state, event) : registrationStep(state, event);
}
