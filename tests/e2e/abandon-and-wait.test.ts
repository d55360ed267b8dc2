// Citizens who wait: one gives up while queued (recorded as abandoned, nothing left in Asterisk); another
// waits with music while no agent is free and is answered as soon as an agent becomes available.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { agentState, goAvailable, logInAgent } from '../../testkit/agent-seat.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { startRtpCapture } from '../../testkit/rtp-capture.js';
import { startCaller } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

describe('waiting citizens', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    // the position readout comes early here, so the waiting caller below hears it before the agent frees up
    t = await startTestHotline('abandon-and-wait', { ACD_WRAP_UP_SECONDS: '0', ACD_ANNOUNCE_AFTER_SECONDS: '6', ACD_ANNOUNCE_EVERY_SECONDS: '600' });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1002' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const queued = () =>
    waitUntil(() => (t.hotline.queue.queueView().waiting.length === 1 ? true : null), {
      timeoutMs: 20_000,
      what: 'the call to wait in the queue',
    });

  it('given no agent is available, when the caller hangs up in the queue, then the call is abandoned and nothing is left', async () => {
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13900139000',
      localPort: 15072,
      mediaPort: 16100,
      pcap: media.callerPcap,
      hangupAfterMs: 18_000,
      maxCallMs: 30_000,
      name: 'abandon',
    });
    await queued();
    const result = await caller.done;
    expect(result.answered).toBe(true); // the IVR answered; no agent did
    expect(result.hangupBy).toBe('local');

    const record = await waitUntil(
      async () => {
        const [r] = await t.hotline.records.listCalls({ limit: 1 });
        return r?.endedAt ? r : null;
      },
      { timeoutMs: 5_000, what: 'the call record to be closed' },
    );
    expect(record.callerNumber).toBe('13900139000');
    expect(record.outcome).toBe('abandoned');
    expect(record.agentId).toBeNull();
    expect(record.queuedAt).not.toBeNull();
    expect(record.talkSeconds).toBeNull();
    expect(t.hotline.queue.queueView().waiting).toHaveLength(0);
    await t.assertNothingLeftInAsterisk();
  });

  it('given the only agent is on break, when a citizen waits, then they hear music and are answered once the agent is available', async () => {
    await logInAgent(page, t.url, t.agent('1002'));
    await page.getByTestId('btn-break').click();
    await page.locator('[data-testid="agent-state"][data-state="break"]').waitFor({ timeout: 10_000 });

    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13700137000',
      localPort: 15074,
      mediaPort: 16200,
      pcap: media.callerPcap,
      hangupAfterMs: 70_000,
      maxCallMs: 90_000,
      name: 'wait',
    });
    await queued();
    // music on hold: the citizen receives steady, non-silent audio while waiting
    const capture = await startRtpCapture({ mediaPort: 16200, file: path.join(ARTIFACTS, 'abandon-and-wait', 'moh.pcap') });
    const moh = await waitUntil(
      async () => {
        const s = await capture.snapshot();
        return s.seconds >= 3 ? s : null;
      },
      { timeoutMs: 10_000, what: '3 s of audio to the waiting caller' },
    );
    await capture.stop();
    expect(moh.rms).toBeGreaterThan(0.005);

    // the position readout in Mandarin (nobody who could answer is logged in: no time estimate), then music again
    const readout = await waitUntil(
      async () => {
        const lines = fs
          .readFileSync(t.logFile, 'utf8')
          .split('\n')
          .filter((l) => l.includes('"position announced"'));
        const hit = lines.map((l) => JSON.parse(l) as { text: string; position: number }).at(-1);
        return hit ?? null;
      },
      { timeoutMs: 20_000, what: 'the position announcement' },
    );
    expect(readout).toMatchObject({ position: 1, text: '您是下一位，请耐心等待。' });
    const after = await startRtpCapture({ mediaPort: 16200, file: path.join(ARTIFACTS, 'abandon-and-wait', 'moh-after-readout.pcap') });
    const mohAgain = await waitUntil(
      async () => {
        const s = await after.snapshot();
        return s.seconds >= 6 ? s : null;
      },
      { timeoutMs: 15_000, what: '6 s of audio after the readout' },
    );
    await after.stop();
    expect(mohAgain.rms, 'music (or the readout) keeps playing: the caller is never left in silence').toBeGreaterThan(0.005);
    expect(await agentState(page)).toBe('break');
    expect(await page.getByTestId('incoming-call').count()).toBe(0);

    await goAvailable(page).catch(async () => {
      // going available offers the waiting call at once, so the state may already be "reserved"
      await page.locator('[data-testid="agent-state"][data-state="reserved"]').waitFor({ timeout: 5_000 });
    });
    await page.getByTestId('incoming-call').waitFor({ timeout: 10_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('btn-hangup').click();

    const result = await caller.done;
    expect(result.answered).toBe(true);
    expect(result.hangupBy).toBe('remote'); // the agent ended the call
    const record = await waitUntil(
      async () => {
        const [r] = await t.hotline.records.listCalls({ limit: 1 });
        return r?.endedAt ? r : null;
      },
      { timeoutMs: 5_000, what: 'the call record to be closed' },
    );
    expect(record.callerNumber).toBe('13700137000');
    expect(record.outcome).toBe('answered');
    expect(record.agentId).toBe('u-1002');
    expect(record.waitSeconds).toBeGreaterThan(5);
    await t.assertNothingLeftInAsterisk();
  });
});
