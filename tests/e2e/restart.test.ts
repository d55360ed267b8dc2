// The server restarts while citizens wait: `npm start`'s server (server/main.ts, a real child process on embedded
// defaults) is killed with SIGKILL while three SIP callers wait in the queue, then stopped with SIGTERM; the
// embedded Asterisk keeps running (its own session), every new start adopts it and gives each waiting caller
// their place back (same call, same order, the wait counted from the first queueing, no greeting again), and no
// caller is hung up. Agent 1001 (a sipp desk phone and a desktop socket) is on 小休 throughout: each new start
// gives the break back (the desktop, reconnected, is told so) and nobody rings them; back on 就绪 they get the
// caller who first queued before both restarts. Agent 1002 (sipp desk phone playing a 1 kHz tone, a desktop
// socket) is talking with a fourth citizen: each new start adopts the conversation (the agent on_call, the
// desktop told its call again, the agent's tone still reaching the citizen); when the citizen hangs up after both
// restarts the call record ends answered by 1002, the stereo recording covers the whole conversation and the agent
// wraps up. A citizen who calls while no server runs hears ringing until the new start takes the call in; one
// still in the IVR at the kill keeps their call (same call id, no second record) and hears the menu again.
// Ctrl-C's SIGINT (and npm stop) end everything.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../platform/config.js';
import { maskPhoneNumber } from '../../platform/log-masking.js';
import { AsteriskProcess } from '../../telephony/asterisk-process.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../../testkit/hotline-harness.js';
import { CREDENTIALS_FILE, type IssuedCredential } from '../../platform/auth/demo-users.js';
import { logInSocket, recordStates, setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import { serverProcess } from '../../testkit/server-process.js';
import { startCaller, type SippProcess } from '../../testkit/sipp.js';
import { startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { apiLogin } from '../../testkit/api-client.js';
import { callerChannel, endedCallRecord, hangUpCaller } from '../../testkit/caller-channels.js';
import { ensureTestMedia, TONE_HZ } from '../../testkit/media.js';
import { analyseRtp, startRtpCapture, type RtpCapture } from '../../testkit/rtp-capture.js';
import { waitUntil } from '../../testkit/wait.js';
import { CALL_ID_VARIABLE } from '../../acd/live-calls.js';

const LOGS = path.join(ARTIFACTS, 'restart');
const CALLERS = ['13700137001', '13700137002', '13700137003'];
const TALKER = '13700137004';
/** Calls while no server runs (between the kill and the new start): Asterisk keeps them ringing for it. */
const LATE = '13700137005';
/** Still hearing the IVR's greeting when the server is killed: keeps their call, the menu starts over. */
const IN_IVR = '13700137006';
// the server logs numbers masked (137****7005): its log is searched for them in that form, distinct by the last 4 digits
const inLog = maskPhoneNumber;

describe('the server restarts while citizens wait', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-restart-'));
  const env = testHotlineEnv(stateDir);
  const config = loadConfig(env);
  const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${TEST_PORTS.http}`;
  const callers: SippProcess[] = [];
  const ended = new Set<number>();
  /** Agent 1001 on a sipp desk phone, on 小休 while the callers wait: the restarts must keep them there. */
  let phone: SippAgent | null = null;
  let desk: AgentSocket | null = null;
  let deskStates: ReturnType<typeof recordStates> = [];
  /** Agent 1002 talking with TALKER across the restarts; what reaches the citizen is captured. */
  let talkPhone: SippAgent | null = null;
  let talkDesk: AgentSocket | null = null;
  let talkStates: ReturnType<typeof recordStates> = [];
  const talkConnected: string[] = [];
  let talker: SippProcess | null = null;
  let talkerEnded = false;
  let heard: RtpCapture | null = null;
  let talkCallId = '';
  let answeredAt = 0;
  let talkAgentId = '';
  /** Asterisk's channels before the first kill: the same must be there after every start. */
  let channelsBefore = 0;

  const channelCount = async () => {
    const out = await asterisk.cli('core show channels count');
    return Number(/(\d+) active channel/.exec(out)?.[1] ?? NaN);
  };
  const entries = (msg: string, file = server.logFile) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"msg":"${msg}"`))
      .map((l) => JSON.parse(l) as { callId?: string; waitedMs?: number; time: string })
      .map((e) => ({ ...e, at: Date.parse(e.time) }));
  const logged = (msg: string) => entries(msg).length;
  /** The new start gave agent 1001 their break back: in its log, and pushed to the reconnected desktop. */
  const expectStillOnBreak = async (pushesBefore: number) => {
    expect(entries('agent state restored after a restart').map((e) => (e as { agentId?: string; state?: string }).state)).toEqual(['break']);
    await waitUntil(async () => (desk!.connected && deskStates.length > pushesBefore ? true : null), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: 'the desktop to reconnect and be told its state',
    });
    expect(deskStates.at(-1)).toMatchObject({ state: 'break', reason: 'rest' });
    expect(phone!.invites(), 'an agent on break is not rung').toEqual([]);
  };
  /** The new start adopted the conversation: on_call for 1002, the desktop told its call, the tone still reaching the citizen. */
  /** `connectedBefore`: how often the desktop was told its call before the stop (it may reconnect before this runs). */
  const expectConversationAdopted = async (restartedAt: number, connectedBefore: number) => {
    const adopted = await waitUntil(async () => entries('connected call adopted after a restart')[0] ?? null, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: 'the conversation to be adopted',
    });
    expect(adopted).toMatchObject({ callId: talkCallId, agentId: talkAgentId });
    await waitUntil(async () => (talkDesk!.connected && talkConnected.length > connectedBefore && talkStates.at(-1)?.state === 'on_call' ? true : null), {
      timeoutMs: 20_000,
      intervalMs: 100,
      what: "agent 1002's desktop to reconnect and be told it is on the call",
    });
    expect(talkConnected.at(-1)).toBe(talkCallId);
    expect(Date.parse(talkStates.at(-1)!.since), 'on the call since the answer').toBeLessThanOrEqual(answeredAt + 1_000);
    // two seconds of what the citizen received since this start: the agent's tone, not silence
    await waitUntil(
      async () => {
        const after = (await heard!.snapshot()).rtp.filter((p) => p.time * 1000 > Date.now() - 2_000 && p.time * 1000 > restartedAt);
        return after.length >= 80 && analyseRtp(after).toneRatio(TONE_HZ) > 0.5 ? true : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: "the agent's tone to reach the citizen after the restart" },
    );
    expect(talkerEnded, 'the conversation goes on').toBe(false);
  };
  const TAKEN_BACK = 'waiting caller taken back into the queue';
  /** The callers' place in the queue as the first start queued them: call ids in order, and when. */
  let firstQueued: { callId?: string; at: number }[] = [];
  let firstCallerNumber = (): string => '';
  /** Waits until the new start has taken every caller back, and checks each kept their call, place and wait. */
  const expectPlacesKept = async (what: string) => {
    const t0 = Date.now();
    await waitUntil(async () => (logged(TAKEN_BACK) >= CALLERS.length ? true : null), { timeoutMs: 30_000, intervalMs: 100, what });
    const back = entries(TAKEN_BACK);
    expect(
      back.map((b) => b.callId),
      'the same calls, in the order they first queued',
    ).toEqual(firstQueued.map((q) => q.callId));
    back.forEach((b, i) => expect(b.waitedMs!, 'the wait goes on from the first queueing').toBeGreaterThanOrEqual(b.at - firstQueued[i]!.at - 50));
    const arrived = entries('call arrived') as { callerNumber?: string }[];
    expect(arrived.filter((a) => a.callerNumber !== inLog(LATE)).length, 'nobody is taken in as a new call (no greeting again)').toBe(0);
    return Date.now() - t0;
  };

  const deskPhone = (cred: IssuedCredential, localPort: number, mediaPort: number, o: { pcap: string | null; talkMs?: number }) =>
    startSippAgent({
      extension: cred.extension!,
      password: cred.password,
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      localPort,
      mediaPort,
      ...o,
      name: `restart-${cred.extension}`,
    });

  const server = serverProcess({ env, url, logDir: LOGS });
  const startServer = () => server.start();
  const stopServer = (signal: NodeJS.Signals) => server.stop(signal);

  beforeAll(async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    await startServer();
  });

  afterAll(async () => {
    desk?.close();
    talkDesk?.close();
    await phone?.stop();
    await talkPhone?.stop();
    talker?.kill();
    await heard?.stop();
    for (const c of callers) c.kill();
    if (server.running) await stopServer('SIGINT');
    await asterisk.stop().catch(() => {});
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('given three callers waiting, an agent on break and one talking, when the server is killed (SIGKILL) and started again, then they keep waiting, the agent stays on break, the conversation goes on and the new start adopts Asterisk', async () => {
    const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
    const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    // first the conversation: agent 1002 answers the fourth citizen, who then talks through both restarts
    const talking = creds.find((c) => c.extension === '1002')!;
    talkPhone = deskPhone(talking, 15322, 18524, { pcap: media.tonePcap });
    await talkPhone.registered(15_000);
    talkDesk = await logInSocket(url, talking);
    talkStates = recordStates(talkDesk);
    talkDesk.on('call:connected', (p) => talkConnected.push(p.callId));
    await setAgentState(talkDesk, 'available', '1002');
    heard = await startRtpCapture({ mediaPort: 18516, file: path.join(LOGS, 'talker-rx.pcap') });
    talker = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: TALKER,
      localPort: 15318,
      mediaPort: 18516,
      pcap: media.callerPcap,
      maxCallMs: 170_000,
    });
    void talker.done.then(() => (talkerEnded = true));
    const connected = await waitUntil(async () => entries('caller and agent connected')[0] ?? null, {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the conversation',
    });
    talkCallId = connected.callId!;
    talkAgentId = (connected as { agentId?: string }).agentId!;
    expect(talkAgentId).toMatch(/1002$/);
    answeredAt = connected.at;
    await waitUntil(async () => (talkConnected.includes(talkCallId) ? true : null), { timeoutMs: 10_000, intervalMs: 100, what: '1002 told of the call' });

    const agent = creds.find((c) => c.extension === '1001')!;
    phone = deskPhone(agent, 15320, 18520, { pcap: null, talkMs: 1_000 });
    await phone.registered(15_000);
    desk = await logInSocket(url, agent);
    deskStates = recordStates(desk);
    await setAgentState(desk, 'break', '1001');
    // the agent is on break: the callers hear the greeting, then wait in the queue
    CALLERS.forEach((number, i) => {
      const caller = startCaller({
        sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
        dialed: '12345',
        callerNumber: number,
        localPort: 15310 + 2 * i,
        mediaPort: 18500 + 4 * i,
        pcap: null,
        hangupAfterMs: 150_000,
        maxCallMs: 160_000,
      });
      callers.push(caller);
      void caller.done.then(() => ended.add(i));
    });
    await waitUntil(async () => (logged('call queued') >= CALLERS.length + 1 ? true : null), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the three callers to be queued',
    });
    // a citizen still in the IVR (greeted, not queued yet) when the server dies
    const inIvr = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: IN_IVR,
      localPort: 15328,
      mediaPort: 18536,
      pcap: null,
      maxCallMs: 150_000,
    });
    callers.push(inIvr);
    const inIvrCallId = await waitUntil(
      async () => (entries('call arrived') as { callId?: string; callerNumber?: string }[]).find((a) => a.callerNumber === inLog(IN_IVR))?.callId ?? null,
      { timeoutMs: 15_000, intervalMs: 50, what: 'the IVR caller to arrive' },
    );
    // the call id is on the channel (written just after the arrival): a kill in the milliseconds before would
    // rightly make it a new call
    await waitUntil(
      async () => {
        const channel = await callerChannel(asterisk, IN_IVR);
        return channel && (await asterisk.cli(`core show channel ${channel.name}`)).includes(`${CALL_ID_VARIABLE}=${inIvrCallId}`) ? true : null;
      },
      { timeoutMs: 10_000, intervalMs: 50, what: "the IVR caller's call id kept on their channel" },
    );
    channelsBefore = await channelCount();
    expect(channelsBefore, 'three waiting callers, one in the IVR, the citizen talking and the agent leg').toBeGreaterThanOrEqual(CALLERS.length + 3);
    firstQueued = entries('call queued').filter((q) => q.callId !== talkCallId);
    firstCallerNumber = () => {
      const arrived = entries('call arrived', path.join(LOGS, 'server-1.log')) as { callId?: string; callerNumber?: string }[];
      return arrived.find((a) => a.callId === firstQueued[0]!.callId)!.callerNumber!;
    };

    const pushesAtKill = deskStates.length;
    const connectedAtKill = talkConnected.length;
    expect(
      entries('call queued').map((q) => q.callId),
      'the IVR caller is still in the IVR at the kill',
    ).not.toContain(inIvrCallId);
    await stopServer('SIGKILL');
    expect(await channelCount(), 'Asterisk keeps the calls while no server runs').toBe(channelsBefore);
    const t0 = Date.now();
    // a citizen calls while no server runs: Asterisk keeps retrying the hand-over (ringing) instead of hanging up
    const late = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber: LATE,
      localPort: 15326,
      mediaPort: 18528,
      pcap: null,
      maxCallMs: 120_000,
    });
    let lateEnded = false;
    void late.done.then(() => (lateEnded = true));
    // in the dialplan's retry loop: its hand-over to the application failed once and it waits for the next try
    await waitUntil(
      async () => {
        const channel = await callerChannel(asterisk, LATE);
        return channel && ['Wait', 'Ringing'].includes(channel.app) ? true : null;
      },
      { timeoutMs: 10_000, intervalMs: 100, what: 'the call made during the restart to wait in the dialplan' },
    );
    expect(lateEnded, 'the call made during the restart is kept waiting').toBe(false);
    const startedAt = Date.now(); // the figures below count from the new start, not from the kill
    await startServer();
    expect(logged('adopting the Asterisk left running by an earlier run (its calls go on)')).toBe(1);
    expect(logged('stopping an orphaned Asterisk left by an earlier run')).toBe(0);
    const healthyMs = Date.now() - startedAt;
    const takenBackMs = await expectPlacesKept('the three callers to be taken back by the new start');
    await expectConversationAdopted(t0, connectedAtKill);
    const adoptedMs = entries('connected call adopted after a restart')[0]!.at - startedAt;
    const figures = { downMs: startedAt - t0, healthyMs, takenBackAfterHealthyMs: takenBackMs, adoptedAfterStartMs: adoptedMs, channels: await channelCount() };
    console.info(JSON.stringify({ sigkill: figures }));
    // the call made during the restart is taken in by the new start: greeted and queued behind the others
    const lateQueued = await waitUntil(
      async () => {
        const arrived = (entries('call arrived') as { callId?: string; callerNumber?: string }[]).find((a) => a.callerNumber === inLog(LATE));
        return arrived && entries('call queued').some((q) => q.callId === arrived.callId) ? arrived : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the call made during the restart to be queued' },
    );
    expect(
      (entries('call arrived') as { callerNumber?: string }[]).filter((a) => a.callerNumber === inLog(LATE)),
      'taken in once, when it reached the application',
    ).toHaveLength(1);
    expect(lateQueued.callId).toBeTruthy();
    expect(await channelCount()).toBe(channelsBefore + 1);
    // it has shown what it must: hung up, so the rest of the test has the three callers it had
    await hangUpCaller(asterisk, LATE);
    expect((await late.done).answered).toBe(true);
    await waitUntil(async () => ((await channelCount()) === channelsBefore ? true : null), { timeoutMs: 10_000, intervalMs: 250, what: 'the late call gone' });
    // the caller who was in the IVR: the same call, the menu from the start, then queued as before
    await waitUntil(
      async () => (entries('caller in the IVR taken back after a restart; the menu starts over').some((e) => e.callId === inIvrCallId) ? true : null),
      {
        timeoutMs: 20_000,
        intervalMs: 100,
        what: 'the IVR caller taken back with their call',
      },
    );
    await waitUntil(async () => (entries('call queued').some((q) => q.callId === inIvrCallId) ? true : null), {
      timeoutMs: 60_000,
      intervalMs: 250,
      what: 'the IVR caller to reach the queue after the restart',
    });
    // shown: hung up, so the rest of the test has the callers it had
    await hangUpCaller(asterisk, IN_IVR);
    expect((await inIvr.done).answered).toBe(true);
    callers.pop();
    channelsBefore -= 1;
    await waitUntil(async () => ((await channelCount()) === channelsBefore ? true : null), { timeoutMs: 10_000, intervalMs: 250, what: 'the IVR caller gone' });
    expect([...ended], 'no caller was hung up').toEqual([]);
    await expectStillOnBreak(pushesAtKill);
  });

  it('given the callers still waiting, when the server is stopped with SIGTERM and started again, then they keep waiting; Ctrl-C (SIGINT) then ends everything', async () => {
    const pushesAtStop = deskStates.length;
    const connectedAtStop = talkConnected.length;
    await stopServer('SIGTERM');
    expect(await channelCount(), 'SIGTERM stops the server only').toBe(channelsBefore);
    const t0 = Date.now();
    await startServer();
    expect(logged('adopting the Asterisk left running by an earlier run (its calls go on)')).toBe(1);
    await expectPlacesKept('the three callers to be taken back after SIGTERM');
    await expectConversationAdopted(t0, connectedAtStop);
    expect([...ended], 'no caller was hung up').toEqual([]);
    await expectStillOnBreak(pushesAtStop);

    // the citizen hangs up: the record ends answered by 1002, the recording covers the whole talk, 1002 wraps up
    expect(await callerChannel(asterisk, TALKER), 'the citizen is still talking in Asterisk').not.toBeNull();
    await hangUpCaller(asterisk, TALKER);
    const hungUpAt = Date.now();
    await waitUntil(async () => (talkStates.at(-1)?.state === 'wrap_up' ? true : null), { timeoutMs: 10_000, intervalMs: 100, what: '1002 to wrap up' });
    const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
    const supervisor = await apiLogin(
      url,
      creds.find((c) => c.role === 'supervisor')!,
    );
    const record = await endedCallRecord(supervisor, TALKER, talkCallId);
    expect(record).toMatchObject({ outcome: 'answered', agentId: talkAgentId });
    const recording = await waitUntil(
      async () => {
        const r = await supervisor.call<{ channels: number; durationMs: number }>('GET', `/api/recordings/${talkCallId}`);
        return r.status === 200 ? r.body : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the recording to be stored' },
    );
    expect(recording.channels, 'the stereo recording, kept through both restarts').toBe(2);
    expect(recording.durationMs, 'answer to hang-up').toBeGreaterThan(hungUpAt - answeredAt - 3_000);
    expect((await talker!.done).hangupBy).toBe('remote');

    // back from break: the caller who has waited longest since before both restarts is the one the agent gets
    await setAgentState(desk!, 'available', '1001');
    await waitUntil(async () => (phone!.invites().length > 0 ? true : null), { timeoutMs: 20_000, intervalMs: 100, what: 'the agent to be rung' });
    expect(inLog(phone!.invites()[0]!.fromUser)).toBe(firstCallerNumber());

    // the explicit stop: every call ends and Asterisk is gone
    await stopServer('SIGINT');
    const results = await Promise.all(callers.map((c) => c.done));
    for (const r of results) {
      expect(r.answered).toBe(true);
      expect(r.hangupBy).toBe('remote');
    }
    await expect(asterisk.cli('core show version')).rejects.toThrow();
  });
});
