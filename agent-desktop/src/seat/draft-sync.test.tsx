// useDraftSync: a save queued while the server (or its database) was down is sent again with the key of its
// first sending, until it lands; a refusal stops the retries.
import { act, cleanup, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CreateWorkOrderResponse, WorkOrderView } from '../../../contracts/work-orders.js';
import { ApiError } from '../api/http';
import type { WorkOrderApi } from '../api/work-orders';
import { drafts, type StoredDraft } from './drafts';
import type { SubmitResult } from './submit-order';
import { useDraftSync } from './useDraftSync';

const AGENT = 'u-agent7';

const queued = (pendingSubmit: StoredDraft['pendingSubmit']): StoredDraft => ({
  v: 1,
  agentId: AGENT,
  key: 'call-9',
  callId: 'call-9',
  callerNumber: '13800138000',
  startedAt: 1_000,
  updatedAt: 2_000,
  talked: true,
  values: {
    type: 'complaint',
    summary: '暖气漏水',
    content: '楼道暖气管漏水',
    catalogItemCode: 'A01',
    citizen: { phone: '13800138000' },
    place: { district: '福田区' },
  },
  itemLabel: null,
  pendingSubmit,
});

const created: CreateWorkOrderResponse = {
  order: { code: 'WO20261207001', state: 'dispatched', departmentName: '区住建局' } as WorkOrderView,
  dispatch: { kind: 'auto', departmentCode: 'D2', departmentName: '区住建局', itemCode: 'A01', reason: 'r' },
  events: [],
};
const down = () => new ApiError(503, { error: { code: 'database_unavailable', message: '数据库暂时无法访问，请稍后重试' } });

function sync(create: WorkOrderApi['create']) {
  const results: SubmitResult[] = [];
  const api = { create: vi.fn(create) } as unknown as WorkOrderApi & { create: ReturnType<typeof vi.fn> };
  renderHook(() => useDraftSync(api, AGENT, true, (_d, r) => results.push(r)));
  return { api, results };
}

const online = () =>
  act(() => {
    window.dispatchEvent(new Event('online'));
  });
const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));

describe('useDraftSync', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => cleanup());

  it('given a save queued during an outage, when the server answers again, then every retry carries the first key and the draft is gone once it lands', async () => {
    drafts.put(queued({ since: 1_500, attempts: 1, requestKey: 'key-first-send-1' }));
    let calls = 0;
    const { api, results } = sync(() => (++calls < 3 ? Promise.reject(down()) : Promise.resolve(created)));
    await settle();
    online();
    await settle();
    online();
    await settle();
    expect(api.create).toHaveBeenCalledTimes(3);
    expect(api.create.mock.calls.map((c) => c[1])).toEqual(['key-first-send-1', 'key-first-send-1', 'key-first-send-1']);
    expect(results).toEqual([{ kind: 'saved', order: expect.objectContaining({ code: 'WO20261207001' }) }]);
    expect(drafts.get(AGENT, 'call-9')).toBeNull();
  });

  it('given a draft queued before keys existed, when it is retried, then it gets a key, kept in the draft before it is sent', async () => {
    drafts.put(queued({ since: 1_500, attempts: 1 }));
    const { api } = sync(() => Promise.reject(down()));
    await settle();
    const key = api.create.mock.calls[0]![1] as string;
    expect(key).toMatch(/^[\x21-\x7e]{8,100}$/);
    expect(drafts.get(AGENT, 'call-9')?.pendingSubmit).toMatchObject({ attempts: 2, requestKey: key });
    online();
    await settle();
    expect(api.create.mock.calls[1]![1]).toBe(key);
  });

  it('given the server refuses the queued save, then it stops retrying and keeps the draft for the agent to fix', async () => {
    drafts.put(queued({ since: 1_500, attempts: 1, requestKey: 'key-refused-01' }));
    const { api, results } = sync(() => Promise.reject(new ApiError(400, { error: { code: 'validation_failed', message: '输入有误', fields: [] } })));
    await settle();
    online();
    await settle();
    expect(api.create).toHaveBeenCalledTimes(1);
    expect(results).toEqual([{ kind: 'invalid', message: '输入有误', fields: [] }]);
    expect(drafts.get(AGENT, 'call-9')?.pendingSubmit).toBeNull();
  });
});
