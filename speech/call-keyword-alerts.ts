// What a heard keyword does to the call and who is told. An emergency word (the first one) flags the call as
// 疑似紧急 (a call event the call records follow), alerts supervisors and the agent; a routing word becomes the call's skill hint. Every
// hit also goes to the agent's transcript panel. Words heard before an agent answers (greeting, queue) are kept and
// replayed to the agent when the call connects, so the seat sees what the caller said while waiting.
import { publishFor, type LiveCall } from '../acd/live-calls.js';
import type { EmergencyAlertPush, SpeechKeywordPush, SpeechStatusPush } from '../contracts/desktop-events.js';
import type { CallEventBus } from '../platform/events/call-event-bus.js';
import type { KeywordHeard } from './tap.js';

/** Where the pushes go (socket.io rooms in the server). */
export interface KeywordAlertSinks {
  supervisors(push: EmergencyAlertPush): void;
  agentEmergency(agentId: string, push: EmergencyAlertPush): void;
  agentKeyword(agentId: string, push: SpeechKeywordPush): void;
  agentStatus(agentId: string, push: SpeechStatusPush): void;
}

export interface CallKeywordAlertsDeps {
  calls: { get(callId: string): LiveCall | undefined };
  /** Where the flag is published (call.emergency_suspected: the call record keeps the first keyword). */
  bus: CallEventBus;
  sinks: KeywordAlertSinks;
  /** A streaming recognizer sends transcripts as well (told to the seat). */
  transcription: boolean;
  now?: () => Date;
}

/** Hits kept per call for the replay; a call that says more words than this is not made longer. */
const MAX_KEPT = 50;

export class CallKeywordAlerts {
  private readonly kept = new Map<string, { pushes: SpeechKeywordPush[]; emergency: EmergencyAlertPush | null }>();

  constructor(private readonly d: CallKeywordAlertsDeps) {}

  heard(hit: KeywordHeard): void {
    const call = this.d.calls.get(hit.callId);
    if (!call) return;
    const at = (this.d.now ?? (() => new Date()))();
    const entry = this.kept.get(call.callId) ?? { pushes: [], emergency: null };
    this.kept.set(call.callId, entry);
    const push: SpeechKeywordPush = {
      callId: call.callId,
      keyword: hit.keyword,
      category: hit.category,
      speaker: hit.speaker,
      atMs: hit.atMs,
      at: at.toISOString(),
    };
    if (entry.pushes.length < MAX_KEPT) entry.pushes.push(push);
    const agentId = call.agentLeg?.agentId ?? null;
    if (agentId) this.d.sinks.agentKeyword(agentId, push);

    if (hit.category === 'routing' && hit.skillHint && !call.spokenSkillHint) call.spokenSkillHint = hit.skillHint;
    if (hit.category !== 'emergency' || call.emergencyKeyword) return;
    call.emergencyKeyword = hit.keyword;
    publishFor(call, this.d.bus, 'call.emergency_suspected', { callId: call.callId, keyword: hit.keyword, at: at.getTime() });
    const alert: EmergencyAlertPush = { callId: call.callId, keyword: hit.keyword, callerNumber: call.callerNumber, at: at.toISOString(), agentId };
    entry.emergency = alert;
    this.d.sinks.supervisors(alert);
    if (agentId) this.d.sinks.agentEmergency(agentId, alert);
    call.log.warn({ keyword: hit.keyword }, 'emergency suspected');
  }

  /** The call reached an agent: tell the seat what listens and what was heard so far. */
  connected(callId: string): void {
    const agentId = this.d.calls.get(callId)?.agentLeg?.agentId;
    if (!agentId) return;
    this.d.sinks.agentStatus(agentId, { callId, keywordSpotting: true, transcription: this.d.transcription });
    const entry = this.kept.get(callId);
    if (!entry) return;
    for (const push of entry.pushes) this.d.sinks.agentKeyword(agentId, push);
    if (entry.emergency) this.d.sinks.agentEmergency(agentId, { ...entry.emergency, agentId });
  }

  ended(callId: string): void {
    this.kept.delete(callId);
  }
}
