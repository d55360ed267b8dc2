// A QueueService over a fake Asterisk, for unit tests of what the ACD does with calls: one agent (u-1001, web
// phone 1001, desk phone 1001-desk), no profiles, no wrap-up, and a LiveCall maker with plausible defaults.
import pino, { type Logger } from 'pino';
import { newLiveCall, type LiveCall, type LiveCalls } from '../acd/live-calls.js';
import { QueueService, type QueueServiceDeps } from '../acd/service.js';
import type { UserRepository } from '../platform/auth/user-repository.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { CallControl } from '../telephony/call-control.js';

export interface QueueFixtureParts {
  telephony: CallControl;
  calls: LiveCalls;
  bus: CallEventBus;
  log: Logger;
  notifier?: Partial<QueueServiceDeps['notifier']>;
  recordCalls?: boolean;
  now?: () => number;
}

export function testQueueService(p: QueueFixtureParts): QueueService {
  const quiet = () => {};
  return new QueueService({
    telephony: p.telephony,
    calls: p.calls,
    bus: p.bus,
    log: p.log,
    users: { appendAgentStateLog: async () => undefined } as unknown as UserRepository,
    notifier: { agentState: quiet, callOffered: quiet, callConnected: quiet, callEnded: quiet, ...p.notifier },
    directory: { agentIdForDevice: (d) => (d.startsWith('1001') ? 'u-1001' : undefined), devicesOf: () => ({ web: '1001', desk: '1001-desk' }) },
    settings: { ringTimeoutMs: 15_000, wrapUpMs: 0 },
    profiles: [],
    recordCalls: p.recordCalls ?? false,
    ...(p.now ? { now: p.now } : {}),
  });
}

/** A citizen's call as the IVR creates it; `over` replaces any field. */
export function testLiveCall(over: Partial<LiveCall> & Pick<LiveCall, 'callId'>): LiveCall {
  const base = newLiveCall({
    callId: over.callId,
    channelId: `ch-${over.callId}`,
    callerNumber: '13800138000',
    dialed: '12345',
    arrivedAt: new Date(),
    stage: 'ivr',
    log: pino({ level: 'silent' }),
  });
  return { ...base, ...over };
}
