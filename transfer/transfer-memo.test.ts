// A transfer survives a server restart (issue 14): the memo kept on the caller's channel round-trips the
// transfer's state and its linkage sheet, an ended transfer clears it, and what is not a memo reads as none.
import { describe, expect, it } from 'vitest';
import { startTransfer, stepTransfer } from './machine.js';
import { decodeTransferMemo, encodeTransferMemo } from './transfer-memo.js';

const consulting = () => {
  const started = startTransfer({
    transferId: 't-1',
    callId: 'c-1',
    agentId: 'u-1001',
    kind: 'warm',
    target: { number: '110', name: '公安110', emergency: true },
    callerChannelId: 'ch-caller',
    agentChannelId: 'leg-1',
    callBridgeId: 'hotline-call-c-1',
    targetChannelId: 'xfer-t-1',
  }).state;
  return stepTransfer(started, { type: 'target_answered' }).state;
};

describe('the transfer memo', () => {
  it('given a consult with 110 and its linkage sheet, when encoded and decoded, then the same transfer comes back', () => {
    const state = consulting();
    expect(state.phase).toBe('consulting');
    const memo = { state, linkage: { id: 'lk-9', status: 'delivered' } };
    expect(decodeTransferMemo(encodeTransferMemo(memo))).toEqual(memo);
  });

  it('given the transfer has ended, then the memo is cleared', () => {
    const ended = stepTransfer(consulting(), { type: 'cancel' }).state;
    expect(ended.phase).toBe('ended');
    expect(encodeTransferMemo({ state: ended, linkage: null })).toBe('');
    expect(decodeTransferMemo('')).toBeNull();
  });

  it('given what is not a memo (junk, another version, a missing leg, an unknown phase), then nothing is decoded', () => {
    const good = JSON.parse(encodeTransferMemo({ state: consulting(), linkage: null })) as { v: number; state: Record<string, unknown> };
    const bad = [
      'x',
      JSON.stringify({ ...good, v: 2 }),
      JSON.stringify({ ...good, state: { ...good.state, targetChannelId: '' } }),
      JSON.stringify({ ...good, state: { ...good.state, phase: 'ended' } }),
      JSON.stringify({ ...good, state: { ...good.state, kind: 'cold' } }),
    ];
    for (const value of bad) expect(decodeTransferMemo(value), value).toBeNull();
  });
});
