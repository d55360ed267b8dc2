// 回访: once the hotline accepts a department's reply, it calls the citizen back over the carrier trunk; the
// citizen (SIPp answering on the carrier side) rates the handling with RFC 4733 digits; the rating lands on the
// work order and a satisfied order is closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiLogin, type ApiUser } from '../../testkit/api-client.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { startUas } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

const CARRIER = '127.0.0.1:15062';
type Order = {
  code: string;
  version: number;
  state: string;
  ratings: { speed: number; result: number; attitude: number; replyQuality: number; satisfied: boolean }[];
};

describe('回访 survey call', () => {
  let t: TestHotline;
  let agent: ApiUser;
  let handler: ApiUser;
  let dispatcher: ApiUser;

  beforeAll(async () => {
    t = await startTestHotline('callback-survey', { SIP_TRUNK_CARRIER: CARRIER });
    const cred = (username: string) => {
      const c = t.credentials.find((x) => x.username === username);
      if (!c) throw new Error(`no account ${username}`);
      return c;
    };
    agent = await apiLogin(t.url, cred('1001'));
    handler = await apiLogin(t.url, cred('handler-city-hpf'));
    dispatcher = await apiLogin(t.url, cred('dispatcher'));
  });

  afterAll(async () => {
    await t?.stop();
  });

  const act = async (user: ApiUser, order: Order, action: Record<string, unknown>) => {
    const res = await user.call<{ order: Order }>('POST', `/api/work-orders/${order.code}/actions`, { ...action, version: order.version });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.order;
  };

  it('given a replied order, when the dispatcher accepts the reply, then the citizen is called, rates by keypad and the order closes', async () => {
    const created = await agent.call<{ order: Order; dispatch: { kind: string } }>('POST', '/api/work-orders', {
      channel: 'phone',
      citizen: { phone: '13912345678', name: '周女士' },
      type: 'help',
      catalogItemCode: 'C03.001',
      place: { district: '南山区', street: '粤海街道', address: '科技园南区1栋' },
      content: '想咨询如何提取住房公积金用于支付房租，需要准备哪些材料。',
      summary: '咨询公积金提取用于租房',
      timeLimitClass: 'general',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.dispatch.kind).toBe('auto');
    let order = created.body.order;
    order = await act(handler, order, { type: 'sign' });
    order = await act(handler, order, { type: 'start' });
    order = await act(handler, order, { type: 'reply', content: '已电话告知提取租房公积金所需材料及办理渠道。' });

    // the citizen's phone on the carrier side: answers and types the five answers during the introduction
    const citizen = startUas({
      localPort: 15062,
      mediaPort: 16800,
      pcap: null,
      maxCallMs: 60_000,
      calls: 1,
      name: 'survey-citizen',
      dtmf: { digits: '54351', afterMs: 1_500 },
    });
    order = await act(dispatcher, order, { type: 'accept_reply' });
    expect(order.state).toBe('callback_pending');

    const closed = await waitUntil(
      async () => {
        const r = await dispatcher.call<{ order: Order }>('GET', `/api/work-orders/${order.code}`);
        return r.body.order.state === 'closed' ? r.body.order : null;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the order to be rated and closed after the survey call' },
    );
    expect(closed.ratings.at(-1)).toMatchObject({ speed: 5, result: 4, attitude: 3, replyQuality: 5, satisfied: true });

    const call = await citizen.done;
    expect(call.answered).toBe(true);
    expect(call.hangupBy).toBe('remote'); // the hotline thanks the citizen and hangs up
    expect(call.messagesLog).toMatch(/From: .*sip:12345@/); // the citizen sees the service number calling
    await t.assertNothingLeftInAsterisk();
  });
});
