// The SMS a lifecycle step sends the citizen: accepted (first dispatch), rating request (reply accepted), closed.
// The rows are written by the step's own transaction (OutboxWriter), so a rolled-back step sends nothing.
import type { WorkOrder, WorkOrderEvent } from '../../contracts/work-order-model.js';
import type { Queryable } from '../../platform/db/database.js';
import type { SmsMessage } from '../sms/outbox.js';
import { localDateKey } from './working-calendar.js';

/** Where SMS rows go: SmsOutbox.enqueue, inside the step's transaction. */
export interface OutboxWriter {
  enqueue(q: Queryable, msg: SmsMessage, at: number): Promise<void>;
}

/** `departmentName` names a department code for the text (null: no department holds the order). */
export function smsForStep(before: WorkOrder, after: WorkOrder, event: WorkOrderEvent, departmentName: (code: string | null) => string): SmsMessage[] {
  const msgs: SmsMessage[] = [];
  const to = after.citizen.phone;
  if (event.action === 'dispatch' && before.dispatchCount === 0) {
    msgs.push({
      to,
      orderId: after.id,
      template: 'order_accepted',
      params: { code: after.code, departmentName: departmentName(after.departmentId), expectedDate: localDateKey(after.resolveDeadline.dueAt - 1) },
    });
  }
  if (event.action === 'accept_reply') {
    msgs.push({ to, orderId: after.id, template: 'rating_request', params: { code: after.code, departmentName: departmentName(after.departmentId) } });
  }
  if (event.to === 'closed' && event.from !== 'closed') {
    msgs.push({ to, orderId: after.id, template: 'order_closed', params: { code: after.code } });
  }
  return msgs;
}
