// Supervision of a live call. A citizen (sipp, Mandarin speech) talks with an agent (Chromium softphone,
// microphone = 1 kHz tone). The supervisor's desk phone (a sipp UAS on the carrier side of the trunk) sends a
// 2.5 kHz tone. The supervisor listens (hears both sides, nobody hears them), switches to whisper (only the agent
// hears them: the tone must be absent from the caller's received RTP), then barges (everyone hears everyone).
// After the barge the agent consults 110 and must keep hearing audio (recipe G1). Every mode period is in the
// audit trail, which only administrators read; only supervisors supervise; a supervisor signs an agent out. The
// server restarts during the whisper: the new start adopts the call and the session, and the barge that follows
// is the same session's.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SupervisionAuditRow, SupervisionView } from '../../contracts/transfer.js';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { startRtpCapture, type RtpCapture } from '../../testkit/rtp-capture.js';
import { startCaller } from '../../testkit/sipp.js';
import { nextWindow, round, startCarrierParty, type CarrierParty } from '../../testkit/carrier-party.js';
import { waitUntil } from '../../testkit/wait.js';

const DIR = path.join(ARTIFACTS, 'supervision');
const SUPERVISOR_HZ = 2500;
const CARRIER_PORT = 15212;
const CARRIER_MEDIA = 18300;

/** A spectrum meter on what the agent's browser plays (the remote audio element), kept in the page. */
async function startPageToneMeter(page: Page, hz: number): Promise<void> {
  await page.evaluate((freq) => {
    const el = document.getElementById('remote-audio') as HTMLAudioElement;
    const ac = new AudioContext();
    const an = ac.createAnalyser();
    an.fftSize = 4096;
    an.smoothingTimeConstant = 0;
    ac.createMediaStreamSource(el.srcObject as MediaStream).connect(an);
    const bins = new Float32Array(an.frequencyBinCount);
    const bw = ac.sampleRate / an.fftSize;
    const hist: [number, number, number][] = [];
    (window as unknown as { toneMeter: typeof hist }).toneMeter = hist;
    setInterval(() => {
      an.getFloatFrequencyData(bins);
      let band = 0;
      let total = 0;
      for (let i = 0; i < bins.length; i++) {
        const f = i * bw;
        const p = Math.pow(10, bins[i]! / 10);
        if (f > 100 && f < 3900) total += p;
        if (Math.abs(f - freq) <= 60) band += p;
      }
      hist.push([Date.now(), band, total]);
    }, 100);
  }, hz);
}

/** Share of the tone's band in what the agent heard over the next `seconds` (after `settle`). */
async function agentToneShare(page: Page, seconds = 2.5, settle = 0.8): Promise<number> {
  const from = Date.now() + settle * 1000;
  const to = from + seconds * 1000;
  await waitUntil(() => (Date.now() > to ? true : null), {
    timeoutMs: (settle + seconds) * 1000 + 2000,
    intervalMs: 100,
    what: 'the agent-side measuring window',
  });
  return page.evaluate(
    ([a, b]) => {
      const h = (window as unknown as { toneMeter: [number, number, number][] }).toneMeter.filter(([t]) => t >= a! && t < b!);
      const band = h.reduce((s, x) => s + x[1], 0);
      const total = h.reduce((s, x) => s + x[2], 0);
      return total > 0 ? band / total : 0;
    },
    [from, to],
  );
}

describe('supervision: listen, whisper, barge', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;
  let supervisor: ApiUser;
  let admin: ApiUser;
  let agentApi: ApiUser;
  let desk: CarrierParty;
  let deskRx: RtpCapture;
  const measured: Record<string, unknown> = {};

  beforeAll(async () => {
    fs.mkdirSync(DIR, { recursive: true });
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('supervision', { ACD_WRAP_UP_SECONDS: '0', SIP_TRUNK_CARRIER: `127.0.0.1:${CARRIER_PORT}` });
    // the supervisor's desk phone (and, later, the 110 operator) behind the carrier trunk
    desk = await startCarrierParty({ dir: DIR, name: 'supervisor-desk', port: CARRIER_PORT, mediaPort: CARRIER_MEDIA, toneHz: SUPERVISOR_HZ, amplitude: 0.05 });
    deskRx = desk.rx;
    const cred = (u: string) => t.credentials.find((c) => c.username === u)!;
    supervisor = await apiLogin(t.url, cred('supervisor'));
    admin = await apiLogin(t.url, cred('admin'));
    agentApi = await apiLogin(t.url, t.agent('1001'));
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
    await logInAgent(page, t.url, t.agent('1001'));
    await goAvailable(page);
  });

  afterAll(async () => {
    console.info(JSON.stringify({ supervisionAudio: measured }));
    await desk?.stop();
    await browser?.close();
    await t?.stop();
  });

  it('given a live call, when the supervisor listens, whispers and barges, then each party hears exactly what it should', async () => {
    const rx = await startRtpCapture({ mediaPort: 18200, file: path.join(DIR, 'caller-rx.pcap') });
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13800138040',
      localPort: 15210,
      mediaPort: 18200,
      pcap: media.callerPcap,
      maxCallMs: 170_000,
      name: 'supervised-caller',
    });
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    await waitUntil(async () => ((await pageAudio(page)).rxRms > 0.01 ? true : null), { timeoutMs: 10_000, what: 'the agent to hear the caller' });
    await startPageToneMeter(page, SUPERVISOR_HZ);

    // only supervisors supervise
    expect((await agentApi.call('POST', '/api/supervision', { agentId: 'u-1001', mode: 'listen', phone: '8001' })).status).toBe(403);
    expect((await supervisor.call('POST', '/api/supervision', { agentId: 'u-1001', mode: 'spy' })).status).toBe(400);

    // ---- listen: the supervisor hears agent and caller; nobody hears the supervisor ----
    const started = await supervisor.call<{ session: SupervisionView }>('POST', '/api/supervision', { agentId: 'u-1001', mode: 'listen', phone: '8001' });
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = started.body.session.id;
    await waitUntil(
      async () => {
        const r = await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision');
        return r.body.sessions.find((s) => s.id === id)?.phase === 'active' ? true : null;
      },
      { timeoutMs: 15_000, what: "the supervisor's phone to answer" },
    );
    const supHears = await nextWindow(deskRx, 'the supervisor to hear the call', 3, 1);
    const listenCaller = await nextWindow(rx, 'the caller during listen');
    const listenAgent = await agentToneShare(page);
    measured.listen = {
      supervisorHears: { rms: round(supHears.rms), tone1000: round(supHears.toneRatio(TONE_HZ)) },
      callerTone2500: round(listenCaller.toneRatio(SUPERVISOR_HZ)),
      agentTone2500: round(listenAgent),
    };
    expect(supHears.toneRatio(TONE_HZ), 'the supervisor hears the agent').toBeGreaterThan(0.15);
    expect(supHears.rms, 'the supervisor hears the caller and the agent').toBeGreaterThan(0.03);
    expect(listenCaller.toneRatio(SUPERVISOR_HZ)).toBeLessThan(0.05);
    expect(listenAgent).toBeLessThan(0.05);

    // ---- whisper: the agent hears the supervisor, the caller does not ----
    expect((await supervisor.call('POST', `/api/supervision/${id}/mode`, { mode: 'whisper' })).status).toBe(200);
    const whisperAgent = await agentToneShare(page, 3, 1);
    const whisperCaller = await nextWindow(rx, 'the caller during whisper', 3);
    measured.whisper = {
      agentTone2500: round(whisperAgent),
      callerTone2500: round(whisperCaller.toneRatio(SUPERVISOR_HZ)),
      callerTone1000: round(whisperCaller.toneRatio(TONE_HZ)),
    };
    expect(whisperAgent, 'the agent hears the whisper (listen: about 0)').toBeGreaterThan(0.1);
    expect(whisperCaller.toneRatio(SUPERVISOR_HZ), 'the caller must not hear the whisper').toBeLessThan(0.05);
    expect(whisperCaller.toneRatio(TONE_HZ), 'the caller still hears the agent').toBeGreaterThan(0.5);

    // ---- the server restarts (Asterisk kept) while the supervisor whispers: the session goes on ----
    await t.restart();
    await waitUntil(
      async () => {
        const r = await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision');
        return r.body.sessions.find((x) => x.id === id && x.phase === 'active' && x.mode === 'whisper') ? true : null;
      },
      { timeoutMs: 15_000, what: 'the whispering session adopted by the new start' },
    );
    const whisperAfterRestart = await agentToneShare(page, 3, 1);
    measured.whisperAfterRestart = round(whisperAfterRestart);
    expect(whisperAfterRestart, 'the agent still hears the whisper after the restart').toBeGreaterThan(0.1);

    // ---- barge: everyone hears the supervisor ----
    expect((await supervisor.call('POST', `/api/supervision/${id}/mode`, { mode: 'barge' })).status).toBe(200);
    const bargeCaller = await nextWindow(rx, 'the caller during barge', 3, 1);
    const bargeAgent = await agentToneShare(page);
    measured.barge = {
      callerTone2500: round(bargeCaller.toneRatio(SUPERVISOR_HZ)),
      callerTone1000: round(bargeCaller.toneRatio(TONE_HZ)),
      agentTone2500: round(bargeAgent),
    };
    expect(bargeCaller.toneRatio(SUPERVISOR_HZ)).toBeGreaterThan(0.15);
    expect(bargeCaller.toneRatio(TONE_HZ)).toBeGreaterThan(0.1);
    expect(bargeAgent).toBeGreaterThan(0.1);

    // ---- consult after barge (G1): the agent keeps hearing audio from 110 ----
    await page.getByTestId('btn-transfer-110').click();
    await page.locator('[data-testid="transfer-state"][data-phase="consulting"]').waitFor({ timeout: 20_000 });
    const samples: number[] = [];
    await waitUntil(
      async () => {
        samples.push((await pageAudio(page)).rxRms);
        return samples.length >= 22 ? true : null;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: '5.5 s of the agent level during the consult' },
    );
    const judged = samples.slice(6);
    measured.consultAfterBarge = { silentSamples: judged.filter((v) => v <= 0.01).length, minRms: round(Math.min(...judged)) };
    expect(judged.filter((v) => v <= 0.01)).toEqual([]);
    await page.getByTestId('btn-transfer-cancel').click();
    await page.locator('[data-testid="transfer-state"][data-outcome="cancelled"]').waitFor({ timeout: 10_000 });
    const back = await nextWindow(rx, 'the caller to hear the agent after the consult');
    expect(back.toneRatio(TONE_HZ)).toBeGreaterThan(0.1);

    // ---- stop; the agent ends the call ----
    expect((await supervisor.call('POST', `/api/supervision/${id}/stop`)).status).toBe(200);
    await page.getByTestId('btn-hangup').click();
    expect((await caller.done).hangupBy).toBe('remote');
    await rx.stop();
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });

    // ---- a supervisor signs the agent out; the audit trail has everything; only admins read it ----
    expect((await supervisor.call('POST', '/api/agents/u-1001/force-state', { state: 'offline' })).status).toBe(200);
    await page.locator('[data-testid="agent-state"][data-state="offline"]').waitFor({ timeout: 10_000 });
    expect((await supervisor.call('GET', '/api/supervision/audit')).status).toBe(403);
    const audit = await waitUntil(
      async () => {
        const r = await admin.call<{ rows: SupervisionAuditRow[] }>('GET', '/api/supervision/audit');
        return r.body.rows.length >= 4 && r.body.rows.every((x) => x.endedAt !== null) ? r.body.rows : null;
      },
      { timeoutMs: 10_000, what: 'every audit row closed' },
    );
    const modes = [...audit].reverse().map((r) => r.mode);
    expect(modes).toEqual(['listen', 'whisper', 'barge', 'force_logout']);
    expect(audit.every((r) => r.supervisorId === 'u-supervisor' && r.agentId === 'u-1001')).toBe(true);
    expect(audit.filter((r) => r.mode !== 'force_logout').every((r) => r.callId !== null && r.endedAt! >= r.startedAt)).toBe(true);
    await t.assertNothingLeftInAsterisk();
  });
});
