// First-dispatch accuracy of catalog auto-dispatch on the labelled work orders.
//   npx tsx bench/dispatch-accuracy.ts                  figures per split, top mistakes over all orders
//   npx tsx bench/dispatch-accuracy.ts --split dev      only one split (dev | holdout)
//   npx tsx bench/dispatch-accuracy.ts --verbose        also every miss and every manual order
// For each order: suggestItems(summary) → top item; detectDistrict(address) → district; dispatch() → department.
// First-dispatch success = auto-dispatched to the labelled department / all orders. Manual = sent to the human
// dispatch desk (no item matched, or a local item without a recognisable district). Wrong = auto-dispatched to
// another department (the costly case: the order bounces back). The dev split was used to improve the matcher
// and the catalog keywords; the holdout split was not looked at while doing so: its figure is the honest one.
import { detectDistrict, dispatch, suggestItems } from '../crm/catalog/dispatch.js';
import type { LabelledOrder } from '../crm/catalog/sample.js';
import { loadLabelledOrders, loadSampleCatalog } from '../crm/catalog/sample.js';

const args = process.argv.slice(2);
const verbose = args.includes('--verbose');
const splitArg = args.includes('--split') ? args[args.indexOf('--split') + 1] : undefined;
if (splitArg !== undefined && splitArg !== 'dev' && splitArg !== 'holdout') {
  console.error('usage: npx tsx bench/dispatch-accuracy.ts [--split dev|holdout] [--verbose]');
  process.exit(2);
}

const catalog = loadSampleCatalog();
const orders = loadLabelledOrders().filter((o) => splitArg === undefined || o.split === splitArg);
const itemByCode = new Map(catalog.items.map((i) => [i.code, i]));

interface Outcome {
  order: LabelledOrder;
  kind: 'correct' | 'wrong' | 'manual';
  manualCode?: string;
  itemTop1: boolean;
  itemTop3: boolean;
  local: boolean;
  districtFound: boolean;
  districtRight: boolean;
  detail: string;
  dispatchedDepartment?: string;
  dispatchedItem?: string;
}

function run(order: LabelledOrder, requireKeyword = false): Outcome {
  const suggestions = suggestItems(catalog, order.summary, { limit: 3, requireKeyword });
  const top = suggestions[0];
  const district = detectDistrict(catalog, order.address);
  const result = dispatch(catalog, { itemCode: top?.itemCode, district: district?.districtCode });
  const local = itemByCode.get(order.expectedItemCode)?.responsibility.kind === 'district';
  const base = {
    order,
    itemTop1: top?.itemCode === order.expectedItemCode,
    itemTop3: suggestions.some((s) => s.itemCode === order.expectedItemCode),
    local,
    districtFound: district !== null,
    districtRight: district?.districtCode === order.expectedDistrictCode,
  };
  const line = `${order.id} 「${order.summary}」 @「${order.address}」 expected ${order.expectedItemCode}/${order.expectedDepartmentCode}`;
  if (result.kind === 'manual') return { ...base, kind: 'manual', manualCode: result.code, detail: `MANUAL ${line} → ${result.reason}` };
  if (result.departmentCode === order.expectedDepartmentCode) return { ...base, kind: 'correct', detail: '' };
  const via = top ? ` [${top.matchedKeywords.join('、')}]` : '';
  return {
    ...base,
    kind: 'wrong',
    dispatchedDepartment: result.departmentCode,
    dispatchedItem: result.itemCode,
    detail: `WRONG  ${line} → ${result.itemCode} ${itemByCode.get(result.itemCode)?.name}${via} / ${result.departmentCode} (district ${district?.districtCode ?? '-'})`,
  };
}

const outcomes = orders.map((o) => run(o));
const pct = (n: number, of: number) => (of === 0 ? '    - ' : `${((100 * n) / of).toFixed(1).padStart(5)} %`);
const count = (os: Outcome[], f: (o: Outcome) => boolean) => os.filter(f).length;

console.log(
  `catalog ${catalog.city} ${catalog.version}: ${catalog.classes.length} classes, ${catalog.items.length} items, ` +
    `${catalog.departments.length} departments, ${catalog.districts.length} districts\n`,
);

const splits: [string, Outcome[]][] = [['all', outcomes]];
if (splitArg === undefined) for (const s of ['dev', 'holdout'] as const) splits.push([s, outcomes.filter((o) => o.order.split === s)]);
const cols = splits.map(([name, os]) => `${name} (${os.length})`.padStart(16)).join('');
console.log(`${''.padEnd(30)}${cols}`);
const row = (label: string, f: (os: Outcome[]) => [number, number]) =>
  console.log(
    `${label.padEnd(30)}${splits
      .map(([, os]) => {
        const [n, of] = f(os);
        return `${String(n).padStart(4)} ${pct(n, of)}`.padStart(16);
      })
      .join('')}`,
  );
row('first-dispatch success', (os) => [count(os, (o) => o.kind === 'correct'), os.length]);
row('manual dispatch desk', (os) => [count(os, (o) => o.kind === 'manual'), os.length]);
for (const code of ['no_item', 'district_missing', 'unknown_district', 'unknown_item', 'district_unmapped']) {
  if (outcomes.some((o) => o.manualCode === code)) row(`  ${code}`, (os) => [count(os, (o) => o.manualCode === code), os.length]);
}
row('wrong dispatch', (os) => [count(os, (o) => o.kind === 'wrong'), os.length]);
row('precision of auto-dispatch', (os) => [count(os, (o) => o.kind === 'correct'), count(os, (o) => o.kind !== 'manual')]);
row('item top-1 exact', (os) => [count(os, (o) => o.itemTop1), os.length]);
row('item in top-3', (os) => [count(os, (o) => o.itemTop3), os.length]);
row('district found (local items)', (os) => [count(os, (o) => o.local && o.districtFound), count(os, (o) => o.local)]);
row('district right (local items)', (os) => [count(os, (o) => o.local && o.districtRight), count(os, (o) => o.local)]);

// Confusions are grouped by department role: a district department counts as 〔区〕住房和建设局 whatever its district.
const roleLabel = (code: string) => {
  const dep = catalog.departments.find((d) => d.code === code);
  const district = catalog.districts.find((d) => d.code === dep?.districtCode);
  if (dep === undefined || district === undefined) return dep?.name ?? code;
  return dep.name.replace(district.name, '〔区〕').replace(district.shortName, '〔区〕');
};
const confusions = new Map<string, Outcome[]>();
const attractors = new Map<string, Outcome[]>();
for (const o of outcomes) {
  if (o.kind !== 'wrong') continue;
  const key = `${roleLabel(o.order.expectedDepartmentCode)} → ${roleLabel(o.dispatchedDepartment!)}`;
  confusions.set(key, [...(confusions.get(key) ?? []), o]);
  attractors.set(o.dispatchedItem!, [...(attractors.get(o.dispatchedItem!) ?? []), o]);
}
const worst = [...confusions].sort((a, b) => b[1].length - a[1].length).slice(0, 10);
if (worst.length > 0) {
  console.log(`\ntop mistakes${splitArg ? ` (${splitArg})` : ''}, expected department → dispatched department (${confusions.size} distinct pairs):`);
  for (const [key, os] of worst) {
    console.log(`  ${String(os.length).padStart(3)}× ${key}`);
    for (const o of os.slice(0, 2)) console.log(`        e.g. ${o.order.id} ${o.order.expectedItemCode}→${o.dispatchedItem} 「${o.order.summary}」`);
  }
  const topAttractors = [...attractors].sort((a, b) => b[1].length - a[1].length).slice(0, 6);
  console.log(`items that most often attract wrong orders: ${topAttractors.map(([c, os]) => `${c} ${itemByCode.get(c)?.name} ×${os.length}`).join('; ')}`);
}
const manualByItem = new Map<string, number>();
for (const o of outcomes) if (o.manualCode === 'no_item') manualByItem.set(o.order.expectedItemCode, (manualByItem.get(o.order.expectedItemCode) ?? 0) + 1);
if (manualByItem.size > 0) {
  const top = [...manualByItem].sort((a, b) => b[1] - a[1]).slice(0, 5);
  console.log(`\nitems most often not recognised (→ manual): ${top.map(([c, n]) => `${c} ${itemByCode.get(c)?.name} ×${n}`).join('; ')}`);
}
// The same orders when only suggestions with a whole keyword may be auto-dispatched (fragment-only → manual desk).
const strict = orders.map((o) => run(o, true));
const strictSplits: [string, Outcome[]][] = [['all', strict]];
if (splitArg === undefined) for (const s of ['dev', 'holdout'] as const) strictSplits.push([s, strict.filter((o) => o.order.split === s)]);
console.log('\npolicy requireKeyword (auto-dispatch only on a whole keyword; fragment-only matches go to the desk):');
for (const [label, kind] of [
  ['first-dispatch success', 'correct'],
  ['manual dispatch desk', 'manual'],
  ['wrong dispatch', 'wrong'],
] as const) {
  console.log(
    `${label.padEnd(30)}${strictSplits
      .map(([, os]) => {
        const n = count(os, (o) => o.kind === kind);
        return `${String(n).padStart(4)} ${pct(n, os.length)}`.padStart(16);
      })
      .join('')}`,
  );
}

if (verbose) {
  console.log('\nevery miss:');
  for (const o of outcomes) if (o.kind !== 'correct') console.log(`  ${o.detail}`);
}
