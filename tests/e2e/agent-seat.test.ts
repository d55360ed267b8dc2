// The agent's seat during real calls. A citizen calls 12345 over the trunk (sipp, Mandarin speech) and rings the
// agent's browser softphone (sip.js in Chromium; the agent's microphone is a 1 kHz tone). The screen pop shows the
// citizen's earlier orders (a confidential one masked). The agent answers with F2, holds (the caller hears music
// on hold, not the agent), resumes with F3, mutes, presses keys on the DTMF pad (telephone-events reach the
// caller), fills the work order while talking (type, a catalog item found by a word, district / street / address,
// content), meets the server's field message in place (a complaint needs an address), saves with Ctrl+S (the order
// code is shown; the API has it linked to the call), hangs up with F4 and becomes available again. Every control
// of the seat has an accessible name and takes the focus by Tab.
// A second call ends before its order is saved: 示闲 stays disabled, what was typed survives a reload, and the
// order is closed on the spot (直办) with an answer taken from the knowledge base. A third call is a wrong number:
// "no order needed" lets the agent become available again.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type {
  CreateWorkOrderRequest,
  CreateWorkOrderResponse,
  KnowledgeArticle,
  KnowledgeArticleResponse,
  WorkOrderDetailResponse,
} from '../../contracts/work-orders.js';
import { goAvailable, logInAgent } from '../../testkit/agent-seat.js';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, TONE_HZ, type TestMedia } from '../../testkit/media.js';
import { analyseRtp, startRtpCapture, type RtpCapture, type RtpPacket } from '../../testkit/rtp-capture.js';
import { startCaller, type SippProcess } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const SHOTS = path.join(ARTIFACTS, 'agent-seat');
const CITIZEN = '13800138000';
const SECOND_CITIZEN = '13700137000';
const THIRD_CITIZEN = '13900139000';
const TELEPHONE_EVENT_PT = 101;
const DTMF_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];

/** Audio the caller received between two instants (epoch seconds). */
function between(rtp: RtpPacket[], from: number, to = Number.POSITIVE_INFINITY) {
  return analyseRtp(rtp.filter((p) => p.time >= from && p.time < to));
}

/** RFC 4733 digits the caller received, in order (one RTP timestamp per key press). */
function receivedDigits(rtp: RtpPacket[]): string {
  const seen = new Map<number, number>();
  for (const p of rtp) if (p.payloadType === TELEPHONE_EVENT_PT && p.payload.length >= 4 && !seen.has(p.timestamp)) seen.set(p.timestamp, p.payload[0]!);
  return [...seen.values()].map((e) => DTMF_NAMES[e] ?? '?').join('');
}

const nowS = () => Date.now() / 1000;
const round = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * Every visible, enabled button / input / textarea / combobox has an accessible name (aria-label, aria-labelledby,
 * a <label>, or its own text), and takes the focus when the agent walks the page with Tab (a radio group counts
 * once: Tab enters it at one radio, arrows move within).
 */
async function checkAccessibility(page: Page): Promise<{ controls: number; tabStops: number }> {
  const controls = page.locator('button, input, textarea, [role=combobox]');
  const count = await controls.count();
  const problems: string[] = [];
  let checked = 0;
  for (let i = 0; i < count; i++) {
    const el = controls.nth(i);
    if (!(await el.isVisible()) || (await el.isDisabled())) continue;
    const info = await el.evaluate((node, index) => {
      const e = node as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> | null };
      const text = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();
      const byIds = (ids: string | null) =>
        text(
          (ids ?? '')
            .split(/\s+/)
            .map((id) => (id ? (document.getElementById(id)?.textContent ?? '') : ''))
            .join(' '),
        );
      const ownText =
        e.tagName === 'BUTTON' ? text(e.innerText) || text([...e.querySelectorAll('[aria-label]')].map((x) => x.getAttribute('aria-label')).join(' ')) : '';
      const name =
        text(e.getAttribute('aria-label')) ||
        byIds(e.getAttribute('aria-labelledby')) ||
        text([...(e.labels ?? [])].map((l) => l.innerText).join(' ')) ||
        ownText ||
        text(e.getAttribute('title'));
      e.setAttribute('data-a11y-index', String(index));
      return {
        name,
        tabIndex: e.tabIndex,
        radioGroup: e instanceof HTMLInputElement && e.type === 'radio' ? e.name : null,
        describe: `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.getAttribute('data-testid') ? `[data-testid=${e.getAttribute('data-testid')}]` : ''}.${[...e.classList].slice(0, 2).join('.')}`,
      };
    }, i);
    checked++;
    if (!info.name) problems.push(`no accessible name: ${info.describe}`);
    controlsInfo.set(i, info);
  }
  // Walk the page with Tab from the top and note every control that took the focus.
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const focused = new Set<string>();
  const radioGroups = new Set<string>();
  for (let n = 0; n < checked * 2 + 20; n++) {
    await page.keyboard.press('Tab');
    const f = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return { index: a?.getAttribute('data-a11y-index') ?? null, radio: a instanceof HTMLInputElement && a.type === 'radio' ? a.name : null };
    });
    if (f.index !== null) focused.add(f.index);
    if (f.radio) radioGroups.add(f.radio);
  }
  for (const [index, info] of controlsInfo) {
    if (focused.has(String(index))) continue;
    if (info.radioGroup && radioGroups.has(info.radioGroup)) continue;
    problems.push(`not reachable by Tab: ${info.describe} "${info.name}" (tabIndex ${info.tabIndex})`);
  }
  controlsInfo.clear();
  expect(problems, problems.join('\n')).toEqual([]);
  return { controls: checked, tabStops: focused.size };
}
const controlsInfo = new Map<number, { name: string; tabIndex: number; radioGroup: string | null; describe: string }>();

describe('agent seat: softphone, screen pop, work order, wrap-up', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let page: Page;
  let agentApi: ApiUser;
  let article: KnowledgeArticle;
  const pageErrors: string[] = [];
  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    // a long wrap-up: the agent leaves it themselves (示闲), which the order policy gates
    t = await startTestHotline('agent-seat', { ACD_WRAP_UP_SECONDS: '300' });
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    agentApi = await apiLogin(t.url, t.agent('1001'));
    // the knowledge base has the answer to a common question
    const supervisor = await apiLogin(
      t.url,
      t.credentials.find((c) => c.role === 'supervisor')!,
    );
    const created = await supervisor.call<KnowledgeArticleResponse>('POST', '/api/knowledge', {
      title: '住房公积金提取（离职）',
      body: '离职后公积金提取：账户封存满6个月后，可携带身份证和银行卡到公积金管理中心服务网点或通过公积金网上营业厅办理销户提取。',
      keywords: ['公积金提取', '离职提取'],
      catalogItemCodes: ['C03.001'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    article = created.body.article;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  let callerProcess: SippProcess | null = null;
  let capture: RtpCapture | null = null;
  afterAll(async () => {
    callerProcess?.kill();
    await capture?.stop();
  });

  it('given an available agent, when a citizen calls, then the agent holds, mutes, sends DTMF, saves a linked order and becomes available again', async () => {
    // ---- earlier orders of the citizen, taken by a colleague: one open, one confidential ----
    const colleague = await apiLogin(t.url, t.agent('1002'));
    const earlier = (confidential: boolean, summary: string): CreateWorkOrderRequest => ({
      channel: 'phone',
      citizen: { phone: CITIZEN, name: '张先生', confidential },
      type: 'complaint',
      catalogItemCode: 'C04.001',
      place: { district: '南山区', street: '南头街道', address: '南山区南头街道南联社区向南四区3栋' },
      content: `${summary}，影响休息，请相关部门处理。`,
      summary,
      timeLimitClass: 'general',
    });
    const open = await colleague.call<CreateWorkOrderResponse>('POST', '/api/work-orders', earlier(false, '楼上装修噪音扰民'));
    expect(open.status, JSON.stringify(open.body)).toBe(201);
    const secret = await colleague.call<CreateWorkOrderResponse>('POST', '/api/work-orders', earlier(true, '举报邻居违规装修'));
    expect(secret.status).toBe(201);

    await logInAgent(page, t.url, t.agent('1001'));
    await goAvailable(page);
    await page.getByTestId('panel-work-order').waitFor();
    await shot('01-seat-available');

    capture = await startRtpCapture({ mediaPort: 17600, file: path.join(SHOTS, 'caller-rx.pcap') });
    callerProcess = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: CITIZEN,
      localPort: 15120,
      mediaPort: 17600,
      pcap: media.callerPcap,
      // the agent hangs up; the caller would give up after this long
      maxCallMs: 150_000,
      name: 'agent-seat',
    });
    const cap = capture;

    // ---- ringing: the screen pop lists the citizen's earlier orders, the confidential one masked ----
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    await page.getByTestId(`pop-order-${open.body.order.code}`).waitFor({ timeout: 10_000 });
    const maskedRow = page.getByTestId(`pop-order-${secret.body.order.code}`);
    await maskedRow.getByTestId('pop-masked').waitFor();
    expect(await page.getByTestId('btn-answer').getAttribute('aria-keyshortcuts')).toBe('F2');
    await shot('02-ringing-screen-pop');

    // ---- F2 answers; the caller hears the agent's 1 kHz tone ----
    await page.keyboard.press('F2');
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    const callId = await waitUntil(async () => (await page.getByTestId('panel-work-order').getAttribute('data-call-id')) || null, {
      timeoutMs: 10_000,
      what: 'the work-order panel to know the callId',
    });
    const talking = await waitUntil(
      async () => {
        const a = between((await cap.snapshot()).rtp, nowS() - 1.5);
        return a.seconds > 1 && a.toneRatio(TONE_HZ) > 0.5 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: "the agent's tone at the caller" },
    );

    // ---- hold: the caller hears music, not the agent ----
    await page.getByTestId('btn-hold').click();
    await page.locator('[data-testid="active-call"][data-held="true"]').waitFor({ timeout: 10_000 });
    const heldAt = nowS();
    await shot('03-on-hold');
    const held = await waitUntil(
      async () => {
        const a = between((await cap.snapshot()).rtp, heldAt + 0.7);
        return a.seconds >= 2.5 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: '2.5 s of audio at the caller during hold' },
    );
    const heldFigures = { rms: round(held.rms), tone1k: round(held.toneRatio(TONE_HZ)), packets: held.packets };
    console.info(JSON.stringify({ hold: heldFigures }));
    expect(held.toneRatio(TONE_HZ), "the agent's tone must not reach a held caller").toBeLessThan(0.2);
    // Music on hold is Asterisk's: the queue starts it on the call's bridge when the agent leg reports ChannelHold.
    expect(held.rms, `music on hold at the caller (rms ${held.rms}; 0.000244 is A-law silence)`).toBeGreaterThan(0.005);

    // ---- F3 resumes: the tone is back ----
    await page.keyboard.press('F3');
    await page.locator('[data-testid="active-call"][data-held="false"]').waitFor({ timeout: 10_000 });
    const resumedAt = nowS();
    const resumed = await waitUntil(
      async () => {
        const a = between((await cap.snapshot()).rtp, resumedAt + 0.5);
        return a.seconds >= 1.5 && a.toneRatio(TONE_HZ) > 0.5 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: "the agent's tone back at the caller after resume" },
    );

    // ---- mute: the tone stops; unmute ----
    await page.getByTestId('btn-mute').click();
    await page.locator('[data-testid="btn-mute"][data-muted="true"]').waitFor();
    const mutedAt = nowS();
    const muted = await waitUntil(
      async () => {
        const a = between((await cap.snapshot()).rtp, mutedAt + 0.7);
        return a.seconds >= 1.5 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: '1.5 s of audio at the caller while muted' },
    );
    expect(muted.toneRatio(TONE_HZ)).toBeLessThan(0.2);
    await page.getByTestId('btn-mute').click();
    await page.locator('[data-testid="btn-mute"][data-muted="false"]').waitFor();

    // ---- DTMF pad: 1 2 3 # arrive at the caller as RFC 4733 telephone-events ----
    const eventsBefore = (await cap.snapshot()).otherPackets;
    await page.getByTestId('btn-dtmf').click();
    for (const key of ['1', '2', '3', 'pound']) await page.getByTestId(`dtmf-key-${key}`).click();
    await expect.poll(() => page.getByTestId('dtmf-sent').getAttribute('data-digits')).toBe('123#');
    const dtmf = await waitUntil(
      async () => {
        const snap = await cap.snapshot();
        return receivedDigits(snap.rtp) === '123#' ? snap : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: 'the digits 123# at the caller' },
    );
    await shot('04-dtmf-pad');

    // ---- another microphone and speaker during the call: the caller still hears the agent ----
    await page.getByTestId('btn-audio-devices').click();
    await page.getByTestId('audio-devices').waitFor();
    // keyboard only: open the list, move past the system default to the next device, take it
    const pick = async (id: string) => {
      const box = page.locator(`#${id}`);
      await box.focus();
      await box.press('ArrowDown');
      await page
        .locator('.ant-select-dropdown')
        .filter({ has: page.locator('.ant-select-item-option') })
        .last()
        .waitFor();
      await box.press('ArrowDown');
      await box.press('Enter');
      const chosen = page.getByTestId('audio-devices').locator('.ant-select').filter({ has: box }).locator('.ant-select-selection-item');
      await expect.poll(() => chosen.innerText()).not.toBe('系统默认');
      return chosen.innerText();
    };
    const micName = await pick('audio-input');
    const switchedAt = nowS();
    const speakerName = await pick('audio-output');
    await shot('04b-audio-devices');
    await page.getByTestId('btn-audio-devices').click();
    const stored = await page.evaluate(() => ({ input: localStorage.getItem('hotline.audioInput'), output: localStorage.getItem('hotline.audioOutput') }));
    expect(stored.input, 'the chosen microphone is remembered').toBeTruthy();
    expect(stored.output, 'the chosen speaker is remembered').toBeTruthy();
    const switched = await waitUntil(
      async () => {
        const a = between((await cap.snapshot()).rtp, switchedAt + 0.5);
        return a.seconds >= 1.5 && a.toneRatio(TONE_HZ) > 0.5 ? a : null;
      },
      { timeoutMs: 10_000, intervalMs: 250, what: "the agent's tone at the caller from the new microphone" },
    );
    await page.getByTestId('audio-devices').waitFor({ state: 'hidden' });

    // ---- accessibility of the seat page in a call (pad open, order form shown) ----
    const a11y = await checkAccessibility(page);

    // ---- the work order, filled while talking ----
    const form = page.getByTestId('order-form');
    expect(await page.locator('#order_citizen_phone').inputValue(), 'the phone is prefilled from the caller').toBe(CITIZEN);
    await form
      .locator('label')
      .filter({ has: page.getByTestId('order-type-complaint') })
      .click();
    await page.locator('#order_catalogItemCode').fill('装修噪声');
    const option = page.locator('.ant-select-item-option[title^="C04.001"]');
    await option.waitFor({ timeout: 10_000 });
    await option.click();
    await expect.poll(() => page.locator('#order_catalogItemCode').evaluate((el) => el.closest('.ant-select')?.textContent ?? '')).toContain('C04.001');
    await page.locator('#order_place_district').fill('南山');
    await page.locator('.ant-select-item-option[title="南山区"]').click();
    await page.locator('#order_place_street').fill('南头街道');
    await page.locator('#order_citizen_name').fill('张先生');
    await page.locator('#order_summary').fill('楼下商铺装修噪音扰民，晚上十一点仍在施工');
    await page.locator('#order_content').fill('市民来电反映：我家楼下有人装修，噪音很大，晚上十一点还在施工，影响休息，请相关部门尽快处理。');
    // a complaint without an address: the server's message appears under the address input
    await page.keyboard.press('Control+s');
    const addressItem = page.locator('.ant-form-item').filter({ has: page.locator('#order_place_address') });
    await addressItem.locator('.ant-form-item-explain-error').filter({ hasText: '详细地址' }).waitFor({ timeout: 10_000 });
    const fieldMessage = (await addressItem.locator('.ant-form-item-explain-error').innerText()).trim();
    await shot('05-order-field-error');
    await page.locator('#order_place_address').fill('南山区南头街道南联社区向南四区3栋');
    await page.keyboard.press('Control+s');
    const codeEl = page.getByTestId('order-code');
    await codeEl.waitFor({ timeout: 10_000 });
    const code = (await codeEl.getAttribute('data-code'))!;
    const dispatchText = await page.getByTestId('order-dispatch').innerText();
    await shot('06-order-saved');

    // the API has the order, taken by this agent from this call
    const detail = await agentApi.call<WorkOrderDetailResponse>('GET', `/api/work-orders/${encodeURIComponent(code)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.order).toMatchObject({
      code,
      type: 'complaint',
      channel: 'phone',
      catalogItemCode: 'C04.001',
      receivedBy: 'u-1001',
      citizen: { phone: CITIZEN, name: '张先生', confidential: false },
      place: { district: '南山区', street: '南头街道', address: '南山区南头街道南联社区向南四区3栋' },
    });
    expect(detail.body.order.links.callIds).toContain(callId);
    expect(detail.body.calls.map((c) => c.id)).toContain(callId);
    expect(detail.body.calls.find((c) => c.id === callId)?.callerNumber).toBe(CITIZEN);

    // ---- F4 hangs up; the order is saved, so 示闲 is allowed in wrap-up ----
    await page.keyboard.press('F4');
    await page.getByTestId('call-ended').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="agent-state"][data-state="wrap_up"]').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.getByTestId('btn-available').isEnabled()).toBe(true);
    await shot('07-wrap-up-saved');
    const result = await callerProcess.done;
    expect(result.answered).toBe(true);
    expect(result.hangupBy).toBe('remote');
    const rx = await cap.stop();
    await goAvailable(page);

    console.info(
      JSON.stringify({
        callId,
        orderCode: code,
        dispatch: dispatchText,
        serverFieldMessage: fieldMessage,
        callerHeard: {
          talking: { rms: round(talking.rms), tone1k: round(talking.toneRatio(TONE_HZ)) },
          hold: heldFigures,
          resumed: { rms: round(resumed.rms), tone1k: round(resumed.toneRatio(TONE_HZ)) },
          muted: { rms: round(muted.rms), tone1k: round(muted.toneRatio(TONE_HZ)) },
          newMicrophone: { device: micName, speaker: speakerName, rms: round(switched.rms), tone1k: round(switched.toneRatio(TONE_HZ)) },
          telephoneEvents: dtmf.otherPackets - eventsBefore,
          digits: receivedDigits(dtmf.rtp),
          total: { packets: rx.packets, otherPackets: rx.otherPackets, seconds: rx.seconds },
        },
        accessibility: a11y,
      }),
    );
  });

  /** A later caller (same local ports: one at a time) rings the seat and the agent answers by click. */
  async function callAndAnswer(callerNumber: string, name: string): Promise<SippProcess> {
    callerProcess = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber,
      localPort: 15122,
      mediaPort: 17700,
      pcap: media.callerPcap,
      maxCallMs: 120_000,
      name,
    });
    await page.getByTestId('incoming-call').waitFor({ timeout: 25_000 });
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });
    return callerProcess;
  }

  it('given a call that ended before its order was saved, then 示闲 waits for it, the draft survives a reload and the order is closed on the spot with a knowledge-base answer', async () => {
    await capture?.stop();
    capture = null;
    const second = await callAndAnswer(SECOND_CITIZEN, 'agent-seat-2');
    const callId = await waitUntil(async () => (await page.getByTestId('panel-work-order').getAttribute('data-call-id')) || null, {
      timeoutMs: 10_000,
      what: 'the callId of the second call',
    });
    // during the call 示闲 is refused already (the ACD would apply it right after the call)
    await expect.poll(() => page.getByTestId('btn-available').getAttribute('data-blocked')).toBe('order');
    const summary = '市民咨询公积金提取需要什么材料';
    await page.locator('#order_summary').fill(summary);
    await page.getByTestId('btn-hangup').click();
    await page.getByTestId('call-ended').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="agent-state"][data-state="wrap_up"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('wrapup-notice').waitFor();
    expect(await page.getByTestId('btn-available').isDisabled()).toBe(true);
    await shot('08-wrap-up-order-required');
    expect((await second.done).hangupBy).toBe('remote');

    // a reload keeps the draft (the softphone asks for the password again; the policy still holds)
    await page.reload();
    await page.getByTestId('password-prompt').waitFor({ timeout: 10_000 });
    await page.getByTestId('reenter-password').fill(t.agent('1001').password);
    await page.getByTestId('reenter-submit').click();
    await page.locator('[data-testid="sip-status"][data-state="registered"]').waitFor({ timeout: 20_000 });
    await expect.poll(() => page.locator('#order_summary').inputValue(), { timeout: 10_000 }).toBe(summary);
    expect(await page.getByTestId('panel-work-order').getAttribute('data-call-id')).toBe(callId);
    expect(await page.getByTestId('btn-available').isDisabled()).toBe(true);
    expect(await page.getByTestId('btn-available').getAttribute('data-blocked')).toBe('order');

    // 直办: a consultation answered on the spot from the knowledge base; the catalog item comes from the suggestions
    await page
      .locator('label')
      .filter({ has: page.getByTestId('order-type-consultation') })
      .click();
    await page.locator('#order_content').fill('市民来电咨询：离职后想把住房公积金取出来，需要准备哪些材料，在哪里办理。');
    await page.getByTestId('suggest-item-C03.001').click({ timeout: 10_000 });
    await page.locator('#order_place_district').fill('福田');
    await page.locator('.ant-select-item-option[title="福田区"]').click();
    await page
      .locator('label')
      .filter({ has: page.getByTestId('disposition-answer') })
      .click();
    await page.getByTestId('kb-panel').locator('input').fill('公积金');
    await page.getByTestId('kb-panel').locator('input').press('Enter');
    await page.getByTestId(`kb-insert-${article.id}`).click({ timeout: 10_000 });
    await expect.poll(() => page.locator('#order_answer').inputValue()).toBe(article.body);
    await shot('09-answer-on-spot');
    await page.getByTestId('btn-save-order').click();
    const code = (await page.getByTestId('order-code').getAttribute('data-code', { timeout: 10_000 }))!;
    const detail = await agentApi.call<WorkOrderDetailResponse>('GET', `/api/work-orders/${encodeURIComponent(code)}`);
    expect(detail.body.order).toMatchObject({ type: 'consultation', catalogItemCode: 'C03.001', summary });
    expect(detail.body.order.links.callIds).toEqual([callId]);
    // Closing on the spot needs the server to take the answer with the creation (answerOnSpot), as the catalog
    // auto-dispatches every order otherwise; soft, so that the wrap-up checks below still run.
    expect.soft(await page.getByTestId('order-dispatch').getAttribute('data-kind'), 'the seat shows the order closed on the spot').toBe('answered');
    expect.soft(detail.body.order.state, 'the order is closed on the spot (直办)').toBe('closed');
    expect.soft(detail.body.events.map((e) => e.action)).toEqual(['receive', 'answer_on_spot']);
    await expect.poll(() => page.getByTestId('btn-available').getAttribute('data-blocked')).toBe(null);
    await goAvailable(page);
  });

  it('given a wrong number, when the agent chooses "no order needed", then 示闲 is allowed again', async () => {
    const third = await callAndAnswer(THIRD_CITIZEN, 'agent-seat-3');
    await page.getByTestId('btn-hangup').click();
    await page.locator('[data-testid="agent-state"][data-state="wrap_up"]').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('btn-available').isDisabled()).toBe(true);
    await page.getByTestId('btn-no-order').click();
    await page.getByTestId('no-order-wrong_number').click();
    await page.getByTestId('no-order-confirm').click();
    await page.locator('[data-testid="order-not-needed"][data-reason="wrong_number"]').waitFor();
    await shot('10-no-order-needed');
    await expect.poll(() => page.getByTestId('btn-available').getAttribute('data-blocked')).toBe(null);
    await goAvailable(page);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('hotline.draft.')))).toEqual([]);
    expect((await third.done).answered).toBe(true);

    expect(pageErrors).toEqual([]);
    await t.assertNothingLeftInAsterisk();
  });
});
