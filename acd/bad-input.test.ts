// Messy real-world input ends in consistent states: answers from two devices, hang-ups while ringing, logouts
// while ringing or talking, unregistered phones, late and stale events.
import { describe, expect, it } from 'vitest';
import { engineWith, moveLines, offered, ofType, online, RING } from './testing.js';

describe('an agent answering on two devices', () => {
  it('given an offer answered on the softphone, when the desk phone answers too, then the second answer is ignored and the agent has one call', () => {
    const e = engineWith();
    online(e, 'a', 0);
    const offer = ofType(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000), 'offer')[0]!;
    const first = e.handle({ type: 'offer_answered', callId: 'c1', offerId: offer.offerId }, 2_000);
    expect(ofType(first, 'connect')).toHaveLength(1);
    const second = e.handle({ type: 'offer_answered', callId: 'c1', offerId: offer.offerId }, 2_050);
    expect(second).toEqual([{ type: 'ignored', event: 'offer_answered', reason: 'already_connected', callId: 'c1' }]);
    expect(e.agentView('a')?.state).toBe('on_call');
    expect(e.queueView()).toEqual({ waiting: [], offered: [], connected: 1 });
    // the hang-up of the extra leg, reported as a failed offer, changes nothing either
    expect(e.handle({ type: 'offer_failed', callId: 'c1', offerId: offer.offerId }, 2_100)).toEqual([
      { type: 'ignored', event: 'offer_failed', reason: 'no_offer', callId: 'c1' },
    ]);
    expect(e.agentView('a')?.state).toBe('on_call');
  });

  it('given a call re-offered to b after a ring timeout, when a late answer of the old offer to a arrives, then it is ignored and b keeps ringing', () => {
    const e = engineWith();
    online(e, 'a', 0);
    online(e, 'b', 100);
    const old = ofType(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000), 'offer')[0]!;
    const again = ofType(e.handle({ type: 'tick' }, 1_000 + RING), 'offer')[0]!;
    expect(again.agentId).toBe('b');
    expect(e.handle({ type: 'offer_answered', callId: 'c1', offerId: old.offerId }, 1_000 + RING + 10)).toEqual([
      { type: 'ignored', event: 'offer_answered', reason: 'stale_offer', callId: 'c1' },
    ]);
    expect(e.handle({ type: 'offer_failed', callId: 'c1', offerId: old.offerId }, 1_000 + RING + 20)).toEqual([
      { type: 'ignored', event: 'offer_failed', reason: 'stale_offer', callId: 'c1' },
    ]);
    expect(e.agentView('b')?.state).toBe('reserved');
    expect(e.agentView('a')?.state).toBe('missed');
  });
});

describe('a caller hanging up while the agent’s phone rings', () => {
  it('given a ringing offer, when the caller hangs up, then the offer is cancelled, the agent is available in their old place, no deadline is left and it counts as abandoned', () => {
    const e = engineWith();
    online(e, 'a', 0);
    online(e, 'b', 500);
    e.handle({ type: 'call_queued', callId: 'c1' }, 10_000);
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 20_000);
    expect(ofType(out, 'cancel_offer')).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'a', reason: 'caller_gone' })]);
    expect(moveLines(out)).toEqual(['a:reserved>available:caller_gone']);
    expect(e.agentView('a')?.idleSince).toBe(0);
    expect(e.nextDeadline()).toBeNull();
    expect(e.queueView()).toEqual({ waiting: [], offered: [], connected: 0 });
    expect(e.figures(21_000).total).toMatchObject({ abandoned: 1, answered: 0 });
    // the agent's phone answering a moment later finds nothing to answer
    expect(e.handle({ type: 'offer_answered', callId: 'c1' }, 20_100)).toEqual([
      { type: 'ignored', event: 'offer_answered', reason: 'no_offer', callId: 'c1' },
    ]);
    expect(offered(e.handle({ type: 'call_queued', callId: 'c2' }, 30_000))).toEqual([['c2', 'a']]);
  });

  it('given a caller who hangs up exactly at the ring deadline, when both arrive at once, then the hang-up wins and the agent is not marked missed', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    const out = e.handle({ type: 'caller_gone', callId: 'c1' }, 1_000 + RING);
    expect(moveLines(out)).toEqual(['a:reserved>available:caller_gone']);
    expect(e.handle({ type: 'tick' }, 1_000 + RING)).toEqual([]);
  });
});

describe('an agent logging out while ringing', () => {
  it('given a ringing offer, when the agent logs out, then the offer is withdrawn, the agent is offline (logout) and the call goes to the next agent keeping its wait', () => {
    const e = engineWith();
    online(e, 'a', 0);
    online(e, 'b', 100);
    const offer = ofType(e.handle({ type: 'call_queued', callId: 'c1' }, 1_000), 'offer')[0]!;
    const out = e.handle({ type: 'agent_logout', agentId: 'a' }, 4_000);
    expect(out[0]).toEqual({ type: 'withdraw_offer', callId: 'c1', agentId: 'a', offerId: offer.offerId, reason: 'agent_logged_out' });
    expect(moveLines(out)).toEqual(['a:reserved>offline:logout', 'b:available>reserved:offer']);
    expect(ofType(out, 'offer')).toEqual([expect.objectContaining({ callId: 'c1', agentId: 'b', waitedMs: 3_000 })]);
    expect(e.nextDeadline()).toBe(4_000 + RING);
  });

  it('given a ringing offer and nobody else, when the agent logs out, then the call waits at its place', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'call_queued', callId: 'c2' }, 2_000);
    e.handle({ type: 'agent_logout', agentId: 'a' }, 3_000);
    expect(e.queueView()).toEqual({ waiting: ['c1', 'c2'], offered: [], connected: 0 });
    expect(e.agentView('a')?.state).toBe('offline');
  });

  it('given an agent asking for offline (not logging out) while ringing, when the ring times out, then the older rule holds: missed, then offline', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    expect(e.handle({ type: 'agent_request', agentId: 'a', state: 'offline' }, 2_000)).toEqual([]);
    expect(moveLines(e.handle({ type: 'tick' }, 1_000 + RING))).toEqual(['a:reserved>missed:ring_timeout', 'a:missed>offline:pending_request']);
  });

  it('given an agent on a call, when they log out, then the call goes on and they are offline after it', () => {
    const e = engineWith({ wrapUpMs: 10_000 });
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'offer_answered', callId: 'c1' }, 2_000);
    expect(e.handle({ type: 'agent_logout', agentId: 'a' }, 3_000)).toEqual([]);
    expect(e.agentView('a')?.state).toBe('on_call');
    expect(moveLines(e.handle({ type: 'call_finished', callId: 'c1' }, 9_000))).toEqual(['a:on_call>wrap_up:call_ended']);
    expect(moveLines(e.handle({ type: 'tick' }, 19_000))).toEqual(['a:wrap_up>offline:pending_request']);
  });

  it('given an agent dialling a callback, when they log out, then the attempt is let finish and they are offline after it', () => {
    const e = engineWith();
    e.handle({ type: 'call_queued', callId: 'c1' }, 0);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 1_000);
    const place = ofType(online(e, 'a', 2_000), 'place_callback')[0]!;
    expect(e.handle({ type: 'agent_logout', agentId: 'a' }, 3_000)).toEqual([]);
    const out = e.handle({ type: 'callback_failed', callbackId: place.callbackId, reason: 'busy' }, 4_000);
    expect(moveLines(out)).toEqual(['a:reserved>available:callback_failed', 'a:available>offline:pending_request']);
  });

  it('given agents in every idle state, when they log out, then each goes offline with cause logout', () => {
    const e = engineWith({ wrapUpMs: 60_000 });
    online(e, 'avail', 0);
    online(e, 'brk', 0);
    e.handle({ type: 'agent_request', agentId: 'brk', state: 'break', reason: 'meal' }, 1);
    online(e, 'wrap', 0);
    e.handle({ type: 'agent_request', agentId: 'avail', state: 'break', reason: 'rest' }, 2);
    e.handle({ type: 'call_queued', callId: 'c1' }, 3); // → wrap
    e.handle({ type: 'offer_answered', callId: 'c1' }, 4);
    e.handle({ type: 'call_finished', callId: 'c1' }, 5);
    e.handle({ type: 'agent_request', agentId: 'avail', state: 'available' }, 6);
    const out = ['avail', 'brk', 'wrap'].flatMap((id) => e.handle({ type: 'agent_logout', agentId: id }, 10));
    expect(moveLines(out)).toEqual(['avail:available>offline:logout', 'brk:break>offline:logout', 'wrap:wrap_up>offline:logout']);
    expect(e.nextDeadline()).toBeNull();
    expect(e.handle({ type: 'agent_logout', agentId: 'avail' }, 11)).toEqual([]);
  });
});

describe('unregistered phones', () => {
  it('given an agent whose phone unregisters while ringing, when the ring times out, then they are missed and get no further offer until the phone is back', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'call_queued', callId: 'c1' }, 1_000);
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 2_000);
    expect(moveLines(e.handle({ type: 'tick' }, 1_000 + RING))).toEqual(['a:reserved>missed:ring_timeout']);
    expect(() => e.handle({ type: 'agent_request', agentId: 'a', state: 'available' }, 20_000)).toThrow('no registered phone');
    expect(e.queueView().waiting).toEqual(['c1']);
  });

  it('given a callback waiting and only an agent without a phone, when time passes, then the callback is not dialled through that agent', () => {
    const e = engineWith();
    online(e, 'a', 0);
    e.handle({ type: 'device_changed', agentId: 'a', online: false }, 10);
    e.handle({ type: 'call_queued', callId: 'c1' }, 20);
    e.handle({ type: 'callback_requested', callId: 'c1', number: '13800000001' }, 30);
    expect(ofType(e.handle({ type: 'tick' }, 100_000), 'place_callback')).toEqual([]);
    expect(e.callbackView()[0]?.state).toBe('waiting');
  });
});
