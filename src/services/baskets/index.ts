// System 5, baskets (the Delhaize seed): POST /data puts a basket on
// delhaize_shop; a worker agent per partition enriches each basket (category
// per product, total_price) and upserts it by id; GET /analytics reports on
// what is stored. BASKETS_PARTITIONS sets the topic's partitions (default 24),
// and the agent runs that many partitions at once: the baskets in flight are
// what one database statement can carry together (see worker.ts), and on the
// 2-core bench 24 keeps the worker up with the API where 6 and 12 fall behind.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';
import { basketRoutes } from './routes.js';
import { Basket } from './schemas.js';
import { basketHandler, basketWriter, type BasketWriter } from './worker.js';

export const BASKETS_TOPIC = 'delhaize_shop';
const DEFAULT_PARTITIONS = 24;

export const createBasketsService: ServiceFactory = (ctx) => {
  const partitions = positiveInt(ctx.env.BASKETS_PARTITIONS, DEFAULT_PARTITIONS, 'BASKETS_PARTITIONS');
  const app = createApp({
    id: 'tributary-baskets',
    kafka: ctx.kafka,
    // Static membership: a worker restarted after a crash gets its partitions back at once.
    groupInstanceId: () => ctx.groupInstanceId,
    log: (level, msg, extra) => ctx.log[level]({ ...extra, service: 'baskets' }, msg),
  });
  const topic = app.topic<Basket, string>(BASKETS_TOPIC, {
    schema: Basket,
    partitions,
    description: 'Baskets received by POST /data, keyed by basket id',
  });

  let writer: BasketWriter | undefined;
  app.agent(
    topic,
    basketHandler(() => {
      if (!writer) throw new Error('the baskets worker has no database yet');
      return writer;
    }),
    {
      name: 'enrich-baskets',
      concurrency: partitions,
      // A database that is briefly away should not send baskets to the DLQ: ~6 s of retries.
      retries: 6,
    },
  );

  return {
    name: 'baskets',
    description: 'Baskets: POST /data → delhaize_shop → enriched (categories, total) and stored; GET /analytics',
    app,
    hasWorker: true,
    routes: (http) => basketRoutes(http, { app, topic, database: () => ctx.database() }),
    async startWorker() {
      writer = basketWriter(await ctx.database());
      await app.start();
    },
    async stopWorker() {
      await app.stop();
    },
  };
};

function positiveInt(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${name} must be a positive integer, got "${value}"`);
  return n;
}
