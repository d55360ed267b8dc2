// Generator thread of bench/crm/load.ts: generates its share of the days (OrderGenerator.orders(part, parts)),
// encodes each batch into one INSERT statement and posts it to the main thread; at most two batches unacknowledged.
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import type { Database } from '../../platform/db/database.js';
import { CatalogStore, WorkOrderService } from '../../crm/work-orders/service.js';
import { OrderGenerator, type GeneratedOrder } from './generate.js';
import { encodeBatch, type LoadSamples, type WorkerJob, type WorkerMessage } from './load.js';

const port = parentPort;
if (port === null) throw new Error('bench/crm/worker.ts runs as a worker thread only');
const job = workerData as WorkerJob;

// The service only for its pure nextDeadlineAt (the generator spot-checks against it); it never reaches a database.
const unused = (): never => {
  throw new Error('the generator thread has no database');
};
const noDb: Database = {
  kind: 'postgres',
  query: async () => unused(),
  transaction: async () => unused(),
  ping: async () => false,
  close: async () => {},
};
const service = new WorkOrderService({ db: noDb, catalog: new CatalogStore(noDb), outbox: { enqueue: async () => unused() }, log: pino({ level: 'silent' }) });

const post = (m: WorkerMessage) => port.postMessage(m);
let outstanding = 0;
let release: (() => void) | null = null;
port.on('message', (m: unknown) => {
  if (m === 'ack') {
    outstanding -= 1;
    release?.();
    release = null;
  }
});

try {
  const gen = new OrderGenerator({
    ...job.generator,
    activeDepartments: new Set(job.generator.activeDepartments),
    config: service.config,
    nextDeadlineAt: (o) => service.nextDeadlineAt(o),
    seed: (job.generator.seed ?? 1) + job.part * 7_919,
  });
  const samples: LoadSamples = { codes: [], phones: [], compounds: [] };
  let batch: GeneratedOrder[] = [];
  let dayMax = new Map<string, number>();
  const send = async () => {
    if (batch.length === 0) return;
    const encoded = await encodeBatch(batch, job.types);
    batch = [];
    while (outstanding >= 2) await new Promise<void>((resolve) => (release = resolve));
    outstanding += 1;
    post({ kind: 'batch', batch: encoded, dayMax: [...dayMax.entries()] });
    dayMax = new Map();
  };
  let i = 0;
  for (const g of gen.orders(job.part, job.parts)) {
    const code = g.order.code; // GDyyyymmdd-nnnnnn
    const day = `${code.slice(2, 6)}-${code.slice(6, 8)}-${code.slice(8, 10)}`;
    const seq = Number(code.slice(11));
    if (seq > (dayMax.get(day) ?? 0)) dayMax.set(day, seq);
    if (i++ % job.sampleEvery === 0) {
      samples.codes.push(code);
      samples.phones.push(g.order.citizen.phone);
      const m = /地址在(.+?)\d+栋/.exec(g.order.content);
      if (m) samples.compounds.push(m[1]!);
    }
    batch.push(g);
    if (batch.length >= job.batchSize) await send();
  }
  await send();
  post({ kind: 'done', samples });
} catch (err) {
  post({ kind: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
