// Expectations, by the definitions in crm/reports/figures.ts, computed in plain TypeScript over the generated arrays.
import { AS_OF, DAY, SEC, SIGN_LIMIT, type GenCall, type GenOrder } from './reports-generated-data.js';

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const mean = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length);

export function expectedCalls(calls: GenCall[], from: number, to: number) {
  const inP = calls.filter((c) => c.arrivedAt >= from && c.arrivedAt < to);
  const offered = inP.filter((c) => c.queuedAt !== null);
  const answered = offered.filter((c) => c.answeredAt !== null);
  const within15 = answered.filter((c) => (c.answeredAt as number) - (c.queuedAt as number) <= 15 * SEC);
  const abandoned = offered.filter((c) => c.answeredAt === null && c.outcome === 'abandoned');
  return {
    arrived: inP.length,
    offered: offered.length,
    answered: answered.length,
    abandoned: abandoned.length,
    answeredWithin15s: within15.length,
    answerRate15s: ratio(within15.length, offered.length),
    connectionRate: ratio(answered.length, offered.length),
    abandonRate: ratio(abandoned.length, offered.length),
    asaSeconds: mean(answered.map((c) => ((c.answeredAt as number) - (c.queuedAt as number)) / SEC)),
    ahtSeconds: mean(answered.map((c) => (c.endedAt - (c.answeredAt as number)) / SEC)),
  };
}

export function expectedOrders(orders: GenOrder[], from: number, to: number) {
  const cohort = orders.filter((o) => o.receivedAt >= from && o.receivedAt < to);
  const has = (o: GenOrder, a: string) => o.events.some((e) => e.action === a);
  const dispatched = cohort.filter((o) => has(o, 'dispatch'));
  const firstOk = dispatched.filter((o) => !has(o, 'return'));
  let due = 0;
  let signedOnTime = 0;
  let respondedOnTime = 0;
  for (const o of cohort) {
    o.events.forEach((e, i) => {
      if (e.action !== 'dispatch') return;
      const r = o.events.slice(i + 1).find((x) => x.action === 'sign' || x.action === 'return');
      if (r || e.at + SIGN_LIMIT <= AS_OF) due++;
      if (r && r.at - e.at <= SIGN_LIMIT) {
        respondedOnTime++;
        if (r.action === 'sign') signedOnTime++;
      }
    });
  }
  const closed = cohort.filter((o) => o.closedAt !== null);
  const closedOnTime = closed.filter((o) => !o.events.some((e) => e.action === 'reply' && e.details.late === true));
  const within = (d: number) => closed.filter((o) => (o.closedAt as number) - o.receivedAt <= d).length;
  const lastRatings = cohort
    .map((o) => [...o.events].reverse().find((e) => e.action === 'rate')?.details.rating as { satisfied: boolean; result: number } | undefined)
    .filter((r) => r !== undefined);
  const satisfied = lastRatings.filter((r) => r.satisfied).length;
  const resolved = lastRatings.filter((r) => r.result >= 4).length;
  const count = (key: (o: GenOrder) => string) => {
    const m = new Map<string, number>();
    for (const o of cohort) m.set(key(o), (m.get(key(o)) ?? 0) + 1);
    return Object.fromEntries(m);
  };
  const reworks = cohort.reduce((s, o) => s + o.events.filter((e) => e.action === 'rework').length, 0);
  return {
    figures: {
      received: cohort.length,
      answeredOnSpot: cohort.filter((o) => has(o, 'answer_on_spot')).length,
      dispatchedOrders: dispatched.length,
      firstDispatchSuccess: firstOk.length,
      firstDispatchSuccessRate: ratio(firstOk.length, dispatched.length),
      dispatchesDue: due,
      signedOnTime,
      onTimeSignRate: ratio(signedOnTime, due),
      respondedOnTime,
      closed: closed.length,
      closedOnTime: closedOnTime.length,
      onTimeClosureRate: ratio(closedOnTime.length, closed.length),
      closedWithin1Day: within(DAY),
      closedWithin3Days: within(3 * DAY),
      closedWithin1DayRate: ratio(within(DAY), cohort.length),
      closedWithin3DaysRate: ratio(within(3 * DAY), cohort.length),
      rated: lastRatings.length,
      satisfied,
      resolved,
      satisfactionRate: ratio(satisfied, lastRatings.length),
      reworkOrders: cohort.filter((o) => has(o, 'rework')).length,
      reworks,
    },
    threeRates: { response: ratio(respondedOnTime, due), resolution: ratio(resolved, lastRatings.length), satisfaction: ratio(satisfied, lastRatings.length) },
    byType: count((o) => o.type),
    byClass: count((o) => o.item.split('.')[0] as string),
    byDistrict: count((o) => o.district),
  };
}
