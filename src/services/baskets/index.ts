// System 5, baskets: POST /data puts a basket on delhaize_shop (topics.ts); a
// worker agent per partition enriches each basket (category per product,
// total_price) and upserts it by id; GET /analytics reports on what is stored.
import { createApp } from '../../stream/app.js';
import { basketAnalytics, type BasketAnalytics } from '../../db/queries/baskets.js';
import type { Service, ServiceContext } from '../service.js';
import { basketsPartitions, basketsRetryBudget, declareBasketsTopic } from './topics.js';
import { basketBatchHandler, basketWriter, type BasketWriter } from './worker.js';

export { BASKETS_TOPIC } from './topics.js';

/** The baskets service, with what the console's panel reads: the analytics of what is stored. */
export interface BasketsService extends Service {
  analytics(): Promise<BasketAnalytics>;
}

export const createBasketsService = (ctx: ServiceContext): BasketsService => {
  const partitions = basketsPartitions(ctx.env);
  const app = createApp({
    id: 'tributary-baskets',
    kafka: ctx.kafka,
    // Static membership: a worker restarted after a crash gets its partitions back at once.
    groupInstanceId: () => ctx.groupInstanceId,
    log: (level, msg, extra) => ctx.log[level]({ ...extra, service: 'baskets' }, msg),
  });
  const topic = declareBasketsTopic(app, partitions);

  let writer: Promise<BasketWriter> | undefined;
  app.batchAgent(
    topic,
    basketBatchHandler(() => {
      if (!writer) throw new Error('the baskets worker has no database yet');
      return writer;
    }),
    {
      name: 'enrich-baskets',
      concurrency: partitions,
      // Under load a fetch waits for ~80 baskets (at most 10 ms): fuller batches, fewer statements.
      fetchMinBytes: 32 * 1024,
      fetchMaxWaitMs: 10,
      // A database that is briefly away should not send baskets to the DLQ: ~6 s of retries.
      ...basketsRetryBudget(ctx.env),
    },
  );

  return {
    name: 'baskets',
    description: 'Baskets: POST /data → delhaize_shop → enriched (categories, total) and stored; GET /analytics',
    app,
    hasWorker: true,
    analytics: async () => basketAnalytics((await ctx.database()).db),
    routes: async (http) => (await import('./routes.js')).basketRoutes(http, { app, topic, database: () => ctx.database() }),
    async startWorker() {
      // The database opens (and migrates) while the agent joins its group: a restarted
      // worker consumes as soon as both are done, not one after the other. The first
      // baskets wait for the database.
      writer = ctx.database().then(basketWriter);
      const [database, agents] = await Promise.allSettled([writer, app.start()]);
      if (database.status === 'rejected') {
        await app.stop();
        throw database.reason;
      }
      if (agents.status === 'rejected') throw agents.reason;
    },
    async stopWorker() {
      await app.stop();
    },
  };
};
