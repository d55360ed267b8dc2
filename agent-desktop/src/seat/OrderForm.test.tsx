// The order form assembled from its hooks, rendered in a simulated DOM: the caller's number is filled in, the
// server's suggestion can be taken with one click, and "no order needed" ends the call's draft.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from 'antd';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogResponse, CatalogSuggestResponse } from '../../../contracts/work-orders.js';
import type { WorkOrderApi } from '../api/work-orders';
import { I18nProvider } from '../i18n/i18n';
import { drafts } from './drafts';
import { OrderForm } from './OrderForm';
import type { CallContext, CallOutcome } from './useCallContext';

const suggestion: CatalogSuggestResponse = {
  items: [{ itemCode: 'A01', name: '噪音扰民', classCode: 'C', timeLimit: 'general', score: 3, matchedKeywords: ['噪音'], matchedFragments: [] }],
  district: { districtCode: 'NS', matched: '南山', via: 'short_name', name: '南山区' },
  dispatch: { kind: 'auto', departmentCode: 'D1', departmentName: '南山区环境保护局', itemCode: 'A01', reason: 'r' },
};

function fakeApi(): WorkOrderApi {
  const never = () => Promise.reject(new Error('not in this test'));
  return {
    list: never,
    detail: never,
    act: never,
    departments: never,
    catalog: () => Promise.resolve({ districts: [{ code: 'NS', name: '南山区', places: ['粤海街道'] }], items: [] } as unknown as CatalogResponse),
    create: never,
    screenPop: never,
    searchCatalog: never,
    suggestCatalog: vi.fn(() => Promise.resolve(suggestion)),
    knowledge: () => Promise.resolve({ items: [] }),
    recordingAudio: never,
  };
}

const context: CallContext = { key: 'c-9', callId: 'c-9', callerNumber: '+8613900139000', startedAt: 5, talked: true, ended: false, outcome: null };

function renderForm(api = fakeApi()) {
  const outcomes: [string, CallOutcome][] = [];
  render(
    <I18nProvider>
      <App>
        <OrderForm api={api} agentId="u-a" context={context} syncRefusal={null} onOutcome={(k, o) => outcomes.push([k, o])} />
      </App>
    </I18nProvider>,
  );
  return { api, outcomes };
}

// without vitest globals, testing-library cannot register its own cleanup
afterEach(cleanup);
beforeEach(() => {
  localStorage.clear();
  window.dispatchEvent(new StorageEvent('storage', { key: null }));
});

describe('OrderForm', () => {
  it('fills the caller number and keeps an answered call as a draft', () => {
    renderForm();
    expect(screen.getByTestId<HTMLInputElement>('order-phone').value).toBe('13900139000');
    expect(drafts.get('u-a', 'c-9')?.talked).toBe(true);
  });

  it('offers the server’s suggestion and takes it with one click', async () => {
    const { api } = renderForm();
    fireEvent.change(screen.getByTestId('order-summary'), { target: { value: '南山夜间施工噪音' } });
    const item = await screen.findByTestId('suggest-item-A01', {}, { timeout: 3000 });
    expect(api.suggestCatalog).toHaveBeenCalledWith('南山夜间施工噪音', undefined);
    fireEvent.click(item);
    await waitFor(() => expect(screen.getByTestId('dispatch-preview').textContent).toContain('南山区环境保护局'));
    fireEvent.click(screen.getByTestId('suggest-district'));
    await waitFor(() => expect(screen.queryByTestId('suggest-district')).toBeNull());
    await waitFor(() =>
      expect(drafts.get('u-a', 'c-9')?.values).toMatchObject({ catalogItemCode: 'A01', timeLimitClass: 'general', place: { district: '南山区' } }),
    );
    expect(drafts.get('u-a', 'c-9')?.itemLabel).toBe('A01 噪音扰民');
  });

  it('"no order needed" asks why, then drops the draft', async () => {
    const { outcomes } = renderForm();
    fireEvent.click(screen.getByTestId('btn-no-order'));
    fireEvent.click(await screen.findByTestId('no-order-silent'));
    fireEvent.click(screen.getByTestId('no-order-confirm'));
    await waitFor(() => expect(outcomes).toHaveLength(1));
    expect(outcomes[0]).toEqual(['c-9', expect.objectContaining({ kind: 'not_needed', reason: 'silent' })]);
    expect(drafts.get('u-a', 'c-9')).toBeNull();
  });
});
