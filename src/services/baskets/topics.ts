// The baskets topic: `delhaize_shop`, one basket per record keyed by its id,
// values checked against the Basket schema. BASKETS_PARTITIONS sets its
// partitions (default 24, applied when the topic is created); the worker's
// agent runs that many partitions at once, each call carrying the baskets
// waiting on its partition, and the calls in flight are what one database
// statement carries together (see worker.ts). More partitions: more baskets per
// statement and more workers that can share the topic; each costs the broker
// and the producer a record batch per produce request. BASKETS_RETRIES and BASKETS_RETRY_BACKOFF_MS
// set how long the worker retries a basket the database did not take before
// it dead-letters it (default 6 retries from 100 ms, doubling: ~6 s).
import type { App } from '../../stream/app.js';
import { envPositiveInt, KafkaConfigError } from '../../stream/kafka-config.js';
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

/** The worker's retries of a basket before its dead letter: tries after the first, and the first delay (doubled each time). */
export function basketsRetryBudget(env: NodeJS.ProcessEnv): { retries: number; backoffMs: number } {
  const raw = env.BASKETS_RETRIES?.trim();
  // 0 is allowed: dead-letter on the first failure.
  if (raw && (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw)))) throw new KafkaConfigError('BASKETS_RETRIES', `"${raw}" is not a non-negative integer`);
  return { retries: raw ? Number(raw) : 6, backoffMs: envPositiveInt(env, 'BASKETS_RETRY_BACKOFF_MS', 100) };
}
