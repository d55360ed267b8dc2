// The server is killed (SIGKILL) while the queue holds everything a restart can hurt: agent 1001 talks in the
// real desktop (Chromium, the WebRTC softphone) with a citizen they put on hold, a citizen was promised a
// callback, two normal callers and an urgent one (the 110 centre's linkage line) wait, and agent 1002's desk
// phone (sipp) is ringing with the urgent call. After `npm start`'s server comes back on the same Asterisk:
//   - the desktop reconnects by itself (nobody logs in again) and shows 通话中 with the call still held; the
//     citizen heard music on hold meanwhile and hears the agent again once resumed;
//   - the ringing offer is withdrawn (its leg hung up) and made again: 1002 is 就绪, not 未接 or offline;
//   - the callers already offered a callback are not asked again; the urgent caller keeps their priority and is
//     answered first, then the callback is placed (agent first, then the citizen dialled through the carrier),
//     then the two normal callers in the order they queued;
//   - every call record ends with its outcome, and Asterisk is left with nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIALS_FILE, type IssuedCredential } from '../../platform/auth/demo-users.js';
import { loadConfig } from '../../platform/config.js';
import { maskPhoneNumber } from '../../platform/log-masking.js';
import { AsteriskProcess } from '../../telephony/asterisk-process.js';
import { logInSocket, setAgentState, type AgentSocket } from '../../testkit/acd-seat.js';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { apiLogin } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { endedCallRecord } from '../../testkit/caller-channels.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { TEST_PORTS, testHotlineEnv } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { analyseRtp, startRtpCapture, type RtpCapture } from '../../testkit/rtp-capture.js';
import { serverProcess } from '../../testkit/server-process.js';
import { startSippAgent, type SippAgent } from '../../testkit/sipp-agent.js';
import { startCaller, startUas, type SippProcess } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const LOGS = path.join(ARTIFACTS, 'restart-queue');
/** Talks with agent 1001 in Chromium and is put on hold before the kill. */
const HELD = '13700138001';
/** Asks for a callback while no agent is free. */
const CALLBACK = '13700138002';
const NORMAL = ['13700138003', '13700138004'];
/** The 110 centre's linkage line: a standing urgent priority (ACD_PRIORITY_CALLERS). */
const URGENT = '0755110';
const CARRIER_PORT = 15392;
/** 1002's desk phone rings this long before it answers: the kill falls inside the first ring. */
const RING_MS = 12_000;
const TALK_MS = 3_000;

describe('the server is killed while the queue is full of promises', () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline-restart-queue-'));
  const priorityFile = path.join(stateDir, 'priority-callers.json');
  const acdFile = path.join(stateDir, 'acd.json');
  const env = {
    ...testHotlineEnv(stateDir),
    ACD_PRIORITY_CALLERS: priorityFile,
    HOTLINE_ACD_CONFIG: acdFile,
    ACD_RING_TIMEOUT_SECONDS: '25',
    ACD_WRAP_UP_SECONDS: '0',
    SIP_TRUNK_CARRIER: `127.0.0.1:${CARRIER_PORT}`,
  };
  const config = loadConfig(env);
  const asterisk = new AsteriskProcess(config.asterisk.root, config.asterisk.instance, pino({ level: 'silent' }));
  const url = `http://127.0.0.1:${TEST_PORTS.http}`;
  const server = serverProcess({ env, url, logDir: LOGS });
  const callers: SippProcess[] = [];
  let media: TestMedia;
  let browser: Browser | null = null;
  let page: Page;
  let phone: SippAgent | null = null;
  let desk: AgentSocket | null = null;
  let citizen: SippProcess | null = null;
  let heldHeard: RtpCapture | null = null;

  const entries = (msg: string) =>
    fs
      .readFileSync(server.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(`"msg":"${msg}"`))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { callId?: string; time: string });
  const channelCount = async () => Number(/(\d+) active channel/.exec(await asterisk.cli('core show channels count'))?.[1] ?? NaN);
  const call = (callerNumber: string, localPort: number, mediaPort: number, o: Partial<Parameters<typeof startCaller>[0]> = {}) => {
    const c = startCaller({
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      dialed: '12345',
      callerNumber,
      localPort,
      mediaPort,
      // speech from the answer on, as a phone sends: Asterisk hangs up a caller with no RTP for 60 s (rtp_timeout)
      pcap: media.callerPcap,
      maxCallMs: 240_000,
      name: `restart-queue-${callerNumber}`,
      ...o,
    });
    callers.push(c);
    return c;
  };

  beforeAll(async () => {
    fs.mkdirSync(LOGS, { recursive: true });
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    fs.writeFileSync(priorityFile, JSON.stringify({ [URGENT]: 'urgent' }));
    // the callback is offered 3 s into the wait; dialled once, with time to spare on a loaded machine
    fs.writeFileSync(acdFile, JSON.stringify({ callbacks: { offerAfterMs: 3_000, maxAttempts: 2, retryDelayMs: 60_000, dialTimeoutMs: 90_000 } }));
    await server.start();
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, url, { label: 'agent 1001' });
  });

  afterAll(async () => {
    await browser?.close();
    desk?.close();
    await phone?.stop();
    await heldHeard?.stop();
    citizen?.kill();
    for (const c of callers) c.kill();
    if (server.running) await server.stop('SIGINT');
    await asterisk.stop().catch(() => {});
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('given a held call in the desktop, a pending callback, callers of two priorities and a ringing offer, when the server is killed (SIGKILL) and started again, then each is served as promised and in order', async () => {
    const creds = JSON.parse(fs.readFileSync(path.join(stateDir, CREDENTIALS_FILE), 'utf8')) as IssuedCredential[];
    const cred = (ext: string) => creds.find((c) => c.extension === ext)!;

    // agent 1001 answers the first citizen in the browser and puts them on hold
    await logInAgent(page, url, cred('1001'));
    await goAvailable(page);
    heldHeard = await startRtpCapture({ mediaPort: 18600, file: path.join(LOGS, 'held-rx.pcap') });
    const held = call(HELD, 15380, 18600);
    await page.getByTestId('incoming-call').waitFor({ timeout: 30_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('btn-hold').click();
    await page.getByTestId('hold-indicator').waitFor({ timeout: 10_000 });
    const heldCallId = (await waitUntil(async () => entries('agent put the caller on hold')[0] ?? null, { timeoutMs: 10_000, what: 'the hold' })).callId!;

    // no agent free: the next citizen presses 1 and 1 for a callback and is hung up with their place kept
    const asked = call(CALLBACK, 15382, 18604, {
      dtmf: [
        { digits: '1', afterMs: 20_000 },
        { digits: '1', afterMs: 3_000 },
      ],
      maxCallMs: 60_000,
    });
    // then two normal callers and the urgent line queue behind it (the urgent one last)
    const queuedAtLeast = (n: number, what: string) =>
      waitUntil(async () => (entries('call queued').length >= n ? true : null), { timeoutMs: 30_000, intervalMs: 100, what });
    await queuedAtLeast(2, 'the callback caller queued behind the held call');
    const normal = NORMAL.map((n, i) => call(n, 15384 + 2 * i, 18608 + 4 * i));
    await queuedAtLeast(4, 'the two normal callers queued');
    const urgent = call(URGENT, 15388, 18616);
    expect((await asked.done).hangupBy, 'the hotline hangs up after confirming the callback').toBe('remote');
    await waitUntil(async () => (entries('callback registered; the caller keeps their place').length === 1 ? true : null), {
      timeoutMs: 10_000,
      what: 'the callback registered',
    });
    const queued = await waitUntil(
      async () => {
        const q = entries('call queued');
        return q.length >= 5 ? q : null;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'the normal and urgent callers queued' },
    );
    // the log masks citizens' numbers (platform/log-masking.ts): read them back as the test's own callers
    const ours = new Map([HELD, CALLBACK, ...NORMAL, URGENT].map((n) => [maskPhoneNumber(n), n]));
    const arrived = new Map(entries('call arrived').map((a) => [a.callId!, ours.get(a.callerNumber as string) ?? (a.callerNumber as string)]));
    const queuedNumbers = queued.map((q) => arrived.get(q.callId!));
    expect(queuedNumbers.slice(0, 2)).toEqual([HELD, CALLBACK]);
    expect(new Set(queuedNumbers.slice(2))).toEqual(new Set([...NORMAL, URGENT]));
    const normalOrder = queuedNumbers.filter((n) => NORMAL.includes(n!));
    // every waiting caller has heard the callback offer once (after 3 s of waiting), so that none is owed one
    // when the server dies and the new one must not ask again
    await waitUntil(async () => (entries('offering a callback to the waiting caller').length >= 4 ? true : null), {
      timeoutMs: 15_000,
      what: 'the callback offered to the callback, normal and urgent callers',
    });
    // …and Asterisk holds that on the three callers' channels (what the next server reads)
    await waitUntil(
      async () => {
        const names = (await asterisk.cli('core show channels concise')).split('\n').map((l) => l.split('!')[0] ?? '');
        let remembered = 0;
        for (const name of names.filter((n) => n.startsWith('PJSIP/trunk-')))
          if ((await asterisk.cli(`core show channel ${name}`)).includes('HOTLINE_CALLBACK_OFFERED=1')) remembered++;
        return remembered >= 3 ? true : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'the callback offers kept on the waiting callers’ channels' },
    );

    // agent 1002 becomes available: their desk phone rings with the urgent call, and the server dies meanwhile
    phone = startSippAgent({
      extension: '1002',
      password: cred('1002').password,
      sipTarget: `127.0.0.1:${TEST_PORTS.trunk}`,
      localPort: 15390,
      mediaPort: 18620,
      pcap: media.tonePcap,
      answerDelayMs: RING_MS,
      talkMs: TALK_MS,
      name: 'restart-queue-1002',
    });
    await phone.registered(15_000);
    desk = await logInSocket(url, cred('1002'));
    await setAgentState(desk, 'available', '1002');
    await waitUntil(async () => (phone!.invites().length === 1 ? true : null), { timeoutMs: 15_000, intervalMs: 50, what: '1002 to ring' });
    expect(phone.invites()[0]!.fromUser, 'the urgent caller overtakes the callback and the normal callers').toBe(URGENT);
    const channelsBefore = await channelCount();
    await server.stop('SIGKILL');
    const killedAt = Date.now();
    expect(await channelCount(), 'Asterisk keeps every call while no server runs').toBe(channelsBefore);
    await page.getByTestId('socket-banner').waitFor({ timeout: 10_000 }); // the desktop saw its server go
    citizen = startUas({
      localPort: CARRIER_PORT,
      mediaPort: 18624,
      pcap: media.callerPcap,
      maxCallMs: 60_000,
      calls: 1,
      dtmf: { digits: '1', afterMs: 2_000 },
    });
    await server.start();
    const startedAt = Date.now();

    // the new start: places, priorities and the callback kept; 1002 back to 就绪; the desktop on its held call
    const takenBack = await waitUntil(
      async () => {
        const t = entries('waiting caller taken back into the queue');
        return t.length >= 3 ? t : null;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'the waiting callers taken back' },
    );
    expect(Object.fromEntries(takenBack.map((t) => [arrived.get(t.callId!), t.priority]))).toEqual({
      [URGENT]: 'urgent',
      [NORMAL[0]!]: 'normal',
      [NORMAL[1]!]: 'normal',
    });
    expect(entries('pending callback restored after a restart')).toHaveLength(1);
    expect(entries('offering a callback to the waiting caller'), 'each was offered a callback before the kill: not asked again').toHaveLength(0);
    expect(entries('agent state restored after a restart').map((e) => [e.agentId, e.state])).toContainEqual(['u-1002', 'available']);
    expect(entries('call arrived'), 'nobody is greeted again as a new call').toHaveLength(0);
    await waitUntil(async () => (entries('connected call adopted after a restart').some((e) => e.callId === heldCallId) ? true : null), {
      timeoutMs: 30_000,
      what: 'the held call adopted',
    });
    await page.getByTestId('socket-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('offline-after-drop').isVisible(), 'not told it was dropped offline').toBe(false);
    expect(await page.getByTestId('hold-indicator').isVisible(), 'the desktop still shows the call held').toBe(true);
    const adoptedAfterStartMs = Date.now() - startedAt;

    // 1002 is rung again with the urgent call, then the callback, then the normal callers as they queued
    const served = await waitUntil(
      async () => {
        const from = phone!.invites().map((i) => i.fromUser);
        return from.length >= 5 ? from : null;
      },
      { timeoutMs: 150_000, intervalMs: 250, what: "1002's calls after the restart" },
    );
    expect(served).toEqual([URGENT, URGENT, CALLBACK, ...normalOrder]);
    for (const c of [urgent, ...normal]) {
      const r = await c.done;
      expect(r.answered).toBe(true);
      expect(r.hangupBy, 'the agent ended it, nobody was dropped').toBe('remote');
    }
    const citizenCall = await citizen.done;
    expect(citizenCall.answered, 'the callback was placed').toBe(true);

    // meanwhile the held citizen heard music; resumed, they hear the agent's voice (the browser's tone) again
    // (the last 3 s before resuming: over a longer span a steady note of the music can look like the agent's tone)
    const onHold = analyseRtp((await heldHeard.snapshot()).rtp.filter((p) => p.time * 1000 > Math.max(killedAt, Date.now() - 3_000)));
    expect(onHold.packets, '3 s of audio').toBeGreaterThan(100);
    expect(onHold.rms, 'music on hold, not silence').toBeGreaterThan(0.005);
    expect(onHold.toneRatio(TONE_HZ), 'not the agent while held').toBeLessThan(0.3);
    await page.getByTestId('btn-hold').click();
    await page.getByTestId('hold-indicator').waitFor({ state: 'hidden', timeout: 10_000 });
    const resumedAt = Date.now();
    await waitUntil(
      async () => {
        const after = (await heldHeard!.snapshot()).rtp.filter((p) => p.time * 1000 > resumedAt + 500);
        return after.length >= 100 && analyseRtp(after).toneRatio(TONE_HZ) > 0.5 ? true : null;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: 'the citizen to hear the agent after resuming' },
    );
    // the meter is an instant's level and the citizen's recording has pauses: wait for speech, do not sample once
    await waitUntil(async () => ((await pageAudio(page)).rxRms > 0.005 ? true : null), {
      timeoutMs: 10_000,
      intervalMs: 200,
      what: 'the agent to hear the citizen',
    });
    await page.getByTestId('btn-hangup').click();
    expect((await held.done).hangupBy).toBe('remote');

    // the records: every call ended with its outcome and agent; Asterisk is left with nothing
    const supervisor = await apiLogin(
      url,
      creds.find((c) => c.role === 'supervisor')!,
    );
    const callIdOf = (number: string) => [...arrived].find(([, n]) => n === number)![0];
    expect(await endedCallRecord(supervisor, HELD, heldCallId)).toMatchObject({ outcome: 'answered', agentId: 'u-1001' });
    for (const number of [URGENT, ...NORMAL])
      expect(await endedCallRecord(supervisor, number, callIdOf(number))).toMatchObject({ outcome: 'answered', agentId: 'u-1002' });
    expect(await endedCallRecord(supervisor, CALLBACK, callIdOf(CALLBACK))).toMatchObject({ outcome: 'callback' });
    expect(entries('callback: citizen pressed 1; connecting'), 'the promised callback reached the citizen once').toHaveLength(1);
    await waitUntil(async () => ((await channelCount()) === 0 ? true : null), { timeoutMs: 15_000, intervalMs: 250, what: 'no channel left' });
    console.info(
      JSON.stringify({
        restartQueue: { downMs: startedAt - killedAt, adoptedAfterStartMs, served, onHold: { rms: onHold.rms, tone: onHold.toneRatio(TONE_HZ) } },
      }),
    );
  });
});
