// While Asterisk is unreachable (issue 14) nothing is offered, so no agent is pushed to 未接 for an outage; an
// offer whose ring could not even be placed releases the agent with their idle place; when Asterisk is back the
// callers who waited are offered in their order. Injected clock throughout.
import { describe, expect, it } from 'vitest';
import { engineWith, moveLines, offered, ofType, online } from './testing.js';

describe('the engine during an Asterisk outage', () => {
  it('given routing paused, when callers queue and agents free up, then nothing is offered until it resumes, then in arrival order', () => {
    const e = engineWith();
    e.handle({ type: 'routing_paused', paused: true }, 1_000);
    expect(offered(online(e, 'a1', 1_000))).toEqual([]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c1' }, 2_000))).toEqual([]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c2' }, 3_000))).toEqual([]);
    expect(offered(online(e, 'a2', 4_000))).toEqual([]);
    expect(e.agentView('a1')?.state).toBe('available');
    const out = e.handle({ type: 'routing_paused', paused: false }, 5_000);
    expect(offered(out)).toEqual([
      ['c1', 'a1'],
      ['c2', 'a2'],
    ]);
  });

  it('given an offer whose ring could not be placed (Asterisk unreachable), then the agent is available again with their idle place, not 未接', () => {
    const e = engineWith();
    online(e, 'a1', 1_000);
    online(e, 'a2', 2_000);
    const [offer] = ofType(e.handle({ type: 'call_queued', callId: 'c1' }, 3_000), 'offer');
    expect(offer).toMatchObject({ agentId: 'a1' });
    e.handle({ type: 'routing_paused', paused: true }, 3_100);
    const out = e.handle({ type: 'offer_failed', callId: 'c1', offerId: offer!.offerId, unavailable: true }, 3_200);
    expect(moveLines(out, 'a1')).toEqual(['a1:reserved>available:telephony_unavailable']);
    expect(e.agentView('a1')?.idleSince).toBe(1_000);
    expect(e.queueView().waiting).toEqual(['c1']);
    expect(offered(e.handle({ type: 'routing_paused', paused: false }, 4_000))).toEqual([['c1', 'a1']]);
  });

  it('given an offer the phone itself failed, then the agent is 未接 as before', () => {
    const e = engineWith();
    online(e, 'a1', 1_000);
    const [offer] = ofType(e.handle({ type: 'call_queued', callId: 'c1' }, 2_000), 'offer');
    expect(moveLines(e.handle({ type: 'offer_failed', callId: 'c1', offerId: offer!.offerId }, 2_500), 'a1')).toEqual(['a1:reserved>missed:rejected']);
  });
});
