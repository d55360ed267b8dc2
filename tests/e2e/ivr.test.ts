// The Mandarin IVR with real RFC 4733 keypad input from SIPp callers: press 1 at any time for the self-service
// progress query — a real order's status and expected date are read out (text-to-speech), an unknown code is
// said to be unknown — and invalid or missing input is re-prompted twice, then the caller goes to an agent.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATE_LABELS_ZH } from '../../contracts/work-order-states.js';
import { localDateKey } from '../../crm/work-orders/working-calendar.js';
import { formatDateZh, STATUS_TEXT, type IvrOutcome } from '../../ivr/flow/index.js';
import { apiLogin } from '../../testkit/api-client.js';
import { ARTIFACTS } from '../../testkit/global-setup.js';
import { startTestHotline, type TestHotline } from '../../testkit/hotline-harness.js';
import { ensureTestMedia, type TestMedia } from '../../testkit/media.js';
import { startRtpCapture } from '../../testkit/rtp-capture.js';
import { startCaller } from '../../testkit/sipp.js';
import { waitUntil } from '../../testkit/wait.js';

type Order = { code: string; state: keyof typeof STATE_LABELS_ZH; resolveDeadline: { dueAt: number } };

describe('IVR keypad branches', () => {
  let t: TestHotline;
  let media: TestMedia;
  const outcomes: { callId: string; outcome: IvrOutcome }[] = [];

  beforeAll(async () => {
    media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
    t = await startTestHotline('ivr');
    t.hotline.ivr.onOutcome((callId, outcome) => outcomes.push({ callId, outcome }));
  });

  afterAll(async () => {
    await t?.stop();
  });

  /** Outcomes of the one call in flight (each test places one call at a time). */
  const outcomesSince = (n: number) => outcomes.slice(n).map((o) => o.outcome);
  const digitsOf = (code: string) => code.replace(/\D/g, '');

  it('given a real order, when the caller presses 1 during the greeting and types its code, then its status and date are read out and the caller is queued', async () => {
    const agent = await apiLogin(t.url, t.agent('1001'));
    const created = await agent.call<{ order: Order }>('POST', '/api/work-orders', {
      channel: 'phone',
      citizen: { phone: '13912340000' },
      type: 'help',
      catalogItemCode: 'C03.001',
      place: { district: '南山区', address: '科技园南区1栋' },
      content: '想咨询如何提取住房公积金用于支付房租。',
      summary: '咨询公积金提取',
      timeLimitClass: 'general',
    });
    expect(created.status).toBe(201);
    const order = created.body.order;
    const before = outcomes.length;
    const capture = await startRtpCapture({ mediaPort: 17000, file: path.join(ARTIFACTS, 'ivr', 'query.pcap') });
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13912340000',
      localPort: 15084,
      mediaPort: 17000,
      pcap: media.callerPcap,
      maxCallMs: 45_000,
      hangupAfterMs: 40_000,
      name: 'ivr-query',
      dtmf: [
        { digits: '1', afterMs: 1_500 },
        { digits: `${digitsOf(order.code)}#`, afterMs: 3_000, gapMs: 150 },
      ],
    });
    const queued = await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'queued') ?? null, {
      timeoutMs: 45_000,
      intervalMs: 250,
      what: 'the caller to reach the queue after the query',
    });
    expect(queued).toMatchObject({ kind: 'queued', queue: 'general' });
    expect(outcomesSince(before)).toContainEqual({ kind: 'order_query', orderCode: order.code, result: 'found' });

    // the readout: the text the IVR synthesised, computed independently from the order
    const expectedText = STATUS_TEXT.replace('{orderState}', STATE_LABELS_ZH[order.state]).replace(
      '{expectedDate}',
      formatDateZh(localDateKey(order.resolveDeadline.dueAt - 1), { today: localDateKey(Date.now()) }),
    );
    const ttsFile = path.join(
      t.hotline.asterisk!.hostInstanceDir,
      'sounds',
      'tts',
      crypto.createHash('sha256').update(expectedText).digest('hex').slice(0, 24) + '.wav',
    );
    expect(fs.existsSync(ttsFile), `${expectedText} synthesised`).toBe(true);
    expect(fs.statSync(ttsFile).size).toBeGreaterThan(8000 * 2 * 3); // several seconds of 8 kHz speech

    caller.kill('SIGTERM');
    await caller.done;
    const heard = await capture.stop();
    expect(heard.seconds).toBeGreaterThan(15); // greeting, code prompt, readout, then music
    expect(heard.rms).toBeGreaterThan(0.01);
  });

  it('given an unknown code, when the caller types it, then the IVR says it is unknown and queues the caller', async () => {
    const before = outcomes.length;
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13912340001',
      localPort: 15086,
      mediaPort: 17100,
      pcap: media.callerPcap,
      maxCallMs: 60_000,
      hangupAfterMs: 55_000,
      name: 'ivr-unknown',
      dtmf: [
        { digits: '1', afterMs: 1_500 },
        { digits: '20261124999999#', afterMs: 3_000, gapMs: 150 },
      ],
    });
    await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'order_query') ?? null, {
      timeoutMs: 40_000,
      what: 'the order query outcome',
    });
    expect(outcomesSince(before)).toContainEqual({ kind: 'order_query', orderCode: 'GD20261124-999999', result: 'not_found' });
    caller.kill('SIGTERM');
    await caller.done;
  });

  it('given invalid codes three times, when the caller keeps typing wrong input, then they are re-prompted twice and then queued for an agent', async () => {
    const before = outcomes.length;
    // "12#" is too short for an order code; each attempt is typed after the (re-)prompt has started
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13912340002',
      localPort: 15088,
      mediaPort: 17200,
      pcap: media.callerPcap,
      maxCallMs: 90_000,
      hangupAfterMs: 85_000,
      name: 'ivr-invalid',
      dtmf: [
        { digits: '1', afterMs: 1_500 },
        { digits: '12#', afterMs: 2_000 },
        { digits: '34#', afterMs: 9_000 },
        { digits: '56#', afterMs: 9_000 },
      ],
    });
    const failed = await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'no_valid_input') ?? null, {
      timeoutMs: 80_000,
      intervalMs: 250,
      what: 'the IVR to give up on invalid input',
    });
    expect(failed).toMatchObject({ kind: 'no_valid_input', step: 'query-code' });
    await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'queued') ?? null, { timeoutMs: 20_000, what: 'the caller queued' });
    caller.kill('SIGTERM');
    await caller.done;
  });

  it('given no input after pressing 1, when the caller stays silent, then after two re-prompts they are queued for an agent', async () => {
    const before = outcomes.length;
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: '13912340003',
      localPort: 15090,
      mediaPort: 17300,
      pcap: media.callerPcap,
      maxCallMs: 120_000,
      hangupAfterMs: 115_000,
      name: 'ivr-silent',
      dtmf: [{ digits: '1', afterMs: 1_500 }],
    });
    const failed = await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'no_valid_input') ?? null, {
      timeoutMs: 100_000,
      intervalMs: 500,
      what: 'the IVR to give up waiting for input',
    });
    expect(failed).toMatchObject({ kind: 'no_valid_input', step: 'query-code' });
    await waitUntil(() => outcomesSince(before).find((o) => o.kind === 'queued') ?? null, { timeoutMs: 20_000, what: 'the caller queued' });
    caller.kill('SIGTERM');
    await caller.done;
  });
});
