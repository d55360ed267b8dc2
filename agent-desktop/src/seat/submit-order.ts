// Saving a call's work order: 受理 (POST /api/work-orders, linked to the call; for 直办 with the answer, which the
// server applies in the same transaction). Shared by the form (the agent's Save / Ctrl+S) and the retry of drafts saved offline.
import type { CreateWorkOrderRequest, DispatchOutcome, WorkOrderView } from '../../../contracts/work-orders.js';
import type { FieldIssue } from '../../../contracts/errors.js';
import { ApiError } from '../api/http';
import type { WorkOrderApi } from '../api/work-orders';
import type { OrderFormValues, StoredDraft } from './drafts';

export interface SavedOrder {
  code: string;
  state: WorkOrderView['state'];
  departmentName: string | null;
  /** Where the order went; null when the server did not say. */
  dispatch: DispatchOutcome | null;
  /** 直办: closed on the spot with the agent's answer. */
  answeredOnSpot: boolean;
  /** 直办 was asked for but the order could not be closed (e.g. the catalog dispatched it at once). */
  answerProblem: string | null;
}

export type SubmitResult =
  | { kind: 'saved'; order: SavedOrder }
  /** The server refused the input: field issues (dotted paths of the API body) and its message. */
  | { kind: 'invalid'; message: string; fields: FieldIssue[] }
  /** The server could not be reached: keep the draft and try again later. */
  | { kind: 'offline' }
  | { kind: 'error'; error: unknown };

const trim = (v: string | undefined) => {
  const s = v?.trim();
  return s ? s : undefined;
};

/** The creation body of a draft (channel phone, linked to the call when its id is known). */
export function buildCreateRequest(values: OrderFormValues, callId: string | null): CreateWorkOrderRequest {
  const request: CreateWorkOrderRequest = {
    channel: 'phone',
    citizen: {
      phone: trim(values.citizen?.phone) ?? '',
      name: trim(values.citizen?.name),
      confidential: values.citizen?.confidential === true,
    },
    // The server names every missing field; empty strings let it do so instead of failing on the shape.
    type: values.type as CreateWorkOrderRequest['type'],
    catalogItemCode: trim(values.catalogItemCode) ?? '',
    place: {
      district: trim(values.place?.district) ?? '',
      street: trim(values.place?.street),
      address: trim(values.place?.address),
    },
    content: trim(values.content) ?? '',
    summary: trim(values.summary) ?? '',
    urgency: values.urgent ? 'urgent' : 'normal',
    timeLimitClass: values.timeLimitClass as CreateWorkOrderRequest['timeLimitClass'],
    callId: callId ?? undefined,
  };
  // 直办: received and closed in one transaction (auto-dispatch would otherwise take the order first)
  if (values.disposition === 'answer') request.answerOnSpot = trim(values.answer) ?? '';
  return request;
}

function isOffline(err: unknown): boolean {
  // status 0: no answer at all; 502-504: a proxy in front of a server that is down
  return err instanceof ApiError && (err.status === 0 || err.status === 502 || err.status === 503 || err.status === 504);
}

/** A key naming one save (all its retries): https secure contexts have randomUUID; the fallback is as random. */
export function newRequestKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Sends the save named `requestKey`. Sent again with the same key (the answer was lost, or the server or its
 * database was down), the server returns the order the first sending made instead of making a second one.
 */
export async function submitOrder(api: Pick<WorkOrderApi, 'create'>, draft: Pick<StoredDraft, 'values' | 'callId'>, requestKey: string): Promise<SubmitResult> {
  const { values, callId } = draft;
  let created;
  try {
    created = await api.create(buildCreateRequest(values, callId), requestKey);
  } catch (err) {
    if (isOffline(err)) return { kind: 'offline' };
    if (err instanceof ApiError && err.body && err.status === 400) {
      return { kind: 'invalid', message: err.body.error.message, fields: err.body.error.fields ?? [] };
    }
    return { kind: 'error', error: err };
  }
  const order = created.order;
  const answerProblem = values.disposition === 'answer' && order.state !== 'closed' ? 'dispatched' : null;
  return {
    kind: 'saved',
    order: {
      code: order.code,
      state: order.state,
      departmentName: order.departmentName,
      dispatch: created.dispatch,
      answeredOnSpot: order.state === 'closed',
      answerProblem,
    },
  };
}
