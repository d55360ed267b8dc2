// Work-order throughput and search latency with a big order table: how order creation, lifecycle steps and the
// list searches of the REST API scale from a small table (BASE orders, default 10,000) to a big one (ORDERS,
// default 1,000,000 on PostgreSQL). Both tables are built and measured in the same run, each in its own schema;
// every figure is printed for both sizes and as the big/small ratio. Figures are printed, never asserted.
//
// The history is synthetic but goes through the real pure core (bench/crm/generate.ts: a year of orders, daytime
// peaks, repeat callers, the sample catalog's items and auto-dispatch, returns, extensions, late replies,
// reminders/escalations, ratings, reworks, archiving) and is written with the values of the repository's own
// INSERTs, batched (bench/crm/load.ts; generated in worker threads). On PostgreSQL the secondary indexes and
// FK/unique constraints are dropped for the load and rebuilt from their own definitions, then VACUUM ANALYZE (as
// autovacuum would have by then). Then, with the table in place:
//   - creation: WorkOrderService.create, sequential and 8 concurrent clients (orders/s)
//   - transitions: WorkOrderService.act sign → start → reply → accept_reply on orders just created (steps/s)
//   - searches: GET /api/work-orders through fastify's inject (auth, zod, repository.list, views — the REST path),
//     by code, phone, text `q` (words of ~3.5 %, ~0.9 % and a 3-character one of ~4 %, a rare compound name, an
//     order code, a word found nowhere), state + department (a handler's portal list and a dispatcher's history
//     filter), overdue, and an agent's own list: p50/p95/p99.
//     Each kind is sampled up to 200 times or SEARCH_BUDGET_S seconds (at least 8 samples), after 3 warm-ups.
//
// Run:  eval "$(bash scripts/ci-postgres.sh)" && npm run bench:crm
// Env:  DATABASE_URL  PostgreSQL (schemas bench_<random>_*); without it, reduced sizes on in-memory PGlite
//       ORDERS=…      big table (default 1,000,000 on PostgreSQL, 100,000 on PGlite)
//       BASE=…        small table (default 10,000)
//       KEEP=1        keep the schemas (their names are printed) for EXPLAIN sessions
//       EXPLAIN=1     print EXPLAIN (ANALYZE, BUFFERS) of each search's SQL on the big table (PostgreSQL)
//       SEARCH_BUDGET_S=… seconds per search kind and size (default 12)
//       WORKERS=…     generator threads for the load (default 2)
//       ROUNDS=…      measurement rounds per size, alternating small/big (default 2)
import { performance } from 'node:perf_hooks';
import { ON_PG, ORDERS, BASE, ROUNDS, CLIENTS, started } from './crm/settings.js';
import { serverVersion } from './crm/target.js';
import { Figure, ms, type Latency } from './crm/figures.js';
import { Size, SEARCH_KINDS } from './crm/size.js';

const engine = ON_PG ? `PostgreSQL (${(await serverVersion()) ?? '?'})` : 'PGlite in memory — no DATABASE_URL, REDUCED SIZES';
console.log(`Work orders at scale — ${engine}, Node ${process.version}; small ${BASE.toLocaleString('en')} vs big ${ORDERS.toLocaleString('en')} orders`);
if (!ON_PG) console.log('NOTE: without DATABASE_URL this runs on PGlite at reduced sizes; set DATABASE_URL (scripts/ci-postgres.sh) for the 1M run.');

// Both sizes stay loaded; the rounds alternate between them (small, big, then big, small, …) so that a slow
// spell of this shared machine does not land on one size only.
const small = new Size('small', BASE);
const big = new Size('big', ORDERS);
try {
  await small.prepare();
  await big.prepare();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of round % 2 === 1 ? [small, big] : [big, small]) {
      await s.measureSearches(round);
      await s.measureWrites(round);
    }
  }
} finally {
  await small.close();
  await big.close();
}

const ratio = (b: number, s: number) => `${(b / s).toFixed(2)}×`;
const range = (f: Figure) => `${Math.min(...f.rates).toFixed(0)}–${Math.max(...f.rates).toFixed(0)}`;
console.log('');
for (const s of [small, big]) {
  console.log(
    `${s.label}: ${s.orders.toLocaleString('en')} orders + ${s.events.toLocaleString('en')} events loaded in ${(s.loadMs / 1000).toFixed(1)} s ` +
      `(${Math.round(s.orders / (s.loadMs / 1000)).toLocaleString('en')} orders/s, ${Math.round((s.orders + s.events) / (s.loadMs / 1000)).toLocaleString('en')} rows/s` +
      `${ON_PG ? `, of which index/constraint rebuild ${(s.rebuildMs / 1000).toFixed(1)} s` : ''}; then ${ON_PG ? 'VACUUM ANALYZE' : 'ANALYZE'} ${(s.vacuumMs / 1000).toFixed(1)} s)`,
  );
  console.log(`  ${s.profile}`);
}
console.log('');
const head = (a: string, b: string, c: string, d: string, e: string) =>
  console.log(`${a.padEnd(34)} ${b.padStart(16)} ${c.padStart(16)} ${d.padStart(9)} ${e.padStart(24)}`);
head(`${ROUNDS} rounds each`, `${ORDERS.toLocaleString('en')} orders`, `${BASE.toLocaleString('en')} orders`, 'big/small', 'per-round big | small');
const rateLine = (name: string, b: Figure, s: Figure) => head(name, b.rate.toFixed(0), s.rate.toFixed(0), ratio(b.rate, s.rate), `${range(b)} | ${range(s)}`);
const p50Line = (name: string, b: Figure, s: Figure) => head(name, ms(b.latency().p50), ms(s.latency().p50), ratio(b.latency().p50, s.latency().p50), '');
rateLine('create, sequential (orders/s)', big.createSeq, small.createSeq);
p50Line('  one create, p50', big.createSeq, small.createSeq);
rateLine(`create, ${CLIENTS} clients (orders/s)`, big.createConc, small.createConc);
rateLine('transition, sequential (steps/s)', big.actSeq, small.actSeq);
p50Line('  one step, p50', big.actSeq, small.actSeq);
rateLine(`transition, ${CLIENTS} clients (steps/s)`, big.actConc, small.actConc);
console.log('');
console.log(
  `${'GET /api/work-orders?…'.padEnd(30)} ${'p50 / p95 / p99 (big)'.padStart(30)} ${'p50 / p95 / p99 (small)'.padStart(30)}  p50 ratio p99 ratio  samples big/small`,
);
for (const name of SEARCH_KINDS) {
  const b = big.search.get(name)!.latency();
  const s = small.search.get(name)!.latency();
  const trio = (l: Latency) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)}`;
  console.log(
    `${name.padEnd(30)} ${trio(b).padStart(30)} ${trio(s).padStart(30)}  ${ratio(b.p50, s.p50).padStart(9)} ${ratio(b.p99, s.p99).padStart(9)}  ${b.n}/${s.n}`,
  );
}
console.log('');
console.log(`Total run ${((performance.now() - started) / 1000).toFixed(0)} s.`);
