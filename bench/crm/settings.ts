// Sizes, rounds and knobs of the work-orders-at-scale benchmark (bench/crm.ts), read from the environment once.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pino from 'pino';

export const BASE_URL = process.env.DATABASE_URL || undefined;
export const ON_PG = BASE_URL !== undefined;
export const ORDERS = Number(process.env.ORDERS ?? (ON_PG ? 1_000_000 : 100_000));
export const BASE = Math.min(Number(process.env.BASE ?? 10_000), ORDERS);
export const KEEP = process.env.KEEP === '1';
export const EXPLAIN = process.env.EXPLAIN === '1' && ON_PG;
export const SEARCH_BUDGET_MS = Number(process.env.SEARCH_BUDGET_S ?? 12) * 1_000;
export const SEARCH_MAX_SAMPLES = 200;
export const SEARCH_MIN_SAMPLES = 8;
export const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 2));
/** Per round and size. */
export const CREATE_SEQ = 300;
export const CREATE_CONC = 800;
export const CLIENTS = 8;
export const WORKERS = Math.max(1, Number(process.env.WORKERS ?? 2));
export const SEED = 20261123;
export const TRANSITION_ORDERS_SEQ = 75;
export const TRANSITION_ORDERS_CONC = 200;
/** Two Chinese characters found in no order (before the bigram index of migrations/005, every row was read). */
export const ABSENT_WORD = '量子';
/** In ~3.5 % of the generated orders; 噪音 in ~0.9 %; 公积金 (three characters, two grams) in ~4 %. */
export const COMMON_WORD = '装修';
export const LESS_COMMON_WORD = '噪音';
export const LONGER_WORD = '公积金';

export const log = pino({ level: 'silent' });
export const RUN = `bench_${randomBytes(4).toString('hex')}`;
export const started = performance.now();
export const say = (s: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
