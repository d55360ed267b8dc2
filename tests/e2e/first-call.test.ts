// A citizen calls 12345 over the SIP trunk (sipp, real RTP speech), hears the Mandarin greeting, is queued and
// rings the agent's browser softphone (sip.js in Chromium); the agent answers; audio flows both ways; the
// caller hangs up; the call record in the database has the agent, the wait and the talk time.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { startRtpCapture } from '../../testkit/rtp-capture.js';
import { apiLogin } from '../../testkit/api-client.js';
import { startCaller } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

describe('first call: trunk caller → IVR → queue → browser agent', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('first-call', { ACD_WRAP_UP_SECONDS: '0' });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('given an available agent, when a citizen calls, then they talk with audio both ways and the call is recorded', async () => {
    const health = await (await fetch(`${t.url}/healthz`)).json();
    expect(health).toMatchObject({ status: 'ok', asterisk: { up: true, ari: 'connected' }, database: { up: true } });
    await waitUntil(async () => ((await (await fetch(`${t.url}/healthz`)).json()).asterisk.ami === 'connected' ? true : null), {
      timeoutMs: 10_000,
      what: 'AMI connected',
    });
    expect(await t.hotline.ami.command('core show version')).toMatch(/Asterisk 22\./);
    await logInAgent(page, t.url, t.agent('1001'));
    await goAvailable(page);

    const capture = await startRtpCapture({ mediaPort: 16000, file: path.join(ARTIFACTS, 'first-call', 'caller-rx.pcap') });
    const invitedAt = Date.now();
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13800138000',
      localPort: 15070,
      mediaPort: 16000,
      pcap: media.callerPcap,
      hangupAfterMs: 22_000,
      maxCallMs: 40_000,
      name: 'first-call',
    });

    // the greeting plays first, then the agent's softphone rings with the citizen's number
    const incoming = page.getByTestId('incoming-call');
    await incoming.waitFor({ timeout: 20_000 });
    const ringingAfterMs = Date.now() - invitedAt;
    expect(await incoming.getAttribute('data-caller')).toContain('13800138000');
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });

    // caller → agent: the browser hears the citizen's speech
    const heard = await waitUntil(
      async () => {
        const a = await pageAudio(page);
        return a.rxRms > 0.01 && a.rxPackets > 100 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'the agent to hear the caller' },
    );
    expect(heard.txPackets).toBeGreaterThan(50);

    const result = await caller.done;
    const rx = await capture.stop();
    expect(result.answered).toBe(true);
    expect(result.hangupBy).toBe('local');
    // agent → caller: the agent's microphone (a 1 kHz tone) reached the caller's RTP port
    expect(rx.packets).toBeGreaterThan(200);
    expect(rx.toneRatio(TONE_HZ)).toBeGreaterThan(0.5);

    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });
    const [record] = await t.hotline.records.listCalls({ limit: 1 });
    expect(record).toBeDefined();
    expect(record!.callerNumber).toBe('13800138000');
    expect(record!.agentId).toBe('u-1001');
    expect(record!.outcome).toBe('answered');
    expect(record!.waitSeconds).toBeGreaterThan(1);
    expect(record!.talkSeconds).toBeGreaterThan(5);
    expect(record!.recordingName).toBe(`call-${record!.id}`);
    console.info(
      JSON.stringify({
        inviteToRingingMs: ringingAfterMs,
        waitSeconds: record!.waitSeconds,
        agentHeard: { rms: heard.rxRms, packets: heard.rxPackets },
        callerHeard: { packets: rx.packets, seconds: rx.seconds, tone1k: rx.toneRatio(TONE_HZ) },
      }),
    );

    // the supervisor's real-time figures count the call; an agent may not read them
    const supervisor = await apiLogin(
      t.url,
      t.credentials.find((c) => c.username === 'supervisor')!,
    );
    const figures = await supervisor.call<{ total: { answered: number; abandoned: number; agents: Record<string, number> } }>('GET', '/api/acd/figures');
    expect(figures.status).toBe(200);
    expect(figures.body.total).toMatchObject({ answered: 1, abandoned: 0 });
    expect(figures.body.total.agents.available).toBe(1);
    const asAgent = await apiLogin(t.url, t.agent('1001'));
    expect((await asAgent.call('GET', '/api/acd/figures')).status).toBe(403);

    await t.assertNothingLeftInAsterisk();
  });
});
