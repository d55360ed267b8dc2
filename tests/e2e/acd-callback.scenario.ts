// Queue callback on the real Asterisk: a citizen waiting with no agent free is offered a callback, presses 1 and
// 1 (their own number), hears the confirmation and is hung up with their place kept; calling again from the same
// number and asking again is refused (already pending) and they keep waiting. When the agent (a sipp desk phone)
// becomes available, their phone rings first; once they answer, the citizen's number is dialled through the
// carrier trunk (sipp UAS), the citizen presses 1 and is bridged with the agent, audio both ways. In between the
// server restarts (Asterisk kept): the promised callback is read back from the call record and still made.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { startRtpCapture } from '../../testkit/rtp-capture.js';
import { parseAgentInvites, startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { startCaller, startUas } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const CARRIER_PORT = 15462;
const CITIZEN = '13900139011';
const AGENT = 'u-1002';
const OUT = path.join(ARTIFACTS, 'acd-callback');

describe('queue callback', () => {
  let t: TestHotline;
  let media: TestMedia;
  let phone: SippAgent;
  let acdFile: string;
  /** The harness appends to the log of earlier runs: only what this run wrote counts. */
  let logStart = 0;

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    fs.mkdirSync(OUT, { recursive: true });
    logStart = fs.existsSync(path.join(OUT, 'hotline.log')) ? fs.statSync(path.join(OUT, 'hotline.log')).size : 0;
    acdFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'acd-callback-')), 'acd.json');
    // the offer comes 3 s after queueing; one attempt is enough here, a long dial timeout for a loaded machine
    fs.writeFileSync(acdFile, JSON.stringify({ callbacks: { offerAfterMs: 3_000, maxAttempts: 2, retryDelayMs: 60_000, dialTimeoutMs: 90_000 } }));
    t = await startTestHotline('acd-callback', {
      HOTLINE_ACD_CONFIG: acdFile,
      SIP_TRUNK_CARRIER: `127.0.0.1:${CARRIER_PORT}`,
      ACD_WRAP_UP_SECONDS: '0',
    });
    phone = startSippAgent({
      extension: '1002',
      password: t.agent('1002').password,
      sipTarget: t.trunk,
      localPort: 15490,
      mediaPort: 16960,
      pcap: media.tonePcap,
      answerDelayMs: 500,
      maxCallMs: 120_000,
      name: 'callback-agent-1002',
    });
    await phone.registered(20_000);
    t.hotline.queue.agentKnown(AGENT);
    await waitUntil(
      () => {
        try {
          return t.hotline.queue.requestState(AGENT, 'break', 'rest').state === 'break' ? true : null;
        } catch {
          return null; // the desk phone's registration has not reached the queue yet
        }
      },
      { timeoutMs: 15_000, what: 'the agent on break with a registered desk phone' },
    );
  });

  afterAll(async () => {
    await phone?.stop();
    await t?.stop();
    if (acdFile) fs.rmSync(path.dirname(acdFile), { recursive: true, force: true });
  });

  const logLines = () =>
    fs
      .readFileSync(t.logFile)
      .subarray(logStart)
      .toString('utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const latestCall = async (callerNumber: string) =>
    (await t.hotline.records.listCalls({ limit: 20 })).find((r) => r.callerNumber === callerNumber && r.endedAt);

  // '1' is pressed 20 s after the answer: after greeting, hint and the 3 s wait the offer plays (≈ 11-18 s)
  // and 1 is taken during the prompt or for 10 s after it, so the key lands in the offer even on a slow machine
  const OFFER_KEYS = [
    { digits: '1', afterMs: 20_000 },
    { digits: '1', afterMs: 3_000 },
  ];

  it('given no agent available, when the waiting caller presses 1 then 1, then they hear the confirmation, are hung up and the call ends as a callback', async () => {
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: CITIZEN,
      localPort: 15472,
      mediaPort: 16400,
      pcap: null,
      maxCallMs: 60_000,
      dtmf: OFFER_KEYS,
      name: 'callback-request',
    });
    const capture = await startRtpCapture({ mediaPort: 16400, file: path.join(OUT, 'request-rx.pcap') });
    const result = await caller.done;
    const heard = await capture.stop();
    expect(result.answered).toBe(true);
    expect(result.hangupBy).toBe('remote'); // the hotline hung up after the confirmation
    expect(heard.rms).toBeGreaterThan(0.005);

    const record = await waitUntil(() => latestCall(CITIZEN), { timeoutMs: 10_000, what: 'the call record closed' });
    expect(record.outcome).toBe('callback');
    expect(record.callback).toMatchObject({ number: CITIZEN, status: 'requested', attempts: 0 });
    const played = logLines().filter((l) => l.msg === 'callback registered; the caller keeps their place');
    expect(played).toHaveLength(1);
  });

  it('given a pending callback, when the same number calls and asks again, then it is refused and the caller keeps waiting', async () => {
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: CITIZEN,
      localPort: 15474,
      mediaPort: 16500,
      pcap: null,
      maxCallMs: 50_000,
      hangupAfterMs: 45_000,
      dtmf: OFFER_KEYS,
      name: 'callback-again',
    });
    const refused = await waitUntil(() => logLines().find((l) => l.msg === 'callback request refused') ?? null, {
      timeoutMs: 45_000,
      intervalMs: 500,
      what: 'the second request to be refused',
    });
    expect(refused.reason).toBe('already_pending');
    // still queued after the refusal: the caller hears music and hangs up by themselves
    expect(t.hotline.queue.queueView().waiting).toHaveLength(1);
    const result = await caller.done;
    expect(result.hangupBy).toBe('local');
    const calls = await waitUntil(
      async () => {
        const mine = (await t.hotline.records.listCalls({ limit: 20 })).filter((r) => r.callerNumber === CITIZEN);
        return mine.length === 2 && mine.every((r) => r.endedAt) ? mine : null;
      },
      { timeoutMs: 10_000, what: 'both call records closed' },
    );
    expect(calls[0]).toMatchObject({ outcome: 'abandoned', callback: null });
  });

  it('given the pending callback, when the server restarts, then the callback is still pending at its place and the agent still on break', async () => {
    await t.restart();
    expect(logLines().filter((l) => l.msg === 'pending callback restored after a restart')).toHaveLength(1);
    expect(t.hotline.queue.queueView().waiting).toEqual([]);
    await waitUntil(() => (t.hotline.queue.agentPush(AGENT).state === 'break' ? true : null), { timeoutMs: 15_000, what: 'the agent back on break' });
    expect(t.hotline.queue.callbackView()).toEqual([expect.objectContaining({ number: CITIZEN, state: 'waiting', attempts: 0 })]);
  });

  it('given the pending callback, when the agent becomes available, then the agent rings first, the citizen is dialled, presses 1 and both hear each other', async () => {
    // the citizen's phone on the carrier side: answers at once, presses 1 during the greeting, then talks
    const citizen = startUas({
      localPort: CARRIER_PORT,
      mediaPort: 16700,
      pcap: media.callerPcap,
      maxCallMs: 60_000,
      calls: 1,
      name: 'callback-citizen',
      dtmf: { digits: '1', afterMs: 2_000 },
    });
    const agentInvitesBefore = phone.invites().length;
    const freeAt = Date.now();
    t.hotline.queue.requestState(AGENT, 'available', undefined);

    const connected = await waitUntil(
      async () => {
        const [r] = (await t.hotline.records.listCalls({ limit: 20 })).filter((x) => x.callerNumber === CITIZEN && x.outcome === 'callback');
        return r?.callback?.status === 'connected' ? r : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the callback connected' },
    );
    expect(connected.callback).toMatchObject({ agentId: AGENT, attempts: 1 });
    expect(t.hotline.queue.agentPush(AGENT).state).toBe('on_call');
    const live = await waitUntil(
      () => {
        const c = t.hotline.calls.get(connected.id);
        return c?.bridgeId && c.stage === 'connected' ? c : null;
      },
      { timeoutMs: 10_000, what: 'the live callback bridged' },
    );
    expect(live.agentLeg?.agentId).toBe(AGENT);

    // audio both ways once bridged: the citizen hears the agent's tone, the agent hears the citizen's speech
    const toCitizen = await startRtpCapture({ mediaPort: 16700, file: path.join(OUT, 'citizen-rx.pcap') });
    const toAgent = await startRtpCapture({ mediaPort: 16960, file: path.join(OUT, 'agent-rx.pcap') });
    await waitUntil(async () => ((await toCitizen.snapshot()).seconds >= 4 && (await toAgent.snapshot()).seconds >= 4 ? true : null), {
      timeoutMs: 20_000,
      intervalMs: 250,
      what: '4 s of audio to both sides',
    });
    const citizenHeard = await toCitizen.stop();
    const agentHeard = await toAgent.stop();
    expect(citizenHeard.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);
    expect(agentHeard.rms).toBeGreaterThan(0.01);
    expect(agentHeard.toneRatio(TONE_HZ)).toBeLessThan(0.5); // speech, not the agent's own tone

    // the agent ends the call (the queue hangs up the citizen too)
    await t.hotline.telephony.hangup(live.agentLeg!.channelId);
    const citizenCall = await citizen.done;
    expect(citizenCall.answered).toBe(true);
    expect(citizenCall.hangupBy).toBe('remote');
    expect(citizenCall.messagesLog).toMatch(/From: .*sip:12345@/);

    const agentInvite = phone.invites()[agentInvitesBefore];
    const citizenInvite = parseAgentInvites(citizenCall.messagesLog)[0];
    expect(agentInvite).toBeDefined();
    expect(citizenInvite).toBeDefined();
    expect(agentInvite!.fromUser).toBe(CITIZEN);
    expect(agentInvite!.at).toBeLessThan(citizenInvite!.at); // the agent first, then the citizen
    console.log(
      `callback figures: agent free → agent phone rings ${(agentInvite!.at - freeAt).toFixed(0)} ms; ` +
        `agent free → citizen phone rings ${(citizenInvite!.at - freeAt).toFixed(0)} ms; ` +
        `agent free → connected ${(connected.callback!.connectedAt!.getTime() - freeAt).toFixed(0)} ms`,
    );

    const ended = await waitUntil(
      async () => {
        const r = await t.hotline.records.getCall(connected.id);
        return r?.recordingName ? r : null;
      },
      { timeoutMs: 10_000, what: 'the callback recorded' },
    );
    expect(ended.recordingName).toBe(`call-${connected.id}`);
    const offers = await t.hotline.records.listOffers(connected.id);
    expect(offers.at(-1)).toMatchObject({ agentId: AGENT, result: 'answered' });
    await waitUntil(() => (t.hotline.queue.agentPush(AGENT).state === 'available' ? true : null), { timeoutMs: 10_000, what: 'the agent free again' });
    await t.assertNothingLeftInAsterisk();
  });
});
