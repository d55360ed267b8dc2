// The supervisors' wallboard in Chromium (zh-CN): a citizen calls while the only agent is not available — the
// board shows the waiting call and a long-wait alert; the agent becomes available — the board shows them ringing;
// they answer — the board shows them on the call with the citizen's number. At each step the board's figures are
// those of the ACD's API (GET /api/acd/figures).
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { SupervisionView } from '../../contracts/transfer.js';
import { logInAgent } from '../../testkit/agent-seat.js';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { startCaller } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const SHOTS = path.join(ARTIFACTS, 'wallboard');
type Figures = { total: { waiting: number; answered: number; abandoned: number; longestWaitMs: number } };

describe('wallboard', () => {
  let t: TestHotline;
  let media: TestMedia;
  let browser: Browser;
  let agentPage: Page;
  let board: Page;
  let supervisor: ApiUser;

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('wallboard', { ACD_WRAP_UP_SECONDS: '0' });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
    agentPage = await newAgentPage(browser, t.url, { label: 'agent 1001' });
    board = await newAgentPage(browser, t.url, { label: 'wallboard' });
    supervisor = await apiLogin(
      t.url,
      t.credentials.find((c) => c.username === 'supervisor')!,
    );
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** What the board shows in its totals row equals the ACD's figures (waiting, answered, abandoned). */
  async function boardMatchesApi(what: string, expected: Partial<Figures['total']>) {
    return waitUntil(
      async () => {
        const api = (await supervisor.call<Figures>('GET', '/api/acd/figures')).body.total;
        const row = board.getByTestId('wb-total');
        const shown = {
          waiting: Number(await row.getAttribute('data-waiting')),
          answered: Number(await row.getAttribute('data-answered')),
          abandoned: Number(await row.getAttribute('data-abandoned')),
        };
        const same = shown.waiting === api.waiting && shown.answered === api.answered && shown.abandoned === api.abandoned;
        const asExpected = Object.entries(expected).every(([k, v]) => shown[k as keyof typeof shown] === v);
        return same && asExpected ? { shown, api } : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, what },
    );
  }

  it('given a supervisor on the wallboard, when a call waits, rings and is answered, then the board follows with the ACD figures', async () => {
    const sup = t.credentials.find((c) => c.username === 'supervisor')!;
    await board.goto(`${t.url}/wallboard`);
    await board.getByTestId('login-username').fill(sup.username);
    await board.getByTestId('login-password').fill(sup.password);
    await board.getByTestId('login-submit').click();
    await board.getByTestId('wallboard').waitFor({ timeout: 15_000 });
    expect(await board.getByText('实时监控大屏').count()).toBeGreaterThan(0);
    // agents may not read the board's data
    const asAgent = await apiLogin(t.url, t.agent('1001'));
    expect((await asAgent.call('GET', '/api/wallboard/agents')).status).toBe(403);

    // the agent is signed in but not available yet: the call waits
    await logInAgent(agentPage, t.url, t.agent('1001'));
    await board.locator('[data-testid="wb-agent-1001"][data-state="offline"]').waitFor({ timeout: 10_000 });
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13800138050',
      localPort: 15220,
      mediaPort: 18400,
      pcap: media.callerPcap,
      maxCallMs: 90_000,
      name: 'wallboard-caller',
    });
    const waiting = await boardMatchesApi('the waiting call on the board', { waiting: 1, answered: 0 });
    await board.getByTestId('wb-alert').filter({ hasText: '已等待' }).first().waitFor({ timeout: 30_000 });
    await board.screenshot({ path: path.join(SHOTS, '01-waiting.png'), fullPage: true });

    // the agent becomes available: the call rings at their seat, the board shows 振铃
    // (the call is offered at once: the seat passes through 空闲 too quickly to wait for it)
    await agentPage.getByTestId('btn-available').click();
    await agentPage.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
    await board.locator('[data-testid="wb-agent-1001"][data-state="reserved"]').waitFor({ timeout: 10_000 });
    expect(await board.getByTestId('wb-agent-1001').getByTestId('wb-agent-state').innerText()).toBe('振铃');
    await board.screenshot({ path: path.join(SHOTS, '02-ringing.png'), fullPage: true });

    // answered: 通话中 with the citizen's number, the figures count it
    await agentPage.getByTestId('btn-answer').click();
    await board.locator('[data-testid="wb-agent-1001"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    expect(await board.getByTestId('wb-agent-1001').getByTestId('wb-agent-call').innerText()).toContain('13800138050');
    const answered = await boardMatchesApi('the answered call on the board', { waiting: 0, answered: 1 });
    await board.screenshot({ path: path.join(SHOTS, '03-answered.png'), fullPage: true });
    console.info(JSON.stringify({ wallboard: { waiting, answered } }));

    // supervision from the board: the supervisor's browser softphone (extension 1900) registered with the login
    // password; 监听 rings it, it answers by itself, the session is active; 密语 switches; 结束监控 ends it
    await board.locator('[data-testid="wb-sup-softphone"][data-registration="registered"]').waitFor({ timeout: 15_000 });
    expect(await board.getByTestId('wb-agent-1900').count(), 'the supervisor is not a seat of the ACD').toBe(0);
    await board.getByTestId('wb-agent-1001').getByTestId('wb-sup-listen').click();
    await board.locator('[data-testid="wb-sup-session"][data-phase="active"]').waitFor({ timeout: 20_000 });
    const running = await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision');
    expect(running.body.sessions).toMatchObject([{ agentId: 'u-1001', supervisorId: 'u-supervisor', mode: 'listen', phase: 'active' }]);
    await board.getByTestId('wb-sup-session').getByText('密语').click();
    await board.locator('[data-testid="wb-sup-session"][data-mode="whisper"]').waitFor({ timeout: 10_000 });
    await board.screenshot({ path: path.join(SHOTS, '04-supervising.png'), fullPage: true });
    await board.getByTestId('wb-sup-stop').click();
    await board.getByTestId('wb-sup-session').waitFor({ state: 'detached', timeout: 10_000 });
    expect((await supervisor.call<{ sessions: SupervisionView[] }>('GET', '/api/supervision')).body.sessions).toEqual([]);

    await agentPage.getByTestId('btn-hangup').click();
    await caller.done;
    await board.locator('[data-testid="wb-agent-1001"][data-state="available"]').waitFor({ timeout: 10_000 });
    await t.assertNothingLeftInAsterisk();
  });
});
