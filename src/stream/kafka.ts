// The one place that knows the Kafka client library. Everything else in
// Tributary talks to Kafka through these functions and types, so the library
// can be swapped without touching agents, services or the CLI.
//
// The library is @platformatic/kafka 1.x: pure TypeScript, maintained, fast,
// typed, and speaking the flexible protocol versions the embedded broker
// serves (its 2.x line needs Node 22, hence 1.x while Node 20 is supported).
// kafka-validators.js comes first: the library's option validators compile on first use.
import { endDeferral } from './kafka-validators.js';
import {
  Admin,
  Consumer,
  metadataV9,
  Producer,
  ProduceAcks,
  type ConsumeOptions,
  type ConsumerOptions,
  type Message,
  type ProducerOptions,
} from '@platformatic/kafka';
import type { KafkaConfig } from './kafka-config.js';
import type { PendingWrite } from './context.js';
import type { Topic } from './topic.js';

endDeferral();

type Buf = Buffer;
/** Omit that keeps each member of a union (the consumer options are one). */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A record as a consumer hands it over: bytes, as they are on the topic. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null | undefined;
  /** null (or undefined) for a tombstone. */
  readonly value: Buffer | null | undefined;
  readonly timestamp: bigint;
  readonly headers: Map<Buffer, Buffer> | undefined;
}

/** The records of a consumer's subscription, in order per partition. */
export interface RecordStream {
  on(event: 'data', listener: (record: ConsumedRecord) => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  removeAllListeners(event?: 'data' | 'error'): this;
  pause(): this;
  resume(): this;
  /** Next offset to fetch per "topic:partition". */
  readonly offsetsToFetch: Map<string, bigint>;
  /** Records fetched and not yet handed to a listener. */
  readonly readableLength: number;
  close(): Promise<void>;
}

/** A group membership's partitions of one topic. */
export interface TopicAssignment {
  topic: string;
  partitions: number[];
}

/** The admin operations Tributary uses (topics, configs, groups, offsets). */
export type KafkaAdmin = Pick<
  Admin,
  | 'listTopics'
  | 'createTopics'
  | 'deleteTopics'
  | 'metadata'
  | 'listOffsets'
  | 'describeConfigs'
  | 'listGroups'
  | 'describeGroups'
  | 'listConsumerGroupOffsets'
  | 'alterConsumerGroupOffsets'
  | 'incrementalAlterConfigs'
  | 'deleteRecords'
  | 'describeLogDirs'
  | 'connectToBrokers'
  | 'close'
>;

export type RawProducer = Producer<Buf, Buf, Buf, Buf>;
export type RawConsumer = Consumer<Buf, Buf, Buf, Buf>;

function connection(config: KafkaConfig, clientIdSuffix?: string) {
  return {
    clientId: clientIdSuffix ? `${config.clientId}-${clientIdSuffix}` : config.clientId,
    bootstrapBrokers: config.brokers,
    ...(config.sasl ? { sasl: { mechanism: config.sasl.mechanism, username: config.sasl.username, password: config.sasl.password } } : {}),
    ...(config.ssl ? { tls: config.ssl.ca ? { ca: config.ssl.ca } : {} } : {}),
  };
}

/** `retries` and `retryDelay` (ms): how long a request keeps trying before it fails (the client's default: 3 tries a second apart). */
export function createAdmin(config: KafkaConfig, options: { retries?: number; retryDelay?: number } = {}): KafkaAdmin {
  return new Admin({ ...connection(config, 'admin'), ...options });
}

/** A topic's partition count and replication factor. */
export interface TopicCounts {
  partitions: number;
  replicas: number;
}

/**
 * Partition and replica counts of these topics as a broker's Metadata answer
 * gives them: the client's own metadata leaves out internal topics
 * (__consumer_offsets, __transaction_state), so one request is sent as is
 * (v9, which Kafka 2.4+ serves). Topics the broker does not know are absent.
 */
export async function topicCounts(admin: KafkaAdmin, names: string[]): Promise<Map<string, TopicCounts>> {
  const out = new Map<string, TopicCounts>();
  if (names.length === 0) return out;
  const [connection] = (await admin.connectToBrokers(null)).values();
  if (!connection) throw new Error('no broker answered');
  const res = await metadataV9.api.async(connection, names, false, false);
  for (const t of res.topics) {
    if (t.errorCode !== 0 || !t.name) continue;
    out.set(t.name, { partitions: t.partitions.length, replicas: t.partitions[0]?.replicaNodes.length ?? 0 });
  }
  return out;
}

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
 * A consumer that reads partitions itself (fetch, listOffsets, metadata) and
 * never joins a group, so it leaves none on the cluster. The client requires a
 * group id; this one is never sent to a broker.
 */
export function createGroupLessConsumer(config: KafkaConfig): RawConsumer {
  return createConsumer(config, {
    groupId: 'tributary-unused-group',
    autocommit: false,
    // A fetch in flight when the consumer closes fails and is retried; once closed, give up at once rather than after the delays.
    retryDelay: (client) => ((client as { closed?: boolean }).closed ? 0 : 1000),
  });
}

/** The record batches of one partition in a fetch response. */
export type FetchedBatches = NonNullable<Awaited<ReturnType<RawConsumer['fetch']>>['responses'][number]['partitions'][number]['records']>;

/** Joins the consumer's group (or reads the given offsets) and streams the records. */
export function subscribe(consumer: RawConsumer, options: ConsumeOptions<Buf, Buf, Buf, Buf>): Promise<RecordStream> {
  return consumer.consume(options);
}

/**
 * Closes a consumer at once: no final commit, but it still leaves its group.
 * Errors are ignored (the connection may already be gone).
 */
export function closeForce(consumer: RawConsumer): Promise<void> {
  // The callback form: the promise overload of close(force) is not the one TypeScript picks.
  return new Promise((resolve) => consumer.close(true, () => resolve()));
}

/** A record's headers as text. */
export function headersToRecord(headers: Iterable<readonly [Buffer | null, Buffer | null]> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers ?? []) out[k?.toString() ?? ''] = v?.toString() ?? '';
  return out;
}

/** What produces records: a producer, or one of its transactions. */
export interface RecordSender {
  send: RawProducer['send'];
}

/** Produces pending writes (acks=all); a null value goes as a tombstone. */
export async function produceWrites(via: RecordSender, writes: PendingWrite[]): Promise<void> {
  if (writes.length === 0) return;
  await via.send({
    messages: writes.map((w) => ({
      topic: w.topic,
      key: w.key,
      value: w.value as Buffer,
      partition: w.partition,
      headers: w.headers,
      timestamp: w.timestamp,
    })),
  });
}

/** A transaction of a transactional producer: records and input offsets committed together. */
export interface KafkaTransaction extends RecordSender {
  /** Commits, with the transaction, the offsets after these records for the consumer's group. */
  addOffsets(consumer: RawConsumer, records: Iterable<ConsumedRecord>): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export async function beginTransaction(producer: RawProducer): Promise<KafkaTransaction> {
  const tx = await producer.beginTransaction();
  return {
    send: (options) => tx.send(options),
    async addOffsets(consumer, records) {
      await tx.addConsumer(consumer);
      // The records came from this client's own consumer, so they are its Message objects.
      for (const r of records) await tx.addOffset(r as Message<Buf, Buf, Buf, Buf>);
    },
    commit: () => tx.commit(),
    abort: () => tx.abort(),
  };
}

/**
 * Creates the declared topics that do not exist yet, with their partitions and
 * configs; an existing topic is accepted as is.
 */
export async function ensureTopics(admin: KafkaAdmin, topics: Topic<any, any>[], defaults: { partitions?: number } = {}): Promise<string[]> {
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

/**
 * Validates and serializes values for a typed topic (throws ValidationError
 * before anything is sent). `validated`: the values are the output of the
 * topic's own schema already (an HTTP body checked by it), so only serialized.
 */
export function toPendingWrites<V, K>(topic: Topic<V, K>, messages: OutgoingMessage<V, K>[], validated = false): PendingWrite[] {
  return messages.map((m) => ({
    topic: topic.name,
    value: validated ? topic.serde.encode(m.value) : topic.encodeValue(m.value),
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
  await produceWrites(producer, toPendingWrites(topic, messages));
}
