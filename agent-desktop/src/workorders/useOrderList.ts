// One list of orders (GET /api/work-orders) with cursor paging and a quiet periodic refresh: new orders reach
// a department by auto-dispatch, and there is no push for them yet.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkOrderSummary } from '../../../contracts/work-orders.js';
import type { ListParams, WorkOrderApi } from '../api/work-orders';

const PAGE = 50;
const MAX_PAGE = 100; // LIST_LIMIT_MAX
const REFRESH_MS = 30_000;

export interface OrderList {
  items: WorkOrderSummary[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  reload: () => void;
  loadMore: () => void;
}

export function useOrderList(api: WorkOrderApi, params: ListParams | null): OrderList {
  const [items, setItems] = useState<WorkOrderSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const request = useRef(0);
  const countRef = useRef(0);
  useEffect(() => {
    countRef.current = items.length;
  }, [items]);
  const key = params === null ? null : JSON.stringify(params);

  /** First page again; `keep` asks for as many rows as are shown, so a refresh does not shrink the table. */
  const fetchFirst = useCallback(
    async (quiet: boolean) => {
      if (key === null) return;
      const id = ++request.current;
      if (!quiet) setLoading(true);
      try {
        const p = JSON.parse(key) as ListParams;
        const limit = Math.min(MAX_PAGE, Math.max(PAGE, countRef.current));
        const r = await api.list({ ...p, limit });
        if (id !== request.current) return;
        setItems(r.items);
        setCursor(r.nextCursor);
        setError(null);
      } catch (err) {
        if (id !== request.current) return;
        if (!quiet) setItems([]);
        setError(err);
      } finally {
        if (id === request.current) setLoading(false);
      }
    },
    [api, key],
  );

  useEffect(() => {
    countRef.current = 0;
    void fetchFirst(false);
    if (key === null) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void fetchFirst(true);
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [fetchFirst, key]);

  const loadMore = useCallback(async () => {
    if (key === null || cursor === null) return;
    const id = ++request.current;
    setLoading(true);
    try {
      const r = await api.list({ ...(JSON.parse(key) as ListParams), limit: PAGE, cursor });
      if (id !== request.current) return;
      setItems((prev) => [...prev, ...r.items.filter((x) => !prev.some((p) => p.id === x.id))]);
      setCursor(r.nextCursor);
      setError(null);
    } catch (err) {
      if (id === request.current) setError(err);
    } finally {
      if (id === request.current) setLoading(false);
    }
  }, [api, key, cursor]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    reload: useCallback(() => void fetchFirst(false), [fetchFirst]),
    loadMore: useCallback(() => void loadMore(), [loadMore]),
  };
}
