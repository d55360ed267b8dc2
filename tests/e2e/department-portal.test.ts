// A citizen's complaint about renovation in 南山区 (装修噪音, or 装修垃圾 when the seeded handlers cover that item's
// department instead) is received by agent 1001 through the work-order API and auto-dispatched by the catalog. In Chromium the department's handler finds it in the department portal, signs for
// it, starts, sees a server field message in place (an extension date that is too early), hits a version conflict
// (a colleague changed the order meanwhile), refreshes and replies. The dispatcher accepts the reply on the dispatch
// desk; the order is then 待回访 (callback_pending) in the API and on the citizens' public progress page. The hotline
// then calls the citizen back (SIPp on the carrier side, answering after a ring), who rates by keypad; the rating
// is recorded on the order, which closes as the citizen is satisfied.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { LoginResponse } from '../../contracts/api.js';
import type {
  CatalogSuggestResponse,
  CreateWorkOrderRequest,
  CreateWorkOrderResponse,
  DepartmentsResponse,
  WorkOrderActionResponse,
  WorkOrderDetailResponse,
} from '../../contracts/work-orders.js';
import type { IssuedCredential } from '../../platform/auth/demo-users.js';
import { launchChromium, newAgentPage } from '../../testkit/browser.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia } from '../../testkit/media.js';
import { startUas } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

/** Seeded accounts: handlers carry the department they work for. */
type Credential = IssuedCredential & { departmentCode?: string | null };

const SHOTS = path.join(ARTIFACTS, 'department-portal');
const CITIZEN_PHONE = '13912345678';
/** Complaints in 南山区; the first whose auto-dispatch target has a seeded handler is used. */
const COMPLAINTS = [
  {
    summary: '南山区南头街道住户装修噪音扰民，要求规范装修时间',
    content: '市民反映楼上住户装修噪音严重，每天早上七点就开始电钻作业，周末也不停，老人孩子无法休息，请相关部门督促规范装修时间。',
    address: '南山区南头街道南联社区向南四区3栋',
  },
  {
    summary: '南山区南头街道路边绿化带被倾倒装修垃圾，长期无人清理',
    content: '市民反映南头街道南联社区路边绿化带内被倾倒大量装修垃圾，已堆放一周无人清理，影响环境卫生，请相关部门处理。',
    address: '南山区南头街道南联社区向南路绿化带',
  },
] as const;
const REPLY = '经南头街道执法队上门核查，已责令相关责任人限期整改，现场已恢复正常，我单位将持续跟进。';

interface Answer<T> {
  status: number;
  body: T;
}

describe('department portal: auto-dispatched order → handler replies → dispatcher accepts', () => {
  let t: TestHotline;
  let browser: Browser;
  const pageErrors: string[] = [];

  async function api<T>(method: 'GET' | 'POST', urlPath: string, token: string | null, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(t.url + urlPath, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: (await res.json().catch(() => null)) as T };
  }

  async function apiLogin(c: Credential): Promise<string> {
    const r = await api<LoginResponse>('POST', '/api/auth/login', null, { username: c.username, password: c.password });
    expect(r.status, `login of ${c.username}`).toBe(200);
    return r.body.token;
  }

  async function openPage(label: string): Promise<Page> {
    const page = await newAgentPage(browser, t.url, { label });
    page.on('pageerror', (e) => pageErrors.push(`${label}: ${e.message}`));
    return page;
  }

  async function logInUi(page: Page, c: Credential): Promise<void> {
    await page.goto(t.url + '/');
    await page.getByTestId('login-username').fill(c.username);
    await page.getByTestId('login-password').fill(c.password);
    await page.getByTestId('login-submit').click();
  }

  const stateIs = (page: Page, state: string) => page.locator(`[data-testid="order-state"][data-state="${state}"]`).waitFor({ timeout: 10_000 });

  /** Clicks an action button, fills its form and submits it. */
  async function act(page: Page, type: string, fill?: Record<string, string>): Promise<void> {
    await page.getByTestId(`action-${type}`).click();
    await page.getByTestId(`action-form-${type}`).waitFor();
    for (const [testId, value] of Object.entries(fill ?? {})) await page.getByTestId(testId).fill(value);
    await page.getByTestId('action-submit').click();
  }

  beforeAll(async () => {
    const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('department-portal', { ACD_WRAP_UP_SECONDS: '0', SIP_TRUNK_CARRIER: '127.0.0.1:15064' });
    fs.mkdirSync(SHOTS, { recursive: true });
    browser = await launchChromium({ fakeMicWav: media.agentToneWav });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('given an auto-dispatched complaint, when the handler signs, starts and replies and the dispatcher accepts, then the citizen is called back, rates by keypad and the order closes', async () => {
    const credentials = t.credentials as Credential[];
    const agentToken = await apiLogin(t.agent('1001'));

    // The work-order API must be part of the running hotline.
    const departments = await api<DepartmentsResponse>('GET', '/api/departments', agentToken);
    expect(departments.status, `GET /api/departments answered ${departments.status}: the work-order API is not wired into the hotline`).toBe(200);

    // ---- 受理: agent 1001 records a complaint whose department has a seeded handler; the catalog dispatches it ----
    const handlers = credentials.filter((c) => c.role === 'handler');
    let chosen: { complaint: (typeof COMPLAINTS)[number]; suggestion: CatalogSuggestResponse } | null = null;
    for (const complaint of COMPLAINTS) {
      const query = new URLSearchParams({ text: `${complaint.summary}。${complaint.content}`, address: complaint.address });
      const suggest = await api<CatalogSuggestResponse>('GET', `/api/catalog/suggest?${query}`, agentToken);
      expect(suggest.status, JSON.stringify(suggest.body)).toBe(200);
      const target = suggest.body.dispatch;
      if (target?.kind === 'auto' && handlers.some((h) => h.departmentCode === target.departmentCode)) {
        chosen = { complaint, suggestion: suggest.body };
        break;
      }
    }
    expect(
      chosen,
      `a complaint auto-dispatched to a department with a seeded handler (handlers: ${handlers.map((h) => `${h.username}→${h.departmentCode}`).join(', ')})`,
    ).not.toBeNull();
    const { complaint, suggestion } = chosen!;
    const item = suggestion.items[0]!;
    const request: CreateWorkOrderRequest = {
      channel: 'phone',
      citizen: { phone: CITIZEN_PHONE, name: '李女士' },
      type: 'complaint',
      catalogItemCode: item.itemCode,
      place: { district: suggestion.district?.name ?? '南山区', street: '南头街道', address: complaint.address },
      content: complaint.content,
      summary: complaint.summary,
      urgency: 'normal',
      timeLimitClass: item.timeLimit,
    };
    const created = await api<CreateWorkOrderResponse>('POST', '/api/work-orders', agentToken, request);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const { order } = created.body;
    const code = order.code;
    expect(created.body.dispatch, JSON.stringify(created.body.dispatch)).toMatchObject({ kind: 'auto', departmentCode: order.departmentId });
    expect(order.state).toBe('dispatched');
    const departmentCode = order.departmentId!;

    const handler = handlers.find((c) => c.departmentCode === departmentCode);
    const dispatcher = credentials.find((c) => c.role === 'dispatcher');
    expect(handler, `a seeded handler of ${departmentCode}`).toBeDefined();
    expect(dispatcher, 'a seeded dispatcher account').toBeDefined();

    // ---- 部门办理: the handler finds the order in the portal ------------------------------------------------------
    const portal = await openPage('handler');
    await logInUi(portal, handler!);
    await portal.getByTestId('portal-table').waitFor({ timeout: 10_000 });
    // a handler has no SIP account: no softphone on this page, nothing registers
    expect(await portal.getByTestId('sip-status').count()).toBe(0);
    const row = portal.getByTestId(`portal-row-${code}`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.getAttribute('data-state')).toBe('dispatched');
    expect(await row.textContent()).toContain(complaint.summary);
    await portal.screenshot({ path: path.join(SHOTS, 'portal.png'), fullPage: true });

    await portal.getByTestId(`open-${code}`).click();
    const detail = portal.getByTestId('order-detail');
    await stateIs(portal, 'dispatched');
    expect(await detail.getByTestId('citizen-phone').textContent()).toBe(order.citizen.phone);
    await detail.getByTestId('event-dispatch').waitFor();
    expect(await portal.getByTestId('action-sign').isVisible()).toBe(true);
    expect(await portal.getByTestId('action-return').isVisible()).toBe(true);
    expect(await portal.getByTestId('action-reply').count()).toBe(0); // not before signing and starting

    await act(portal, 'sign');
    await stateIs(portal, 'signed');
    await act(portal, 'start');
    await stateIs(portal, 'in_progress');

    // an extension date before the current due time: the server's Chinese message appears under the date input
    const tomorrow = chinaDate(Date.now() + 24 * 3600_000);
    await act(portal, 'request_extension', { 'due-date': tomorrow, 'reason-text': '需协调物业及执法队联合处理' });
    const dateError = portal.getByTestId('action-form-request_extension').locator('.ant-form-item-explain-error');
    await dateError.first().waitFor({ timeout: 10_000 });
    expect(await dateError.first().textContent()).toContain('申请的新办结日期');
    await portal.getByTestId('action-cancel').click();

    // a colleague of the same department asks for an extension meanwhile: the page's version is now stale
    const handlerToken = await apiLogin(handler!);
    const current = await api<WorkOrderDetailResponse>('GET', `/api/work-orders/${code}`, handlerToken);
    expect(current.status).toBe(200);
    const extension = await api<WorkOrderActionResponse>('POST', `/api/work-orders/${code}/actions`, handlerToken, {
      type: 'request_extension',
      version: current.body.order.version,
      reason: '需协调物业及执法队联合处理',
      requestedDueDate: chinaDate(current.body.order.resolveDeadline.dueAt + 30 * 24 * 3600_000),
    });
    expect(extension.status, JSON.stringify(extension.body)).toBe(200);

    await act(portal, 'reply', { 'reply-text': REPLY });
    const conflict = portal.getByTestId('action-conflict');
    await conflict.waitFor({ timeout: 10_000 });
    expect(await conflict.textContent()).toContain('工单已被他人修改，请刷新后重试');
    await portal.getByTestId('action-refresh').click();
    await conflict.waitFor({ state: 'detached', timeout: 10_000 });
    await detail.getByTestId('event-request_extension').waitFor();
    expect(await portal.getByTestId('reply-text').inputValue()).toBe(REPLY); // the typed reply survived the refresh
    await portal.getByTestId('action-submit').click();
    await stateIs(portal, 'replied');
    for (const action of ['receive', 'dispatch', 'sign', 'start', 'request_extension', 'reply']) {
      expect(await detail.getByTestId(`event-${action}`).count(), `timeline shows ${action}`).toBeGreaterThan(0);
    }
    await portal.screenshot({ path: path.join(SHOTS, 'portal-replied.png'), fullPage: true });

    // ---- 派单台: the dispatcher reviews the reply and accepts it ---------------------------------------------------
    const desk = await openPage('dispatcher');
    await logInUi(desk, dispatcher!);
    await desk.getByTestId('dispatch-desk').waitFor({ timeout: 10_000 });
    expect(await desk.getByTestId('sip-status').count()).toBe(0);
    await desk.getByTestId('desk-tab-review').click();
    const reviewRow = desk.getByTestId(`desk-row-${code}`);
    await reviewRow.waitFor({ timeout: 10_000 });
    expect(await reviewRow.getAttribute('data-state')).toBe('replied');
    await desk.screenshot({ path: path.join(SHOTS, 'desk.png'), fullPage: true });

    await desk.getByTestId(`open-${code}`).click();
    await stateIs(desk, 'replied');
    expect(await desk.getByTestId('order-replies').textContent()).toContain(REPLY);
    await desk.getByTestId('action-reject_reply').waitFor();
    // the citizen's phone rings for a while (time enough to see 待回访 below), answers and rates: 5 5 4 5, satisfied
    const citizenPhone = startUas({
      localPort: 15064,
      mediaPort: 16900,
      pcap: null,
      maxCallMs: 60_000,
      calls: 1,
      name: 'portal-citizen',
      answerDelayMs: 8_000,
      dtmf: { digits: '55451', afterMs: 1_000 },
    });
    await act(desk, 'accept_reply');
    await stateIs(desk, 'callback_pending');
    await desk.screenshot({ path: path.join(SHOTS, 'desk-accepted.png'), fullPage: true });
    // the order left the review queue
    await reviewRow.waitFor({ state: 'detached', timeout: 10_000 });

    // ---- the API agrees --------------------------------------------------------------------------------------------
    const dispatcherToken = await apiLogin(dispatcher!);
    const final = await waitUntil(
      async () => {
        const r = await api<WorkOrderDetailResponse>('GET', `/api/work-orders/${code}`, dispatcherToken);
        return r.status === 200 && r.body.order.state === 'callback_pending' ? r.body : null;
      },
      { timeoutMs: 5_000, what: `order ${code} to be callback_pending` },
    );
    expect(final.order.departmentId).toBe(departmentCode);
    expect(final.order.replies.at(-1)?.content).toBe(REPLY);
    expect(final.events.map((e) => e.action)).toEqual(['receive', 'dispatch', 'sign', 'start', 'request_extension', 'reply', 'accept_reply']);
    const byAction = new Map(final.events.map((e) => [e.action, e.actor]));
    expect(byAction.get('sign')?.role).toBe('handler');
    expect(byAction.get('reply')?.role).toBe('handler');
    expect(byAction.get('accept_reply')?.role).toBe('dispatcher');

    // ---- 进度查询: the citizen sees it too, without logging in -----------------------------------------------------
    const citizen = await openPage('citizen');
    await citizen.goto(t.url + '/progress');
    await citizen.getByTestId('progress-code').fill(code);
    await citizen.getByTestId('progress-phone').fill(CITIZEN_PHONE);
    await citizen.getByTestId('progress-submit').click();
    const progress = citizen.getByTestId('progress-result');
    await progress.waitFor({ timeout: 10_000 });
    expect(await progress.getAttribute('data-state-label')).toBe('待回访');
    expect(await progress.textContent()).toContain(code);

    // ---- 回访: the hotline calls the citizen, the keypad rating lands on the order ---------------------------------
    const rated = await waitUntil(
      async () => {
        const r = await api<WorkOrderDetailResponse>('GET', `/api/work-orders/${code}`, dispatcherToken);
        return r.body.order.state === 'closed' ? r.body : null;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `order ${code} to be rated by the callback and closed` },
    );
    expect(rated.order.ratings.at(-1)).toMatchObject({ speed: 5, result: 5, attitude: 4, replyQuality: 5, satisfied: true });
    expect(rated.events.map((e) => e.action).slice(-2)).toEqual(['rate', 'close']);
    expect(rated.events.at(-2)?.actor.role).toBe('system');
    const callback = await citizenPhone.done;
    expect(callback.answered).toBe(true);
    await citizen.getByTestId('progress-submit').click();
    await waitUntil(async () => ((await progress.getAttribute('data-state-label')) === '已办结' ? true : null), {
      timeoutMs: 5_000,
      what: 'the progress page to show 已办结',
    });
    await t.assertNothingLeftInAsterisk();

    expect(pageErrors).toEqual([]);
  });
});

/** YYYY-MM-DD in China time (the server's local dates). */
function chinaDate(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);
}
