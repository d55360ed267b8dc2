// The seat's socket handling against a fake socket driven by the test: pushes land in the hook's state (and the
// speech store), refused handshakes and server-side disconnects are retried by hand, set-state acks are answered.
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AgentStatePush, CallOfferPush, ClientToServerEvents, SetStateRequest } from '../../../contracts/desktop-events.js';
import type { TransferView } from '../../../contracts/transfer.js';
import { speechStore } from '../transcript/speech-store';
import { ACK_TIMEOUT_MS, isUnauthorized, type AgentConnection, type IncomingEvents, type IncomingListener } from './agent-socket';
import { MANUAL_RECONNECT_MS, useAgentSocket } from './useAgentSocket';

type SetStateAck = Parameters<ClientToServerEvents['agent:set-state']>[1];

class FakeSocket implements AgentConnection {
  connected = false;
  active = true;
  connects = 0;
  disconnects = 0;
  readonly sent: { event: string; req: SetStateRequest; ack: SetStateAck }[] = [];
  private readonly listeners = new Map<string, unknown[]>();

  constructor(readonly token: string) {}

  on<E extends keyof IncomingEvents>(event: E, listener: IncomingListener<E>): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  off<E extends keyof IncomingEvents>(event: E, listener?: IncomingListener<E>): this {
    this.listeners.set(event, listener ? (this.listeners.get(event) ?? []).filter((l) => l !== listener) : []);
    return this;
  }
  emit(event: 'agent:set-state', req: SetStateRequest, ack: SetStateAck): this {
    this.sent.push({ event, req, ack });
    return this;
  }
  connect(): this {
    this.connects++;
    return this;
  }
  disconnect(): this {
    this.disconnects++;
    this.connected = false;
    return this;
  }
  removeAllListeners(): this {
    this.listeners.clear();
    return this;
  }

  /** What the server (or socket.io itself) would deliver. */
  push<E extends keyof IncomingEvents>(event: E, ...args: Parameters<IncomingEvents[E]>): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const l of this.listeners.get(event) ?? []) act(() => (l as (...a: Parameters<IncomingEvents[E]>) => void)(...args));
  }
  listening(event: string): number {
    return this.listeners.get(event)?.length ?? 0;
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const onUnauthorized = vi.fn();
  const hook = renderHook(
    ({ token }) =>
      useAgentSocket(token, onUnauthorized, (t) => {
        const s = new FakeSocket(t);
        sockets.push(s);
        return s;
      }),
    { initialProps: { token: 'tok-1' } },
  );
  const socket = () => sockets[sockets.length - 1]!;
  return { hook, sockets, socket, onUnauthorized };
}

const agentState = (state: AgentStatePush['state']): AgentStatePush => ({ state, reason: null, since: '2024-05-01T08:00:00.000Z', until: null });

beforeEach(() => vi.useFakeTimers());
afterEach(() => {
  // unmount what a test left mounted before the timers go back to real ones
  cleanup();
  vi.useRealTimers();
});

describe('useAgentSocket connection', () => {
  it('opens one connection with the session token and reports connect and disconnect', () => {
    const { hook, sockets, socket } = setup();
    expect(sockets.map((s) => s.token)).toEqual(['tok-1']);
    expect(hook.result.current).toMatchObject({ connected: false, settled: false });
    socket().push('connect');
    expect(hook.result.current).toMatchObject({ connected: true, settled: true });
    socket().push('disconnect', 'transport close');
    expect(hook.result.current.connected).toBe(false);
    // socket.io reconnects a dropped transport itself
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS * 2);
    });
    expect(socket().connects).toBe(0);
  });

  it('reconnects by hand after the server closed the connection', () => {
    const { socket } = setup();
    socket().push('connect');
    socket().push('disconnect', 'io server disconnect');
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS - 1);
    });
    expect(socket().connects).toBe(0);
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(socket().connects).toBe(1);
  });

  it('retries a refused handshake only when socket.io gave up, and never a bad token', () => {
    const { hook, socket, onUnauthorized } = setup();
    socket().push('connect_error', new Error('xhr poll error'));
    expect(hook.result.current.settled).toBe(true);
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS);
    });
    expect(socket().connects).toBe(0);

    socket().active = false;
    socket().push('connect_error', new Error('server said no'));
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS);
    });
    expect(socket().connects).toBe(1);

    socket().push('connect_error', new Error('unauthorized'));
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS * 2);
    });
    expect(socket().connects).toBe(1);
  });

  it('closes the connection on unmount and cancels a pending retry', () => {
    const { hook, socket } = setup();
    socket().push('disconnect', 'io server disconnect');
    const s = socket();
    hook.unmount();
    expect(s.disconnects).toBe(1);
    expect(s.listening('agent:state')).toBe(0);
    act(() => {
      vi.advanceTimersByTime(MANUAL_RECONNECT_MS * 2);
    });
    expect(s.connects).toBe(0);
  });

  it('a new token opens a new connection and closes the old one', () => {
    const { hook, sockets } = setup();
    hook.rerender({ token: 'tok-2' });
    expect(sockets.map((s) => s.token)).toEqual(['tok-1', 'tok-2']);
    expect(sockets[0]!.disconnects).toBe(1);
    expect(sockets[1]!.disconnects).toBe(0);
  });
});

describe('useAgentSocket pushes', () => {
  it('keeps the pushed agent state, offer, connected call and transfer', () => {
    const { hook, socket } = setup();
    socket().push('agent:state', agentState('available'));
    expect(hook.result.current.agentState?.state).toBe('available');

    const offer: CallOfferPush = { callId: 'c-1', callerNumber: '13800138000', queue: 'general', waitedMs: 4200 };
    socket().push('call:offered', offer);
    expect(hook.result.current.offer).toEqual(offer);
    socket().push('call:connected', { callId: 'c-1' });
    expect(hook.result.current.connectedCallId).toBe('c-1');

    const transfer: TransferView = {
      callId: 'c-1',
      transferId: 't-1',
      kind: 'warm',
      target: { number: '110', name: '110指挥中心', emergency: true },
      phase: 'consulting',
      outcome: null,
      agentReleased: false,
      linkage: null,
    };
    socket().push('transfer:state', transfer);
    expect(hook.result.current.transfer).toEqual(transfer);
  });

  it('forgets the offer when its call ends, not when another call ends', () => {
    const { hook, socket } = setup();
    socket().push('call:offered', { callId: 'c-1', callerNumber: '1', queue: 'q', waitedMs: 0 });
    socket().push('call:ended', { callId: 'c-other', outcome: 'missed' });
    expect(hook.result.current.offer?.callId).toBe('c-1');
    socket().push('call:ended', { callId: 'c-1', outcome: 'abandoned' });
    expect(hook.result.current.offer).toBeNull();
  });

  it('hands what speech heard to the speech store', () => {
    const { socket } = setup();
    socket().push('speech:status', { callId: 'c-sp', keywordSpotting: true, transcription: false });
    socket().push('speech:keyword', { callId: 'c-sp', keyword: '着火', category: 'emergency', speaker: 'caller', atMs: 1500, at: '2024-05-01T08:00:01.500Z' });
    socket().push('alert:emergency', { callId: 'c-sp', keyword: '着火', callerNumber: '1', at: '2024-05-01T08:00:01.500Z', agentId: 'u-a' });
    const heard = speechStore.get('c-sp');
    expect(heard.status?.keywordSpotting).toBe(true);
    expect(heard.keywords.map((k) => k.keyword)).toEqual(['着火']);
    expect(heard.emergency?.keyword).toBe('着火');
  });
});

describe('useAgentSocket set-state', () => {
  it('answers at once while disconnected, without sending', async () => {
    const { hook, socket } = setup();
    const result = await act(() => hook.result.current.setState({ state: 'available' }));
    expect(result).toEqual({ ok: false, code: 'disconnected', message: 'not connected' });
    expect(socket().sent).toEqual([]);
  });

  it('takes the state from a successful ack', async () => {
    const { hook, socket } = setup();
    socket().push('connect');
    let pending!: Promise<unknown>;
    act(() => {
      pending = hook.result.current.setState({ state: 'break', reason: 'meal' });
    });
    expect(socket().sent.map((s) => [s.event, s.req])).toEqual([['agent:set-state', { state: 'break', reason: 'meal' }]]);
    await act(async () => socket().sent[0]!.ack({ ok: true, state: agentState('break') }));
    await expect(pending).resolves.toMatchObject({ ok: true, state: { state: 'break' } });
    expect(hook.result.current.agentState?.state).toBe('break');
  });

  it('passes on the server’s refusal and keeps the state it had', async () => {
    const { hook, socket } = setup();
    socket().push('connect');
    socket().push('agent:state', agentState('wrap_up'));
    let pending!: Promise<unknown>;
    act(() => {
      pending = hook.result.current.setState({ state: 'available' });
    });
    await act(async () => socket().sent[0]!.ack({ ok: false, error: { code: 'illegal_transition', message: '话后处理中不能示闲' } }));
    await expect(pending).resolves.toEqual({ ok: false, code: 'illegal_transition', message: '话后处理中不能示闲' });
    expect(hook.result.current.agentState?.state).toBe('wrap_up');
  });

  it('gives up when no ack comes', async () => {
    const { hook, socket } = setup();
    socket().push('connect');
    let pending!: Promise<unknown>;
    act(() => {
      pending = hook.result.current.setState({ state: 'available' });
    });
    await act(async () => vi.advanceTimersByTime(ACK_TIMEOUT_MS));
    await expect(pending).resolves.toEqual({ ok: false, code: 'timeout', message: 'no ack' });
  });
});

describe('isUnauthorized', () => {
  it('recognises the server refusing the token, by message or by error code', () => {
    expect(isUnauthorized(new Error('unauthorized'))).toBe(true);
    expect(isUnauthorized(Object.assign(new Error('handshake failed'), { data: { error: { code: 'unauthorized' } } }))).toBe(true);
    expect(isUnauthorized(Object.assign(new Error('handshake failed'), { data: { error: { code: 'internal' } } }))).toBe(false);
    expect(isUnauthorized(new Error('xhr poll error'))).toBe(false);
  });
});
