import { describe, expect, it } from 'vitest';
import { startTransfer, stepTransfer, TransferRefusedError, type StartTransfer, type TransferState } from './machine.js';

const base: StartTransfer = {
  transferId: 't1',
  callId: 'c1',
  agentId: 'u-1001',
  kind: 'warm',
  target: { number: '110', name: '公安110', emergency: true },
  callerChannelId: 'caller',
  agentChannelId: 'agent',
  callBridgeId: 'call-bridge',
  targetChannelId: 'xfer',
};

const types = (cmds: { type: string }[]) => cmds.map((c) => c.type).filter((t) => t !== 'notify');

function consulting(): TransferState {
  const started = startTransfer(base);
  return stepTransfer(started.state, { type: 'target_answered' }).state;
}

describe('warm transfer machine', () => {
  it('given a warm transfer to 110, when it starts, then the caller is held in the call bridge and the agent consults in a recorded bridge', () => {
    const { state, commands } = startTransfer(base);
    expect(state.phase).toBe('dialing');
    expect(types(commands)).toEqual(['remove_from_bridge', 'start_moh', 'create_bridge', 'add_to_bridge', 'record_bridge', 'dial', 'send_linkage']);
    expect(commands.find((c) => c.type === 'start_moh')).toMatchObject({ bridgeId: 'call-bridge' });
  });

  it('given a consult, when completed, then 110 joins the caller in the call bridge and the agent is released', () => {
    const step = stepTransfer(consulting(), { type: 'complete' });
    expect(step.state).toMatchObject({ phase: 'completed', agentReleased: true, outcome: 'completed' });
    expect(types(step.commands)).toEqual(['remove_from_bridge', 'stop_moh', 'add_to_bridge', 'release_agent', 'destroy_bridge']);
    expect(step.commands[2]).toMatchObject({ bridgeId: 'call-bridge', channelIds: ['xfer'] });
  });

  it('given a consult, when cancelled, then 110 is hung up and the agent goes back to the caller', () => {
    const step = stepTransfer(consulting(), { type: 'cancel' });
    expect(step.state.phase).toBe('ended');
    expect(step.state.outcome).toBe('cancelled');
    expect(types(step.commands)).toEqual(['hangup', 'remove_from_bridge', 'stop_moh', 'add_to_bridge', 'destroy_bridge']);
  });

  it('given a three-way call, when the agent leaves, then the call goes on between caller and 110', () => {
    const three = stepTransfer(consulting(), { type: 'three_way' });
    expect(three.state.phase).toBe('three_way');
    expect(three.commands.find((c) => c.type === 'add_to_bridge')).toMatchObject({ channelIds: ['xfer', 'agent'] });
    const left = stepTransfer(three.state, { type: 'agent_leave' });
    expect(left.state).toMatchObject({ phase: 'completed', agentReleased: true });
    expect(types(left.commands)).toEqual(['release_agent']);
  });

  it('given a consult, when the agent hangs up, then the transfer completes and the ACD does not end the call', () => {
    const step = stepTransfer(consulting(), { type: 'agent_gone' });
    expect(step.consumed).toBe(true);
    expect(step.state.phase).toBe('completed');
    expect(step.commands.find((c) => c.type === 'release_agent')).toMatchObject({ hangUp: false });
  });

  it('given a dialling consult, when 110 does not answer, then the agent is back with the caller', () => {
    const step = stepTransfer(startTransfer(base).state, { type: 'target_gone' });
    expect(step.state.outcome).toBe('failed');
    expect(types(step.commands)).toEqual(['remove_from_bridge', 'stop_moh', 'add_to_bridge', 'destroy_bridge']);
  });

  it('given a completed transfer, when 110 hangs up, then the caller is hung up; when the caller hangs up, 110 is', () => {
    const done = stepTransfer(consulting(), { type: 'complete' }).state;
    expect(stepTransfer(done, { type: 'target_gone' }).commands[0]).toEqual({ type: 'hangup', channelId: 'caller' });
    const gone = stepTransfer(done, { type: 'caller_gone' });
    expect(gone.consumed).toBe(false);
    expect(types(gone.commands)).toEqual(['hangup']);
  });

  it('refuses to complete before 110 answers and to leave outside a three-way call', () => {
    const dialing = startTransfer(base).state;
    expect(() => stepTransfer(dialing, { type: 'complete' })).toThrow(TransferRefusedError);
    expect(() => stepTransfer(consulting(), { type: 'agent_leave' })).toThrow(TransferRefusedError);
  });
});

describe('blind transfer machine', () => {
  it('releases the agent at once and joins the target to the caller when it answers', () => {
    const start = startTransfer({ ...base, kind: 'blind', target: { number: '88886666', name: '住建热线', emergency: false } });
    expect(types(start.commands)).toEqual(['release_agent', 'start_moh', 'dial']);
    const answered = stepTransfer(start.state, { type: 'target_answered' });
    expect(answered.state.phase).toBe('completed');
    expect(types(answered.commands)).toEqual(['stop_moh', 'add_to_bridge']);
  });
});
