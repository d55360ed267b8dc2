// Runs the greeting flow for each new call: creates the call record, answers, greets, hands over to the queue.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { QueueService } from '../acd/service.js';
import { writeFor, type LiveCall, type LiveCalls } from '../acd/live-calls.js';
import type { CallRecordRepository } from '../crm/call-records.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { greetingStep, initialGreeting, type GreetingState, type IvrCommand, type IvrEvent } from './greeting-flow.js';
import type { PromptSet } from './prompts.js';

export interface IvrServiceDeps {
  telephony: CallControl;
  calls: LiveCalls;
  records: CallRecordRepository;
  queue: QueueService;
  prompts: PromptSet;
  serviceNumber: string;
  log: Logger;
}

export class IvrService {
  private readonly flows = new Map<string, GreetingState>(); // by callId

  constructor(private readonly d: IvrServiceDeps) {}

  handleTelephony(ev: TelephonyEvent): boolean {
    switch (ev.type) {
      case 'call_arrived':
        this.arrived(ev.channelId, ev.callerNumber, ev.dialed, ev.at);
        return true;
      case 'playback_finished': {
        const found = this.d.calls.byAnyChannel(ev.channelId);
        if (!found || found.call.stage !== 'ivr') return false;
        this.step(found.call, { type: 'playback_finished', playbackId: ev.playbackId });
        return true;
      }
      case 'channel_gone': {
        const found = this.d.calls.byAnyChannel(ev.channelId);
        if (!found || found.call.stage !== 'ivr') return false;
        const call = found.call;
        call.log.info({ cause: ev.causeText }, 'caller hung up during the greeting');
        this.step(call, { type: 'hung_up' });
        void writeFor(call, 'markEnded', () => this.d.records.markEnded(call.callId, { at: ev.at, hangupCause: ev.causeText }));
        this.d.calls.remove(call);
        return true;
      }
      default:
        return false;
    }
  }

  private arrived(channelId: string, callerNumber: string, dialed: string, at: Date): void {
    const callId = randomUUID();
    const log = this.d.log.child({ callId, channelId });
    const call: LiveCall = {
      callId,
      channelId,
      callerNumber,
      dialed: dialed || this.d.serviceNumber,
      arrivedAt: at,
      stage: 'ivr',
      log,
      agentLeg: null,
      bridgeId: null,
      writes: Promise.resolve(),
    };
    this.d.calls.add(call);
    log.info({ callerNumber, dialed: call.dialed }, 'call arrived');
    void writeFor(call, 'createCall', () =>
      this.d.records.createCall({ id: callId, channelId, callerNumber, dialedNumber: call.dialed, arrivedAt: at }),
    );
    // a restart finds the call again through this variable (reconciliation)
    void this.d.telephony.setVariable(channelId, 'HOTLINE_CALL_ID', callId).catch(() => {});
    this.flows.set(callId, initialGreeting());
    this.step(call, { type: 'arrived' });
  }

  private step(call: LiveCall, event: IvrEvent): void {
    const state = this.flows.get(call.callId);
    if (!state) return;
    const next = greetingStep(state, event, () => `pb-${randomUUID()}`);
    if (next.state.step === 'ended' || next.state.step === 'queued') this.flows.delete(call.callId);
    else this.flows.set(call.callId, next.state);
    void this.run(call, next.commands);
  }

  private async run(call: LiveCall, commands: IvrCommand[]): Promise<void> {
    for (const c of commands) {
      try {
        if (c.type === 'answer') await this.d.telephony.answer(call.channelId);
        else if (c.type === 'play') await this.d.telephony.play(call.channelId, `sound:${this.d.prompts[c.prompt]}`, c.playbackId);
        else if (c.type === 'enqueue') await this.d.queue.enqueue(call, c.queue);
      } catch (err) {
        if (call.stage !== 'ivr') return; // the caller hung up meanwhile; the hang-up handler has it
        call.log.warn({ err: String(err), command: c.type }, 'IVR step failed');
        if (c.type === 'play') this.step(call, { type: 'playback_failed' });
        else return;
      }
    }
  }
}
