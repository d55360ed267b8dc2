// Knowledge base (知识库) articles for agents, searched by words. Chinese has no spaces between words and the
// database has no Chinese segmenter, so an article matches a query when
//   - one of its keywords occurs in the query (the agent types the citizen's sentence: 我想提取公积金 → 提取公积金), or
//   - every word of the query (split at spaces and punctuation) occurs in its title, keywords or body.
// Keyword hits rank first, then titles containing the query, then the newest.
import type { Queryable } from '../../platform/db/database.js';

export interface KnowledgeArticleRecord {
  id: number;
  title: string;
  body: string;
  keywords: string[];
  catalogItemCodes: string[];
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewArticle {
  title: string;
  body: string;
  keywords: readonly string[];
  catalogItemCodes: readonly string[];
  createdBy: string | null;
}

interface Row {
  id: number;
  title: string;
  body: string;
  keywords: string[];
  catalog_item_codes: string[];
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
}

function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** Query words: split at whitespace and (Chinese or ASCII) punctuation. */
export function queryWords(q: string): string[] {
  return [
    ...new Set(
      q
        .normalize('NFKC')
        .toLowerCase()
        .split(/[\s\p{P}\p{S}]+/u)
        .filter((w) => w !== ''),
    ),
  ];
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function toArticle(r: Row): KnowledgeArticleRecord {
  return {
    id: r.id,
    title: r.title,
    body: r.body,
    keywords: r.keywords,
    catalogItemCodes: r.catalog_item_codes,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export class KnowledgeRepository {
  constructor(private readonly db: Queryable) {}

  async create(a: NewArticle, at: Date): Promise<KnowledgeArticleRecord> {
    const keywords = [...new Set(a.keywords.map((k) => k.trim()).filter((k) => k !== ''))];
    const { rows } = await this.db.query<Row>(
      `INSERT INTO knowledge_articles (title, body, keywords, catalog_item_codes, search_text, created_by, created_at, updated_at)
       VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, $6, $7, $7) RETURNING *`,
      [
        a.title,
        a.body,
        JSON.stringify(keywords),
        JSON.stringify([...new Set(a.catalogItemCodes)]),
        normalize([a.title, ...keywords, a.body].join(' ')),
        a.createdBy,
        at,
      ],
    );
    return toArticle(rows[0] as Row);
  }

  /** Without words: the newest articles. */
  async search(q: string | undefined, limit: number): Promise<KnowledgeArticleRecord[]> {
    const words = queryWords(q ?? '');
    if (words.length === 0) {
      const { rows } = await this.db.query<Row>(`SELECT * FROM knowledge_articles ORDER BY updated_at DESC, id DESC LIMIT $1`, [limit]);
      return rows.map(toArticle);
    }
    const whole = normalize(q ?? '');
    const { rows } = await this.db.query<Row & { kw_hits: number; all_words: boolean }>(
      `SELECT * FROM (
         SELECT a.*,
           (SELECT count(*) FROM jsonb_array_elements_text(a.keywords) k
             WHERE k <> '' AND position(lower(k) IN $1) > 0)::integer AS kw_hits,
           (a.search_text LIKE ALL($2::text[])) AS all_words,
           (position($1 IN lower(a.title)) > 0) AS in_title
         FROM knowledge_articles a
       ) s
       WHERE s.kw_hits > 0 OR s.all_words
       ORDER BY s.kw_hits DESC, s.in_title DESC, s.all_words DESC, s.updated_at DESC, s.id DESC
       LIMIT $3`,
      [whole, words.map((w) => `%${likeEscape(w)}%`), limit],
    );
    return rows.map(toArticle);
  }

  /** Articles linked to a catalog item (for the order form). */
  async forCatalogItem(itemCode: string, limit: number): Promise<KnowledgeArticleRecord[]> {
    const { rows } = await this.db.query<Row>(`SELECT * FROM knowledge_articles WHERE catalog_item_codes ? $1 ORDER BY updated_at DESC LIMIT $2`, [
      itemCode,
      limit,
    ]);
    return rows.map(toArticle);
  }
}
