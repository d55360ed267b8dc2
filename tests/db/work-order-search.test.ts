// Text search of work orders (`q`): every plan of WorkOrderRepository.list (the probe, newest first, the bigram GIN
// index of migrations/005, the scan for one character) must find exactly what a plain substring scan of search_text
// finds — 2-character Chinese words, order codes, phone digits, punctuation and LIKE's wildcards taken literally,
// characters outside the BMP — and the planner must be able to use the index. PGlite, or PostgreSQL when
// DATABASE_URL is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WORK_ORDER_CONFIG } from '../../crm/work-orders/config.js';
import { createWorkOrder } from '../../crm/work-orders/lifecycle.js';
import type { WorkOrder } from '../../contracts/work-order-model.js';
import { searchKey, WorkOrderRepository, type ListFilter } from '../../crm/work-orders/repository.js';
import { agent, MIN, T0, validInput } from '../../crm/work-orders/testing.js';
import type { Queryable } from '../../platform/db/database.js';
import { openTestDatabase, type TestDatabase } from './test-database.js';

const TEXTS: { summary: string; content: string; address?: string }[] = [
  { summary: '楼上装修噪音扰民', content: '楼上每天早上七点开始装修，电钻噪音很大。来电人留了备用电话13912345678。' },
  { summary: '夜间施工噪音', content: '工地夜里十一点后仍在施工，噪音影响休息。' },
  { summary: '咨询公积金冲还贷', content: '来电人咨询公积金冲还贷办理流程及所需材料。' },
  { summary: 'Water outage', content: 'Block B has had no WATER since Monday; call back 0755-83201234.' },
  { summary: '净水器促销', content: '商家宣传100%纯净水_test，涉嫌虚假宣传。' },
  { summary: '𠮷野家门店卫生', content: '门店后厨卫生差，来电人要求检查。', address: '𠮷祥路8号' },
  { summary: '路灯不亮', content: '小区路灯坏了一个月。' },
];

/** Passes queries through; remembers the list queries (SELECT wo.* …) since the last reset. */
class Recording implements Queryable {
  calls: { sql: string; params: unknown[] }[] = [];
  constructor(private readonly inner: Queryable) {}
  query<T>(sql: string, params: unknown[] = []): Promise<{ rows: T[] }> {
    if (sql.startsWith('SELECT wo.*')) this.calls.push({ sql, params });
    return this.inner.query<T>(sql, params);
  }
}

/** Which plan answered (see WorkOrderRepository.list): the probe alone, then newest first, or the gram index. */
function planOf(calls: readonly { sql: string }[]): 'probe' | 'newest first' | 'index' | 'scan' {
  if (calls.length === 1) return 'probe';
  const last = calls[calls.length - 1]!.sql;
  if (last.includes('work_order_search_grams')) return 'index';
  return last.includes('LIKE') ? 'scan' : 'newest first';
}

describe('work-order text search', () => {
  let t: TestDatabase;
  let rec: Recording;
  let repo: WorkOrderRepository;
  const orders: WorkOrder[] = [];

  beforeAll(async () => {
    t = await openTestDatabase();
    rec = new Recording(t.db);
    repo = new WorkOrderRepository(rec);
    for (const [i, x] of TEXTS.entries()) {
      const input = validInput({ summary: x.summary, content: x.content, place: { district: '南山区', address: x.address ?? `科技园${i + 1}号` } });
      const { order } = createWorkOrder({ id: `wo-search-${i}`, seq: i + 1, input, actor: agent, now: T0 + i * MIN, config: DEFAULT_WORK_ORDER_CONFIG });
      await repo.insertOrder(order, null);
      orders.push(order);
    }
  });
  afterAll(async () => {
    await t.cleanup();
  });

  const list = async (q: string, more: Partial<ListFilter> = {}) => {
    rec.calls = [];
    return (await repo.list({ visibility: { kind: 'all' }, text: searchKey(q), limit: 50, ...more })).map((o) => o.id);
  };
  /** What a plain substring scan of search_text finds (the behaviour before the index), newest first. */
  const scan = async (q: string) =>
    (
      await t.db.query<{ id: string }>(`SELECT id FROM work_orders WHERE strpos(search_text, $1) > 0 ORDER BY received_at DESC, id DESC`, [searchKey(q)])
    ).rows.map((r) => r.id);
  const ids = (...i: number[]) => i.map((n) => orders[n]!.id);

  it('computes overlapping 2-character grams in SQL', async () => {
    const { rows } = await t.db.query<{ g: string[]; one: string[]; none: string[]; astral: string[] }>(
      `SELECT work_order_search_grams('装修噪音') AS g, work_order_search_grams('水') AS one, work_order_search_grams('') AS none,
              work_order_search_grams('𠮷野家') AS astral`,
    );
    expect(rows[0]).toEqual({ g: ['装修', '修噪', '噪音'], one: [], none: [], astral: ['𠮷野', '野家'] });
  });

  it('finds 2-character Chinese words, codes, phone digits and English words; nothing for an absent word', async () => {
    expect(await list('装修')).toEqual(ids(0));
    expect(await list('噪音')).toEqual(ids(1, 0)); // newest first
    expect(await list(orders[2]!.code)).toEqual(ids(2)); // GD… upper case: searchKey lower-cases both sides
    expect(await list(orders[2]!.code.slice(-6))).toEqual(ids(2)); // the daily sequence alone
    expect(await list('13912345678')).toEqual(ids(0));
    expect(await list('345678')).toEqual(ids(0));
    expect(await list('0755-8320')).toEqual(ids(3));
    expect(await list('water')).toEqual(ids(3));
    expect(await list('量子')).toEqual([]);
    expect(await list('噪声')).toEqual([]); // both characters occur, the word does not
  });

  it('returns exactly what the substring scan returns, for any query', async () => {
    const queries = [
      '水', // one character: no gram, scan only
      '区',
      '公积金冲还贷',
      '冲还贷办理',
      '扰民楼上', // end of the summary + start of the content (fields are joined without a separator)
      '100%',
      '%纯',
      '水_t',
      '_',
      '%',
      '𠮷野',
      '𠮷',
      '祥路8',
      'b has',
      '南山区科技园',
      '装修噪音扰民楼上每天',
      'x',
    ];
    const plans = new Set<string>();
    for (const q of queries) {
      const all = await scan(q);
      // page sizes that make the probe answer alone (a full page), read on newest first (a share of the probed rows
      // match) or use the index (too few do); 1 character: the scan
      for (const limit of [1, 2, 5, 50]) {
        expect({ q, limit, ids: await list(q, { limit }) }).toEqual({ q, limit, ids: all.slice(0, limit + 1) });
        plans.add(planOf(rec.calls));
      }
    }
    expect([...plans].sort()).toEqual(['index', 'newest first', 'probe', 'scan']);
  });

  it('pages newest first with the cursor', async () => {
    const first = await repo.list({ visibility: { kind: 'all' }, text: '噪音', limit: 1 });
    expect(first.map((o) => o.id)).toEqual(ids(1, 0)); // one more than the limit: there is a next page
    const after = { receivedAt: first[0]!.receivedAt, id: first[0]!.id };
    expect((await repo.list({ visibility: { kind: 'all' }, text: '噪音', limit: 1, after })).map((o) => o.id)).toEqual(ids(0));
  });

  it('lets the planner answer `q` from the GIN index', async () => {
    await list('装修噪音');
    expect(planOf(rec.calls)).toBe('index');
    const { sql, params } = rec.calls[rec.calls.length - 1]!;
    expect(sql).toContain('work_order_search_grams(wo.search_text) @>');
    // a table this small is cheaper to scan; with scans made expensive the index must be usable for the query
    const plan = await t.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      await tx.query('SET LOCAL enable_indexscan = off');
      const { rows } = await tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('work_orders_search_grams_idx');
  });
});
