// 未诉先办 hotspot detection, pure: the same catalog item in the same place within a time window, clearly above
// that place's usual level → one alert listing the orders, so the dispatch desk can handle them as one matter
// (and act before more citizens call).
//
// A place is either the street (district + 街道/镇) or, for nearby addresses, the district + the normalized
// address (district/street names, spaces and punctuation removed, full-width folded) up to its first number and
// at most `addressPrefixChars` characters, so 科技园南区1栋 and 科技园南区3栋 502 meet at 科技园南区, and
// 望京西路1号院 and 望京西路8号 at 望京西路. Every order counts in its street group and in its address group.
//
// Usual level (baseline): the mean count of the same item+place over the `baselineWindows` windows of the same
// length before the current one. An item+place alerts when, in the window ending at `now`,
//   count ≥ minCount  and  count ≥ ratio × baseline  and  count − baseline ≥ minExcess.
// So a quiet street alerts at minCount, and a street that always has many such calls (a big market, a known
// construction site) only when it is well above its own norm. An address alert whose orders all belong to a
// street alert of the same item is dropped (one matter, shown once, at street level with every order).

export interface HotspotOrder {
  code: string;
  receivedAt: number;
  catalogItemCode: string;
  district: string;
  street?: string | null | undefined;
  address?: string | null | undefined;
  summary: string;
}

export interface HotspotConfig {
  windowMs: number;
  baselineWindows: number;
  minCount: number;
  ratio: number;
  minExcess: number;
  addressPrefixChars: number;
}

export const DEFAULT_HOTSPOT_CONFIG: HotspotConfig = {
  windowMs: 24 * 3_600_000,
  baselineWindows: 14,
  // 3 gives a few chance alerts a week in a city of ~60 orders a day spread over its streets (measured in
  // tests/unit/hotspots.test.ts); 4 none
  minCount: 4,
  ratio: 3,
  minExcess: 2,
  addressPrefixChars: 8,
};

export interface HotspotAlert {
  /** Stable for the same item + place, so a periodic job can tell new alerts from known ones. */
  key: string;
  catalogItemCode: string;
  district: string;
  place: string;
  placeKind: 'street' | 'address';
  windowStart: number;
  windowEnd: number;
  count: number;
  baseline: number;
  /** Newest first. */
  orders: HotspotOrder[];
}

const PUNCTUATION = /[\s\p{P}\p{S}]/gu;

/** The comparable form of an address: NFKC, no whitespace or punctuation, without the district and street names. */
export function normalizeAddress(address: string, district: string, street?: string | null): string {
  let s = address.normalize('NFKC').replace(PUNCTUATION, '');
  for (const name of [district, street ?? '']) {
    const n = name.normalize('NFKC').replace(PUNCTUATION, '');
    if (n && s.startsWith(n)) s = s.slice(n.length);
  }
  // a street written in the address without the order's street field: 粤海街道科技园… → 科技园… (only 街道:
  // 镇/乡 also occur inside place names, e.g. 西乡大道)
  s = s.replace(/^.{1,8}?街道/u, '');
  return s;
}

interface Group {
  item: string;
  district: string;
  place: string;
  kind: 'street' | 'address';
  current: HotspotOrder[];
  earlier: number;
}

function placesOf(o: HotspotOrder, prefixChars: number): { kind: 'street' | 'address'; place: string }[] {
  const out: { kind: 'street' | 'address'; place: string }[] = [];
  const street = o.street?.trim();
  if (street) out.push({ kind: 'street', place: street });
  if (o.address?.trim()) {
    // the named part before the first number (building, house or room): 科技园南区1栋502 → 科技园南区
    const named = [...(normalizeAddress(o.address, o.district, o.street).split(/[0-9]/)[0] ?? '')];
    // too short to say "near each other"
    if (named.length >= 2) out.push({ kind: 'address', place: named.slice(0, prefixChars).join('') });
  }
  return out;
}

export function detectHotspots(orders: readonly HotspotOrder[], now: number, config: HotspotConfig = DEFAULT_HOTSPOT_CONFIG): HotspotAlert[] {
  const windowStart = now - config.windowMs;
  const historyStart = windowStart - config.baselineWindows * config.windowMs;
  const groups = new Map<string, Group>();
  for (const o of orders) {
    if (o.receivedAt >= now || o.receivedAt < historyStart) continue;
    for (const p of placesOf(o, config.addressPrefixChars)) {
      const key = `${o.catalogItemCode}|${o.district}|${p.kind}|${p.place}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { item: o.catalogItemCode, district: o.district, place: p.place, kind: p.kind, current: [], earlier: 0 }));
      if (o.receivedAt >= windowStart) g.current.push(o);
      else g.earlier++;
    }
  }
  const alerts: HotspotAlert[] = [];
  for (const [key, g] of groups) {
    const count = g.current.length;
    const baseline = config.baselineWindows > 0 ? g.earlier / config.baselineWindows : 0;
    if (count < config.minCount || count < config.ratio * baseline || count - baseline < config.minExcess) continue;
    alerts.push({
      key,
      catalogItemCode: g.item,
      district: g.district,
      place: g.place,
      placeKind: g.kind,
      windowStart,
      windowEnd: now,
      count,
      baseline,
      orders: [...g.current].sort((a, b) => b.receivedAt - a.receivedAt || a.code.localeCompare(b.code)),
    });
  }
  const streetSets = alerts.filter((a) => a.placeKind === 'street').map((a) => ({ a, codes: new Set(a.orders.map((o) => o.code)) }));
  return alerts
    .filter((a) => a.placeKind === 'street' || !streetSets.some((s) => s.a.catalogItemCode === a.catalogItemCode && a.orders.every((o) => s.codes.has(o.code))))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}
