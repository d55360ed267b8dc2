// Draft extraction measured on team-written Mandarin call summaries (speech/fixtures/summaries.json): accuracy per
// field, printed for the dev and holdout splits, with floors asserted at what the extractor reached.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ORDER_TYPES, extractAddress, extractDraft, extractPhones } from './draft.js';
import type { OrderDraft, OrderType } from './draft.js';

interface Expected {
  orderType: OrderType;
  districtCode: string | null;
  itemCode: string | null;
  address: string | null;
  phones: string[];
  urgent: boolean;
}
interface Fixture {
  id: string;
  split: 'dev' | 'holdout';
  summary: string;
  expected: Expected;
}

const fixtures = (JSON.parse(readFileSync(new URL('./fixtures/summaries.json', import.meta.url), 'utf8')) as { summaries: Fixture[] }).summaries;

type Field = 'orderType' | 'district' | 'itemTop1' | 'itemTop3' | 'address' | 'phones' | 'urgent';
const FIELDS: readonly Field[] = ['orderType', 'district', 'itemTop1', 'itemTop3', 'address', 'phones', 'urgent'];

/** null: the field is not scored for this summary (no catalog item fits it). */
function score(d: OrderDraft, e: Expected): Record<Field, boolean | null> {
  const codes = d.items.map((i) => i.itemCode);
  return {
    orderType: d.orderType === e.orderType,
    district: (d.district?.code ?? null) === e.districtCode,
    itemTop1: e.itemCode === null ? null : codes[0] === e.itemCode,
    itemTop3: e.itemCode === null ? null : codes.slice(0, 3).includes(e.itemCode),
    address: (d.address ?? null) === e.address,
    phones: JSON.stringify(d.phones) === JSON.stringify(e.phones),
    urgent: d.urgent === e.urgent,
  };
}

function measure(split: 'dev' | 'holdout' | 'all') {
  const set = fixtures.filter((f) => split === 'all' || f.split === split);
  const acc = Object.fromEntries(FIELDS.map((f) => [f, { ok: 0, n: 0 }])) as Record<Field, { ok: number; n: number }>;
  const errors: string[] = [];
  for (const f of set) {
    const d = extractDraft(f.summary);
    const s = score(d, f.expected);
    for (const field of FIELDS) {
      const v = s[field];
      if (v === null) continue;
      acc[field].n++;
      if (v) acc[field].ok++;
      else if (field !== 'itemTop3') {
        const got =
          field === 'orderType'
            ? d.orderType
            : field === 'district'
              ? d.district?.code
              : field === 'itemTop1'
                ? d.items[0]?.itemCode
                : field === 'address'
                  ? d.address
                  : field === 'phones'
                    ? d.phones.join(',')
                    : d.urgent;
        const want =
          field === 'orderType'
            ? f.expected.orderType
            : field === 'district'
              ? f.expected.districtCode
              : field === 'itemTop1'
                ? f.expected.itemCode
                : field === 'address'
                  ? f.expected.address
                  : field === 'phones'
                    ? f.expected.phones.join(',')
                    : f.expected.urgent;
        errors.push(`${f.id} ${field}: got ${String(got ?? null)}, want ${String(want)}`);
      }
    }
  }
  const pct = (field: Field) => (acc[field].n === 0 ? 1 : acc[field].ok / acc[field].n);
  return { n: set.length, acc, pct, errors };
}

describe('draft extraction on team-written summaries', () => {
  it('has at least 50 summaries, each with every field labelled', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(50);
    for (const f of fixtures) {
      expect(ORDER_TYPES).toContain(f.expected.orderType);
      expect(Array.isArray(f.expected.phones)).toBe(true);
      expect(typeof f.expected.urgent).toBe('boolean');
    }
    expect(new Set(fixtures.map((f) => f.id)).size).toBe(fixtures.length);
  });

  it('reaches its measured accuracy per field (printed for dev, holdout and all)', () => {
    for (const split of ['dev', 'holdout', 'all'] as const) {
      const m = measure(split);
      console.log(
        `[speech] draft ${split} (${m.n} summaries): ` + FIELDS.map((f) => `${f} ${m.acc[f].ok}/${m.acc[f].n} (${Math.round(m.pct(f) * 100)}%)`).join(', '),
      );
      if (split !== 'all' && m.errors.length > 0) console.log(`[speech] draft ${split} misses:\n  ${m.errors.join('\n  ')}`);
    }
    for (const split of ['holdout', 'all'] as const) {
      const m = measure(split);
      for (const f of FIELDS) expect(m.pct(f), `${split} ${f}`).toBeGreaterThanOrEqual(FLOORS[split][f]);
    }
  });
});

/**
 * Measured when written and asserted as floors. holdout (20, scored once, the honest figures): order type 17/20,
 * district 20/20, item top-1 13/17, top-3 15/17, address 18/20, phones 20/20, urgent 17/20. All 65: 62/65, 65/65,
 * 50/57, 54/57, 63/65, 65/65, 62/65.
 */
const FLOORS: Record<'holdout' | 'all', Record<Field, number>> = {
  holdout: { orderType: 0.85, district: 1, itemTop1: 0.76, itemTop3: 0.88, address: 0.9, phones: 1, urgent: 0.85 },
  all: { orderType: 0.95, district: 1, itemTop1: 0.87, itemTop3: 0.94, address: 0.96, phones: 1, urgent: 0.95 },
};

describe('draft field extractors', () => {
  it('reads mobiles and landlines written with spaces, dashes, brackets or Chinese numerals', () => {
    expect(extractPhones('电话13812345678')).toEqual(['13812345678']);
    expect(extractPhones('联系方式：139 2233 4455，备用 186-0755-1234')).toEqual(['13922334455', '18607551234']);
    expect(extractPhones('座机0755-83214567或(0755) 2888 6666')).toEqual(['075583214567', '075528886666']);
    expect(extractPhones('电话一三八零零一三八零零零')).toEqual(['13800138000']);
    expect(extractPhones('号码幺三九幺二三四五六七八')).toEqual(['13912345678']);
    expect(extractPhones('家里电话83214567')).toEqual(['83214567']);
  });

  it('does not read other numbers as phones (12345, plates, ID numbers, amounts)', () => {
    expect(extractPhones('打了12345热线，车牌粤B12345D，欠了38000元')).toEqual([]);
    expect(extractPhones('身份证号440301199001011234')).toEqual([]);
    expect(extractPhones('13812345678')).toEqual(['13812345678']);
    expect(extractPhones('三楼五单元')).toEqual([]);
  });

  it('cuts the address fragment from district to unit, and leaves a bare area alone', () => {
    expect(extractAddress('市民反映南山区科技园科苑路15号附近工地夜间施工')).toBe('南山区科技园科苑路15号');
    expect(extractAddress('住在龙岗区布吉街道长龙花园8栋502。')).toBe('龙岗区布吉街道长龙花园8栋502');
    expect(extractAddress('家住科苑路15号，')).toBe('科苑路15号');
    expect(extractAddress('光明区公明街道某餐厅油烟直排')).toBeNull();
    expect(extractAddress('请问居住证怎么办')).toBeNull();
  });

  it('flags urgency on emergency words, not on hypothetical ones', () => {
    expect(extractDraft('邻居家着火了，在南山区').urgent).toBe(true);
    expect(extractDraft('泥头车撒了一路泥，容易出车祸').urgent).toBe(false);
    expect(extractDraft('咨询公积金提取').urgent).toBe(false);
  });
});
