// INVITE-to-browser-ringing latency over N real calls (default 20): SIPp caller → Asterisk → IVR greeting →
// queue → the agent's softphone in headless Chromium shows the incoming call. Prints p50/p95 of the whole path
// and of its parts (greeting played by the IVR; queue → ringing, the part the hotline's own code decides).
// Run: npm run bench:ring [-- CALLS]
import path from 'node:path';
import { goAvailable, logInAgent } from '../testkit/agent-seat.js';
import { launchChromium, newAgentPage } from '../testkit/browser.js';
import { ARTIFACTS } from '../testkit/global-setup.js';
import setup from '../testkit/global-setup.js';
import { startTestHotline } from '../testkit/hotline-harness.js';
import { ensureTestMedia } from '../testkit/media.js';
import { startCaller } from '../testkit/sipp.js';

const CALLS = Number(process.argv[2] ?? 20);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

await setup();
const media = await ensureTestMedia(path.join(ARTIFACTS, 'media'));
const t = await startTestHotline('bench-ring', { ACD_WRAP_UP_SECONDS: '0', LOG_LEVEL: 'info' });
const browser = await launchChromium({ fakeMicWav: media.agentToneWav });
try {
  const page = await newAgentPage(browser, t.url, { label: 'agent 1001' });
  await logInAgent(page, t.url, t.agent('1001'));
  await goAvailable(page);
  const total: number[] = [];
  const greeting: number[] = [];
  const queueToRing: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const invite = Date.now();
    const caller = startCaller({
      sipTarget: t.trunk,
      dialed: '12345',
      callerNumber: `1380013${String(8000 + i)}`,
      localPort: 15082,
      mediaPort: 16700,
      pcap: null,
      maxCallMs: 30_000,
      name: 'bench-ring',
    });
    await page.getByTestId('incoming-call').waitFor({ timeout: 30_000 });
    const ringing = Date.now();
    await page.getByTestId('btn-answer').click();
    await page.locator('[data-testid="agent-state"][data-state="on_call"]').waitFor({ timeout: 10_000 });
    await page.getByTestId('btn-hangup').click();
    await caller.done;
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor({ timeout: 10_000 });
    const [rec] = await t.hotline.records.listCalls({ limit: 1 });
    const queuedAt = rec!.queuedAt!.getTime();
    total.push(ringing - invite);
    greeting.push(queuedAt - rec!.arrivedAt.getTime());
    queueToRing.push(ringing - queuedAt);
  }
  const row = (name: string, xs: number[]) => `${name.padEnd(28)} p50 ${String(pct(xs, 50)).padStart(6)} ms   p95 ${String(pct(xs, 95)).padStart(6)} ms`;
  console.log(`ring latency over ${CALLS} calls`);
  console.log(row('INVITE → browser ringing', total));
  console.log(row('  of which greeting (IVR)', greeting));
  console.log(row('  of which queue → ringing', queueToRing));
} finally {
  await browser.close();
  await t.stop();
}
