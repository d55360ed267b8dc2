// Synthetic work-order history for bench/crm.ts: N orders received over the year before `now`, each walked
// through the real pure core (createWorkOrder / transition / deadline checks) exactly as the service would have
// done it over time, so the rows written are the ones the service writes. Deterministic (seeded).
//
// Shape of the data
// - Volume: weekdays > Saturdays > Sundays/holidays, a daytime hourly profile (the line is staffed 24 h).
// - Text: the 377 labelled orders of the sample catalog (real-looking summaries, addresses, catalog items) plus a
//   generated residential-compound name (~8,000 different ones) and a sentence or two of usual agent phrasing.
// - Phones: 75 % one-off callers, 23 % from a pool of repeat callers (~N/40 numbers), 2 % from 25 very frequent
//   callers (常客); 10 % landlines.
// - Fate: auto-dispatch by the catalog where it applies; otherwise answered on the spot (45 %) or dispatched by
//   the desk. Then returns, extensions, late replies, rejected replies, ratings, reworks, unrated closes and
//   archiving after 30 days, each step only if its time is before `now` — so the open states are the recent
//   orders, plus the ~0.4 % that a department sat on for weeks (the long tail of the overdue list).
import { detectDistrict, dispatch as dispatchByCatalog } from '../../crm/catalog/dispatch.js';
import type { Catalog } from '../../contracts/catalog.js';
import type { WorkOrderConfig } from '../../crm/work-orders/config.js';
import {
  checkDeadlines,
  DISPATCH_CLOCK_STATES,
  recordDeadlineActions,
  RESOLVE_CLOCK_STATES,
  type DeadlineAction,
  type DeadlineTarget,
} from '../../crm/work-orders/deadlines.js';
import { createWorkOrder, transition, type WorkOrderCommand } from '../../crm/work-orders/lifecycle.js';
import { SYSTEM_ACTOR, type Actor, type WorkOrder, type WorkOrderEvent } from '../../contracts/work-order-model.js';
import type { CreateWorkOrderRawInput } from '../../contracts/work-order-schemas.js';
import { DAY_MS, localDateKey } from '../../crm/work-orders/working-calendar.js';
import type { LabelledOrder } from '../../crm/catalog/sample.js';
import { mulberry32 } from '../../testkit/random.js';
import {
  MIN,
  HOUR,
  SURNAMES,
  COMPOUND_A,
  COMPOUND_B,
  COMPOUND_SUFFIX,
  PHRASES,
  REPLIES,
  ANSWERS,
  RETURN_REASONS,
  TYPES,
  CHANNELS,
  dailyVolumes,
  pick,
  weighted,
  hourOfDay,
  mobile,
  landline,
  type PhonePlan,
  uuidish,
} from './generate-shape.js';

/** The seeded PRNG of the generated test data (mulberry32): the same seed gives the same history. */
export const rng: (seed: number) => () => number = mulberry32;

export interface GeneratedOrder {
  order: WorkOrder;
  events: WorkOrderEvent[];
  /** What the service stores in next_deadline_at for this order. */
  nextDeadlineAt: number | null;
}

export interface GeneratorOptions {
  total: number;
  now: number;
  catalog: Catalog;
  /** Active department codes (the service refuses inactive ones). */
  activeDepartments: ReadonlySet<string>;
  labelled: readonly LabelledOrder[];
  config: WorkOrderConfig;
  nextDeadlineAt: (o: WorkOrder) => number | null;
  seed?: number;
}

export class OrderGenerator {
  private readonly r: () => number;
  private readonly o: GeneratorOptions;
  private readonly districtsByCode: Map<string, Catalog['districts'][number]>;
  private readonly departments: string[];
  private readonly agents: string[];
  private readonly dispatchers: string[];
  readonly phones: PhonePlan;
  private serial = 0;

  constructor(o: GeneratorOptions) {
    this.o = o;
    this.r = rng(o.seed ?? 12345);
    this.districtsByCode = new Map(o.catalog.districts.map((d) => [d.code, d]));
    this.departments = o.catalog.departments.map((d) => d.code).filter((c) => o.activeDepartments.has(c));
    this.agents = Array.from({ length: Math.max(20, Math.min(400, Math.round(o.total / 2500))) }, (_, i) => `agent-${String(i + 1).padStart(3, '0')}`);
    this.dispatchers = Array.from({ length: 12 }, (_, i) => `dispatcher-${String(i + 1).padStart(2, '0')}`);
    const pool = Math.max(50, Math.round(o.total / 40));
    this.phones = {
      repeaters: Array.from({ length: pool }, (_, i) => (i % 10 === 9 ? landline(7_000_000 + i * 13) : mobile(50_000_000 + i * 7919))),
      frequent: Array.from({ length: 25 }, (_, i) => mobile(900_000 + i * 104_729)),
    };
  }

  /**
   * The history, day by day (oldest first), in the order the service would have created the orders. With
   * `parts` > 1 only every parts-th day from `part` on (parallel generators, one part each, cover the year).
   */
  *orders(part = 0, parts = 1): Generator<GeneratedOrder> {
    const days = dailyVolumes(this.o.total, this.o.now, this.o.config);
    for (let d = part; d < days.length; d += parts) {
      const day = days[d]!;
      const times: number[] = [];
      const span = day.until - day.dayStart;
      while (times.length < day.count) {
        const t = day.dayStart + hourOfDay(this.r) * HOUR + Math.floor(this.r() * HOUR);
        if (t < day.until) times.push(t);
        else if (span < HOUR) times.push(day.dayStart + Math.floor(this.r() * span));
      }
      times.sort((a, b) => a - b);
      for (let i = 0; i < times.length; i++) yield this.one(times[i]!, i + 1);
    }
  }

  /** A create request as the desk would send it (also used for the service's own creation benchmark). */
  input(): CreateWorkOrderRawInput {
    const r = this.r;
    const l = pick(r, this.o.labelled);
    const districtCode = l.expectedDistrictCode ?? pick(r, this.o.catalog.districts).code;
    const district = this.districtsByCode.get(districtCode) ?? pick(r, this.o.catalog.districts);
    const compound = `${pick(r, [...COMPOUND_A])}${pick(r, [...COMPOUND_A])}${pick(r, [...COMPOUND_B])}${pick(r, COMPOUND_SUFFIX)}`;
    const building = 1 + Math.floor(r() * 30);
    const address = l.address.trim() !== '' ? `${l.address}${compound}${building}栋` : `${district.name}${compound}${building}栋`;
    const type = weighted(r, TYPES);
    const item = this.o.catalog.items.find((i) => i.code === l.expectedItemCode) ?? pick(r, this.o.catalog.items);
    const urgent = item.timeLimit === 'urgent_dispatch' || r() < 0.03;
    const x = r();
    const phone =
      x < 0.02
        ? pick(r, this.phones.frequent)
        : x < 0.25
          ? pick(r, this.phones.repeaters)
          : r() < 0.1
            ? landline(Math.floor(r() * 79_999_999))
            : mobile(Math.floor(r() * 2e9));
    const channel = weighted(r, CHANNELS);
    const nameRoll = r();
    this.serial += 1;
    return {
      channel,
      citizen: {
        phone,
        ...(nameRoll < 0.8 ? { name: `${pick(r, [...SURNAMES])}${nameRoll < 0.4 ? '先生' : '女士'}` } : {}),
        confidential: r() < 0.02,
      },
      type,
      catalogItemCode: item.code,
      // 12 %: the caller could not say where (the desk decides for local items)
      place: r() < 0.12 ? { district: '不详', address: `${compound}${building}栋` } : { district: district.name, street: pick(r, district.places), address },
      content: `${l.summary}。来电人称地址在${compound}${building}栋${1 + Math.floor(r() * 6)}单元。${pick(r, PHRASES)}${pick(r, PHRASES)}`,
      summary: l.summary.slice(0, 200),
      urgency: urgent ? 'urgent' : 'normal',
      timeLimitClass: item.timeLimit,
      links: channel === 'phone' ? { callIds: [], recordingIds: [`rec-${this.serial}`] } : { callIds: [], recordingIds: [] },
    };
  }

  private one(receivedAt: number, seq: number): GeneratedOrder {
    const r = this.r;
    const { config, now, catalog } = this.o;
    const agent: Actor = { id: pick(r, this.agents), role: 'agent', departmentId: null };
    const dispatcher = (): Actor => ({ id: pick(r, this.dispatchers), role: 'dispatcher', departmentId: null });
    const supervisor: Actor = { id: 'supervisor-01', role: 'supervisor', departmentId: null };
    const created = createWorkOrder({ id: `wo-${uuidish(r)}`, seq, input: this.input(), actor: agent, now: receivedAt, config });
    let order = created.order;
    const events: WorkOrderEvent[] = [created.event];
    let t = receivedAt;
    // The reminder/escalation ladder (checkDeadlines with an infinite clock) walks the working calendar, which is
    // most of the generator's time. It only changes with the deadlines, the clocks that run and who is told;
    // in between, the pending steps are the cached ladder minus what has been recorded since.
    let ladderKey = '';
    let ladder: DeadlineAction[] = [];
    let targetKey = '';
    const pending = (o: WorkOrder): DeadlineAction[] => {
      const d = o.dispatchDeadline;
      const key = `${RESOLVE_CLOCK_STATES.includes(o.state)}|${d !== null && DISPATCH_CLOCK_STATES.includes(o.state) ? `${d.startedAt}/${d.dueAt}` : '-'}|${o.resolveDeadline.startedAt}|${o.resolveDeadline.dueAt}|${o.resolveDeadline.basis}`;
      // who is told, as checkDeadlines decides it
      const atDesk = o.state === 'received' || o.state === 'returned' || o.departmentId === null;
      const tKey = atDesk ? '' : (o.departmentId as string);
      if (key !== ladderKey) {
        ladderKey = key;
        targetKey = tKey;
        ladder = checkDeadlines(o, Number.MAX_SAFE_INTEGER, config);
      } else if (tKey !== targetKey) {
        targetKey = tKey;
        const target: DeadlineTarget = atDesk ? { kind: 'dispatch_desk' } : { kind: 'department', departmentId: tKey };
        ladder = ladder.map((a) => ({ ...a, target }));
      }
      return ladder.filter((a) => !o.deadlineActions.some((x) => x.deadline === a.deadline && x.kind === a.kind && x.level === a.level && x.dueAt === a.dueAt));
    };
    /** = WorkOrderService.nextDeadlineAt (the earliest pending threshold). */
    const nextOf = (o: WorkOrder): number | null => {
      const p = pending(o);
      return p.length === 0 ? null : Math.min(...p.map((a) => a.thresholdAt));
    };
    let next = nextOf(order);

    // the deadline scheduler: records every reminder/escalation due up to `until`, at its threshold (next minute)
    const catchUp = (until: number) => {
      while (next !== null && next <= until) {
        const at = Math.min(until, Math.ceil(next / MIN) * MIN);
        const due = pending(order).filter((a) => a.thresholdAt <= at); // = checkDeadlines(order, at), same order
        if (due.length === 0) break;
        const rec = recordDeadlineActions(order, due, at);
        order = rec.order;
        events.push(...rec.events);
        next = nextOf(order);
      }
    };
    /** Takes the step `delay` after the previous one if that is before now; false when the history ends here. */
    const step = (delay: number, command: WorkOrderCommand, actor: Actor): boolean => {
      const at = Math.max(t + 1_000, Math.round(t + delay));
      if (at >= now) return false;
      catchUp(at);
      const res = transition(order, command, actor, at, config);
      order = res.order;
      events.push(res.event);
      next = nextOf(order);
      t = at;
      return true;
    };
    const handler = (): Actor => ({ id: `handler-${order.departmentId}-${1 + Math.floor(r() * 3)}`, role: 'handler', departmentId: order.departmentId });
    const hours = (a: number, b: number) => (a + r() * (b - a)) * HOUR;

    const walk = (): void => {
      // 受理 → auto-dispatch as service.create decides it (same transaction, same instant, by the system)
      const d = detectDistrict(catalog, order.place.district) ?? detectDistrict(catalog, [order.place.street ?? '', order.place.address ?? ''].join(' '));
      const auto = dispatchByCatalog(catalog, { itemCode: order.catalogItemCode, district: d?.districtCode ?? null });
      if (auto.kind === 'auto' && this.o.activeDepartments.has(auto.departmentCode)) {
        const res = transition(
          order,
          { type: 'dispatch', departmentId: auto.departmentCode },
          { id: 'system', role: 'dispatcher', departmentId: null },
          t,
          config,
        );
        order = res.order;
        events.push({ ...res.event, actor: SYSTEM_ACTOR });
        next = nextOf(order);
      } else if (r() < 0.45) {
        if (!step(hours(0.03, 0.15), { type: 'answer_on_spot', answer: pick(r, ANSWERS) }, agent)) return;
        step(30 * 24 * HOUR + hours(0, 24), { type: 'archive' }, SYSTEM_ACTOR);
        return;
      } else {
        const dep = auto.kind === 'manual' && auto.itemCode ? this.guessDepartment(auto.itemCode) : pick(r, this.departments);
        if (!step(hours(0.05, order.urgency === 'urgent' ? 0.4 : 2), { type: 'dispatch', departmentId: dep }, dispatcher())) return;
      }
      // a department returns 4 % of what it gets, within the return window; the desk dispatches elsewhere
      if (r() < 0.04) {
        if (!step(hours(0.5, 20), { type: 'return', reason: pick(r, RETURN_REASONS) }, handler())) return;
        const returnedBy = order.returns.map((x) => x.departmentId);
        const options = this.departments.filter((c) => !returnedBy.includes(c));
        if (!step(hours(0.2, 4), { type: 'dispatch', departmentId: pick(r, options) }, dispatcher())) return;
      }
      if (!step(hours(0.1, 6), { type: 'sign' }, handler())) return;
      if (!step(hours(0, 20), { type: 'start' }, handler())) return;
      if (r() < 0.03) {
        const requestedDueDate = localDateKey(order.resolveDeadline.dueAt + 5 * DAY_MS);
        if (!step(hours(1, 48), { type: 'request_extension', reason: '需协调多个部门现场处置，申请延期', requestedDueDate }, handler())) return;
        const ok = r() < 0.7;
        if (!step(hours(1, 24), ok ? { type: 'approve_extension' } : { type: 'reject_extension', reason: '理由不充分' }, dispatcher())) return;
      }
      let rounds = 0;
      for (;;) {
        // reply: usually within the limit; 6 % a little late; 0.4 % sat on for weeks
        const limit = Math.max(HOUR, order.resolveDeadline.dueAt - t);
        const x = r();
        const delay = x < 0.004 ? limit + hours(10 * 24, 120 * 24) : x < 0.064 ? limit + hours(0, 72) : limit * (0.15 + 0.8 * r());
        if (!step(delay, { type: 'reply', content: pick(r, REPLIES) }, handler())) return;
        if (r() < 0.03) {
          if (!step(hours(0.5, 24), { type: 'reject_reply', reason: '答复内容不完整，请补充处理结果' }, dispatcher())) return;
          if (!step(hours(2, 48), { type: 'reply', content: pick(r, REPLIES) }, handler())) return;
        }
        if (!step(hours(0.5, 24), { type: 'accept_reply' }, dispatcher())) return;
        if (r() < 0.25) {
          step(hours(72, 96), { type: 'close_unrated', reason: '多次回访未接通' }, dispatcher());
          break;
        }
        const satisfied = r() < (rounds === 0 ? 0.9 : 0.75);
        const rating = satisfied
          ? { speed: 5, result: 4 + Math.floor(r() * 2), attitude: 5, replyQuality: 4 + Math.floor(r() * 2), satisfied: true }
          : { speed: 2, result: 1 + Math.floor(r() * 2), attitude: 3, replyQuality: 2, satisfied: false };
        if (!step(hours(1, 48), { type: 'rate', rating }, r() < 0.6 ? SYSTEM_ACTOR : agent)) return;
        if (satisfied) {
          if (!step(hours(0, 1), { type: 'close' }, SYSTEM_ACTOR)) return;
          break;
        }
        if (rounds === 0 && r() < 0.6) {
          if (!step(hours(0.5, 24), { type: 'rework' }, dispatcher())) return;
          rounds += 1;
          continue;
        }
        if (!step(hours(1, 48), { type: 'close', reason: '经核实部门已依法依规处理，诉求不合理部分已解释' }, supervisor)) return;
        break;
      }
      step(30 * 24 * HOUR + hours(0, 24), { type: 'archive' }, SYSTEM_ACTOR);
    };
    walk();
    catchUp(now);
    const nextDeadlineAt = nextOf(order);
    // spot check of the shortcut above against the service's own computation
    if (seq % 101 === 0 && nextDeadlineAt !== this.o.nextDeadlineAt(order)) {
      throw new Error(`next_deadline_at of ${order.code} differs from the service's: ${nextDeadlineAt} ≠ ${this.o.nextDeadlineAt(order)}`);
    }
    return { order, events, nextDeadlineAt };
  }

  private guessDepartment(itemCode: string): string {
    const d = pick(this.r, this.o.catalog.districts);
    const res = dispatchByCatalog(this.o.catalog, { itemCode, district: d.code });
    return res.kind === 'auto' && this.o.activeDepartments.has(res.departmentCode) ? res.departmentCode : pick(this.r, this.departments);
  }
}
