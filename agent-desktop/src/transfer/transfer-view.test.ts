import { describe, expect, it } from 'vitest';
import type { TransferView } from '../../../contracts/transfer.js';
import { newerTransfer } from './transfer-view';

const view = (patch: Partial<TransferView>): TransferView => ({
  callId: 'c-1',
  transferId: 't-1',
  kind: 'warm',
  target: { number: '110', name: '110', emergency: true },
  phase: 'dialing',
  outcome: null,
  agentReleased: false,
  linkage: null,
  ...patch,
});

describe('newerTransfer', () => {
  it('takes the first view and later phases of the same transfer', () => {
    const dialing = view({});
    expect(newerTransfer(null, dialing)).toBe(dialing);
    const consulting = view({ phase: 'consulting' });
    expect(newerTransfer(dialing, consulting)).toBe(consulting);
  });

  it('drops a stale view that arrives after a newer one (the HTTP answer after the push)', () => {
    const consulting = view({ phase: 'consulting' });
    expect(newerTransfer(consulting, view({ phase: 'dialing' }))).toBe(consulting);
    const released = view({ phase: 'completed', agentReleased: true });
    expect(newerTransfer(released, view({ phase: 'completed', agentReleased: false }))).toBe(released);
  });

  it('takes a same-phase update (the linkage sheet) and any view of another transfer', () => {
    const consulting = view({ phase: 'consulting' });
    const withLinkage = view({ phase: 'consulting', linkage: { id: 'l-1', status: 'delivered' } });
    expect(newerTransfer(consulting, withLinkage)).toBe(withLinkage);
    const next = view({ transferId: 't-2', phase: 'dialing' });
    expect(newerTransfer(view({ phase: 'ended', outcome: 'cancelled' }), next)).toBe(next);
  });
});
