// Auto-dispatch over the responsibility catalog, and the two text helpers that feed it:
// - dispatch():       item (+ district for local items) → department, or the human dispatch desk (人工派单)
// - suggestItems():   Chinese summary/transcript → ranked catalog items, by keyword substring matching
// - detectDistrict(): address text → district, from its full name, short name, or a street/landmark
// All pure: the only state is a per-catalog index cached in a WeakMap (catalogs are treated as immutable).
import type { Catalog, CatalogItem, DispatchResult, DistrictMatch, ItemSuggestion, ManualReasonCode } from '../../contracts/catalog.js';

export type { DispatchResult, DistrictMatch, ItemSuggestion, ManualReasonCode };

export interface DispatchRequest {
  itemCode: string | null | undefined;
  /** District code (see detectDistrict); only needed for local (属地) items. */
  district?: string | null | undefined;
}

/**
 * Decides where an order goes. City-wide items go to their department whatever the district; local items go to
 * the district's department and need a known district. Anything else goes to the manual dispatch desk with a
 * reason (in Chinese: it is shown to the desk) and a stable reason code.
 */
export function dispatch(catalog: Catalog, request: DispatchRequest): DispatchResult {
  const { itemCode, district } = request;
  if (itemCode === null || itemCode === undefined || itemCode.trim() === '') {
    return { kind: 'manual', code: 'no_item', reason: '未确定职责清单事项，转人工派单' };
  }
  const item = indexOf(catalog).items.get(itemCode);
  if (item === undefined) {
    return { kind: 'manual', code: 'unknown_item', reason: `职责清单中没有事项 ${itemCode}，转人工派单` };
  }
  const label = `${item.code} ${item.name}`;
  const r = item.responsibility;
  if (r.kind === 'city') {
    return {
      kind: 'auto',
      itemCode: item.code,
      departmentCode: r.departmentCode,
      reason: `${label}：全市统一由 ${departmentName(catalog, r.departmentCode)} 承办`,
    };
  }
  if (district === null || district === undefined || district.trim() === '') {
    return { kind: 'manual', code: 'district_missing', itemCode: item.code, reason: `${label} 属地管理，但未确定所属区，转人工派单` };
  }
  const d = indexOf(catalog).districts.get(district);
  if (d === undefined) {
    return { kind: 'manual', code: 'unknown_district', itemCode: item.code, reason: `${label} 属地管理，但所属区 ${district} 不在清单中，转人工派单` };
  }
  const departmentCode = Object.hasOwn(r.byDistrict, d.code) ? r.byDistrict[d.code] : undefined;
  if (departmentCode === undefined) {
    return { kind: 'manual', code: 'district_unmapped', itemCode: item.code, reason: `${label} 未配置 ${d.name} 的承办部门，转人工派单` };
  }
  return { kind: 'auto', itemCode: item.code, departmentCode, reason: `${label}：属地管理，${d.name} 由 ${departmentName(catalog, departmentCode)} 承办` };
}

export interface SuggestOptions {
  /** How many suggestions to return at most (default 5). */
  limit?: number;
  /** Suggestions scoring below this are dropped (default 0: any match counts). */
  minScore?: number;
  /**
   * Drop suggestions resting on keyword fragments alone (default false). Fragments find more requests phrased in
   * the citizen's own words but are weaker evidence: for auto-dispatch without a human check, requiring a whole
   * keyword trades wrong dispatches for manual ones (see bench/dispatch-accuracy.ts).
   */
  requireKeyword?: boolean;
}

/**
 * Ranks catalog items for a Chinese text by keyword substring matching (no word segmentation). Each keyword
 * (and the item's own name) found in the text adds weight(keyword) = length^1.5 × ln(1 + items / itemsUsingIt):
 * longer keywords are more specific, keywords shared by many items say little. An occurrence lying inside a
 * longer keyword's occurrence counts only for the longer one (装修噪音 wins over 装修; 不给交社保 over 交社保).
 * Each keyword counts once however often it occurs.
 * Citizens rarely say a keyword verbatim (欠了工资 vs 拖欠工资), so fragments of keywords also count: the start or
 * end (two or more characters) of a longer keyword — in Chinese compounds usually a word of its own (拖欠|工资) —
 * at FRAGMENT_FACTOR of the weight, their rarity measured over the items whose keywords contain them, and only
 * where the text is not already covered by a whole keyword. Generic colloquial words (怎么, 小区, 门口 …) are never
 * fragment evidence.
 */
export function suggestItems(catalog: Catalog, text: string, options: SuggestOptions = {}): ItemSuggestion[] {
  const limit = options.limit ?? 5;
  const minScore = options.minScore ?? 0;
  const index = indexOf(catalog);
  const normalized = normalize(text);
  const spans = longestSpans(findSpans(normalized, index.terms));
  const fragments = longestSpans(findSpans(normalized, index.fragmentTerms)).filter((f) => !spans.some((s) => s.start <= f.start && f.end <= s.end));

  interface Hit {
    keywords: Map<string, number>; // whole keyword → weight
    fragments: Map<string, { keyword: string; weight: number }>; // fragment → where it comes from, weight
  }
  const hits = new Map<string, Hit>();
  const hitOf = (itemCode: string) => {
    let h = hits.get(itemCode);
    if (h === undefined) hits.set(itemCode, (h = { keywords: new Map(), fragments: new Map() }));
    return h;
  };
  for (const { term } of spans) {
    const info = index.termInfo.get(term)!;
    for (const { itemCode, keyword } of info.owners) hitOf(itemCode).keywords.set(keyword, info.weight);
  }
  for (const { term } of fragments) {
    const info = index.fragmentInfo.get(term)!;
    for (const { itemCode, keyword } of info.owners) hitOf(itemCode).fragments.set(term, { keyword, weight: info.weight });
  }
  const suggestions: ItemSuggestion[] = [];
  for (const [itemCode, h] of hits) {
    const keywords = [...h.keywords].sort((a, b) => b[1] - a[1]);
    const frags = [...h.fragments].sort((a, b) => b[1].weight - a[1].weight);
    const score = round(keywords.reduce((s, [, w]) => s + w, 0) + frags.reduce((s, [, f]) => s + f.weight, 0));
    if (score > 0 && score >= minScore && (keywords.length > 0 || options.requireKeyword !== true)) {
      suggestions.push({
        itemCode,
        score,
        matchedKeywords: keywords.map(([k]) => k),
        matchedFragments: frags.map(([fragment, f]) => ({ fragment, keyword: f.keyword })),
      });
    }
  }
  suggestions.sort(
    (a, b) => b.score - a.score || b.matchedKeywords.length - a.matchedKeywords.length || index.order.get(a.itemCode)! - index.order.get(b.itemCode)!,
  );
  return suggestions.slice(0, Math.max(0, limit));
}

/**
 * Finds the district an address is in: by full name (南山区), short name (南山), or one of the district's streets and
 * landmarks (科技园). Longer mentions win over the shorter ones inside them (桃源居 over 桃源). The strongest kind of
 * mention decides; when it names two different districts (福田区…罗湖区) the address is ambiguous and the result
 * is null, as it is when nothing is found: the dispatch desk decides.
 */
export function detectDistrict(catalog: Catalog, text: string): DistrictMatch | null {
  const mentions = findDistrictMentions(catalog, text);
  if (mentions.length === 0) return null;
  const rank = { name: 3, short_name: 2, place: 1 } as const;
  const best = Math.max(...mentions.map((m) => rank[m.via]));
  const top = mentions.filter((m) => rank[m.via] === best);
  return new Set(top.map((m) => m.districtCode)).size === 1 ? top[0]! : null;
}

/** Every district mention in a text, in text order, after dropping mentions inside longer ones. */
export function findDistrictMentions(catalog: Catalog, text: string): DistrictMatch[] {
  const index = indexOf(catalog);
  return longestSpans(findSpans(normalize(text), index.placeTerms)).map(({ term }) => index.places.get(term)!);
}

// ---------------------------------------------------------------------------------------------------------------

interface TermInfo {
  weight: number;
  owners: { itemCode: string; keyword: string }[];
}

interface CatalogIndex {
  items: Map<string, CatalogItem>;
  order: Map<string, number>;
  districts: Map<string, Catalog['districts'][number]>;
  /** normalised keyword → weight and the items using it */
  termInfo: Map<string, TermInfo>;
  terms: string[];
  /** fragment (substring of a longer keyword, not a keyword itself) → weight and the items it credits */
  fragmentInfo: Map<string, TermInfo>;
  fragmentTerms: string[];
  /** normalised district name / short name / place → what it identifies */
  places: Map<string, DistrictMatch>;
  placeTerms: string[];
}

/** Weight of a keyword fragment relative to a whole keyword of the same length and rarity. */
const FRAGMENT_FACTOR = 0.5;

/**
 * Everyday words that say nothing about which item a request is about: question words, time and place words of
 * any complaint, and the verbs of the hotline itself. Never used as fragment evidence (whole keywords still count).
 */
const GENERIC_WORDS = new Set(
  (
    '怎么 怎样 什么 如何 为什么 哪里 多少 需要 可以 不能 能不能 是否 有没有 没有 不给 不让 不了 不要 一直 经常 突然 通知 ' +
    '现在 已经 每天 晚上 白天 早上 半夜 时候 时间 这个 那个 我们 他们 自己 个人 家里 门口 小区 附近 旁边 对面 路上 ' +
    '楼上 楼下 上班 很多 太多 特别 严重 影响 不管 问题 情况 反映 投诉 咨询 市民 要求 处理 管理 服务 申请 办理 办事'
  ).split(' '),
);

const cache = new WeakMap<Catalog, CatalogIndex>();

function indexOf(catalog: Catalog): CatalogIndex {
  let index = cache.get(catalog);
  if (index === undefined) cache.set(catalog, (index = buildIndex(catalog)));
  return index;
}

function buildIndex(catalog: Catalog): CatalogIndex {
  const owners = new Map<string, { itemCode: string; keyword: string }[]>();
  for (const item of catalog.items) {
    const seen = new Set<string>();
    for (const keyword of [...item.keywords, item.name]) {
      const term = normalize(keyword);
      if (term === '' || seen.has(term)) continue;
      seen.add(term);
      let list = owners.get(term);
      if (list === undefined) owners.set(term, (list = []));
      list.push({ itemCode: item.code, keyword });
    }
  }
  const n = Math.max(1, catalog.items.length);
  const weight = (term: string, items: number) => [...term].length ** 1.5 * Math.log(1 + n / items);
  const termInfo = new Map<string, TermInfo>();
  for (const [term, list] of owners) termInfo.set(term, { weight: weight(term, list.length), owners: list });

  // fragments: prefixes and suffixes of longer keywords, credited once per item (to the first keyword holding it)
  const fragmentOwners = new Map<string, Map<string, string>>(); // fragment → itemCode → keyword it came from
  for (const [term, list] of owners) {
    const chars = [...term];
    for (let len = 2; len < chars.length; len++) {
      for (const fragment of [chars.slice(0, len).join(''), chars.slice(chars.length - len).join('')]) {
        if (owners.has(fragment) || GENERIC_WORDS.has(fragment)) continue;
        let m = fragmentOwners.get(fragment);
        if (m === undefined) fragmentOwners.set(fragment, (m = new Map<string, string>()));
        for (const { itemCode, keyword } of list) if (!m.has(itemCode)) m.set(itemCode, keyword);
      }
    }
  }
  const fragmentInfo = new Map<string, TermInfo>();
  for (const [fragment, m] of fragmentOwners) {
    fragmentInfo.set(fragment, {
      weight: FRAGMENT_FACTOR * weight(fragment, m.size),
      owners: [...m].map(([itemCode, keyword]) => ({ itemCode, keyword })),
    });
  }

  const places = new Map<string, DistrictMatch>();
  for (const d of catalog.districts) {
    const add = (text: string, via: DistrictMatch['via']) => {
      const term = normalize(text);
      if (term !== '' && !places.has(term)) places.set(term, { districtCode: d.code, matched: text, via });
    };
    add(d.name, 'name');
    add(d.shortName, 'short_name');
    for (const p of d.places) add(p, 'place');
  }
  return {
    items: new Map(catalog.items.map((i) => [i.code, i])),
    order: new Map(catalog.items.map((i, k) => [i.code, k])),
    districts: new Map(catalog.districts.map((d) => [d.code, d])),
    termInfo,
    terms: [...termInfo.keys()],
    fragmentInfo,
    fragmentTerms: [...fragmentInfo.keys()],
    places,
    placeTerms: [...places.keys()],
  };
}

interface Span {
  term: string;
  start: number;
  end: number;
}

/** Full-width → half-width (NFKC), lower case, whitespace removed: 'ＡＰＰ 登录' → 'app登录'. */
function normalize(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

function findSpans(text: string, terms: readonly string[]): Span[] {
  const spans: Span[] = [];
  for (const term of terms) {
    for (let at = text.indexOf(term); at !== -1; at = text.indexOf(term, at + 1)) {
      spans.push({ term, start: at, end: at + term.length });
    }
  }
  return spans;
}

/** Drops every span lying inside a strictly longer span; returns the rest in text order. */
function longestSpans(spans: Span[]): Span[] {
  const byLength = [...spans].sort((a, b) => b.end - b.start - (a.end - a.start));
  const kept: Span[] = [];
  for (const s of byLength) {
    const inside = kept.some((k) => k.end - k.start > s.end - s.start && k.start <= s.start && s.end <= k.end);
    if (!inside) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start || b.end - a.end);
}

function departmentName(catalog: Catalog, code: string): string {
  return catalog.departments.find((d) => d.code === code)?.name ?? code;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
