// Choosing the order's catalog item (职责清单) and place: search by words or code, suggestions from what was
// typed (the server also names the district and where the order would be dispatched), and the districts' streets.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { CatalogItem, CatalogSuggestResponse, District, TimeLimitClass } from '../../../contracts/work-orders.js';
import type { WorkOrderApi } from '../api/work-orders';
import { loadCatalog } from './catalog-cache';
import type { Disposition } from './drafts';
import type { OrderFields } from './order-fields';
import type { OrderDraft } from './useOrderDraft';

export const SEARCH_DEBOUNCE_MS = 250;
export const SUGGEST_DEBOUNCE_MS = 700;

export interface ItemOption {
  value: string;
  label: string;
  title: string;
  timeLimit: TimeLimitClass;
}

export const toOption = (i: Pick<CatalogItem, 'code' | 'name' | 'timeLimit'>): ItemOption => ({
  value: i.code,
  label: `${i.code} ${i.name}`,
  title: `${i.code} ${i.name}`,
  timeLimit: i.timeLimit,
});

export interface CatalogItemChoice {
  options: ItemOption[];
  searching: boolean;
  search: (text: string) => void;
  /** Sets the item and its time limit (an urgent-dispatch item ticks 紧急), and keeps its label for the draft. */
  choose: (option: ItemOption) => void;
}

export function useCatalogItem(api: Pick<WorkOrderApi, 'searchCatalog'>, fields: OrderFields, draft: OrderDraft): CatalogItemChoice {
  const [options, setOptions] = useState<ItemOption[]>(() => {
    const { catalogItemCode, timeLimitClass } = draft.initialValues;
    if (!catalogItemCode) return [];
    return [{ value: catalogItemCode, label: draft.itemLabel ?? catalogItemCode, title: draft.itemLabel ?? '', timeLimit: timeLimitClass ?? 'general' }];
  });
  const [searching, setSearching] = useState(false);
  const seq = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const search = (text: string) => {
    if (timer.current) clearTimeout(timer.current);
    const q = text.trim();
    if (!q) return;
    timer.current = setTimeout(() => {
      // only the answer to the latest search counts
      const id = ++seq.current;
      setSearching(true);
      api.searchCatalog(q).then(
        (c) => {
          if (id !== seq.current) return;
          setOptions(c.items.slice(0, 30).map(toOption));
          setSearching(false);
        },
        () => id === seq.current && setSearching(false),
      );
    }, SEARCH_DEBOUNCE_MS);
  };

  const choose = (option: ItemOption) => {
    draft.setItemLabel(option.label);
    setOptions((opts) => (opts.some((o) => o.value === option.value) ? opts : [option, ...opts]));
    const urgent = option.timeLimit === 'urgent_dispatch' ? true : fields.values().urgent;
    fields.set({ catalogItemCode: option.value, timeLimitClass: option.timeLimit, urgent });
    fields.setErrors([
      { name: ['catalogItemCode'], errors: [] },
      { name: ['timeLimitClass'], errors: [] },
    ]);
    draft.schedulePersist();
  };

  return { options, searching, search, choose };
}

export interface SuggestionInput {
  summary: string | undefined;
  content: string | undefined;
  district: string | undefined;
  street: string | undefined;
  address: string | undefined;
}

/** The server's suggestion for what was typed so far (null under four characters), after a pause in typing. */
export function useOrderSuggestion(api: Pick<WorkOrderApi, 'suggestCatalog'>, input: SuggestionInput): CatalogSuggestResponse | null {
  const [suggest, setSuggest] = useState<CatalogSuggestResponse | null>(null);
  const { summary, content, district, street, address } = input;
  useEffect(() => {
    const text = [summary, content].filter((s) => s && s.trim()).join('。');
    if (text.trim().length < 4) {
      setSuggest(null);
      return;
    }
    const where = [district, street, address].filter(Boolean).join(' ');
    let alive = true;
    const handle = setTimeout(() => {
      api.suggestCatalog(text, where || undefined).then(
        (r) => alive && setSuggest(r),
        () => {},
      );
    }, SUGGEST_DEBOUNCE_MS);
    return () => {
      alive = false;
      clearTimeout(handle);
    };
  }, [api, summary, content, district, street, address]);
  return suggest;
}

/** Where the order would go, shown only while the chosen item is the top suggestion and it is to be dispatched. */
export function dispatchPreviewOf(
  suggest: CatalogSuggestResponse | null,
  itemCode: string | undefined,
  disposition: Disposition,
): CatalogSuggestResponse['dispatch'] | null {
  const top = suggest?.items[0];
  return suggest?.dispatch && top?.itemCode === itemCode && disposition === 'dispatch' ? suggest.dispatch : null;
}

/** The catalog's districts, and the streets of the chosen one that match what is typed. */
export function usePlaces(api: Pick<WorkOrderApi, 'catalog'>, district: string | undefined, street: string | undefined) {
  const [districts, setDistricts] = useState<District[]>([]);
  useEffect(() => {
    let alive = true;
    loadCatalog(api).then(
      (c) => alive && setDistricts(c.districts),
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [api]);
  const streetOptions = useMemo(() => {
    const d = districts.find((x) => x.name === district);
    const typed = (street ?? '').trim();
    return (d?.places ?? [])
      .filter((p) => !typed || p.includes(typed))
      .slice(0, 20)
      .map((p) => ({ value: p }));
  }, [districts, district, street]);
  return { districts, streetOptions };
}
