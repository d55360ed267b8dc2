// Wiring of the IVR into the hotline (server/hotline.ts calls this once): the hotline flow, checked against the
// prompts, and the service that runs it for every citizen's call before handing it to the queue.
import type { Logger } from 'pino';
import type { LiveCall, LiveCalls } from '../acd/live-calls.js';
import type { QueueService } from '../acd/service.js';
import type { Config } from '../platform/config.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { CallControl } from '../telephony/call-control.js';
import { PROMPT_NAMES, type PromptSet } from '../telephony/prompts.js';
import type { TextToSpeech } from '../telephony/tts.js';
import { assertValidFlow, buildHotlineFlow } from './flow/index.js';
import { lookupOrderForIvr, type OrderFinder } from './order-lookup.js';
import { IvrService } from './service.js';

export function createIvrPlugin(d: {
  config: Config;
  telephony: CallControl;
  calls: LiveCalls;
  bus: CallEventBus;
  queue: QueueService;
  /** The queues the ACD has: a skill hint naming another one is ignored. */
  queueIds: ReadonlySet<string>;
  prompts: PromptSet;
  tts: TextToSpeech;
  mediaPath: (file: string) => string;
  orders: OrderFinder;
  /** The caller's channel is answered (e.g. to start listening for keywords). */
  onAnswered?: (call: LiveCall) => void;
  log: Logger;
}): IvrService {
  const flow = buildHotlineFlow();
  assertValidFlow(flow, PROMPT_NAMES);
  const merged = d.config.acd.mergedNumbers;
  return new IvrService({
    telephony: d.telephony,
    calls: d.calls,
    bus: d.bus,
    queue: d.queue,
    flow,
    prompts: d.prompts,
    tts: d.tts,
    mediaPath: d.mediaPath,
    lookupOrder: (code) => lookupOrderForIvr(d.orders, code),
    queueFor: (call, q, skillHint) => {
      // the caller's words first, then the merged hotline they dialled (12329 → housing fund)
      const hint = skillHint ?? call.spokenSkillHint ?? merged.get(call.dialed) ?? null;
      return hint && d.queueIds.has(hint) ? hint : q;
    },
    ...(d.onAnswered ? { onAnswered: d.onAnswered } : {}),
    serviceNumber: d.config.serviceNumber,
    log: d.log.child({ component: 'ivr' }),
  });
}
