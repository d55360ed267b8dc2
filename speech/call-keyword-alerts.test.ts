import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { LiveCall } from '../acd/live-calls.js';
import { createCallEventBus } from '../platform/events/call-event-bus.js';
import { CallKeywordAlerts } from './call-keyword-alerts.js';
import type { KeywordHeard } from './tap.js';

function liveCall(callId: string): LiveCall {
  return {
    callId,
    channelId: `ch-${callId}`,
    callerNumber: '13900000000',
    dialed: '12345',
    arrivedAt: new Date(0),
    stage: 'queue',
    log: pino({ level: 'silent' }),
    agentLeg: null,
    bridgeId: null,
    writes: Promise.resolve(),
  };
}

const hit = (callId: string, keyword: string, category: 'emergency' | 'routing', skillHint: string | null = null, atMs = 1000): KeywordHeard => ({
  callId,
  speaker: 'caller',
  keyword,
  category,
  skillHint,
  atMs,
  tokens: [],
});

function setup() {
  const call = liveCall('c1');
  const sent: { to: string; event: string; keyword?: string }[] = [];
  const flags: string[] = [];
  const bus = createCallEventBus(pino({ level: 'silent' }));
  bus.on('call.emergency_suspected', (e) => void flags.push(e.keyword));
  const alerts = new CallKeywordAlerts({
    calls: { get: (id) => (id === call.callId ? call : undefined) },
    bus,
    sinks: {
      supervisors: (p) => sent.push({ to: 'supervisors', event: 'alert:emergency', keyword: p.keyword }),
      agentEmergency: (a, p) => sent.push({ to: a, event: 'alert:emergency', keyword: p.keyword }),
      agentKeyword: (a, p) => sent.push({ to: a, event: 'speech:keyword', keyword: p.keyword }),
      agentStatus: (a) => sent.push({ to: a, event: 'speech:status' }),
    },
    transcription: false,
    now: () => new Date(5000),
  });
  return { call, sent, flags, alerts };
}

describe('CallKeywordAlerts', () => {
  it('given an emergency word while queued, then the call is flagged once and supervisors alerted; the agent gets it all on connect', () => {
    const { call, sent, flags, alerts } = setup();
    alerts.heard(hit('c1', '煤气泄漏', 'emergency'));
    alerts.heard(hit('c1', '着火', 'emergency', null, 3000));
    expect(flags).toEqual(['煤气泄漏']);
    expect(call.emergencyKeyword).toBe('煤气泄漏');
    expect(sent).toEqual([{ to: 'supervisors', event: 'alert:emergency', keyword: '煤气泄漏' }]);

    call.agentLeg = { channelId: 'a', agentId: 'u-1001', offerId: 'o' };
    alerts.connected('c1');
    expect(sent.slice(1)).toEqual([
      { to: 'u-1001', event: 'speech:status' },
      { to: 'u-1001', event: 'speech:keyword', keyword: '煤气泄漏' },
      { to: 'u-1001', event: 'speech:keyword', keyword: '着火' },
      { to: 'u-1001', event: 'alert:emergency', keyword: '煤气泄漏' },
    ]);
  });

  it('given a routing word, then it becomes the skill hint (the first one wins) and no alert is raised', () => {
    const { call, sent, flags, alerts } = setup();
    alerts.heard(hit('c1', '社保', 'routing', 'social_security'));
    alerts.heard(hit('c1', '公积金', 'routing', 'housing_fund'));
    expect(call.spokenSkillHint).toBe('social_security');
    expect(flags).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('given a connected agent, then each word goes to the agent live; an unknown or ended call is ignored', () => {
    const { call, sent, alerts } = setup();
    call.agentLeg = { channelId: 'a', agentId: 'u-1001', offerId: 'o' };
    alerts.heard(hit('c1', '停水', 'routing', 'water'));
    alerts.heard(hit('nope', '着火', 'emergency'));
    expect(sent).toEqual([{ to: 'u-1001', event: 'speech:keyword', keyword: '停水' }]);
    alerts.ended('c1');
    alerts.connected('c1');
    expect(sent.slice(1)).toEqual([{ to: 'u-1001', event: 'speech:status' }]);
  });
});
