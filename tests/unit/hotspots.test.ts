// 未诉先办 hotspot detection on generated data: eight weeks of background orders (noise spread over many items,
// streets and addresses, plus places that are always busy), with clusters planted at known places and times. The
// detector runs at every planted cluster's time and at quiet times; precision and recall are printed, planted
// clusters must all be found and the background must not alert.
import { describe, expect, it } from 'vitest';
import { DEFAULT_HOTSPOT_CONFIG, detectHotspots, normalizeAddress, type HotspotAlert, type HotspotOrder } from '../../crm/hotspots/detector.js';
import { mulberry32 } from '../../testkit/random.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse('2026-09-01T00:00:00+08:00');

const DISTRICTS: Record<string, string[]> = {
  南山区: ['粤海街道', '南头街道', '蛇口街道', '招商街道', '桃源街道', '西丽街道'],
  福田区: ['园岭街道', '南园街道', '沙头街道', '莲花街道', '梅林街道', '华富街道'],
  罗湖区: ['桂园街道', '黄贝街道', '翠竹街道', '东晓街道', '笋岗街道', '南湖街道'],
  宝安区: ['新安街道', '西乡街道', '航城街道', '福永街道', '福海街道', '沙井街道'],
  龙岗区: ['平湖街道', '坂田街道', '布吉街道', '南湾街道', '横岗街道', '龙城街道'],
};
const ITEMS = Array.from({ length: 30 }, (_, i) => `C${String(1 + (i % 12)).padStart(2, '0')}.${String(100 + i).padStart(3, '0')}`);
const ESTATES = Array.from(
  { length: 400 },
  (_, i) =>
    `${'东南西北中'[i % 5]}${'华阳康丰泰'[Math.floor(i / 5) % 5]}${'花园苑府城'[Math.floor(i / 25) % 5]}${'一二三四五六七八九十壹贰叁肆伍陆'[Math.floor(i / 125)]}期`,
);

interface Planted {
  id: string;
  at: number;
  codes: Set<string>;
}

function generate(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const orders: HotspotOrder[] = [];
  let n = 0;
  const order = (at: number, item: string, district: string, street: string | null, address: string | null): HotspotOrder => {
    const o = { code: `GD${String(n++).padStart(6, '0')}`, receivedAt: at, catalogItemCode: item, district, street, address, summary: `诉求${n}` };
    orders.push(o);
    return o;
  };
  const districts = Object.keys(DISTRICTS);
  // background: ~60 orders a day over 30 items × 30 streets × 400 estates
  for (let day = 0; day < 56; day++) {
    const k = int(45, 75);
    for (let i = 0; i < k; i++) {
      const d = pick(districts);
      const withStreet = rnd() < 0.8;
      order(
        START + day * DAY + int(0, DAY - 1),
        pick(ITEMS),
        d,
        withStreet ? pick(DISTRICTS[d]!) : null,
        rnd() < 0.9 ? `${pick(ESTATES)}${int(1, 30)}栋${int(101, 2802)}` : null,
      );
    }
  }
  // always-busy places: 3–7 of the same item a day on the same street, every day (their usual level)
  const busy = [
    { item: 'C07.901', district: '罗湖区', street: '东晓街道' },
    { item: 'C05.902', district: '福田区', street: '华富街道' },
  ];
  for (let day = 0; day < 56; day++) {
    for (const b of busy)
      for (let i = int(3, 7); i > 0; i--) order(START + day * DAY + int(0, DAY - 1), b.item, b.district, b.street, `${pick(ESTATES)}${int(1, 30)}栋`);
  }
  // planted clusters, after two weeks of history
  const planted: Planted[] = [];
  for (let c = 0; c < 24; c++) {
    const at = START + (16 + int(0, 38)) * DAY + int(0, DAY - 1); // the evaluation instant
    const d = pick(districts);
    const item = `C99.${String(100 + (c % 3)).padStart(3, '0')}`; // a few items, reused across clusters
    const size = int(4, 10);
    const codes = new Set<string>();
    const byAddress = c % 3 === 0; // one in three: nearby addresses, street left empty by the agent
    const street = pick(DISTRICTS[d]!);
    const estate = `${pick(['滨海', '科技园', '翠湖', '星河', '丽山'])}${pick(['南区', '北区', '东区'])}`;
    for (let i = 0; i < size; i++) {
      const o = order(at - int(1, 22 * 3600) * 1000, item, d, byAddress ? null : street, `${estate}${int(1, 12)}栋${int(101, 2802)}`);
      codes.add(o.code);
    }
    planted.push({ id: `P${c}`, at, codes });
  }
  // a busy place having an ordinary busy day at a planted cluster's time
  return { orders, planted, busy };
}

const data = generate(8_12345);

describe('hotspot detection (未诉先办)', () => {
  it('finds every planted cluster and ignores the background (precision and recall printed)', () => {
    let truePositives = 0;
    let falsePositives = 0;
    const found = new Set<string>();
    const falseAlerts: HotspotAlert[] = [];
    // every planted cluster's instant, plus quiet instants every day at 03:00 and 15:00
    const instants = [...data.planted.map((p) => p.at)];
    for (let day = 15; day < 56; day++) instants.push(START + day * DAY + 3 * HOUR, START + day * DAY + 15 * HOUR);
    for (const at of instants) {
      for (const alert of detectHotspots(data.orders, at)) {
        const codes = alert.orders.map((o) => o.code);
        // an alert is correct when most of its orders come from one planted cluster
        const match = data.planted.find((p) => codes.filter((c) => p.codes.has(c)).length >= Math.max(DEFAULT_HOTSPOT_CONFIG.minCount, codes.length / 2));
        if (match) {
          truePositives++;
          // found when raised at the cluster's own instant with all its orders
          if (at === match.at && [...match.codes].every((c) => codes.includes(c))) found.add(match.id);
        } else {
          falsePositives++;
          falseAlerts.push(alert);
        }
      }
    }
    const precision = truePositives / Math.max(1, truePositives + falsePositives);
    const recall = found.size / data.planted.length;
    console.log(
      `hotspots: ${data.orders.length} orders, ${data.planted.length} planted clusters, ${instants.length} detection instants; ` +
        `alerts ${truePositives + falsePositives} (true ${truePositives}, false ${falsePositives}); ` +
        `precision ${(precision * 100).toFixed(1)} %, recall ${(recall * 100).toFixed(1)} %`,
    );
    const missed = data.planted.filter((p) => !found.has(p.id));
    for (const m of missed) console.log('missed', m.id, [...m.codes].join(' '));
    expect(recall).toBe(1);
    expect(falseAlerts.map((a) => `${a.catalogItemCode} ${a.district} ${a.place} ${a.count} (baseline ${a.baseline.toFixed(2)})`)).toEqual([]);
    expect(precision).toBe(1);
  });

  it('measures a busy place against its own usual level', () => {
    const b = data.busy[0]!;
    const at = START + 40 * DAY + 12 * HOUR;
    const alerts = detectHotspots(data.orders, at);
    expect(alerts.some((a) => a.catalogItemCode === b.item)).toBe(false);
    // a surge at the busy place (well above its usual 3–7 a day) does alert
    const surge = Array.from({ length: 30 }, (_, i) => ({
      code: `S${i}`,
      receivedAt: at - (i + 1) * 1000,
      catalogItemCode: b.item,
      district: b.district,
      street: b.street,
      address: null,
      summary: '',
    }));
    const withSurge = detectHotspots([...data.orders, ...surge], at).find((a) => a.catalogItemCode === b.item);
    expect(withSurge).toMatchObject({ placeKind: 'street', place: b.street });
    expect(withSurge!.count).toBeGreaterThanOrEqual(30);
    expect(withSurge!.baseline).toBeGreaterThan(2);
  });

  it('groups nearby addresses and shows a cluster once at street level', () => {
    const at = START + 10 * DAY;
    const mk = (i: number, street: string | null, address: string) => ({
      code: `A${i}`,
      receivedAt: at - (i + 1) * 60_000,
      catalogItemCode: 'C12.001',
      district: '南山区',
      street,
      address,
      summary: '',
    });
    const byAddress = detectHotspots(
      [mk(0, null, '南山区科技园南区1栋'), mk(1, null, '粤海街道科技园南区3栋 502'), mk(2, null, '科技园南区（12栋）'), mk(3, null, '科技园南区 7 栋')],
      at,
    );
    expect(byAddress).toHaveLength(1);
    expect(byAddress[0]).toMatchObject({ placeKind: 'address', place: '科技园南区', count: 4, baseline: 0 });
    const both = detectHotspots(
      [1, 2, 3, 4].map((i) => mk(i, '粤海街道', `科技园南区${i}栋`)),
      at,
    );
    expect(both.map((a) => a.placeKind)).toEqual(['street']);
    expect(normalizeAddress('ＡＢ小区 3栋', '南山区')).toBe('AB小区3栋');
  });

  it('thresholds are configurable', () => {
    const at = START + 10 * DAY;
    const two = [0, 1].map((i) => ({
      code: `T${i}`,
      receivedAt: at - 1000 * (i + 1),
      catalogItemCode: 'C01.001',
      district: '福田区',
      street: '园岭街道',
      address: null,
      summary: '',
    }));
    expect(detectHotspots(two, at)).toHaveLength(0);
    expect(detectHotspots(two, at, { ...DEFAULT_HOTSPOT_CONFIG, minCount: 2, minExcess: 1 })).toHaveLength(1);
    expect(detectHotspots(two, at, { ...DEFAULT_HOTSPOT_CONFIG, minCount: 2, minExcess: 1, windowMs: 500 })).toHaveLength(0);
  });
});
