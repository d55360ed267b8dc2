// The softphone's state machine: every legal transition, and the illegal ones refused with the state kept.
import { describe, expect, it } from 'vitest';
import {
  IDLE_CALL,
  INITIAL_PHONE_STATE,
  backoffMs,
  retryAfterDrop,
  transition,
  type CallInfo,
  type PhoneEvent,
  type PhoneState,
  type RegistrationState,
} from './softphone-machine';

function step(state: PhoneState, event: PhoneEvent): PhoneState {
  const next = transition(state, event);
  if (!next.ok) throw new Error(`refused ${event.type} from ${next.refusal.from}: ${next.refusal.reason}`);
  return next.state;
}

function refused(state: PhoneState, event: PhoneEvent): string {
  const next = transition(state, event);
  if (next.ok) throw new Error(`${event.type} was accepted`);
  expect(next.refusal.event).toBe(event.type);
  return next.refusal.from;
}

const reg = (registration: RegistrationState, patch: Partial<PhoneState> = {}): PhoneState => ({ ...INITIAL_PHONE_STATE, registration, ...patch });
const withCall = (call: Partial<CallInfo>): PhoneState => ({ ...INITIAL_PHONE_STATE, registration: 'registered', call: { ...IDLE_CALL, ...call } });
const authFailed = reg('error', { registrationError: { reason: 'auth_failed', statusCode: 401 } });

describe('softphone registration', () => {
  it('registers: unregistered -> registering -> registered, clearing the reconnect info', () => {
    let s = step(INITIAL_PHONE_STATE, { type: 'start' });
    expect(s.registration).toBe('registering');
    s = step(s, { type: 'transport_up' });
    expect(s.transportConnected).toBe(true);
    s = step(s, { type: 'register_sent' });
    expect(s.registration).toBe('registering');
    s = step({ ...s, reconnect: { attempt: 2, retryAt: 5 } }, { type: 'registered' });
    expect(s).toMatchObject({ registration: 'registered', registrationError: null, reconnect: null, transportConnected: true });
  });

  it.each([
    ['unregistered', 'register_sent', 'registering'],
    ['registering', 'register_sent', 'registering'],
    ['error', 'register_sent', 'registering'],
    ['registering', 'registered', 'registered'],
    ['unregistered', 'registered', 'registered'],
    ['error', 'registered', 'registered'],
    ['registering', 'retry', 'registering'],
    ['unregistered', 'retry', 'registering'],
  ] as const)('%s --%s--> %s', (from, type, to) => {
    const s = step(reg(from, { registrationError: from === 'error' ? { reason: 'rejected', statusCode: 500 } : null }), { type });
    expect(s.registration).toBe(to);
    expect(s.registrationError).toBeNull();
  });

  it.each(['unregistered', 'registering', 'registered'] as const)('a rejected REGISTER from %s is an error', (from) => {
    expect(step(reg(from), { type: 'register_rejected', statusCode: 404 }).registration).toBe('error');
  });

  it('refuses a second start without a stop, and a second registered', () => {
    expect(refused(reg('registering'), { type: 'start' })).toBe('registering');
    expect(refused(reg('registered'), { type: 'registered' })).toBe('registered');
    expect(refused(reg('registered'), { type: 'register_sent' })).toBe('registered');
  });

  it('an invalid address is an error only before registering', () => {
    expect(step(INITIAL_PHONE_STATE, { type: 'uri_invalid' })).toMatchObject({
      registration: 'error',
      registrationError: { reason: 'rejected', statusCode: null },
    });
    refused(reg('registering'), { type: 'uri_invalid' });
  });

  it('counts a 200 OK that arrives after the socket dropped', () => {
    expect(step(reg('unregistered'), { type: 'registered' }).registration).toBe('registered');
  });

  it('a refused password stops the retries; other refusals keep the reconnect info', () => {
    const auth = step(reg('registering', { reconnect: { attempt: 1, retryAt: 1 } }), { type: 'register_rejected', statusCode: 403 });
    expect(auth).toMatchObject({ registration: 'error', registrationError: { reason: 'auth_failed', statusCode: 403 }, reconnect: null });
    const other = step(reg('registering', { reconnect: { attempt: 1, retryAt: 1 } }), { type: 'register_rejected', statusCode: 503 });
    expect(other).toMatchObject({ registration: 'error', registrationError: { reason: 'rejected', statusCode: 503 }, reconnect: { attempt: 1 } });
    expect(refused(other, { type: 'register_rejected', statusCode: 503 })).toBe('error');
    expect(refused(authFailed, { type: 'retry_scheduled', attempt: 1, retryAt: 1 })).toBe('auth_failed');
    expect(refused(authFailed, { type: 'retry' })).toBe('auth_failed');
  });

  it('a drop makes the phone unregistered, but a refused password stays an error', () => {
    expect(step(reg('registered', { transportConnected: true }), { type: 'transport_down' })).toMatchObject({
      registration: 'unregistered',
      transportConnected: false,
    });
    expect(step({ ...authFailed, transportConnected: true }, { type: 'transport_down' }).registration).toBe('error');
    expect(refused(reg('registering', { transportConnected: true }), { type: 'transport_up' })).toBe('connected');
  });

  it('retries after a drop with an error, never after our own close or a refused password', () => {
    expect(retryAfterDrop(reg('registered'), true)).toBe(true);
    expect(retryAfterDrop(reg('registered'), false)).toBe(false);
    expect(retryAfterDrop(authFailed, true)).toBe(false);
  });

  it('a lost binding goes back to unregistered, and only from registered', () => {
    expect(step(reg('registered'), { type: 'binding_lost' }).registration).toBe('unregistered');
    expect(refused(reg('registering'), { type: 'binding_lost' })).toBe('registering');
  });

  it('schedules and runs retries while not registered', () => {
    const scheduled = step(reg('unregistered'), { type: 'retry_scheduled', attempt: 3, retryAt: 42 });
    expect(scheduled.reconnect).toEqual({ attempt: 3, retryAt: 42 });
    expect(step(scheduled, { type: 'retry' }).registration).toBe('registering');
    expect(step(reg('error', { registrationError: { reason: 'rejected', statusCode: 500 } }), { type: 'retry' }).registration).toBe('registering');
    expect(refused(reg('registered'), { type: 'retry_scheduled', attempt: 1, retryAt: 1 })).toBe('registered');
    expect(refused(reg('registered'), { type: 'retry' })).toBe('registered');
  });

  it('stop resets registration from any state and keeps the call to its own events', () => {
    for (const from of ['unregistered', 'registering', 'registered', 'error'] as const) {
      const s = step(reg(from, { transportConnected: true, reconnect: { attempt: 1, retryAt: 1 }, registrationError: { reason: 'rejected', statusCode: 1 } }), {
        type: 'stop',
      });
      expect(s).toEqual({ ...INITIAL_PHONE_STATE });
    }
  });

  it('backs off exponentially up to 30 s with ±20 % jitter', () => {
    expect(backoffMs(1, 0.5)).toBe(1000);
    expect(backoffMs(3, 0.5)).toBe(4000);
    expect(backoffMs(10, 0.5)).toBe(30_000);
    expect(backoffMs(1, 0)).toBe(800);
    expect(backoffMs(1, 1)).toBe(1200);
  });
});

describe('softphone call', () => {
  const ringing = step(withCall({}), { type: 'invite', callerNumber: '13800138000', callerName: '张三', at: 100 });

  it('rings, connects, is established, ends, then goes idle', () => {
    expect(ringing.call).toEqual({ ...IDLE_CALL, state: 'ringing', callerNumber: '13800138000', callerName: '张三', ringingAt: 100 });
    const connecting = step(ringing, { type: 'answer' });
    expect(connecting.call.state).toBe('connecting');
    const live = step(connecting, { type: 'established', at: 200 });
    expect(live.call).toMatchObject({ state: 'established', establishedAt: 200, ringingAt: 100 });
    const ended = step(live, { type: 'terminated', at: 300, byUs: false });
    expect(ended.call).toMatchObject({ state: 'ended', endedAt: 300, endReason: 'remote', callerNumber: '13800138000' });
    expect(step(ended, { type: 'linger_over' }).call).toEqual(IDLE_CALL);
  });

  it('names who ended it: us, the caller, or a failure before it was up', () => {
    expect(step(ringing, { type: 'terminated', at: 1, byUs: true }).call.endReason).toBe('local');
    expect(step(ringing, { type: 'terminated', at: 1, byUs: false }).call.endReason).toBe('remote');
    const connecting = step(ringing, { type: 'answer' });
    expect(step(connecting, { type: 'terminated', at: 1, byUs: false }).call.endReason).toBe('failed');
    expect(step(connecting, { type: 'terminated', at: 1, byUs: true }).call.endReason).toBe('local');
  });

  it('a new call may ring while the last one still shows as ended, and starts clean', () => {
    const ended = step(step(step(step(ringing, { type: 'answer' }), { type: 'established', at: 2 }), { type: 'mute', on: true }), {
      type: 'terminated',
      at: 3,
      byUs: true,
    });
    const again = step(ended, { type: 'invite', callerNumber: null, callerName: null, at: 4 });
    expect(again.call).toEqual({ ...IDLE_CALL, state: 'ringing', ringingAt: 4 });
  });

  it('refuses a second call over a live one', () => {
    expect(refused(ringing, { type: 'invite', callerNumber: '1', callerName: null, at: 2 })).toBe('ringing');
    const live = withCall({ state: 'established' });
    expect(refused(live, { type: 'invite', callerNumber: '1', callerName: null, at: 2 })).toBe('established');
  });

  it('refuses answering what is not ringing and establishing what was not answered', () => {
    expect(refused(withCall({}), { type: 'answer' })).toBe('idle');
    expect(refused(withCall({ state: 'connecting' }), { type: 'answer' })).toBe('connecting');
    expect(refused(ringing, { type: 'established', at: 1 })).toBe('ringing');
    expect(refused(withCall({}), { type: 'terminated', at: 1, byUs: true })).toBe('idle');
    expect(refused(withCall({ state: 'ended' }), { type: 'terminated', at: 1, byUs: true })).toBe('ended');
    expect(refused(ringing, { type: 'linger_over' })).toBe('ringing');
  });

  it('mutes and holds only a live call, one hold at a time', () => {
    const live = withCall({ state: 'established' });
    expect(step(live, { type: 'mute', on: true }).call.muted).toBe(true);
    expect(refused(ringing, { type: 'mute', on: true })).toBe('ringing');
    const pending = step(live, { type: 'hold_requested', on: true });
    expect(pending.call.holdPending).toBe(true);
    expect(refused(pending, { type: 'hold_requested', on: true })).toBe('hold_pending');
    const held = step(pending, { type: 'hold_settled', held: true });
    expect(held.call).toMatchObject({ held: true, holdPending: false });
    expect(refused(held, { type: 'hold_requested', on: true })).toBe('held');
    const resumed = step(step(held, { type: 'hold_requested', on: false }), { type: 'hold_settled', held: false });
    expect(resumed.call.held).toBe(false);
    expect(refused(live, { type: 'hold_settled', held: true })).toBe('no_hold_pending');
    expect(refused(ringing, { type: 'hold_requested', on: true })).toBe('ringing');
  });

  it('an ended call forgets mute and hold', () => {
    const heldMuted = withCall({ state: 'established', muted: true, held: true, holdPending: true });
    expect(step(heldMuted, { type: 'terminated', at: 9, byUs: false }).call).toMatchObject({ muted: false, held: false, holdPending: false });
  });

  it('a refusal leaves the state as it was (the input is not mutated)', () => {
    const before = structuredClone(ringing);
    transition(ringing, { type: 'established', at: 1 });
    expect(ringing).toEqual(before);
  });
});
