// The one place that knows the Kafka client library. Everything else in
// Tributary talks to Kafka through these functions, so the library can be
// swapped without touching agents, services or the CLI.
//
// The library is @platformatic/kafka 1.x: pure TypeScript, maintained, fast,
// typed, and speaking the flexible protocol versions the embedded broker
// serves (its 2.x line needs Node 22, hence 1.x while Node 20 is supported).
import { Admin, Consumer, Producer, ProduceAcks, type ConsumerOptions, type ProducerOptions } from '@platformatic/kafka';
import type { KafkaConfig } from './kafka-config.js';
import type { PendingWrite } from './context.js';
import type { Topic } from './topic.js';

type Buf = Buffer;
/** Omit that keeps each member of a union (the consumer options are one). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function connection(config: KafkaConfig, clientIdSuffix?: string) {
  return {
    clientId: clientIdSuffix ? `${config.clientId}-${clientIdSuffix}` : config.clientId,
    bootstrapBrokers: config.brokers,
    ...(config.sasl ? { sasl: { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } } : {}),
    ...(config.ssl ? { tls: config.ssl.ca ? { ca: config.ssl.ca } : {} } : {}),
  };
}

export function createAdmin(config: KafkaConfig): Admin {
  return new Admin(connection(config, 'admin'));
}

export type RawProducer = Producer<Buf, Buf, Buf, Buf>;
export type RawConsumer = Consumer<Buf, Buf, Buf, Buf>;

export function createProducer(
  config: KafkaConfig,
  options: Omit<ProducerOptions<Buf, Buf, Buf, Buf>, 'clientId' | 'bootstrapBrokers'> = {},
): RawProducer {
  return new Producer<Buf, Buf, Buf, Buf>({ ...connection(config, 'producer'), acks: ProduceAcks.ALL, ...options });
}

export function createConsumer(
  config: KafkaConfig,
  options: DistributiveOmit<ConsumerOptions<Buf, Buf, Buf, Buf>, 'clientId' | 'bootstrapBrokers'>,
): RawConsumer {
  return new Consumer<Buf, Buf, Buf, Buf>({ ...connection(config, 'consumer'), ...options } as ConsumerOptions<Buf, Buf, Buf, Buf>);
}

/**
 * Creates the declared topics that do not exist yet, with their partitions and
 * configs (the seeds' admin-client step); an existing topic is accepted as is.
 */
export async function ensureTopics(admin: Admin, topics: Topic<any, any>[], defaults: { partitions?: number } = {}): Promise<string[]> {
  const existing = new Set(await admin.listTopics({ includeInternals: true }));
  const created: string[] = [];
  for (const t of topics) {
    if (existing.has(t.name)) continue;
    try {
      await admin.createTopics({
        topics: [t.name],
        partitions: t.partitions ?? defaults.partitions ?? 1,
        replicas: t.replicationFactor,
        configs: Object.entries(t.config).map(([name, value]) => ({ name, value })),
      });
      created.push(t.name);
    } catch (err) {
      // Another instance may have created it between the listing and now.
      if (!/already exists/i.test(errorText(err))) throw err;
    }
  }
  return created;
}

function errorText(err: unknown): string {
  const parts = [String((err as Error)?.message ?? err)];
  for (const e of (err as { errors?: unknown[] })?.errors ?? []) parts.push(errorText(e));
  const cause = (err as { cause?: unknown })?.cause;
  if (cause) parts.push(errorText(cause));
  return parts.join(' ');
}

export interface OutgoingMessage<V, K> {
  value: V;
  key?: K | null;
  headers?: Record<string, string | Buffer>;
  partition?: number;
  timestamp?: bigint;
}

/** Validates and serializes values for a typed topic (throws ValidationError before anything is sent). */
export function toPendingWrites<V, K>(topic: Topic<V, K>, messages: OutgoingMessage<V, K>[]): PendingWrite[] {
  return messages.map((m) => ({
    topic: topic.name,
    value: topic.encodeValue(m.value),
    key: m.key === undefined || m.key === null ? undefined : topic.encodeKey(m.key),
    partition: m.partition,
    timestamp: m.timestamp,
    headers: m.headers
      ? new Map(Object.entries(m.headers).map(([k, v]) => [Buffer.from(k), Buffer.isBuffer(v) ? v : Buffer.from(v)]))
      : undefined,
  }));
}

/** Validates, serializes and sends values to a typed topic; resolves once the broker acknowledged them. */
export async function send<V, K>(producer: RawProducer, topic: Topic<V, K>, messages: OutgoingMessage<V, K>[]): Promise<void> {
  if (messages.length === 0) return;
  await producer.send({ messages: toPendingWrites(topic, messages).map((w) => ({ ...w, value: w.value as Buffer })) });
}
