// Runs transfers of connected calls: validates requests from the desktop, steps the pure machine
// (machine.ts) and executes its commands in order against the telephony and the ACD, one call at a time.
// Sees telephony events before the queue: the legs it dialled are its own, and an agent hanging up during a
// consult completes the transfer instead of ending the call.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { StartTransferRequest, TransferAction, TransferView } from '../contracts/transfer.js';
import type { LiveCall, LiveCalls } from '../acd/live-calls.js';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { ChannelMemoWriter } from '../telephony/channel-memo-writer.js';
import { resolveTarget, type TransferDirectory } from './directory.js';
import { decodeTransferMemo, encodeTransferMemo, TRANSFER_MEMO_VARIABLE } from './transfer-memo.js';
import type { LinkageWriter } from './linkage-writer.js';
import {
  startTransfer,
  stepTransfer,
  TransferRefusedError,
  type TransferCommand,
  type TransferEvent,
  type TransferState,
  type TransferStep,
} from './machine.js';

export interface TransferServiceDeps {
  telephony: CallControl;
  calls: LiveCalls;
  /** The ACD lets an agent go from a call that continues without them (QueueService.releaseAgent). */
  releaseAgent: (callId: string, opts: { hangUp: boolean }) => string | null;
  directory: TransferDirectory;
  linkage: Pick<LinkageWriter, 'write'>;
  /** Pushes the transfer's state to the agent's desktop. */
  notify: (agentId: string, view: TransferView) => void;
  /** Base URL for links in the linkage sheet. */
  publicUrl: string;
  log: Logger;
}

export class TransferNotFoundError extends Error {}

const TAG_PREFIX = 'transfer:';
const DIAL_TIMEOUT_SECONDS = 40;

export class TransferService {
  private readonly byCall = new Map<string, TransferState>();
  /** The dialled target leg → its call. */
  private readonly byTargetLeg = new Map<string, string>();
  private readonly linkages = new Map<string, { id: string; status: string }>();
  private readonly sheets = new Map<string, StartTransferRequest['sheet']>();
  /** Commands of one call run one after another, in the order the machine gave them. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Told once a linkage sheet is stored (e.g. to make the call's work order urgent). */
  private readonly linkedListeners = new Set<(callId: string) => Promise<unknown>>();

  private readonly memos: ChannelMemoWriter;

  constructor(private readonly d: TransferServiceDeps) {
    this.memos = new ChannelMemoWriter(d.telephony);
  }

  view(callId: string): TransferView | null {
    const s = this.byCall.get(callId);
    return s ? this.toView(s) : null;
  }

  /** The agent who started the call's transfer. */
  ownerOf(callId: string): string | null {
    return this.byCall.get(callId)?.agentId ?? null;
  }

  /** The transfer phase of a call (for the wallboard), or null. */
  phaseOf(callId: string): TransferState['phase'] | null {
    return this.byCall.get(callId)?.phase ?? null;
  }

  /** Throws TransferNotFoundError (no such call of this agent) or TransferRefusedError. */
  start(agentId: string, callId: string, req: StartTransferRequest): TransferView {
    const call = this.d.calls.get(callId);
    if (!call || call.agentLeg?.agentId !== agentId) throw new TransferNotFoundError('没有找到您正在接听的这通电话');
    if (call.stage !== 'connected' || !call.bridgeId) throw new TransferRefusedError('通话接通后才能转接');
    const running = this.byCall.get(callId);
    if (running && running.phase !== 'ended') throw new TransferRefusedError('这通电话正在转接中');
    const target = resolveTarget(this.d.directory, req.to);
    if (!target) throw new TransferRefusedError('转接目标不在号码簿中');
    const kind = req.kind ?? (target.emergency ? 'warm' : 'blind');
    const transferId = randomUUID();
    const targetChannelId = `xfer-${transferId}`;
    const step = startTransfer({
      transferId,
      callId,
      agentId,
      kind,
      target,
      callerChannelId: call.channelId,
      agentChannelId: call.agentLeg.channelId,
      callBridgeId: call.bridgeId,
      targetChannelId,
    });
    this.byTargetLeg.set(targetChannelId, callId);
    this.sheets.set(callId, req.sheet);
    this.linkages.delete(callId);
    call.log.info({ transferId, kind, target: target.number }, 'transfer started');
    this.apply(call, step);
    return this.toView(step.state);
  }

  act(agentId: string, callId: string, action: TransferAction): TransferView {
    const s = this.byCall.get(callId);
    const call = this.d.calls.get(callId);
    if (!s || !call || s.agentId !== agentId) throw new TransferNotFoundError('这通电话没有进行中的转接');
    const event: TransferEvent =
      action === 'complete'
        ? { type: 'complete' }
        : action === 'cancel'
          ? { type: 'cancel' }
          : action === 'three-way'
            ? { type: 'three_way' }
            : { type: 'agent_leave' };
    const step = stepTransfer(s, event); // throws TransferRefusedError
    call.log.info({ transferId: s.transferId, action }, 'transfer action');
    this.apply(call, step);
    return this.toView(step.state);
  }

  /**
   * After a restart, once the ACD has adopted the call: the transfer its caller's channel memo describes goes on
   * where it was (the target's leg, the consult bridge, the linkage sheet), and the agent's desktop is told.
   */
  async adopt(callId: string): Promise<boolean> {
    const call = this.d.calls.get(callId);
    if (!call) return false;
    const memo = decodeTransferMemo(await this.d.telephony.getVariable(call.channelId, TRANSFER_MEMO_VARIABLE).catch(() => null));
    if (!memo || memo.state.callId !== callId || this.byCall.has(callId)) return false;
    const s = memo.state;
    this.byCall.set(callId, s);
    this.byTargetLeg.set(s.targetChannelId, callId);
    if (memo.linkage) this.linkages.set(callId, memo.linkage);
    call.log.info({ transferId: s.transferId, phase: s.phase, target: s.target.number }, 'transfer adopted after a restart');
    if (!s.agentReleased) this.d.notify(s.agentId, this.toView(s));
    // the target hung up while no server ran: the transfer hears it now, as it would have then
    const alive = await this.d.telephony.listChannels().then(
      (chans) => chans.some((c) => c.id === s.targetChannelId),
      () => true,
    );
    if (!alive && this.byTargetLeg.delete(s.targetChannelId)) this.feed(callId, { type: 'target_gone' });
    return true;
  }

  /** Telephony facts about transferred calls. True when the event was the transfer's alone. */
  handleTelephony(ev: TelephonyEvent): boolean {
    if (ev.type === 'leg_answered' && ev.tag.startsWith(TAG_PREFIX)) {
      const callId = this.byTargetLeg.get(ev.channelId);
      if (!callId) {
        // the transfer ended while the target was ringing
        this.d.telephony
          .hangup(ev.channelId)
          .catch((err: unknown) => this.d.log.warn({ err: String(err), channelId: ev.channelId }, 'could not hang up the answer of an ended transfer'));
        return true;
      }
      this.feed(callId, { type: 'target_answered' });
      return true;
    }
    if (ev.type !== 'channel_gone') return false;
    const targetCall = this.byTargetLeg.get(ev.channelId);
    if (targetCall) {
      this.byTargetLeg.delete(ev.channelId);
      this.feed(targetCall, { type: 'target_gone' });
      return true;
    }
    const found = this.d.calls.byAnyChannel(ev.channelId);
    const s = found && this.byCall.get(found.call.callId);
    if (!found || !s) return false;
    if (s.phase === 'ended') {
      if (found.leg === 'caller') this.forget(found.call.callId);
      return false;
    }
    return this.feed(found.call.callId, { type: found.leg === 'caller' ? 'caller_gone' : 'agent_gone' });
  }

  private feed(callId: string, ev: TransferEvent): boolean {
    const s = this.byCall.get(callId);
    const call = this.d.calls.get(callId);
    if (!s || !call) return false;
    const step = stepTransfer(s, ev);
    if (step.state !== s) call.log.info({ transferId: s.transferId, event: ev.type, phase: step.state.phase }, 'transfer event');
    this.apply(call, step);
    return step.consumed;
  }

  private apply(call: LiveCall, step: TransferStep): void {
    const s = step.state;
    const changed = this.byCall.get(call.callId) !== s;
    this.byCall.set(call.callId, s);
    if (changed) this.keepMemo(call, s);
    const previous = this.chains.get(call.callId) ?? Promise.resolve();
    const run = previous.then(async () => {
      for (const c of step.commands) {
        try {
          await this.execute(call, s, c);
        } catch (err) {
          // a leg that vanished mid-way is reported by its own channel_gone; the rest of the step still runs
          call.log.warn({ err: String(err), command: c.type, transferId: s.transferId }, 'transfer command failed');
        }
      }
    });
    this.chains.set(call.callId, run);
    void run.then(() => {
      if (this.chains.get(call.callId) !== run) return;
      this.chains.delete(call.callId);
      if (s.phase === 'ended' && this.byCall.get(call.callId) === s && call.stage === 'ended') this.forget(call.callId);
    });
    if (s.phase === 'ended') this.byTargetLeg.delete(s.targetChannelId);
  }

  private forget(callId: string): void {
    this.byCall.delete(callId);
    this.sheets.delete(callId);
    this.linkages.delete(callId);
  }

  private async execute(call: LiveCall, s: TransferState, c: TransferCommand): Promise<void> {
    const t = this.d.telephony;
    switch (c.type) {
      case 'remove_from_bridge':
        return t.removeFromBridge(c.bridgeId, c.channelIds);
      case 'add_to_bridge':
        return t.addToBridge(c.bridgeId, c.channelIds);
      case 'create_bridge':
        return t.createBridge(c.bridgeId, c.bridgeId);
      case 'record_bridge':
        return t.recordBridge(c.bridgeId, c.name);
      case 'destroy_bridge':
        return t.destroyBridge(c.bridgeId);
      case 'start_moh':
        return t.startBridgeMusicOnHold(c.bridgeId);
      case 'stop_moh':
        return t.stopBridgeMusicOnHold(c.bridgeId);
      case 'hangup':
        return t.hangup(c.channelId);
      case 'dial':
        try {
          await t.originate({
            channelId: c.channelId,
            target: { trunkNumber: c.number },
            // the centre sees the citizen's number, so it can call them back
            callerNumber: call.callerNumber,
            callerName: '12345',
            timeoutSeconds: DIAL_TIMEOUT_SECONDS,
            tag: `${TAG_PREFIX}${s.transferId}`,
          });
        } catch (err) {
          call.log.warn({ err: String(err), target: c.number }, 'could not dial the transfer target');
          if (this.byTargetLeg.delete(c.channelId)) this.feed(call.callId, { type: 'target_gone' });
        }
        return;
      case 'release_agent':
        this.d.releaseAgent(call.callId, { hangUp: c.hangUp });
        return;
      case 'send_linkage':
        return this.sendLinkage(call, s);
      case 'notify':
        this.d.notify(s.agentId, this.toView(this.byCall.get(call.callId) ?? s));
        return;
    }
  }

  private async sendLinkage(call: LiveCall, s: TransferState): Promise<void> {
    // the call's row must exist before a sheet can point at it
    await call.writes;
    const sheet = this.sheets.get(call.callId);
    // held (on disk too) and tried again while the database is unreachable: a 转110/120 sheet must not be lost to an outage
    const record = await this.d.linkage.write({
      centre: s.target.number,
      callId: call.callId,
      callerNumber: call.callerNumber,
      place: sheet?.place || null,
      summary: sheet?.summary || null,
      transcript: null,
      emergencyKeyword: call.emergencyKeyword ?? null,
      recordingUrl: `${this.d.publicUrl}/api/recordings/${encodeURIComponent(call.callId)}/audio`,
      agentId: s.agentId,
    });
    this.linkages.set(call.callId, { id: record.id, status: record.status });
    this.keepMemo(call, this.byCall.get(call.callId) ?? s);
    await this.tellLinked(call.callId);
  }

  /** Runs the onLinked followers for a stored sheet (also for one an earlier process held and this one wrote). */
  async tellLinked(callId: string): Promise<void> {
    for (const listener of this.linkedListeners) {
      // the sheet is stored; a failing follower must not stop the transfer
      await listener(callId).catch((err: unknown) => this.d.log.error({ err: String(err), callId }, 'linkage listener failed'));
    }
  }

  /** Kept on the caller's channel so a restarted server adopts the transfer (cleared once it has ended). */
  private keepMemo(call: LiveCall, s: TransferState): void {
    const value = encodeTransferMemo({ state: s, linkage: this.linkages.get(call.callId) ?? null });
    void this.memos.write(call.channelId, TRANSFER_MEMO_VARIABLE, value, call.log, 'the transfer could not be kept on the channel');
  }

  onLinked(listener: (callId: string) => Promise<unknown>): () => void {
    this.linkedListeners.add(listener);
    return () => this.linkedListeners.delete(listener);
  }

  private toView(s: TransferState): TransferView {
    return {
      callId: s.callId,
      transferId: s.transferId,
      kind: s.kind,
      target: s.target,
      phase: s.phase,
      outcome: s.outcome,
      agentReleased: s.agentReleased,
      linkage: this.linkages.get(s.callId) ?? null,
    };
  }
}

export { TransferRefusedError };
