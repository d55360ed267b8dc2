// What the IVR reads out for an order (press 1, enter the code): its state and the date it is due, in Chinese.
import type { WorkOrder } from '../contracts/work-order-model.js';
import { STATE_LABELS_ZH } from '../contracts/work-order-states.js';
import { localDateKey } from '../crm/work-orders/working-calendar.js';
import { formatDateZh, type LookupResult } from './flow/index.js';

export interface OrderFinder {
  findByCode(code: string): Promise<WorkOrder | null>;
}

/** The order's state and the date it is due (inclusive); no date once it is closed or archived. */
export async function lookupOrderForIvr(orders: OrderFinder, code: string, now = Date.now()): Promise<LookupResult> {
  const order = await orders.findByCode(code);
  if (!order) return { found: false };
  const open = !['closed', 'archived'].includes(order.state);
  const today = localDateKey(now);
  return {
    found: true,
    stateLabelZh: STATE_LABELS_ZH[order.state],
    // dueAt is the instant the order becomes late (midnight after the last day)
    expectedDateZh: open ? formatDateZh(localDateKey(order.resolveDeadline.dueAt - 1), { today }) : null,
  };
}
