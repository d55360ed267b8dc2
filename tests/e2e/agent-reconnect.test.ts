// The agent's network drops (Wi-Fi gone, laptop asleep) and comes back. All of the page's traffic to the hotline
// goes through Playwright routes, so the test can cut it for real: the SIP WebSocket to Asterisk and the
// socket.io WebSocket are closed on both sides (Asterisk drops the agent's registration) and new connections and
// HTTP requests fail until the network is restored. Meanwhile the agent saves the order of the call just ended:
// it is kept in the browser and saved by itself once the server is reachable. The softphone tells the agent it
// is reconnecting, re-registers by itself, says so, and the next citizen's call rings and is answered.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route, WebSocketRoute } from 'playwright-core';
import type { WorkOrderDetailResponse } from '../../contracts/work-orders.js';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { apiLogin } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { startCaller, type SippProcess } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const SHOTS = path.join(ARTIFACTS, 'agent-reconnect');

/** The page's network to the hotline, with a switch. */
class Network {
  private down = false;
  private readonly sockets = new Set<{ page: WebSocketRoute; server: WebSocketRoute }>();
  /** WebSocket connections the page opened while the network was down (each failed). */
  refused = 0;

  constructor(private readonly page: Page) {}

  async install(): Promise<void> {
    // SIP over WebSocket (Asterisk) and socket.io's WebSocket
    await this.page.routeWebSocket(/\/ws$|\/socket\.io\//, (ws) => {
      if (this.down) {
        this.refused++;
        void ws.close({ code: 1001, reason: 'network down' }).catch(() => {});
        return;
      }
      const server = ws.connectToServer();
      const pair = { page: ws, server };
      this.sockets.add(pair);
      ws.onClose(() => this.sockets.delete(pair));
      server.onClose(() => this.sockets.delete(pair));
    });
    // HTTP: the REST API and socket.io's long-polling
    await this.page.route(/\/api\/|\/socket\.io\//, (route: Route) => (this.down ? route.abort('internetdisconnected') : route.fallback()));
  }

  async cut(): Promise<void> {
    this.down = true;
    const open = [...this.sockets];
    this.sockets.clear();
    await Promise.all(open.flatMap(({ page, server }) => [server.close().catch(() => {}), page.close({ code: 1001, reason: 'network down' }).catch(() => {})]));
  }

  restore(): void {
    this.down = false;
  }
}

describe('agent reconnect: the network drops and comes back', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;
  const callers: SippProcess[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('agent-reconnect', { ACD_WRAP_UP_SECONDS: '300' });
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
  });

  afterAll(async () => {
    for (const c of callers) c.kill();
    await browser?.close();
    await t?.stop();
  });

  it('given a registered agent, when the network is cut and restored, then the softphone re-registers, the queued order is saved and the next call is answered', async () => {
    const net = new Network(page);
    await net.install();
    await logInAgent(page, t.url, t.agent('1001'));
    await goAvailable(page);

    // ---- a call, answered and ended; its order is filled in wrap-up ----
    const first = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13600136000',
      localPort: 15124,
      mediaPort: 17800,
      pcap: media.callerPcap,
      maxCallMs: 120_000,
      name: 'agent-reconnect-1',
    });
    callers.push(first);
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    const callId = await waitUntil(async () => (await page.getByTestId('panel-work-order').getAttribute('data-call-id')) || null, {
      timeoutMs: 10_000,
      what: 'the callId of the call',
    });
    await page.getByTestId('btn-hangup').click();
    await page.locator('[data-testid="agent-state"][data-state="wrap_up"]').waitFor({ timeout: 10_000 });
    expect((await first.done).answered).toBe(true);

    await page
      .locator('label')
      .filter({ has: page.getByTestId('order-type-help') })
      .click();
    await page.locator('#order_catalogItemCode').fill('停水');
    const option = page.locator('.ant-select-item-option').first();
    await option.waitFor({ timeout: 10_000 });
    const itemTitle = (await option.getAttribute('title')) ?? '';
    await option.click();
    await page.locator('#order_place_district').fill('福田');
    await page.locator('.ant-select-item-option[title="福田区"]').click();
    await page.locator('#order_place_address').fill('福田区园岭街道百花二路12号');
    await page.locator('#order_summary').fill('园岭街道小区停水一天，询问何时恢复供水');
    await page.locator('#order_content').fill('市民来电反映：小区从今天早上开始停水，没有收到停水通知，家中有老人，请尽快恢复供水。');

    // ---- the network goes ----
    await net.cut();
    await page.getByTestId('sip-reconnecting').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="sip-status"]:not([data-state="registered"])').waitFor({ timeout: 10_000 });
    await page.getByTestId('socket-banner').waitFor({ timeout: 15_000 });
    // the order cannot reach the server: it is kept in the browser, queued
    await page.keyboard.press('Control+s');
    await page.getByTestId('order-pending').waitFor({ timeout: 10_000 });
    const queued = await page.evaluate(() =>
      Object.keys(localStorage)
        .filter((k) => k.startsWith('hotline.draft.'))
        .map((k) => JSON.parse(localStorage.getItem(k)!) as { key: string; callId: string | null; pendingSubmit: unknown }),
    );
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ key: callId, callId });
    expect(queued[0]!.pendingSubmit).not.toBeNull();
    await shot('01-network-down');
    const refusedWhileDown = await waitUntil(async () => (net.refused > 0 ? net.refused : null), {
      timeoutMs: 15_000,
      what: 'the softphone to try to reconnect while the network is down',
    });

    // ---- the network is back ----
    const restoredAt = Date.now();
    net.restore();
    await page.locator('[data-testid="sip-status"][data-state="registered"]').waitFor({ timeout: 40_000 });
    const reRegisteredMs = Date.now() - restoredAt;
    await page.getByTestId('sip-reconnecting').waitFor({ state: 'hidden', timeout: 5_000 });
    await page.locator('.ant-message').getByText('软电话已重新连接').waitFor({ timeout: 5_000 });
    await page.getByTestId('socket-banner').waitFor({ state: 'hidden', timeout: 20_000 });
    // Asterisk saw the agent's WebSocket go: the ACD signed the agent off meanwhile, and the seat says why
    await page.locator('[data-testid="agent-state"][data-state="offline"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('offline-after-drop').waitFor({ timeout: 5_000 });
    // the queued order was saved by itself, linked to the call
    const code = await waitUntil(
      async () =>
        page
          .getByTestId('order-code')
          .getAttribute('data-code', { timeout: 500 })
          .catch(() => null),
      {
        timeoutMs: 20_000,
        intervalMs: 250,
        what: 'the queued order to be saved after the reconnect',
      },
    );
    await shot('02-network-back');
    const agentApi = await apiLogin(t.url, t.agent('1001'));
    const detail = await agentApi.call<WorkOrderDetailResponse>('GET', `/api/work-orders/${encodeURIComponent(code)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.order).toMatchObject({ type: 'help', citizen: { phone: '13600136000' }, place: { district: '福田区' } });
    expect(detail.body.order.links.callIds).toEqual([callId]);
    const orders = await agentApi.call<{ items: { code: string }[] }>('GET', '/api/work-orders?phone=13600136000');
    expect(
      orders.body.items.map((o) => o.code),
      'exactly one order, however often the save was retried',
    ).toEqual([code]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hotline.draft.')))).toEqual([]);

    // ---- available again; the next call rings and is answered, with audio ----
    await expect.poll(() => page.getByTestId('btn-available').isEnabled(), { timeout: 10_000 }).toBe(true);
    await goAvailable(page);
    await page.getByTestId('offline-after-drop').waitFor({ state: 'hidden', timeout: 5_000 });
    const second = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13500135000',
      localPort: 15126,
      mediaPort: 17900,
      pcap: media.callerPcap,
      maxCallMs: 120_000,
      name: 'agent-reconnect-2',
    });
    callers.push(second);
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    expect(await page.getByTestId('incoming-call').getAttribute('data-caller')).toContain('13500135000');
    await page.keyboard.press('F2');
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    const heard = await waitUntil(
      async () => {
        const a = await pageAudio(page);
        return a.rxRms > 0.01 && a.rxPackets > 50 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'the agent to hear the second caller' },
    );
    await shot('03-next-call');
    await page.keyboard.press('F4');
    await page.getByTestId('call-ended').waitFor({ timeout: 10_000 });
    expect((await second.done).answered).toBe(true);
    // a test call: no order needed
    await page.getByTestId('btn-no-order').click();
    await page.getByTestId('no-order-confirm').click();
    await page.getByTestId('order-not-needed').waitFor();

    console.info(JSON.stringify({ itemTitle, orderCode: code, refusedWhileDown, reRegisteredMs, heard: { rms: heard.rxRms, packets: heard.rxPackets } }));
    await t.assertNothingLeftInAsterisk();
  });
});
