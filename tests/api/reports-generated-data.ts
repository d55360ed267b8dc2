// A generated month of calls and work orders (with their event histories) from a fixed seed, for the report tests:
// the edges of the local days and periods are populated on purpose.
import { mulberry32 } from '../../testkit/random.js';

export const local = (s: string) => Date.parse(`${s.replace(' ', 'T')}+08:00`);
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
export const SIGN_LIMIT = DAY;
/** "now" for the API: the generated data runs up to here, so the last day holds unsigned, not-yet-due dispatches. */
export const AS_OF = local('2026-12-03 18:00:00');

export interface GenCall {
  id: string;
  arrivedAt: number;
  queuedAt: number | null;
  answeredAt: number | null;
  endedAt: number;
  outcome: 'answered' | 'abandoned' | 'failed';
}

export interface GenEvent {
  version: number;
  action: string;
  from: string | null;
  to: string;
  at: number;
  details: Record<string, unknown>;
}

export interface GenOrder {
  id: string;
  code: string;
  type: string;
  item: string;
  district: string;
  street?: string;
  receivedAt: number;
  state: string;
  closedAt: number | null;
  reworkCount: number;
  events: GenEvent[];
}

const TYPES = ['consultation', 'help', 'complaint', 'report', 'suggestion'];
const ITEMS = ['C01.001', 'C01.010', 'C03.001', 'C07.002', 'C12.001'];
const DISTRICTS = ['南山区', '福田区', '罗湖区', '宝安区'];

export function generate(seed: number): { calls: GenCall[]; orders: GenOrder[] } {
  const rnd = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const calls: GenCall[] = [];
  const orders: GenOrder[] = [];
  // from two days before November to the day of AS_OF: the edges check the local-time period boundaries
  for (let day = local('2026-10-30 00:00:00'); day < local('2026-12-04 00:00:00'); day += DAY) {
    const nCalls = int(15, 35);
    for (let i = 0; i < nCalls; i++) {
      // a few calls in the first and last second of the local day
      const offset = i === 0 ? 0 : i === 1 ? DAY - SEC : int(0, DAY / SEC - 1) * SEC;
      const arrivedAt = day + offset;
      if (arrivedAt > AS_OF) continue;
      const id = `c${calls.length}`;
      const kind = rnd();
      if (kind < 0.1) {
        calls.push({ id, arrivedAt, queuedAt: null, answeredAt: null, endedAt: arrivedAt + int(10, 90) * SEC, outcome: 'abandoned' });
        continue;
      }
      const queuedAt = arrivedAt + int(5, 60) * SEC;
      if (kind < 0.78) {
        const answeredAt = queuedAt + int(1, 40) * SEC; // 15 s exactly now and then
        calls.push({ id, arrivedAt, queuedAt, answeredAt, endedAt: answeredAt + int(30, 900) * SEC + int(0, 999), outcome: 'answered' });
      } else if (kind < 0.96) {
        calls.push({ id, arrivedAt, queuedAt, answeredAt: null, endedAt: queuedAt + int(1, 120) * SEC, outcome: 'abandoned' });
      } else {
        calls.push({ id, arrivedAt, queuedAt, answeredAt: null, endedAt: queuedAt + int(1, 5) * SEC, outcome: 'failed' });
      }
    }
    const nOrders = int(8, 18);
    for (let i = 0; i < nOrders; i++) {
      const receivedAt = day + (i === 0 ? DAY - 30 * SEC : int(0, DAY / SEC - 1) * SEC);
      if (receivedAt > AS_OF) continue;
      orders.push(generateOrder(orders.length, receivedAt, { rnd, int, pick }));
    }
  }
  return { calls, orders };
}

function generateOrder(
  n: number,
  receivedAt: number,
  g: { rnd: () => number; int: (lo: number, hi: number) => number; pick: <T>(xs: readonly T[]) => T },
): GenOrder {
  const events: GenEvent[] = [];
  let state = 'received';
  let at = receivedAt;
  let closedAt: number | null = null;
  let reworkCount = 0;
  /** Records the step unless it would happen after AS_OF (then the story stops there). */
  const step = (action: string, to: string, after: number, details: Record<string, unknown> = {}): boolean => {
    const next = at + after;
    if (next > AS_OF) return false;
    at = next;
    events.push({ version: events.length + 1, action, from: events.length === 0 ? null : state, to, at, details });
    state = to;
    return true;
  };
  step('receive', 'received', 0);
  const story = (): void => {
    if (g.rnd() < 0.2) {
      if (step('answer_on_spot', 'closed', g.int(1, 20) * MIN)) closedAt = at;
      return;
    }
    if (!step('dispatch', 'dispatched', g.int(1, 120) * MIN)) return;
    if (g.rnd() < 0.15) {
      if (!step('return', 'returned', g.int(1, 30) * HOUR)) return;
      if (!step('dispatch', 'dispatched', g.int(10, 600) * MIN)) return;
    }
    if (g.rnd() < 0.05) return; // never signed
    if (g.rnd() < 0.3 && !step('remind', 'dispatched', g.int(1, 5) * HOUR)) return;
    if (!step('sign', 'signed', g.int(10, 40 * 60) * MIN)) return; // beyond the 24 h limit at times
    if (!step('start', 'in_progress', g.int(1, 60) * MIN)) return;
    for (;;) {
      if (!step('reply', 'replied', g.int(1, 120) * HOUR, { late: g.rnd() < 0.2 })) return;
      if (!step('accept_reply', 'callback_pending', g.int(1, 60) * MIN)) return;
      if (g.rnd() < 0.1) {
        if (step('close_unrated', 'closed', g.int(1, 48) * HOUR)) closedAt = at;
        return;
      }
      const satisfied = g.rnd() < 0.75;
      const rating = { speed: g.int(1, 5), result: g.int(1, 5), attitude: g.int(1, 5), replyQuality: g.int(1, 5), satisfied };
      if (!step('rate', 'rated', g.int(1, 24) * HOUR, { rating })) return;
      if (!satisfied && reworkCount < 2 && g.rnd() < 0.6) {
        if (!step('rework', 'in_progress', g.int(1, 60) * MIN)) return;
        reworkCount++;
        continue;
      }
      if (step('close', 'closed', g.int(1, 120) * MIN)) closedAt = at;
      return;
    }
  };
  story();
  return {
    id: `wo${n}`,
    code: `GD-T-${String(n).padStart(6, '0')}`,
    type: g.pick(TYPES),
    item: g.pick(ITEMS),
    district: g.pick(DISTRICTS),
    receivedAt,
    state,
    closedAt,
    reworkCount,
    events,
  };
}

export const data = generate(20261101);
// a 未诉先办 cluster: four orders on one item and street in the last hours before AS_OF, received and not yet moved
export const HOTSPOT_CODES = [1, 2, 3, 4].map((i) => `GD-HOT-${i}`);
for (const [i, code] of HOTSPOT_CODES.entries()) {
  const at = AS_OF - (i + 1) * HOUR;
  data.orders.push({
    id: `hot${i}`,
    code,
    type: 'complaint',
    item: 'C07.002',
    district: '南山区',
    street: '粤海街道',
    receivedAt: at,
    state: 'received',
    closedAt: null,
    reworkCount: 0,
    events: [{ version: 1, action: 'receive', from: null, to: 'received', at, details: {} }],
  });
}
