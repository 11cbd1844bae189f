// `npm run bench` (fourth part): GET /analytics latency with 1,000 and then
// 1,000,000 baskets stored, under 64 concurrent clients. The baskets go into an
// in-memory PGlite in bulk statements that fire the same triggers as the
// worker's upsert (so the aggregates are what the worker would have built);
// the route is the baskets service's own on the project's HTTP server (metrics,
// error format, storable checks), listening on 127.0.0.1. The clients run in a
// process of their own (http-load.ts): over real keep-alive connections, and
// without their work counted on the server's thread. The route keeps its
// answer until the next write to the database, as it does in `tributary start`
// (PGlite): between the bulk loads here, no request reads the database.
// Target: p99 < 20 ms at 1,000,000 baskets, i.e. independent of how many are stored.
import { fork } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { pino } from 'pino';
import { openDatabase, basketAnalytics, type Database } from '../src/db/index.js';
import { Metrics } from '../src/http/metrics.js';
import { buildHttpServer } from '../src/http/server.js';
import { basketRoutes } from '../src/services/baskets/routes.js';
import { Basket } from '../src/services/baskets/schemas.js';
import { STORES } from '../src/services/baskets/stress/baskets.js';
import { percentiles } from '../src/services/baskets/stress/run.js';
import { createApp } from '../src/stream/app.js';
import type { LoadRequest, LoadResult } from './http-load.js';
import { fixed, int, ratio, seconds, table } from './report.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1_000, 100_000] : [1_000, 1_000_000];
const CLIENTS = 64;
const PER_CLIENT = 40;
const TARGET_P99_MS = 20;
const CHUNK = 50_000;

/** Stores baskets `from`..`to`-1 in statements of CHUNK rows (each fires the aggregate triggers once). */
async function storeBaskets(database: Database, from: number, to: number): Promise<void> {
  const stores = `array[${STORES.map((s) => `'${s.replace(/'/g, "''")}'`).join(',')}]`;
  for (let start = from; start < to; start += CHUNK) {
    const end = Math.min(to, start + CHUNK) - 1;
    await sql
      .raw(
        `insert into baskets (id, store, date, day, total_price, products, received_at, processed_at)
         select 'bench-' || g, (${stores})[1 + g % ${STORES.length}], '2024-05-01', date '2024-05-01',
                ((g::bigint * 7919) % 20000) / 100.0,
                jsonb_build_array(
                  jsonb_build_object('id', 'p1', 'name', 'apple', 'price', 1, 'category', (array['Fruit','Bakery','Drink','Other'])[1 + g % 4]),
                  jsonb_build_object('id', 'p2', 'name', 'bread', 'price', 2, 'category', (array['Bakery','Drink'])[1 + g % 2])),
                now(), now()
         from generate_series(${start}, ${end}) as g`,
      )
      .execute(database.db);
  }
}

/** CLIENTS clients × PER_CLIENT requests from a forked load generator; the server's CPU per request. */
async function measure(url: string): Promise<{ p50: number; p99: number; max: number; cpuMs: number; clientCpuMs: number; requests: number }> {
  const cpu = process.cpuUsage();
  const child = fork(fileURLToPath(new URL('./http-load.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = await new Promise<LoadResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('exit', (code) => reject(new Error(`the load generator exited with ${code} before answering`)));
    child.send({ url, method: 'GET', clients: CLIENTS, perClient: PER_CLIENT } satisfies LoadRequest);
  });
  const used = process.cpuUsage(cpu);
  const failed = Object.entries(result.errors);
  if (failed.length > 0) throw new Error(`GET /analytics answered ${failed.map(([status, n]) => `${n}× ${status}`).join(', ')}`);
  const p = percentiles(result.latencies);
  return { p50: p.p50, p99: p.p99, max: p.max, cpuMs: (used.user + used.system) / 1000 / result.latencies.length, clientCpuMs: result.cpuMs / result.latencies.length, requests: result.latencies.length };
}

async function main(): Promise<void> {
  const database = await openDatabase({ url: null, dataDir: ':memory:' });
  // The routes need an app and a topic for POST /data; nothing is sent in this bench.
  const app = createApp({ id: 'bench-analytics', kafka: { brokers: ['127.0.0.1:9'], clientId: 'bench' } as never });
  const topic = app.topic<Basket, string>('delhaize_shop', { schema: Basket });
  const http = await buildHttpServer({ log: pino({ level: 'warn' }), metrics: new Metrics(), docs: { title: 'bench', description: 'GET /analytics', version: '0' } });
  basketRoutes(http, { app, topic, database: async () => database });
  const url = `${await http.listen({ host: '127.0.0.1', port: 0 })}/analytics`;

  const rows: string[][] = [];
  let stored = 0;
  let firstP99 = 0;
  try {
    for (const size of SIZES) {
      const started = performance.now();
      await storeBaskets(database, stored, size);
      stored = size;
      const loadMs = performance.now() - started;
      const answer = await basketAnalytics(database.db);
      if (answer.baskets !== size) throw new Error(`expected ${size} baskets in the analytics, got ${answer.baskets}`);
      await measure(url); // warm-up
      const r = await measure(url);
      // The route keeps its answer between writes (db/writes.ts): it must be the one for what is stored now.
      const served = (await (await fetch(url)).json()) as { baskets: number };
      if (served.baskets !== size) throw new Error(`GET /analytics answered ${served.baskets} baskets, ${size} are stored`);
      if (size === SIZES[0]) firstP99 = r.p99;
      rows.push([
        int(size),
        seconds(loadMs),
        int(r.requests),
        `${fixed(r.p50, 2)} ms`,
        `${fixed(r.p99, 2)} ms`,
        `${fixed(r.max, 2)} ms`,
        `${fixed(r.cpuMs, 3)} ms`,
        `${fixed(r.clientCpuMs, 3)} ms`,
        r.p99 < TARGET_P99_MS ? `yes (< ${TARGET_P99_MS} ms)` : `NO (>= ${TARGET_P99_MS} ms)`,
        ratio(r.p99, firstP99),
      ]);
    }
  } finally {
    await http.close();
    await database.close();
  }
  console.log(`\nGET /analytics, ${CLIENTS} concurrent clients (a load generator in another process, keep-alive HTTP; PGlite in memory)\n`);
  console.log(`load average (1 min) ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} CPUs`);
  console.log(table(['baskets stored', 'stored in', 'requests', 'p50', 'p99', 'max', 'server CPU/request', 'client CPU/request', 'p99 on target', 'p99 vs 1,000'], rows));
}

await main();
