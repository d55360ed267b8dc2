// Work-order drafts of the agent's calls, kept in localStorage (one entry per call, keyed by the ACD's callId) so
// nothing typed is lost when the page reloads or the server is unreachable. A draft lives until its order is
// saved or the agent decides no order is needed; a save that could not reach the server stays queued in it
// (`pendingSubmit`) and is retried when the connection is back (see useDraftSync).
import { useSyncExternalStore } from 'react';
import type { OrderType, TimeLimitClass } from '../../../contracts/work-orders.js';

export type Disposition = 'dispatch' | 'answer';

/** The work-order form as typed; nested like the API body so server field paths ("citizen.phone") map 1:1. */
export interface OrderFormValues {
  type?: OrderType | undefined;
  catalogItemCode?: string | undefined;
  timeLimitClass?: TimeLimitClass | undefined;
  urgent?: boolean | undefined;
  place?: { district?: string | undefined; street?: string | undefined; address?: string | undefined } | undefined;
  citizen?: { phone?: string | undefined; name?: string | undefined; confidential?: boolean | undefined } | undefined;
  content?: string | undefined;
  summary?: string | undefined;
  disposition?: Disposition | undefined;
  /** 直办答复: what the agent told the citizen (knowledge-base templates are inserted here). */
  answer?: string | undefined;
}

export interface StoredDraft {
  v: 1;
  agentId: string;
  /** The callId, or `local-<ms>` while the ACD's offer has not named the call yet. */
  key: string;
  callId: string | null;
  callerNumber: string | null;
  /** Epoch ms the call rang. */
  startedAt: number;
  updatedAt: number;
  /** The agent talked with the caller: policy wants an order (or an explicit "no order needed"). */
  talked: boolean;
  values: OrderFormValues;
  /** "code name" of the chosen catalog item, to show it again after a reload. */
  itemLabel: string | null;
  /**
   * A save was asked for but the server could not be reached: retried automatically, always with the same
   * `requestKey` (the Idempotency-Key), so the order is made once however many retries reach the server.
   * Drafts stored before keys existed have none; their next retry gets one.
   */
  pendingSubmit: { since: number; attempts: number; requestKey?: string } | null;
}

const PREFIX = 'hotline.draft.';
const keyOf = (agentId: string, key: string) => `${PREFIX}${agentId}.${key}`;

const listeners = new Set<() => void>();
let cache: { signature: string; all: StoredDraft[] } | null = null;

function notify(): void {
  cache = null;
  for (const l of [...listeners]) l();
}

// Another tab of the same agent changed a draft.
if (typeof window !== 'undefined') {
  window.addEventListener('storage', (event) => {
    if (event.key === null || event.key.startsWith(PREFIX)) notify();
  });
}

function readAll(): StoredDraft[] {
  const out: StoredDraft[] = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      try {
        const d = JSON.parse(localStorage.getItem(k) ?? 'null') as StoredDraft | null;
        if (d && d.v === 1 && typeof d.key === 'string' && typeof d.agentId === 'string') out.push(d);
      } catch {
        // a damaged entry is skipped, not thrown away: the agent may still copy it out by hand
      }
    }
  } catch {
    // storage disabled: no drafts
  }
  return out.sort((a, b) => b.updatedAt - a.updatedAt);
}

function all(): StoredDraft[] {
  if (!cache) {
    const list = readAll();
    cache = { signature: list.map((d) => `${d.key}:${d.updatedAt}`).join('|'), all: list };
  }
  return cache.all;
}

export const drafts = {
  list(agentId: string): StoredDraft[] {
    return all().filter((d) => d.agentId === agentId);
  },
  get(agentId: string, key: string): StoredDraft | null {
    return all().find((d) => d.agentId === agentId && d.key === key) ?? null;
  },
  /** Writes the draft; false when the browser refused (storage full or disabled). */
  put(draft: StoredDraft): boolean {
    try {
      localStorage.setItem(keyOf(draft.agentId, draft.key), JSON.stringify(draft));
      notify();
      return true;
    } catch {
      return false;
    }
  },
  remove(agentId: string, key: string): void {
    try {
      localStorage.removeItem(keyOf(agentId, key));
    } catch {
      // nothing stored anyway
    }
    notify();
  },
  /** The ACD named the call after the agent started typing: move the draft under the callId. */
  rename(agentId: string, from: string, callId: string): void {
    const d = drafts.get(agentId, from);
    if (!d || from === callId) return;
    try {
      localStorage.removeItem(keyOf(agentId, from));
    } catch {
      // ignore
    }
    drafts.put({ ...d, key: callId, callId });
  },
  // An arrow, not a method: it is handed to useSyncExternalStore on its own, without its object.
  subscribe: (listener: () => void): (() => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

/** The agent's drafts, newest first; re-renders on every change (also from other tabs). */
export function useDrafts(agentId: string): StoredDraft[] {
  const list = useSyncExternalStore(drafts.subscribe, all);
  return list.filter((d) => d.agentId === agentId);
}
