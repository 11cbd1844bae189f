// GET /analytics on PGlite keeps its answer until the next write to the
// database: between writes no request reads, and a newly stored basket is in
// the very next answer, whether it was written on this thread or on another
// (`tributary start` stores in its workers' thread, the API reads on the main one).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import type { KyselyPlugin } from 'kysely';
import { pino } from 'pino';
import { openDatabase, upsertBaskets, writeCount, type Database } from '../../src/db/index.js';
import { Metrics } from '../../src/http/metrics.js';
import { buildHttpServer, type HttpServer } from '../../src/http/server.js';
import { basketRoutes } from '../../src/services/baskets/routes.js';
import { Basket } from '../../src/services/baskets/schemas.js';
import { createApp } from '../../src/stream/app.js';
import { waitFor } from '../../src/stream/wait.js';

let database: Database;
let http: HttpServer;
let queries = 0;

before(async () => {
  database = await openDatabase({ url: null, dataDir: ':memory:' });
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      queries++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  const seen: Database = { ...database, db: database.db.withPlugin(counting) };
  // The routes need an app and a topic for POST /data; nothing is sent here.
  const app = createApp({ id: 'analytics-kept', kafka: { brokers: ['127.0.0.1:9'], clientId: 'test' } as never });
  const topic = app.topic<Basket, string>('delhaize_shop', { schema: Basket });
  http = await buildHttpServer({ log: pino({ level: 'warn' }), metrics: new Metrics(), docs: { title: 'test', description: 'analytics', version: '0' } });
  basketRoutes(http, { app, topic, database: async () => seen });
  await http.ready();
});

after(async () => {
  await http.close();
  await database.close();
});

const analytics = async () => {
  const res = await http.inject({ method: 'GET', url: '/analytics' });
  assert.equal(res.statusCode, 200, res.body);
  return res.json() as { baskets: number; averageTotal: number; averageTotalByStore: Record<string, number> };
};

const basket = (id: string, store: string, price: number) => ({ id, store, date: '2024-05-01', total_price: price, products: [{ id: 'p1', name: 'an apple', price, category: 'Fruit' }] });

test('between writes the answer is kept (no query); a stored basket is in the next answer', async () => {
  assert.equal((await analytics()).baskets, 0);
  const before = queries;
  for (let i = 0; i < 5; i++) assert.equal((await analytics()).baskets, 0);
  assert.equal(queries, before, 'no read while nothing was written');

  await upsertBaskets(database.db, [basket('k-1', 'Brussels', 4)]);
  const first = await analytics();
  assert.equal(first.baskets, 1);
  assert.deepEqual(first.averageTotalByStore, { Brussels: 4 });
  await upsertBaskets(database.db, [basket('k-2', 'Ghent', 2), basket('k-1', 'Brussels', 6)]);
  const second = await analytics();
  assert.deepEqual({ baskets: second.baskets, byStore: second.averageTotalByStore, average: second.averageTotal }, { baskets: 2, byStore: { Brussels: 6, Ghent: 2 }, average: 4 });
});

test('a write counted on another thread of the process ends the kept answer here', async () => {
  await analytics();
  const counted = writeCount();
  const thread = new Worker(new URL('../fixtures/pglite-write-thread.js', import.meta.url));
  await new Promise((resolve, reject) => thread.once('message', resolve).once('error', reject));
  await thread.terminate();
  await waitFor(() => writeCount() > counted, { what: 'the other thread’s write counted here', timeout: 10_000, interval: 5 });
  const before = queries;
  await analytics();
  assert.ok(queries > before, 'read again after the other thread wrote');
});
