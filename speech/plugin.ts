// Keyword spotting on every caller: emergency words flag the call (疑似紧急) and alert the seat and the
// supervisors, routing words pick the queue. Without the model the hotline runs on, without those words.
import type { Logger } from 'pino';
import type { LiveCall, LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import { SUPERVISORS_ROOM, userRoom, type HotlineIo } from '../platform/realtime/io.js';
import type { CallControl } from '../telephony/call-control.js';
import { CallKeywordAlerts } from './call-keyword-alerts.js';
import { CallSpeechService } from './call-speech-service.js';
import { tryCreateKeywordSpotter } from './keyword-spotter.js';

export interface SpeechPluginDeps {
  enabled: boolean;
  telephony: CallControl;
  calls: LiveCalls;
  queue: QueueService;
  bus: CallEventBus;
  io: HotlineIo;
  log: Logger;
}

export interface SpeechPlugin {
  /** Starts listening to a caller once the IVR has answered them. */
  listen(call: LiveCall): void;
  /** The caller hung up: stop listening and forget the call's alerts. */
  callEnded(callId: string): void;
}

export function createSpeechPlugin(d: SpeechPluginDeps): SpeechPlugin {
  const off: SpeechPlugin = { listen: () => {}, callEnded: () => {} };
  if (!d.enabled) return off;
  const loaded = tryCreateKeywordSpotter();
  if (!loaded.ok) {
    d.log.warn({ reason: loaded.error.message }, 'keyword spotting is off: calls run without emergency and routing words');
    return off;
  }
  const { io } = d;
  const alerts = new CallKeywordAlerts({
    calls: d.calls,
    bus: d.bus,
    sinks: {
      supervisors: (push) => io.to(SUPERVISORS_ROOM).emit('alert:emergency', push),
      agentEmergency: (agentId, push) => io.to(userRoom(agentId)).emit('alert:emergency', push),
      agentKeyword: (agentId, push) => io.to(userRoom(agentId)).emit('speech:keyword', push),
      agentStatus: (agentId, push) => io.to(userRoom(agentId)).emit('speech:status', push),
    },
    transcription: false, // no streaming recognizer is wired into calls yet (operator-supplied model)
  });
  d.queue.onConnected((callId) => alerts.connected(callId));
  const speech = new CallSpeechService({
    telephony: d.telephony,
    spotter: loaded.spotter,
    log: d.log.child({ component: 'speech' }),
    onKeyword: (hit) => alerts.heard(hit),
  });
  return {
    // listen() logs its own failures: a caller is never dropped because listening could not start
    listen: (call) => void speech.listen(call.callId, call.channelId, call.log),
    callEnded: (callId) => {
      speech.stop(callId);
      alerts.ended(callId);
    },
  };
}
