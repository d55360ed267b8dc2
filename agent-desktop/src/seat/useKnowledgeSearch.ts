// 直办: knowledge-base articles for the answer. Searched by the chosen item's name when the agent switches to
// answering on the spot, then by what they type; an article is appended to the answer.
import { useCallback, useEffect, useState } from 'react';
import type { KnowledgeArticle } from '../../../contracts/work-orders.js';
import { describeError } from '../api/describe-error';
import type { WorkOrderApi } from '../api/work-orders';
import { useT } from '../i18n/i18n';
import type { Disposition } from './drafts';
import type { OrderFields } from './order-fields';

export interface KnowledgeSearch {
  /** null until the first search answered. */
  articles: KnowledgeArticle[] | null;
  error: string | null;
  search: (q: string) => void;
  insert: (article: KnowledgeArticle) => void;
}

export function useKnowledgeSearch(
  api: Pick<WorkOrderApi, 'knowledge'>,
  fields: OrderFields,
  disposition: Disposition,
  itemLabel: string | null,
  onChange: () => void,
): KnowledgeSearch {
  const t = useT();
  const [articles, setArticles] = useState<KnowledgeArticle[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = useCallback(
    (q: string) => {
      setError(null);
      api.knowledge(q.trim()).then(
        (r) => setArticles(r.items),
        (err: unknown) => setError(describeError(err, t)),
      );
    },
    [api, t],
  );
  useEffect(() => {
    // the label is "code name": search by the name
    if (disposition === 'answer' && articles === null) search(itemLabel?.split(' ').slice(1).join(' ') ?? '');
  }, [disposition, articles, itemLabel, search]);
  const insert = (a: KnowledgeArticle) => {
    const before = fields.values().answer?.trim();
    fields.set({ answer: before ? `${before}\n${a.body}` : a.body });
    fields.setErrors([{ name: ['answer'], errors: [] }]);
    onChange();
  };
  return { articles, error, search, insert };
}
