// Transfers of a connected call, as a pure state machine: (state, event) → (state, commands). The adapter
// (service.ts) runs the commands against the telephony and the ACD, in order.
//
// The call's own bridge (where the ACD put caller and agent, and which records the call) stays the call's bridge
// from start to end: parties are moved in and out of it, so the recording goes on across the consult, after a
// completed transfer and in a three-way call.
//
//   warm:  caller held in the call bridge (music) · agent moved to a consult bridge (recorded too, which keeps it
//          mixing: recipe G1) · target dialled into it · then complete (target moved to the caller, agent
//          leaves), cancel (agent back to the caller) or three-way (target and agent both into the call bridge;
//          the agent may leave later).
//   blind: the agent leaves at once; the caller hears music until the target answers and joins the call bridge.

export type TransferKind = 'warm' | 'blind';
export type TransferPhase = 'dialing' | 'consulting' | 'three_way' | 'completed' | 'ended';
export type TransferOutcome = 'cancelled' | 'failed' | 'completed' | 'caller_gone' | 'target_gone' | 'agent_gone';

export interface TransferTarget {
  /** Dialled through the carrier trunk, e.g. '110'. */
  number: string;
  name: string;
  /** 110 / 120 / 119: a linkage sheet goes with the call. */
  emergency: boolean;
}

export interface TransferState {
  transferId: string;
  callId: string;
  agentId: string;
  kind: TransferKind;
  target: TransferTarget;
  phase: TransferPhase;
  outcome: TransferOutcome | null;
  callerChannelId: string;
  agentChannelId: string;
  callBridgeId: string;
  /** The leg dialled to the target. */
  targetChannelId: string;
  /** Warm transfers only. */
  consultBridgeId: string | null;
  /** The agent is no longer on the call (completed, or left the three-way call). */
  agentReleased: boolean;
}

export type TransferCommand =
  | { type: 'remove_from_bridge'; bridgeId: string; channelIds: string[] }
  | { type: 'add_to_bridge'; bridgeId: string; channelIds: string[] }
  | { type: 'create_bridge'; bridgeId: string }
  | { type: 'record_bridge'; bridgeId: string; name: string }
  | { type: 'destroy_bridge'; bridgeId: string }
  | { type: 'start_moh'; bridgeId: string }
  | { type: 'stop_moh'; bridgeId: string }
  | { type: 'dial'; channelId: string; number: string }
  | { type: 'hangup'; channelId: string }
  /** The ACD lets the agent go (wrap-up); hangUp false when their leg is gone already. */
  | { type: 'release_agent'; hangUp: boolean }
  | { type: 'send_linkage' }
  | { type: 'notify' };

export type TransferEvent =
  | { type: 'target_answered' }
  | { type: 'target_gone' }
  | { type: 'agent_gone' }
  | { type: 'caller_gone' }
  | { type: 'complete' }
  | { type: 'cancel' }
  | { type: 'three_way' }
  | { type: 'agent_leave' };

export interface TransferStep {
  state: TransferState;
  commands: TransferCommand[];
  /** The event was the transfer's alone: the ACD must not act on it (e.g. the agent hung up to complete). */
  consumed: boolean;
}

/** A request from the desktop that does not fit the transfer's phase. */
export class TransferRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TransferRefusedError';
  }
}

export interface StartTransfer {
  transferId: string;
  callId: string;
  agentId: string;
  kind: TransferKind;
  target: TransferTarget;
  callerChannelId: string;
  agentChannelId: string;
  callBridgeId: string;
  targetChannelId: string;
}

export function startTransfer(input: StartTransfer): TransferStep {
  const warm = input.kind === 'warm';
  const state: TransferState = {
    ...input,
    phase: 'dialing',
    outcome: null,
    consultBridgeId: warm ? `consult-${input.transferId}` : null,
    agentReleased: !warm,
  };
  const commands: TransferCommand[] = [];
  if (warm) {
    const consult = state.consultBridgeId!;
    commands.push(
      { type: 'remove_from_bridge', bridgeId: input.callBridgeId, channelIds: [input.agentChannelId] },
      { type: 'start_moh', bridgeId: input.callBridgeId },
      { type: 'create_bridge', bridgeId: consult },
      { type: 'add_to_bridge', bridgeId: consult, channelIds: [input.agentChannelId] },
      { type: 'record_bridge', bridgeId: consult, name: `call-${input.callId}-consult-${input.transferId.slice(0, 8)}` },
    );
  } else {
    commands.push({ type: 'release_agent', hangUp: true }, { type: 'start_moh', bridgeId: input.callBridgeId });
  }
  commands.push({ type: 'dial', channelId: input.targetChannelId, number: input.target.number });
  if (input.target.emergency) commands.push({ type: 'send_linkage' });
  commands.push({ type: 'notify' });
  return { state, commands, consumed: true };
}

export function stepTransfer(s: TransferState, ev: TransferEvent): TransferStep {
  if (s.phase === 'ended') return unchanged(s, false);
  switch (ev.type) {
    case 'target_answered':
      if (s.phase !== 'dialing') return unchanged(s, true);
      if (s.kind === 'warm')
        return next(s, { phase: 'consulting' }, [{ type: 'add_to_bridge', bridgeId: s.consultBridgeId!, channelIds: [s.targetChannelId] }]);
      return next(s, { phase: 'completed', outcome: 'completed' }, [
        { type: 'stop_moh', bridgeId: s.callBridgeId },
        { type: 'add_to_bridge', bridgeId: s.callBridgeId, channelIds: [s.targetChannelId] },
      ]);

    case 'target_gone':
      if (s.phase === 'completed') return next(s, { phase: 'ended', outcome: 'target_gone' }, [{ type: 'hangup', channelId: s.callerChannelId }]);
      if (s.phase === 'three_way') return next(s, { phase: 'ended', outcome: 'target_gone' }, []);
      // not reached / hung up during the consult: back to the caller (a blind transfer has no agent to go back to)
      if (s.kind === 'blind') return next(s, { phase: 'ended', outcome: 'failed' }, [{ type: 'hangup', channelId: s.callerChannelId }]);
      return next(s, { phase: 'ended', outcome: 'failed' }, backToCaller(s));

    case 'cancel':
      if (s.kind !== 'warm' || (s.phase !== 'dialing' && s.phase !== 'consulting')) throw new TransferRefusedError('当前无法取消转接');
      return next(s, { phase: 'ended', outcome: 'cancelled' }, [{ type: 'hangup', channelId: s.targetChannelId }, ...backToCaller(s)]);

    case 'complete':
      if (s.kind !== 'warm' || s.phase !== 'consulting') throw new TransferRefusedError('对方接通后才能完成转接');
      return next(s, { phase: 'completed', outcome: 'completed', agentReleased: true }, [
        ...mergeIntoCall(s, [s.targetChannelId]),
        { type: 'release_agent', hangUp: true },
        { type: 'destroy_bridge', bridgeId: s.consultBridgeId! },
      ]);

    case 'three_way':
      if (s.kind !== 'warm' || s.phase !== 'consulting') throw new TransferRefusedError('对方接通后才能三方通话');
      return next(s, { phase: 'three_way' }, [
        ...mergeIntoCall(s, [s.targetChannelId, s.agentChannelId]),
        { type: 'destroy_bridge', bridgeId: s.consultBridgeId! },
      ]);

    case 'agent_leave':
      if (s.phase !== 'three_way') throw new TransferRefusedError('只有三方通话中才能退出');
      return next(s, { phase: 'completed', outcome: 'completed', agentReleased: true }, [{ type: 'release_agent', hangUp: true }]);

    case 'agent_gone':
      // a released leg's end is the ACD's (it hung the leg up itself)
      if (s.agentReleased) return unchanged(s, false);
      // hanging up while talking with the target completes the transfer (as on a desk phone)
      if (s.phase === 'consulting') {
        return next(
          s,
          { phase: 'completed', outcome: 'completed', agentReleased: true },
          [...mergeIntoCall(s, [s.targetChannelId]), { type: 'release_agent', hangUp: false }, { type: 'destroy_bridge', bridgeId: s.consultBridgeId! }],
          true,
        );
      }
      if (s.phase === 'three_way') {
        return next(s, { phase: 'completed', outcome: 'completed', agentReleased: true }, [{ type: 'release_agent', hangUp: false }], true);
      }
      // still dialling: the consult is dropped and the ACD ends the call as for any agent hang-up
      return next(
        s,
        { phase: 'ended', outcome: 'agent_gone' },
        [{ type: 'hangup', channelId: s.targetChannelId }, ...(s.consultBridgeId ? [{ type: 'destroy_bridge' as const, bridgeId: s.consultBridgeId }] : [])],
        false,
      );

    case 'caller_gone':
      // the ACD ends the call (agent leg, call bridge, record); the transfer drops what is its own
      return next(
        s,
        { phase: 'ended', outcome: 'caller_gone' },
        [
          { type: 'hangup', channelId: s.targetChannelId },
          ...(s.consultBridgeId && s.phase !== 'three_way' && s.phase !== 'completed'
            ? [{ type: 'destroy_bridge' as const, bridgeId: s.consultBridgeId }]
            : []),
        ],
        false,
      );
  }
}

/** Agent out of the consult bridge and back with the caller; music stops; the consult bridge goes. */
function backToCaller(s: TransferState): TransferCommand[] {
  return [
    { type: 'remove_from_bridge', bridgeId: s.consultBridgeId!, channelIds: [s.agentChannelId] },
    { type: 'stop_moh', bridgeId: s.callBridgeId },
    { type: 'add_to_bridge', bridgeId: s.callBridgeId, channelIds: [s.agentChannelId] },
    { type: 'destroy_bridge', bridgeId: s.consultBridgeId! },
  ];
}

function mergeIntoCall(s: TransferState, channelIds: string[]): TransferCommand[] {
  return [
    { type: 'remove_from_bridge', bridgeId: s.consultBridgeId!, channelIds },
    { type: 'stop_moh', bridgeId: s.callBridgeId },
    { type: 'add_to_bridge', bridgeId: s.callBridgeId, channelIds },
  ];
}

function next(s: TransferState, patch: Partial<TransferState>, commands: TransferCommand[], consumed = true): TransferStep {
  return { state: { ...s, ...patch }, commands: [...commands, { type: 'notify' }], consumed };
}

function unchanged(s: TransferState, consumed: boolean): TransferStep {
  return { state: s, commands: [], consumed };
}
