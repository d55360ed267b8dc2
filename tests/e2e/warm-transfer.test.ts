// Warm transfer to 110 with linkage. A citizen (sipp, Mandarin speech) talks with an agent (Chromium softphone,
// microphone = 1 kHz tone); the agent presses 转110: the citizen hears music on hold while the agent consults the
// 110 operator (a sipp UAS on the carrier side of the trunk, sending a 2.5 kHz tone). Then:
//   1. complete: 110 talks with the citizen, the agent is free; the recording goes on to the end;
//   2. cancel: the agent is back with the citizen, 110 is hung up;
//   3. three-way: citizen, agent and 110 hear each other; the agent leaves, citizen and 110 go on;
//   4. the server restarts (Asterisk kept) while the agent consults 120: the new start adopts the call and the
//      transfer, the consult goes on, and the agent completes it from the same desktop: 120 talks with the citizen.
// Audio is measured on every leg: RTP captured at the citizen's and 110's ports (tone ratios, level), the
// browser's own receive level. The linkage sheet reaches a local webhook: the first POST is answered 500, the
// resend carries the same idempotency key and a valid HMAC signature, and the delivery shows on the call.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { TransferView } from '../../contracts/transfer.js';
import { signSheet } from '../../transfer/linkage.js';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, readWav, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { bestToneRatio, startRtpCapture, type ReceivedAudio, type RtpCapture } from '../../testkit/rtp-capture.js';
import { startCaller } from '../../testkit/sipp.js';
import { nextWindow, round, startCarrierParty, type CarrierParty } from '../../testkit/carrier-party.js';
import { waitUntil } from '../../testkit/wait.js';

const DIR = path.join(ARTIFACTS, 'warm-transfer');
/** The 110 operator's tone: far from the agent's 1 kHz and from most of the music on hold's energy. */
const CENTRE_HZ = 2500;
/** About the level at which the agent's microphone reaches the other parties, so that in a three-way call
 *  neither tone drowns the other in the tone ratios. */
const CENTRE_AMPLITUDE = 0.05;
const CARRIER_PORT = 15202;
const CARRIER_MEDIA = 18100;
const SECRET = 'linkage-secret-for-tests-0001';

const figures = (a: ReceivedAudio, ...hz: number[]) => ({
  rms: round(a.rms),
  seconds: round(a.seconds),
  ...Object.fromEntries(hz.map((f) => [`tone${f}`, round(a.toneRatio(f))])),
});

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

describe('warm transfer to 110 / 120 with a linkage sheet', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;
  let agentApi: ApiUser;
  let centre: CarrierParty;
  let centreRx: RtpCapture;
  let webhook: http.Server;
  const received: Received[] = [];
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    fs.mkdirSync(DIR, { recursive: true });
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));

    // the 110 centre's linkage endpoint: refuses the first sheet, accepts the next ones
    webhook = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const answered = received.length === 0 ? 500 : 200;
        received.push({ headers: req.headers, body, answered });
        res.writeHead(answered, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: answered === 200 }));
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/linkage`;
    const directoryFile = path.join(DIR, 'transfer-directory.json');
    fs.writeFileSync(
      directoryFile,
      JSON.stringify({
        centres: [
          { number: '110', name: '公安110', webhook: { url, secret: SECRET } },
          { number: '120', name: '急救120' },
        ],
        directory: [{ id: 'housing', name: '住建局热线', number: '88886666' }],
      }),
    );

    t = await startTestHotline('warm-transfer', {
      ACD_WRAP_UP_SECONDS: '0',
      SIP_TRUNK_CARRIER: `127.0.0.1:${CARRIER_PORT}`,
      HOTLINE_TRANSFER_DIRECTORY: directoryFile,
      LINKAGE_RETRY_BASE_MS: '500',
    });
    // every number dialled through the trunk (110, 120) reaches this operator
    centre = await startCarrierParty({
      dir: DIR,
      name: 'centre-110',
      port: CARRIER_PORT,
      mediaPort: CARRIER_MEDIA,
      toneHz: CENTRE_HZ,
      amplitude: CENTRE_AMPLITUDE,
    });
    centreRx = centre.rx;
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
    agentApi = await apiLogin(t.url, t.agent('1001'));
    await logInAgent(page, t.url, t.agent('1001'));
    await goAvailable(page);
  });

  afterAll(async () => {
    console.info(JSON.stringify({ warmTransferAudio: measured }));
    await centre?.stop();
    await browser?.close();
    await t?.stop();
    await new Promise<void>((r) => (webhook ? webhook.close(() => r()) : r()));
  });

  /** A citizen calls; the agent answers; both directions are checked. Returns the caller, its capture and callId. */
  async function answeredCall(name: string, number: string, ports: { sip: number; media: number }) {
    const rx = await startRtpCapture({ mediaPort: ports.media, file: path.join(DIR, `${name}-caller-rx.pcap`) });
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: number,
      localPort: ports.sip,
      mediaPort: ports.media,
      pcap: media.callerPcap,
      maxCallMs: 150_000,
      name: `${name}-caller`,
    });
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    const call = await waitUntil(() => t.hotline.calls.all().find((c) => c.callerNumber === number && c.stage === 'connected') ?? null, {
      timeoutMs: 10_000,
      what: 'the connected call',
    });
    await waitUntil(async () => ((await pageAudio(page)).rxRms > 0.01 ? true : null), { timeoutMs: 10_000, what: 'the agent to hear the caller' });
    const talking = await nextWindow(rx, 'the caller to hear the agent', 1.5, 0.3);
    expect(talking.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);
    await page.getByTestId('btn-transfer-110').waitFor();
    return { caller, rx, callId: call.callId, callerChannel: call.channelId };
  }

  async function consultWith(number: string, callId: string, rx: RtpCapture, label: string) {
    await page.getByTestId(`btn-transfer-${number}`).click();
    await page.locator('[data-testid="transfer-state"][data-phase="consulting"]').waitFor({ timeout: 20_000 });
    // the held caller hears music: neither the agent nor the operator
    const held = await nextWindow(rx, `${label}: audio at the held caller`);
    measured[`${label}.callerOnHold`] = figures(held, TONE_HZ, CENTRE_HZ);
    expect(held.rms, 'music on hold at the caller').toBeGreaterThan(0.005);
    expect(held.toneRatio(TONE_HZ), "the agent's consult must not reach the held caller").toBeLessThan(0.2);
    expect(held.toneRatio(CENTRE_HZ), 'the operator must not reach the held caller').toBeLessThan(0.2);
    // agent ↔ operator
    const atCentre = await nextWindow(centreRx, `${label}: the operator to hear the agent`, 2, 0.2);
    measured[`${label}.operatorHearsAgent`] = figures(atCentre, TONE_HZ);
    expect(atCentre.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);
    const agentHears = await waitUntil(
      async () => {
        const a = await pageAudio(page);
        return a.rxRms > 0.01 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: `${label}: the agent to hear the operator` },
    );
    measured[`${label}.agentHearsOperatorRms`] = round(agentHears.rxRms);
    const transfer = (await agentApi.call<{ transfer: TransferView }>('GET', `/api/calls/${callId}/transfer`)).body.transfer;
    expect(transfer).toMatchObject({ phase: 'consulting', kind: 'warm', target: { number } });
  }

  it('given a consult with 110, when the agent completes, then 110 talks with the caller, the agent is free and the call stays recorded', async () => {
    const { caller, rx, callId, callerChannel } = await answeredCall('complete', '13800138010', { sip: 15200, media: 18000 });
    const answeredAt = Date.now();
    await page.getByTestId('transfer-place').fill('南山区科技园南区1栋楼下');
    await page.getByTestId('transfer-summary').fill('来电人称楼下有人持刀争执');
    await consultWith('110', callId, rx, 'complete');

    await page.getByTestId('btn-transfer-complete').click();
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 15_000 });
    const callerHears = await nextWindow(rx, 'the caller to hear 110 after completion');
    measured['complete.callerHearsOperator'] = figures(callerHears, TONE_HZ, CENTRE_HZ);
    expect(callerHears.toneRatio(CENTRE_HZ)).toBeGreaterThan(0.5);
    expect(callerHears.toneRatio(TONE_HZ)).toBeLessThan(0.1);
    const operatorHears = await nextWindow(centreRx, 'the operator to hear the caller after completion');
    measured['complete.operatorHearsCaller'] = figures(operatorHears, TONE_HZ);
    expect(operatorHears.rms).toBeGreaterThan(0.01);
    expect(operatorHears.toneRatio(TONE_HZ), 'the agent left').toBeLessThan(0.2);
    // the caller's call is still the ACD's call record, in the same bridge, with caller + 110 + the recorder
    const bridge = (await t.hotline.telephony.listBridges()).find((b) => b.id === `hotline-call-${callId}`);
    expect(bridge?.channelIds).toContain(callerChannel);
    expect(bridge?.channelIds.filter((id) => id.startsWith('xfer-'))).toHaveLength(1);

    // the citizen hangs up; 110's leg is hung up with them
    await t.hotline.telephony.hangup(callerChannel);
    const endedAt = Date.now();
    expect((await caller.done).answered).toBe(true);
    await rx.stop();
    await waitUntil(async () => ((await t.hotline.telephony.listChannels()).length === 0 ? true : null), { timeoutMs: 10_000, what: 'all legs gone' });

    // the recording covers the whole call, the consult's hold and 110's part included
    const record = await waitUntil(
      async () => {
        const [r] = await t.hotline.records.listCalls({ limit: 5 }).then((l) => l.filter((c) => c.id === callId));
        return r?.outcome ? r : null;
      },
      { timeoutMs: 10_000, what: 'the call record closed' },
    );
    expect(record.recordingName).toBe(`call-${callId}`);
    const wavFile = path.join(t.hotline.asterisk!.spoolDir, 'recording', `call-${callId}.wav`);
    const { samples, sampleRate } = await waitUntil(
      () => {
        try {
          return readWav(fs.readFileSync(wavFile));
        } catch {
          return null;
        }
      },
      { timeoutMs: 10_000, what: 'the call recording' },
    );
    const recordedSeconds = samples.length / sampleRate;
    const lastPart = Float32Array.from(samples.slice(-3 * sampleRate), (v) => v / 32768);
    measured['complete.recording'] = {
      seconds: round(recordedSeconds),
      callSeconds: round((endedAt - answeredAt) / 1000),
      lastSecondsCentreTone: round(bestToneRatio(lastPart, sampleRate, CENTRE_HZ)),
    };
    expect(recordedSeconds).toBeGreaterThan((endedAt - answeredAt) / 1000 - 3);
    expect(bestToneRatio(lastPart, sampleRate, CENTRE_HZ), "110's part is in the recording").toBeGreaterThan(0.2);

    // ---- the linkage sheet: refused once, re-sent with the same key, signed, delivered ----
    const delivered = await waitUntil(
      async () => {
        const r = await agentApi.call<{ linkages: { status: string; attempts: number; lastHttpStatus: number | null; orderCode: string | null }[] }>(
          'GET',
          `/api/linkages?callId=${callId}`,
        );
        return r.body.linkages[0]?.status === 'delivered' ? r.body.linkages[0] : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the linkage sheet to be delivered' },
    );
    expect(delivered.attempts).toBe(2);
    expect(received.map((r) => r.answered)).toEqual([500, 200]);
    const [first, second] = received as [Received, Received];
    expect(first.headers['idempotency-key']).toMatch(/^linkage-/);
    expect(second.headers['idempotency-key']).toBe(first.headers['idempotency-key']);
    expect(second.body).toBe(first.body);
    const ts = Number(second.headers['x-hotline-timestamp']);
    expect(second.headers['x-hotline-signature']).toBe(signSheet(second.body, ts, SECRET));
    expect(JSON.parse(second.body)).toMatchObject({
      centre: '110',
      callId,
      callerNumber: '13800138010',
      place: '南山区科技园南区1栋楼下',
      summary: '来电人称楼下有人持刀争执',
      recordingUrl: expect.stringContaining(callId),
      agentId: 'u-1001',
    });
  });

  it('given a consult with 120, when the agent cancels, then the agent and the caller talk again and 120 is hung up', async () => {
    const { caller, rx, callId, callerChannel } = await answeredCall('cancel', '13800138020', { sip: 15204, media: 18004 });
    await consultWith('120', callId, rx, 'cancel');
    await page.getByTestId('btn-transfer-cancel').click();
    await page.locator('[data-testid="transfer-state"][data-outcome="cancelled"]').waitFor({ timeout: 10_000 });
    const back = await nextWindow(rx, 'the caller to hear the agent again');
    measured['cancel.callerHearsAgent'] = figures(back, TONE_HZ, CENTRE_HZ);
    expect(back.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);
    expect(back.toneRatio(CENTRE_HZ)).toBeLessThan(0.1);
    await waitUntil(async () => ((await pageAudio(page)).rxRms > 0.01 ? true : null), { timeoutMs: 10_000, what: 'the agent to hear the caller again' });
    const legs = await t.hotline.telephony.listChannels();
    expect(legs.filter((c) => c.id.startsWith('xfer-'))).toEqual([]);
    // no sheet for a centre without a webhook: recorded as such
    const r = await agentApi.call<{ linkages: { status: string }[] }>('GET', `/api/linkages?callId=${callId}`);
    expect(r.body.linkages.map((l) => l.status)).toEqual(['unconfigured']);

    await page.getByTestId('btn-hangup').click();
    expect((await caller.done).hangupBy).toBe('remote');
    await rx.stop();
    void callerChannel;
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });
  });

  it('given a consult with 110, when the agent makes it three-way and then leaves, then everyone hears everyone and the call goes on', async () => {
    const { caller, rx, callId, callerChannel } = await answeredCall('three-way', '13800138030', { sip: 15206, media: 18008 });
    await consultWith('110', callId, rx, 'threeWay');
    await page.getByTestId('btn-transfer-three-way').click();
    await page.locator('[data-testid="transfer-state"][data-phase="three_way"]').waitFor({ timeout: 10_000 });
    const callerHears = await nextWindow(rx, 'the caller to hear agent and 110', 3);
    measured['threeWay.callerHears'] = figures(callerHears, TONE_HZ, CENTRE_HZ);
    expect(callerHears.toneRatio(TONE_HZ)).toBeGreaterThan(0.15);
    expect(callerHears.toneRatio(CENTRE_HZ)).toBeGreaterThan(0.15);
    const operatorHears = await nextWindow(centreRx, 'the operator to hear caller and agent', 3);
    measured['threeWay.operatorHears'] = figures(operatorHears, TONE_HZ);
    expect(operatorHears.toneRatio(TONE_HZ)).toBeGreaterThan(0.15);
    expect(operatorHears.rms).toBeGreaterThan(0.01);
    const agentHears = await pageAudio(page);
    measured['threeWay.agentRms'] = round(agentHears.rxRms);
    expect(agentHears.rxRms).toBeGreaterThan(0.01);

    await page.getByTestId('btn-transfer-leave').click();
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 15_000 });
    const after = await nextWindow(rx, 'the caller to hear 110 after the agent left');
    measured['threeWay.afterLeave'] = figures(after, TONE_HZ, CENTRE_HZ);
    expect(after.toneRatio(CENTRE_HZ)).toBeGreaterThan(0.5);
    expect(after.toneRatio(TONE_HZ)).toBeLessThan(0.1);

    await t.hotline.telephony.hangup(callerChannel);
    await caller.done;
    await rx.stop();
    await t.assertNothingLeftInAsterisk();
    // three sheets to 110 / 120: the third was accepted at once
    await waitUntil(() => (received.length >= 3 ? true : null), { timeoutMs: 10_000, what: 'the third linkage sheet' });
    expect(received.map((r) => r.answered)).toEqual([500, 200, 200]);
  });

  it('given a consult with 120, when the server restarts, then the consult goes on and the agent completes it: 120 talks with the caller', async () => {
    const { caller, rx, callId, callerChannel } = await answeredCall('restart', '13800138040', { sip: 15208, media: 18012 });
    await consultWith('120', callId, rx, 'restart');
    await t.restart();
    const adopted = await waitUntil(() => (t.hotline.calls.get(callId)?.agentLeg?.agentId === 'u-1001' ? true : null), {
      timeoutMs: 15_000,
      what: 'the call adopted by the new start',
    });
    expect(adopted).toBe(true);
    expect(t.hotline.queue.agentPush('u-1001').state).toBe('on_call');
    const transfer = (await agentApi.call<{ transfer: TransferView }>('GET', `/api/calls/${callId}/transfer`)).body.transfer;
    expect(transfer).toMatchObject({ phase: 'consulting', kind: 'warm', target: { number: '120' } });
    // the consult went on through the restart: the operator still hears the agent, the caller still holds
    const atCentre = await nextWindow(centreRx, 'the operator to hear the agent after the restart', 2, 0.2);
    measured['restart.operatorHearsAgent'] = figures(atCentre, TONE_HZ);
    expect(atCentre.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);
    const held = await nextWindow(rx, 'audio at the held caller after the restart');
    expect(held.toneRatio(CENTRE_HZ), 'the operator must not reach the held caller').toBeLessThan(0.2);

    await page.getByTestId('btn-transfer-complete').click();
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 15_000 });
    const callerHears = await nextWindow(rx, 'the caller to hear 120 after completion');
    measured['restart.callerHearsOperator'] = figures(callerHears, TONE_HZ, CENTRE_HZ);
    expect(callerHears.toneRatio(CENTRE_HZ)).toBeGreaterThan(0.5);

    await t.hotline.telephony.hangup(callerChannel);
    expect((await caller.done).answered).toBe(true);
    await rx.stop();
    await t.assertNothingLeftInAsterisk();
    const record = await waitUntil(
      async () => {
        const [r] = (await t.hotline.records.listCalls({ limit: 5 })).filter((c) => c.id === callId);
        return r?.endedAt ? r : null;
      },
      { timeoutMs: 10_000, what: 'the call record closed' },
    );
    expect(record).toMatchObject({ outcome: 'answered', agentId: 'u-1001' });
  });
});
