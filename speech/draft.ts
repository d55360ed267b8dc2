// A work-order draft from a call's final transcript or the agent's summary (Mandarin), for the agent to check:
// order type (咨询/求助/投诉/举报/建议), district, catalog item suggestions, address fragment, phone numbers,
// urgency. Pure and rule-based: cue words, the responsibility catalog's own district and item matchers
// (crm/catalog/dispatch.ts), and a few patterns for Chinese addresses and phone numbers. Accuracy per field on
// team-written summaries: speech/draft.test.ts (fixtures in speech/fixtures/summaries.json).
import { detectDistrict, suggestItems } from '../crm/catalog/dispatch.js';
import { loadSampleCatalog } from '../crm/catalog/sample.js';
import type { Catalog } from '../contracts/catalog.js';

export const ORDER_TYPES = ['咨询', '求助', '投诉', '举报', '建议'] as const;
export type OrderType = (typeof ORDER_TYPES)[number];

export interface DraftItem {
  itemCode: string;
  name: string;
  score: number;
  matchedKeywords: string[];
}

export interface OrderDraft {
  orderType: OrderType | null;
  /** The words that decided the order type. */
  orderTypeCues: string[];
  district: { code: string; name: string; matched: string } | null;
  /** Catalog items, best first (at most `itemLimit`). */
  items: DraftItem[];
  /** Address fragment as written (南山区科技园科苑路15号, 福田区梅林一村12栋3单元), or null. */
  address: string | null;
  /** Phone numbers, digits only (mobile 11 digits; landline with its area code). */
  phones: string[];
  /** Life or property in danger now (fire, injury, gas leak, someone trapped …). */
  urgent: boolean;
  urgencyCues: string[];
}

export interface DraftOptions {
  /** Default: the sample catalog (crm/catalog/data/sample-catalog.json). */
  catalog?: Catalog;
  /** How many item suggestions to keep (default 3). */
  itemLimit?: number;
}

let sampleCatalog: Catalog | null = null;

export function extractDraft(text: string, options: DraftOptions = {}): OrderDraft {
  const catalog = options.catalog ?? (sampleCatalog ??= loadSampleCatalog());
  const normalized = text.normalize('NFKC');
  const urgency = detectUrgency(normalized);
  const items = suggestItems(catalog, normalized, { limit: options.itemLimit ?? 3 }).map((s) => ({
    itemCode: s.itemCode,
    name: catalog.items.find((i) => i.code === s.itemCode)?.name ?? s.itemCode,
    score: s.score,
    matchedKeywords: s.matchedKeywords,
  }));
  const d = detectDistrict(catalog, normalized);
  const type = detectOrderType(normalized, items.length > 0);
  return {
    orderType: type.type,
    orderTypeCues: type.cues,
    district:
      d === null ? null : { code: d.districtCode, name: catalog.districts.find((x) => x.code === d.districtCode)?.name ?? d.districtCode, matched: d.matched },
    items,
    address: extractAddress(normalized, catalog),
    phones: extractPhones(normalized),
    urgent: urgency.urgent,
    urgencyCues: urgency.cues,
  };
}

// --- order type -------------------------------------------------------------------------------------------------

/** Cue → weight per type. The type's own name (投诉 …) weighs 3: agents write it, callers say it. */
const TYPE_CUES: Record<OrderType, readonly (readonly [string | RegExp, number])[]> = {
  举报: [
    ['举报', 3],
    ['偷排', 1],
    ['赌博', 1],
    ['吸毒', 1],
    ['涉黄', 1],
    ['传销', 1],
    ['非法', 1],
    ['违法', 1],
    ['无证经营', 1],
    ['黑作坊', 1],
    ['假药', 1],
    ['骗保', 1],
    ['诈骗', 1],
  ],
  投诉: [
    ['投诉', 3],
    ['不满', 1],
    ['扰民', 1],
    ['乱收费', 1],
    ['拒载', 1],
    ['拖欠', 1],
    [/不给(?:退|安排|处理|办)/, 1],
    ['态度', 1],
    ['不作为', 1],
    [/一直不|不管|不修|不处理/, 1],
    [/受不了|睡不着|影响休息|太吵|很呛/, 1],
    [/要求(?!帮|救)/, 1],
  ],
  求助: [
    ['求助', 3],
    ['救命', 2],
    [/帮忙|帮帮|怎么办/, 1],
    [/被困|困在/, 2],
    [/晕倒|昏迷|摔倒|受伤|流.{0,3}血/, 2],
    [/着火|起火|火灾|车祸|泄漏|煤气味|燃气味|跳楼|轻生|溺水|触电/, 2],
    [/停水|停电|没水|没电|停气/, 1],
    [/请?尽快(?:派人|处理|修|恢复)|赶紧派人|希望尽快/, 1],
  ],
  建议: [
    ['建议', 3],
    ['提议', 3],
    [/增设|多建|增加(?:一条|班次|线路)|能否增加|希望(?:政府)?(?:增加|开通|设置)/, 1],
  ],
  咨询: [
    ['咨询', 3],
    [/请问|想问|问一下|想了解|了解一下/, 2],
    [/怎么(?:办理|补办|查询|算|补缴|操作|申请)|如何|需要(?:什么|哪些)|在哪里|哪里办|什么时候|多久/, 1],
  ],
};

/** When two types score the same, the one listed first wins (the rarer and more actionable one). */
const TYPE_PRIORITY: readonly OrderType[] = ['举报', '求助', '投诉', '建议', '咨询'];

function detectOrderType(text: string, describesAProblem: boolean): { type: OrderType | null; cues: string[] } {
  const scores = new Map<OrderType, { score: number; cues: string[] }>();
  const hypothetical = hypotheticalSpans(text);
  for (const type of TYPE_PRIORITY) {
    let score = 0;
    const cues: string[] = [];
    for (const [cue, weight] of TYPE_CUES[type]) {
      const found = findCue(text, cue, hypothetical);
      if (found !== null) {
        score += weight;
        cues.push(found);
      }
    }
    scores.set(type, { score, cues });
  }
  let best: OrderType | null = null;
  for (const type of TYPE_PRIORITY) if (scores.get(type)!.score > 0 && (best === null || scores.get(type)!.score > scores.get(best)!.score)) best = type;
  if (best !== null) return { type: best, cues: scores.get(best)!.cues };
  // no cue: a question is a consultation; a described problem is most often a complaint
  if (/[?？吗]/.test(text)) return { type: '咨询', cues: ['？'] };
  if (describesAProblem) return { type: '投诉', cues: [] };
  return { type: null, cues: [] };
}

function findCue(text: string, cue: string | RegExp, skip: readonly [number, number][]): string | null {
  const re = typeof cue === 'string' ? new RegExp(escapeRegExp(cue), 'g') : new RegExp(cue.source, 'g');
  for (const m of text.matchAll(re)) {
    const at = m.index;
    if (!skip.some(([s, e]) => at >= s && at < e)) return m[0];
  }
  return null;
}

// --- urgency ----------------------------------------------------------------------------------------------------

const URGENT_CUES: readonly RegExp[] = [
  /着火|起火|失火|火灾|烧起来/,
  /救命/,
  /晕倒|昏迷|叫不醒|不省人事/,
  /车祸/,
  /(?:煤气|燃气|天然气)(?:泄漏|泄露|味)|漏气/,
  /有人受伤|受伤倒|流.{0,3}血|出血/,
  /跳楼|轻生|自杀/,
  /爆炸/,
  /溺水|落水/,
  /触电/,
  /被困|困在/,
  /打人|持刀|砍人/,
];

/** Words that make what follows hypothetical: 容易出车祸, 怕着火, 以免有人受伤. */
const HYPOTHETICAL = /容易|可能|会不会|怕|担心|防止|避免|以免|万一|隐患|差点/g;

/** Spans (from a hypothetical marker to 6 characters after it) where an emergency word does not count. */
function hypotheticalSpans(text: string): [number, number][] {
  return [...text.matchAll(HYPOTHETICAL)].map((m) => [m.index, m.index + m[0].length + 6]);
}

function detectUrgency(text: string): { urgent: boolean; cues: string[] } {
  const skip = hypotheticalSpans(text);
  const cues = URGENT_CUES.map((re) => findCue(text, re, skip)).filter((c): c is string => c !== null);
  return { urgent: cues.length > 0, cues };
}

// --- address ----------------------------------------------------------------------------------------------------

/** A character that can be part of a place name: Han, Latin, digits — but not the function words around names. */
const NAME = '(?:(?![的有在是了到某个说很被把给让也都就还住于往从近对向跟与或这那其我你他她它们])[\\u4e00-\\u9fa5A-Za-z0-9])';
const NUM = '[0-9A-Za-z一二三四五六七八九十百零〇]';
const ROAD = `${NAME}{1,8}?(?:大道|大街|路|街(?!道)|巷)(?:${NUM}{1,5}号(?:院)?)?`;
const ROAD_WITH_NUMBER = `${NAME}{1,8}?(?:大道|大街|路|街(?!道)|巷)${NUM}{1,5}号`;
const ESTATE_SUFFIX = '小区|花园|家园|新村|山庄|大厦|广场|公寓|名苑|雅苑|华庭|花城|苑|村|府|公馆|大楼|宿舍';
const ESTATE = `${NAME}{1,8}?(?:${ESTATE_SUFFIX})(?:${NUM}{1,3}期)?`;
const UNIT = `(?:${NUM}{1,4}(?:栋|座|幢|号楼|单元|楼|层|室|号|房))+(?:\\d{3,4}(?![0-9]))?`;
const STREET = `${NAME}{2,3}?(?:街道|镇)`;
const COMMUNITY = `${NAME}{2,4}?社区`;

const districtRegexCache = new WeakMap<Catalog, RegExp>();

function districtNames(catalog: Catalog): RegExp {
  let re = districtRegexCache.get(catalog);
  if (re === undefined) {
    const names = catalog.districts
      .map((d) => d.name)
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp);
    districtRegexCache.set(catalog, (re = new RegExp(`(?:${names.join('|')})`, 'g')));
  }
  return re;
}

/**
 * The address fragment: from a district's full name (南山区) on, the street (西乡街道), community, road and number
 * (科苑路15号), estate or building (梅花山庄, 福华大厦, 桃源村三期) and unit (12栋3单元502) that follow it; else,
 * without a district, a road with its number or an estate with its unit. A district and street alone are an
 * area, not an address: null.
 */
export function extractAddress(text: string, catalog: Catalog = (sampleCatalog ??= loadSampleCatalog())): string | null {
  const t = text.normalize('NFKC');
  // anchored on a district name
  const districts = districtNames(catalog);
  districts.lastIndex = 0;
  for (const m of t.matchAll(districts)) {
    const tail = consumeAddress(t, m.index + m[0].length);
    if (tail.hasPlace) return t.slice(m.index, tail.end);
  }
  // free-standing: 科苑路15号, 长龙花园8栋502
  const free = new RegExp(`(?:${STREET})?(?:${ROAD_WITH_NUMBER}|(?:${ROAD})?${ESTATE}(?:${UNIT}))`, 'g');
  for (const m of t.matchAll(free)) {
    const tail = consumeAddress(t, m.index + m[0].length, true);
    return t.slice(m.index, tail.end);
  }
  return null;
}

/** Consumes street, community, road, estate and unit parts from `at`, each optional, in that order. */
function consumeAddress(text: string, at: number, afterPlace = false): { end: number; hasPlace: boolean } {
  let pos = at;
  let hasPlace = afterPlace;
  const step = (pattern: string, place: boolean) => {
    const re = new RegExp(pattern, 'y');
    re.lastIndex = pos;
    const m = re.exec(text);
    if (m !== null && m[0].length > 0) {
      pos += m[0].length;
      if (place) hasPlace = true;
      return true;
    }
    return false;
  };
  if (!afterPlace) {
    step(STREET, false);
    step(COMMUNITY, false);
    step(ROAD, true);
  }
  step(ESTATE, true);
  step(UNIT, true);
  return { end: pos, hasPlace };
}

// --- phone numbers ----------------------------------------------------------------------------------------------

const CN_DIGITS: Record<string, string> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/**
 * Phone numbers: mainland mobiles (1[3-9] and 9 more digits) and landlines with an area code (0755-83214567,
 * (0755) 8321 4567), written with spaces or dashes or in Chinese numerals (一三八…, 幺 for 1); an 8-digit local
 * number only right after 电话/号码/手机. Digits only, in text order, without duplicates.
 */
export function extractPhones(text: string): string[] {
  // runs of 7+ Chinese digits are read as digits
  let t = text.normalize('NFKC').replace(/[零〇一幺二三四五六七八九]{7,}/g, (run) => [...run].map((c) => CN_DIGITS[c]).join(''));
  const found: { at: number; digits: string }[] = [];
  const take = (re: RegExp, group = 0) => {
    t = t.replace(re, (...args: unknown[]) => {
      const match = args[0] as string;
      const value = (group === 0 ? match : (args[group] as string)) ?? match;
      const at = args[args.length - 2] as number;
      found.push({ at, digits: value.replace(/\D/g, '') });
      return '#'.repeat(match.length); // masked so that later patterns do not re-read it
    });
  };
  take(/(?<![0-9])1[3-9][0-9](?:[ -]?[0-9]){8}(?![0-9])/g);
  take(/(?<![0-9])(?:\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[ -]?[2-9][0-9]{2,3}[ -]?[0-9]{4}(?![0-9])/g);
  take(/(?:电话|号码|手机|联系方式)[^0-9#]{0,4}([2-9][0-9]{7})(?![0-9])/g, 1);
  const out: string[] = [];
  for (const f of found.sort((a, b) => a.at - b.at)) if (!out.includes(f.digits)) out.push(f.digits);
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
