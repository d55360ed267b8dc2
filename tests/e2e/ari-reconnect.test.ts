// The ARI connection between the hotline and Asterisk is cut (a relay in between drops it) while a call is
// bridged: the call stays up, /healthz reports the outage, the app reconnects by itself, and the next call is
// queued and answered as usual.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { goAvailable, logInAgent } from '../../testkit/agent-seat.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, TEST_PORTS, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { startCaller } from '../../testkit/sipp.js';
import { startTcpProxy, type TcpProxy } from '../../testkit/tcp-proxy.js';
import { waitUntil } from '../../testkit/wait.js';

const PROXY_PORT = TEST_PORTS.ariProxy;

describe('ARI connection loss', () => {
  let t: TestHotline;
  let media: TestMedia;
  let proxy: TcpProxy;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    proxy = await startTcpProxy(PROXY_PORT, TEST_PORTS.asteriskHttp);
    t = await startTestHotline('ari-reconnect', { ACD_WRAP_UP_SECONDS: '0', ARI_URL: `http://127.0.0.1:${PROXY_PORT}` });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1003' });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await proxy?.close();
  });

  const health = async () => {
    const res = await fetch(`${t.url}/healthz`);
    return { status: res.status, body: (await res.json()) as { asterisk: { ari: string } } };
  };

  const answerNextCall = async () => {
    await page.getByTestId('incoming-call').waitFor({ timeout: 20_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
  };

  it('given a bridged call, when ARI is cut and comes back, then the call survives and the next call is answered', async () => {
    await logInAgent(page, t.url, t.agent('1003'));
    await goAvailable(page);
    expect((await health()).status).toBe(200);

    const first = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13600136000',
      localPort: 15076,
      mediaPort: 16300,
      pcap: media.callerPcap,
      hangupAfterMs: 30_000,
      maxCallMs: 60_000,
      name: 'reconnect-first',
    });
    await answerNextCall();

    await proxy.cut();
    const down = await waitUntil(
      async () => {
        const h = await health();
        return h.status === 503 ? h : null;
      },
      { timeoutMs: 10_000, what: '/healthz to report the ARI outage' },
    );
    expect(down.body.asterisk.ari).not.toBe('connected');
    await proxy.restore();
    await waitUntil(async () => ((await health()).status === 200 ? true : null), {
      timeoutMs: 30_000,
      intervalMs: 250,
      what: 'the hotline to reconnect to ARI',
    });

    // the first call was never interrupted: the caller hangs up on its own schedule, the agent is still on it
    expect(await page.getByTestId('agent-state').getAttribute('data-state')).toBe('on_call');
    const r1 = await first.done;
    expect(r1.hangupBy).toBe('local');
    expect(r1.problems).toEqual([]);
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });

    const second = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13500135000',
      localPort: 15078,
      mediaPort: 16400,
      pcap: media.callerPcap,
      hangupAfterMs: 15_000,
      maxCallMs: 40_000,
      name: 'reconnect-second',
    });
    await answerNextCall();
    const r2 = await second.done;
    expect(r2.answered).toBe(true);

    const calls = await waitUntil(
      async () => {
        const rows = await t.hotline.records.listCalls({ limit: 5 });
        return rows.length === 2 && rows.every((r) => r.endedAt) ? rows : null;
      },
      { timeoutMs: 5_000, what: 'both call records closed' },
    );
    for (const c of calls) {
      expect(c.outcome).toBe('answered');
      expect(c.agentId).toBe('u-1003');
      expect(c.talkSeconds).toBeGreaterThan(3);
    }
    await t.assertNothingLeftInAsterisk();
  });
});
