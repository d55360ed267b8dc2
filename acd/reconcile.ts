// Asterisk holds the live truth about calls. After (re)connecting we compare it with what we believe:
// calls whose channels vanished while we were away are ended, and bridges or agent legs nobody owns
// (left by a crash) are removed so nothing lingers in the PBX.
import type { Logger } from 'pino';
import type { CallControl, TelephonyEvent } from '../telephony/call-control.js';
import { CALL_ID_VARIABLE, type LiveCalls } from './live-calls.js';
import { BRIDGE_PREFIX } from './call-legs.js';
import { ANSWERED_MEMO_VARIABLE, decodeAnsweredMemo, type AnsweredMemo } from './answered-memo.js';
import { CALLBACK_OFFERED_VARIABLE, decodeWaitingMemo, WAITING_MEMO_VARIABLE, type WaitingMemo } from './waiting-memo.js';

export interface ReconcileReport {
  endedCalls: number;
  removedBridges: number;
  hungUpLegs: number;
  /**
   * Citizens' channels found without an owner (only looked for at start-up); `memo` is their place in the queue
   * when they were waiting there (null: they were still in the IVR, or the place could not be read).
   */
  orphanCallers: { channelId: string; callerNumber: string; memo: WaitingMemo | null; callId: string | null; callbackOffered: boolean }[];
  /** Conversations an earlier process connected (only looked for at start-up): the caller still bridged with the agent's leg. */
  connected: ConnectedOrphan[];
}

export interface ConnectedOrphan {
  bridgeId: string;
  channelId: string;
  callerNumber: string;
  memo: WaitingMemo;
  answered: AnsweredMemo;
  /** The agent's leg is still up (it may have hung up while no server ran: then the call ends once adopted). */
  legAlive: boolean;
}

export async function reconcile(
  telephony: CallControl,
  calls: LiveCalls,
  deliver: (ev: TelephonyEvent) => void,
  log: Logger,
  atStartup: boolean,
): Promise<ReconcileReport> {
  const [channels, bridges] = await Promise.all([telephony.listChannels(), telephony.listBridges()]);
  const alive = new Set(channels.map((c) => c.id));
  const report: ReconcileReport = { endedCalls: 0, removedBridges: 0, hungUpLegs: 0, orphanCallers: [], connected: [] };
  const now = new Date();

  for (const call of calls.all()) {
    if (!alive.has(call.channelId)) {
      report.endedCalls++;
      deliver({ type: 'channel_gone', channelId: call.channelId, cause: 16, causeText: 'gone while ARI was disconnected', at: now });
    } else if (call.agentLeg && !alive.has(call.agentLeg.channelId)) {
      deliver({ type: 'channel_gone', channelId: call.agentLeg.channelId, cause: 16, causeText: 'gone while ARI was disconnected', at: now });
    }
  }

  // audio taps, survey calls and callbacks being dialled keep their state in this process only: at start-up any
  // left are orphans (a callback being dialled is still pending in the database and is dialled again)
  const orphanOfEarlierRun = (id: string) => atStartup && (id.startsWith('tap-') || id.startsWith('survey-') || id.startsWith('cb-'));
  const bridged = new Set<string>();
  for (const b of bridges) {
    if (orphanOfEarlierRun(b.id)) {
      await telephony.destroyBridge(b.id).catch(() => {});
      report.removedBridges++;
      continue;
    }
    b.channelIds.forEach((id) => bridged.add(id));
    if (!b.name.startsWith(BRIDGE_PREFIX) || calls.get(b.id.slice(BRIDGE_PREFIX.length))) continue;
    const members = b.channelIds.filter((id) => alive.has(id));
    // a conversation left by an earlier process goes on: at start-up it is adopted when the caller's memos say
    // whose it is (the agent may be in a consult bridge, or gone after a transfer); a bridge nobody can own is
    // removed when it is empty or one-sided, else left to run
    const found = atStartup ? await connectedOrphan(telephony, b.id, members, channels) : null;
    if (found) {
      report.connected.push(found);
      continue;
    }
    if (members.length >= 2) continue;
    for (const id of members) {
      await telephony.hangup(id).catch(() => {});
      report.hungUpLegs++;
    }
    await telephony.destroyBridge(b.id).catch(() => {});
    report.removedBridges++;
  }

  for (const ch of channels) {
    if (bridged.has(ch.id) || calls.byAnyChannel(ch.id)) continue;
    // a transfer's target leg and a supervisor's leg (still ringing) are theirs to adopt, never a citizen's call
    if (['xfer-', 'sup-', 'snoop-'].some((p) => ch.id.startsWith(p))) continue;
    if (ch.id.startsWith('leg-') || orphanOfEarlierRun(ch.id)) {
      await telephony.hangup(ch.id).catch(() => {});
      report.hungUpLegs++;
    } else if (atStartup && ch.inApp !== false) {
      // (a channel still in the dialplan is a citizen waiting for the application: StasisStart takes it in)
      // the citizen page's callers have a memo too once queued; a channel with neither is not a citizen's
      const memo = decodeWaitingMemo(await telephony.getVariable(ch.id, WAITING_MEMO_VARIABLE).catch(() => null));
      // the call id the IVR gave it on arrival: a caller still in the IVR keeps their call (and its record)
      const callId = memo ? memo.callId : ((await telephony.getVariable(ch.id, CALL_ID_VARIABLE).catch(() => null)) ?? null);
      const callbackOffered = memo ? (await telephony.getVariable(ch.id, CALLBACK_OFFERED_VARIABLE).catch(() => null)) === '1' : false;
      if (memo || callId || ch.name.startsWith('PJSIP/trunk-'))
        report.orphanCallers.push({ channelId: ch.id, callerNumber: ch.callerNumber, memo, callId, callbackOffered });
    }
  }
  if (report.endedCalls || report.removedBridges || report.hungUpLegs || report.orphanCallers.length || report.connected.length) {
    const placesKept = report.orphanCallers.filter((o) => o.memo).length;
    log.info({ ...report, orphanCallers: report.orphanCallers.length, placesKept, connected: report.connected.length }, 'reconciled with Asterisk');
  }
  return report;
}

/** The caller of a hotline bridge is the member whose queue memo names the bridge's call, and who answered is on their channel too. */
async function connectedOrphan(
  telephony: CallControl,
  bridgeId: string,
  members: string[],
  channels: readonly { id: string; callerNumber: string }[],
): Promise<ConnectedOrphan | null> {
  const callId = bridgeId.slice(BRIDGE_PREFIX.length);
  for (const id of members.filter((m) => !m.startsWith('leg-'))) {
    const memo = decodeWaitingMemo(await telephony.getVariable(id, WAITING_MEMO_VARIABLE).catch(() => null));
    if (memo?.callId !== callId) continue;
    const answered = decodeAnsweredMemo(await telephony.getVariable(id, ANSWERED_MEMO_VARIABLE).catch(() => null));
    if (!answered) return null;
    const legAlive = channels.some((c) => c.id === answered.legChannelId);
    return { bridgeId, channelId: id, callerNumber: channels.find((c) => c.id === id)?.callerNumber ?? '', memo, answered, legAlive };
  }
  return null;
}
