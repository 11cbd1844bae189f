// System 5, baskets: POST /data puts a basket on delhaize_shop (topics.ts); a
// worker agent per partition enriches each basket (category per product,
// total_price) and upserts it by id; GET /analytics reports on what is stored.
import { createApp } from '../../stream/app.js';
import type { ServiceFactory } from '../service.js';
import { basketRoutes } from './routes.js';
import { basketsPartitions, basketsRetryBudget, declareBasketsTopic } from './topics.js';
import { basketHandler, basketWriter, type BasketWriter } from './worker.js';

export { BASKETS_TOPIC } from './topics.js';

export const createBasketsService: ServiceFactory = (ctx) => {
  const partitions = basketsPartitions(ctx.env);
  const app = createApp({
    id: 'tributary-baskets',
    kafka: ctx.kafka,
    // Static membership: a worker restarted after a crash gets its partitions back at once.
    groupInstanceId: () => ctx.groupInstanceId,
    log: (level, msg, extra) => ctx.log[level]({ ...extra, service: 'baskets' }, msg),
  });
  const topic = declareBasketsTopic(app, partitions);

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
      ...basketsRetryBudget(ctx.env),
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
