// The baskets topic: `delhaize_shop`, one basket per record keyed by its id,
// values checked against the Basket schema. BASKETS_PARTITIONS sets its
// partitions (default 24); the worker's agent runs that many partitions at
// once, and the baskets in flight are what one database statement carries
// together (see worker.ts): on the 2-core bench 24 keeps the worker up with the
// API where 6 and 12 fall behind.
import type { App } from '../../stream/app.js';
import { envPositiveInt } from '../../stream/kafka-config.js';
import type { Topic } from '../../stream/topic.js';
import { Basket } from './schemas.js';

export const BASKETS_TOPIC = 'delhaize_shop';
const DEFAULT_PARTITIONS = 24;

export type BasketsTopic = Topic<Basket, string>;

export function basketsPartitions(env: NodeJS.ProcessEnv): number {
  return envPositiveInt(env, 'BASKETS_PARTITIONS', DEFAULT_PARTITIONS);
}

export function declareBasketsTopic(app: App, partitions: number): BasketsTopic {
  return app.topic<Basket, string>(BASKETS_TOPIC, {
    schema: Basket,
    partitions,
    description: 'Baskets received by POST /data, keyed by basket id',
  });
}
