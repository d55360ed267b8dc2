// "Try it in a browser": the public citizen phone page calls 12345 over WebRTC (its own restricted endpoint), the
// agent's desktop answers, each page hears the other (Web Audio analyser on the remote stream: the citizen's
// microphone says a Mandarin sentence — a steady tone would be taken for noise by the browser's noise
// suppression during the greeting — the agent's is a 1 kHz tone), the screen pop shows the demo orders of the number the citizen
// typed, the agent saves a work order, and the department's handler sees it in the portal.
// The citizen endpoint reaches the service number only: an agent's extension and 110 are refused (404) before
// anything rings, and beyond the page's concurrent-call limit a call is refused as busy (503).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { goAvailable, logInAgent, pageAudio } from '../../testkit/agent-seat.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, readWav, wavBuffer } from '../../testkit/media.js';
import { waitUntil } from '../../testkit/wait.js';

const SHOTS = path.join(ARTIFACTS, 'try-it');
/** A demo citizen: the first start created earlier orders for this number (crm/demo/past-orders.ts). */
const CITIZEN = '13800138000';

interface CitizenHook {
  registration: string;
  call: string;
  endReason: string | null;
  statusCode: number | null;
  rxRms: number;
  rxPackets: number;
  txPackets: number;
}

const citizenHook = (page: Page) => page.evaluate(() => (window as unknown as { citizenPhone: CitizenHook }).citizenPhone);

async function openCitizenPage(browser: Browser, url: string): Promise<Page> {
  const page = await newAgentPage(browser, url, { label: 'citizen page', path: '/citizen' });
  await page.locator('[data-testid="citizen-status"]').waitFor({ timeout: 10_000 });
  await waitUntil(async () => ((await citizenHook(page)).registration === 'registered' ? true : null), {
    timeoutMs: 15_000,
    what: 'the citizen page to register',
  });
  return page;
}

/** Dials `number` from the page's keypad field and waits until the call ends; returns how. */
async function dialAndExpectRefusal(page: Page, number: string): Promise<CitizenHook> {
  await page.locator('#citizen-number').fill(number);
  await page.getByTestId('citizen-call').click();
  return waitUntil(
    async () => {
      const h = await citizenHook(page);
      return h.call === 'ended' ? h : null;
    },
    { timeoutMs: 15_000, what: `the call to ${number} to be refused` },
  );
}

describe('try it in a browser: citizen page → 12345 → agent desktop → work order → department portal', () => {
  let t: TestHotline;
  let agentBrowser: Browser;
  let citizenBrowser: Browser;
  let agent: Page;
  let citizen: Page;

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true });
    const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    const citizenMic = path.join(ARTIFACTS, 'media', 'citizen-speech-48k.wav');
    fs.writeFileSync(citizenMic, upsampled(fs.readFileSync(media.callerSpeechWav), 48_000));
    // one call at a time from citizen pages: a second one is the "flood"
    t = await startTestHotline('try-it', { CITIZEN_PHONE_MAX_CALLS: '1' });
    agentBrowser = await launchChromium({ fakeMicWav: media.agentToneWav });
    citizenBrowser = await launchChromium({ fakeMicWav: citizenMic });
    agent = await newAgentPage(agentBrowser, t.url, { label: 'agent 1001' });
    await logInAgent(agent, t.url, t.agent('1001'));
    await goAvailable(agent);
    citizen = await openCitizenPage(citizenBrowser, t.url);
  });

  afterAll(async () => {
    await citizenBrowser?.close();
    await agentBrowser?.close();
    await t?.stop();
  });

  it('given the citizen page, when it dials an agent extension or 110, then the PBX refuses before anything rings', async () => {
    for (const number of ['1001', '110', '120']) {
      const refused = await dialAndExpectRefusal(citizen, number);
      expect(refused, `dialling ${number}`).toMatchObject({ endReason: 'not_allowed', statusCode: 404 });
      await citizen.locator('[data-testid="citizen-status"][data-end-reason="not_allowed"]').waitFor();
    }
    await citizen.screenshot({ path: path.join(SHOTS, '01-citizen-refused.png'), fullPage: true });
    // the agent was available the whole time and nothing rang; no call record was made
    expect(await agent.getByTestId('incoming-call').count()).toBe(0);
    const { rows } = await t.hotline.db.query<{ n: number }>('SELECT count(*)::integer AS n FROM calls');
    expect(rows[0]!.n).toBe(0);
  });

  it('given an available agent, when the citizen page calls 12345, then both hear each other, the agent saves an order and the portal shows it', async () => {
    await citizen.locator('#citizen-number').fill('12345');
    await citizen.locator('#citizen-my-phone').fill(CITIZEN);
    await citizen.getByTestId('citizen-call').click();

    // the greeting is heard on the page before an agent is offered the call
    const greeting = await waitUntil(
      async () => {
        const h = await citizenHook(citizen);
        return h.call === 'established' && h.rxRms > 0.01 ? h : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what: 'the greeting on the citizen page' },
    );
    await citizen.screenshot({ path: path.join(SHOTS, '02-citizen-greeting.png'), fullPage: true });

    // the agent is offered the call with the number the citizen typed, and the screen pop lists its demo orders
    await agent.getByTestId('incoming-call').waitFor({ timeout: 30_000 });
    await agent.locator('[data-testid^="pop-order-"]').first().waitFor({ timeout: 10_000 });
    const popRows = await agent.locator('[data-testid^="pop-order-"]').count();
    await agent.getByTestId('btn-answer').click();
    await agent.locator('[data-testid="active-call"][data-state="established"]').waitFor({ timeout: 10_000 });

    // each side hears the other: the agent the citizen's sentence, the citizen the agent's 1 kHz
    const agentHeard = await waitUntil(
      async () => {
        const a = await pageAudio(agent);
        return a.rxRms > 0.02 && a.rxPackets > 50 ? a : null;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: "the citizen's voice at the agent" },
    );
    const citizenHeard = await waitUntil(
      async () => {
        const h = await citizenHook(citizen);
        return h.rxRms > 0.02 && h.rxPackets > greeting.rxPackets + 50 ? h : null;
      },
      { timeoutMs: 15_000, intervalMs: 250, what: "the agent's voice at the citizen" },
    );
    await citizen.screenshot({ path: path.join(SHOTS, '03-citizen-in-call.png'), fullPage: true });

    // a second citizen page while the first is in a call: the page's call limit refuses it as busy
    const second = await openCitizenPage(citizenBrowser, t.url);
    const busy = await dialAndExpectRefusal(second, '12345');
    expect(busy).toMatchObject({ endReason: 'busy', statusCode: 503 });
    await second.locator('[data-testid="citizen-status"][data-end-reason="busy"]').waitFor();
    await second.screenshot({ path: path.join(SHOTS, '04-second-page-busy.png'), fullPage: true });
    await second.context().close();

    // the agent fills the order: the phone came from the citizen page
    expect(await agent.locator('#order_citizen_phone').inputValue()).toBe(CITIZEN);
    await agent
      .getByTestId('order-form')
      .locator('label')
      .filter({ has: agent.getByTestId('order-type-help') })
      .click();
    await agent.locator('#order_catalogItemCode').fill('公积金提取');
    const option = agent.locator('.ant-select-item-option[title^="C03.001"]');
    await option.waitFor({ timeout: 10_000 });
    await option.click();
    await agent.locator('#order_place_district').fill('南山');
    await agent.locator('.ant-select-item-option[title="南山区"]').click();
    await agent.locator('#order_summary').fill('网页来电：公积金账户冻结无法提取');
    await agent.locator('#order_content').fill('市民通过网页电话来电反映：公积金账户被冻结，无法办理租房提取，请公积金中心协助核实。');
    await agent.keyboard.press('Control+s');
    const codeEl = agent.getByTestId('order-code');
    await codeEl.waitFor({ timeout: 10_000 });
    const code = (await codeEl.getAttribute('data-code'))!;
    await agent.screenshot({ path: path.join(SHOTS, '05-agent-order-saved.png'), fullPage: true });

    // the citizen hangs up on the page; the agent's call ends
    await citizen.getByTestId('citizen-hangup').click();
    await agent.getByTestId('call-ended').waitFor({ timeout: 10_000 });
    await citizen.locator('[data-testid="citizen-status"][data-end-reason="local"]').waitFor();

    // the housing fund centre's handler finds it in the portal
    const handler = t.credentials.find((c) => c.username === 'handler-city-hpf');
    expect(handler, 'the demo handler of the housing fund centre').toBeTruthy();
    const portal = await newAgentPage(agentBrowser, t.url, { label: 'handler city.hpf' });
    await portal.goto(t.url + '/');
    await portal.getByTestId('login-username').fill(handler!.username);
    await portal.getByTestId('login-password').fill(handler!.password);
    await portal.getByTestId('login-submit').click();
    await portal.getByTestId('portal-table').waitFor({ timeout: 10_000 });
    await portal.getByTestId(`portal-row-${code}`).waitFor({ timeout: 10_000 });
    await portal.screenshot({ path: path.join(SHOTS, '06-portal.png'), fullPage: true });

    await t.assertNothingLeftInAsterisk();
    console.info(
      JSON.stringify({
        orderCode: code,
        screenPopRows: popRows,
        greetingAtCitizen: { rms: round(greeting.rxRms) },
        agentHeard: { rms: round(agentHeard.rxRms), packets: agentHeard.rxPackets },
        citizenHeard: { rms: round(citizenHeard.rxRms), packets: citizenHeard.rxPackets },
        secondPage: { endReason: busy.endReason, status: busy.statusCode },
      }),
    );
  });
});

const round = (x: number) => Math.round(x * 10_000) / 10_000;

/** The WAV at `rate` (linear interpolation), followed by a second of silence so the sentence repeats like speech. */
function upsampled(wav: Buffer, rate: number): Buffer {
  const { samples, sampleRate } = readWav(wav);
  const ratio = rate / sampleRate;
  const out = new Int16Array(Math.round(samples.length * ratio) + rate);
  for (let i = 0; i < out.length - rate; i++) {
    const x = i / ratio;
    const j = Math.floor(x);
    const a = samples[j] ?? 0;
    const b = samples[j + 1] ?? a;
    out[i] = Math.round(a + (b - a) * (x - j));
  }
  return wavBuffer(out, rate);
}
