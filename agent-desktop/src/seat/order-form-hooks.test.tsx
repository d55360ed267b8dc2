// The order form's hooks without the form: a fake field handle stands in for antd's FormInstance, the API is an
// object of the few calls each hook makes, and localStorage holds the drafts as in the browser.
import { act, cleanup, renderHook } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogResponse, CatalogSuggestResponse, CreateWorkOrderResponse, WorkOrderView } from '../../../contracts/work-orders.js';
import { ApiError } from '../api/http';
import { I18nProvider } from '../i18n/i18n';
import { speechStore } from '../transcript/speech-store';
import { drafts, type OrderFormValues } from './drafts';
import { citizenPhoneOf, placeRefusal, type FieldErrors, type OrderFields } from './order-fields';
import {
  dispatchPreviewOf,
  SEARCH_DEBOUNCE_MS,
  SUGGEST_DEBOUNCE_MS,
  useCatalogItem,
  useOrderSuggestion,
  type ItemOption,
  type SuggestionInput,
} from './useCatalogChoice';
import type { CallContext, CallOutcome } from './useCallContext';
import { DRAFT_DEBOUNCE_MS, useOrderDraft } from './useOrderDraft';
import { useOrderSubmit } from './useOrderSubmit';

const AGENT = 'u-agent1';

class FakeFields implements OrderFields {
  store: OrderFormValues = {};
  errors: FieldErrors[] = [];
  valid = true;
  values(): OrderFormValues {
    return structuredClone(this.store);
  }
  set(values: OrderFormValues): void {
    // antd merges nested groups the same way
    const next: OrderFormValues = { ...this.store, ...values };
    if (values.place) next.place = { ...this.store.place, ...values.place };
    if (values.citizen) next.citizen = { ...this.store.citizen, ...values.citizen };
    this.store = next;
  }
  setErrors(fields: FieldErrors[]): void {
    this.errors.push(...fields);
  }
  validate(): Promise<boolean> {
    return Promise.resolve(this.valid);
  }
}

const context = (patch: Partial<CallContext> = {}): CallContext => ({
  key: 'call-1',
  callId: 'call-1',
  callerNumber: '+8613800138000',
  startedAt: 1_000,
  talked: false,
  ended: false,
  outcome: null,
  ...patch,
});

const wrapper = ({ children }: { children: ReactNode }) => <I18nProvider>{children}</I18nProvider>;

/** Lets pending promise callbacks run inside act. */
const settle = () => act(async () => {});

beforeEach(() => {
  localStorage.clear();
  localStorage.setItem('hotline.lang', 'zh-CN');
  // the draft store caches what it read; another tab clearing storage is how it learns
  window.dispatchEvent(new StorageEvent('storage', { key: null }));
  vi.useFakeTimers();
});
afterEach(() => {
  // unmount what a test left mounted (its listeners on window) before the timers go back to real ones
  cleanup();
  vi.useRealTimers();
});

describe('useOrderDraft', () => {
  it('starts a new call with the caller number as the citizen phone (+86 dropped)', () => {
    const fields = new FakeFields();
    const { result } = renderHook(() => useOrderDraft(AGENT, context(), fields));
    expect(result.current.initialValues).toEqual({ citizen: { phone: '13800138000', confidential: false }, urgent: false, disposition: 'dispatch' });
    expect(citizenPhoneOf('0086 138-0013-8000')).toBe('13800138000');
    expect(citizenPhoneOf('01012345')).toBe('01012345');
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
  });

  it('keeps what is typed as a draft after a pause, and flushes it when the form goes away', () => {
    const fields = new FakeFields();
    const { result, unmount } = renderHook(() => useOrderDraft(AGENT, context(), fields));
    fields.set({ summary: '路灯不亮' });
    act(() => {
      result.current.schedulePersist();
    });
    act(() => {
      vi.advanceTimersByTime(DRAFT_DEBOUNCE_MS - 1);
    });
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
    act(() => {
      vi.advanceTimersByTime(1);
    });
    expect(drafts.get(AGENT, 'call-1')?.values.summary).toBe('路灯不亮');

    fields.set({ content: '小区门口路灯坏了三天' });
    act(() => {
      result.current.schedulePersist();
    });
    unmount();
    const stored = drafts.get(AGENT, 'call-1');
    expect(stored).toMatchObject({ callId: 'call-1', callerNumber: '+8613800138000', startedAt: 1_000, talked: false, pendingSubmit: null });
    expect(stored?.values).toEqual({ summary: '路灯不亮', content: '小区门口路灯坏了三天' });
  });

  it('writes a draft as soon as the call is answered, and resumes it after a reload', () => {
    const fields = new FakeFields();
    fields.set({ summary: '噪音扰民' });
    const first = renderHook(({ c }) => useOrderDraft(AGENT, c, fields), { initialProps: { c: context() } });
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
    first.rerender({ c: context({ talked: true }) });
    expect(drafts.get(AGENT, 'call-1')).toMatchObject({ talked: true, values: { summary: '噪音扰民' } });
    act(() => {
      first.result.current.setItemLabel('A01 噪音扰民');
    });
    act(() => {
      first.result.current.flushNow();
    });
    first.unmount();

    const again = renderHook(() => useOrderDraft(AGENT, context({ talked: false }), new FakeFields()));
    expect(again.result.current.initialValues).toEqual({ summary: '噪音扰民' });
    expect(again.result.current.itemLabel).toBe('A01 噪音扰民');
  });

  it('writes nothing once finished', () => {
    const fields = new FakeFields();
    const { result, unmount } = renderHook(() => useOrderDraft(AGENT, context(), fields));
    fields.set({ summary: 'x' });
    act(() => {
      result.current.schedulePersist();
    });
    act(() => {
      result.current.finish();
    });
    unmount();
    act(() => {
      vi.advanceTimersByTime(DRAFT_DEBOUNCE_MS * 2);
    });
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
    expect(result.current.isDone()).toBe(true);
  });

  it('ticks 紧急 once when an emergency word is heard on the call', () => {
    const fields = new FakeFields();
    fields.set({ urgent: false });
    renderHook(() => useOrderDraft(AGENT, context({ callId: 'call-em', key: 'call-em' }), fields));
    expect(fields.store.urgent).toBe(false);
    act(() => {
      speechStore.emergency({ callId: 'call-em', keyword: '救命', callerNumber: '13800138000', at: '2024-01-01T00:00:00Z', agentId: AGENT });
    });
    expect(fields.store.urgent).toBe(true);
    expect(drafts.get(AGENT, 'call-em')?.values.urgent).toBe(true);
  });
});

describe('catalog item and suggestion', () => {
  const item = (code: string, name: string, timeLimit: ItemOption['timeLimit'] = 'general') =>
    ({ code, name, timeLimit, classCode: 'C', keywords: [name], responsibility: { kind: 'city', departmentCode: 'D' } }) as CatalogResponse['items'][number];

  function draftFor(fields: FakeFields) {
    return renderHook(() => useOrderDraft(AGENT, context(), fields)).result;
  }

  it('searches after a pause and only the latest answer counts', async () => {
    const answers: Record<string, (c: CatalogResponse) => void> = {};
    const api = { searchCatalog: vi.fn((q: string) => new Promise<CatalogResponse>((resolve) => (answers[q] = resolve))) };
    const fields = new FakeFields();
    const draft = draftFor(fields);
    const { result } = renderHook(() => useCatalogItem(api, fields, draft.current));
    act(() => {
      result.current.search('路');
    });
    act(() => {
      vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 10);
    });
    act(() => {
      result.current.search('路灯');
    });
    act(() => {
      vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    });
    expect(api.searchCatalog).toHaveBeenCalledTimes(1);
    expect(api.searchCatalog).toHaveBeenCalledWith('路灯');
    expect(result.current.searching).toBe(true);
    act(() => {
      result.current.search('噪音');
    });
    act(() => {
      vi.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    });
    answers['路灯']!({ items: [item('B02', '路灯维修')] } as CatalogResponse);
    await settle();
    expect(result.current.options).toEqual([]);
    answers['噪音']!({ items: [item('A01', '噪音扰民')] } as CatalogResponse);
    await settle();
    expect(result.current.options.map((o) => o.label)).toEqual(['A01 噪音扰民']);
    expect(result.current.searching).toBe(false);
  });

  it('choosing an urgent-dispatch item sets its time limit, ticks 紧急 and clears the old messages', () => {
    const fields = new FakeFields();
    fields.set({ urgent: false });
    const draft = draftFor(fields);
    const { result } = renderHook(() => useCatalogItem({ searchCatalog: vi.fn() }, fields, draft.current));
    act(() => {
      result.current.choose({ value: 'E01', label: 'E01 燃气泄漏', title: 'E01 燃气泄漏', timeLimit: 'urgent_dispatch' });
    });
    expect(fields.store).toMatchObject({ catalogItemCode: 'E01', timeLimitClass: 'urgent_dispatch', urgent: true });
    expect(fields.errors).toEqual([
      { name: ['catalogItemCode'], errors: [] },
      { name: ['timeLimitClass'], errors: [] },
    ]);
    expect(result.current.options.map((o) => o.value)).toEqual(['E01']);
    act(() => {
      result.current.choose({ value: 'A01', label: 'A01 噪音扰民', title: '', timeLimit: 'general' });
    });
    // an ordinary item leaves 紧急 as the agent had it
    expect(fields.store).toMatchObject({ catalogItemCode: 'A01', timeLimitClass: 'general', urgent: true });
  });

  it('asks for a suggestion once four characters are typed, with the place', async () => {
    const response: CatalogSuggestResponse = {
      items: [{ itemCode: 'A01', name: '噪音扰民', classCode: 'C', timeLimit: 'general', score: 3, matchedKeywords: ['噪音'], matchedFragments: [] }],
      district: null,
      dispatch: { kind: 'auto', departmentCode: 'D1', departmentName: '区环保局', itemCode: 'A01', reason: 'r' },
    };
    const api = { suggestCatalog: vi.fn(() => Promise.resolve(response)) };
    const input: SuggestionInput = { summary: '噪音', content: undefined, district: undefined, street: undefined, address: undefined };
    const { result, rerender } = renderHook((p: SuggestionInput) => useOrderSuggestion(api, p), { initialProps: input });
    act(() => {
      vi.advanceTimersByTime(SUGGEST_DEBOUNCE_MS * 2);
    });
    expect(api.suggestCatalog).not.toHaveBeenCalled();
    rerender({ ...input, content: '楼下施工', district: '南山区', street: '粤海街道' });
    act(() => {
      vi.advanceTimersByTime(SUGGEST_DEBOUNCE_MS);
    });
    await settle();
    expect(api.suggestCatalog).toHaveBeenCalledWith('噪音。楼下施工', '南山区 粤海街道');
    expect(result.current).toEqual(response);
    expect(dispatchPreviewOf(result.current, 'A01', 'dispatch')).toEqual(response.dispatch);
    expect(dispatchPreviewOf(result.current, 'B02', 'dispatch')).toBeNull();
    expect(dispatchPreviewOf(result.current, 'A01', 'answer')).toBeNull();
    rerender({ ...input, summary: '', content: '吵' });
    expect(result.current).toBeNull();
  });
});

describe('useOrderSubmit', () => {
  const created = (state: WorkOrderView['state']): CreateWorkOrderResponse => ({
    order: { code: 'WO20240001', state, departmentName: '区环保局' } as WorkOrderView,
    dispatch: { kind: 'auto', departmentCode: 'D1', departmentName: '区环保局', itemCode: 'A01', reason: 'r' },
    events: [],
  });

  function setup(create: (body: unknown, key?: string) => Promise<CreateWorkOrderResponse>) {
    const fields = new FakeFields();
    fields.set({
      type: 'complaint',
      summary: '噪音扰民',
      content: '夜间施工',
      catalogItemCode: 'A01',
      citizen: { phone: '13800138000' },
      place: { district: '南山区' },
    });
    const outcomes: [string, CallOutcome][] = [];
    const api = { create: vi.fn(create) };
    const hook = renderHook(
      () => {
        const draft = useOrderDraft(AGENT, context({ talked: true }), fields);
        return { draft, submit: useOrderSubmit({ api, agentId: AGENT, fields, draft, syncRefusal: null, onOutcome: (k, o) => outcomes.push([k, o]) }) };
      },
      { wrapper },
    );
    return { fields, outcomes, api, hook };
  }

  it('does not send what the form rules refuse', async () => {
    const { fields, api, hook } = setup(() => Promise.resolve(created('dispatched')));
    fields.valid = false;
    await act(() => hook.result.current.submit.save());
    expect(api.create).not.toHaveBeenCalled();
  });

  it('saves: the order goes to the API linked to the call, the draft is gone, the outcome is told', async () => {
    const { api, outcomes, hook } = setup(() => Promise.resolve(created('dispatched')));
    expect(drafts.get(AGENT, 'call-1')).not.toBeNull();
    await act(() => hook.result.current.submit.save());
    expect(api.create).toHaveBeenCalledWith(
      expect.objectContaining({ channel: 'phone', callId: 'call-1', catalogItemCode: 'A01', urgency: 'normal', summary: '噪音扰民' }),
      expect.any(String),
    );
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]![1]).toMatchObject({ kind: 'saved', order: { code: 'WO20240001', answeredOnSpot: false } });
    expect(hook.result.current.submit.busy).toBe(false);
  });

  it('puts the server’s field messages under their inputs and the rest above the buttons', async () => {
    const refusal = new ApiError(400, {
      error: {
        code: 'validation_failed',
        message: '输入有误',
        fields: [
          { field: 'place.district', message: '所属区县不能为空' },
          { field: 'place.district', message: '区县不存在' },
          { field: 'channel', message: '渠道无效' },
        ],
      },
    });
    const { fields, outcomes, hook } = setup(() => Promise.reject(refusal));
    await act(() => hook.result.current.submit.save());
    expect(fields.errors).toEqual([{ name: ['place', 'district'], errors: ['所属区县不能为空', '区县不存在'] }]);
    expect(hook.result.current.submit.failure).toEqual(['渠道无效']);
    expect(outcomes).toEqual([]);
    expect(drafts.get(AGENT, 'call-1')).not.toBeNull();
  });

  it('keeps the save queued in the draft when the server cannot be reached', async () => {
    const { hook, outcomes } = setup(() => Promise.reject(new ApiError(0, null)));
    await act(() => hook.result.current.submit.save());
    expect(drafts.get(AGENT, 'call-1')?.pendingSubmit).toMatchObject({ attempts: 1 });
    expect(hook.result.current.draft.pending).toMatchObject({ attempts: 1 });
    expect(outcomes).toEqual([]);
  });

  it('given the database is down (503), when the agent saves, then the save is queued under the key its first sending carried', async () => {
    const down = new ApiError(503, { error: { code: 'database_unavailable', message: '数据库暂时无法访问，请稍后重试', retryAfterSeconds: 5 } });
    const { hook, api, outcomes } = setup(() => Promise.reject(down));
    await act(() => hook.result.current.submit.save());
    const sentKey = api.create.mock.calls[0]![1] as string;
    expect(sentKey).toMatch(/^[\x21-\x7e]{8,100}$/);
    expect(drafts.get(AGENT, 'call-1')?.pendingSubmit).toMatchObject({ attempts: 1, requestKey: sentKey });
    expect(outcomes).toEqual([]);
  });

  it('gives each save its own key', async () => {
    const { hook, api } = setup(() => Promise.reject(new ApiError(400, { error: { code: 'validation_failed', message: '输入有误' } })));
    await act(() => hook.result.current.submit.save());
    await act(() => hook.result.current.submit.save());
    expect(api.create).toHaveBeenCalledTimes(2);
    expect(api.create.mock.calls[0]![1]).not.toBe(api.create.mock.calls[1]![1]);
  });

  it('says why any other failure happened', async () => {
    const { hook } = setup(() => Promise.reject(new ApiError(500, { error: { code: 'internal', message: 'boom' } })));
    await act(() => hook.result.current.submit.save());
    expect(hook.result.current.submit.failure).toHaveLength(1);
    expect(hook.result.current.submit.failure?.[0]).toMatch(/^工单保存失败：/);
  });

  it('"no order needed" drops the draft and tells why', () => {
    const { hook, outcomes } = setup(() => Promise.resolve(created('dispatched')));
    act(() => {
      hook.result.current.submit.noOrder('silent');
    });
    expect(drafts.get(AGENT, 'call-1')).toBeNull();
    expect(outcomes[0]).toEqual(['call-1', expect.objectContaining({ kind: 'not_needed', reason: 'silent' })]);
  });

  it('a refusal naming no input shows the server message', () => {
    expect(placeRefusal('输入有误', [])).toEqual({ placed: [], rest: ['输入有误'] });
    expect(
      placeRefusal('x', [
        { field: 'urgency', message: 'u' },
        { field: 'answerOnSpot', message: 'a' },
      ]),
    ).toEqual({
      placed: [
        { name: ['urgent'], errors: ['u'] },
        { name: ['answer'], errors: ['a'] },
      ],
      rest: [],
    });
  });
});
