// Follows a whole topic from one process, outside any shared consumer group:
// how an API instance keeps its own view of a topic (the state system's latest
// message, a compacted topic read into memory). Each follower has a group of
// its own and commits nothing, so every instance sees every record. It starts
// at the beginning of each partition, or at each partition's last record
// (`from: 'last'`), and `caughtUp` settles once it has read up to the ends
// the partitions had when it started.
import { closeForce, createConsumer, headersToRecord, subscribe, type RawConsumer } from './kafka.js';
import type { KafkaConfig } from './kafka-config.js';
import type { Topic } from './topic.js';

export interface FollowedRecord<V, K> {
  partition: number;
  offset: bigint;
  key: K | null;
  /** null for a tombstone. */
  value: V | null;
  timestamp: bigint;
  headers: Record<string, string>;
}

export interface FollowOptions<V, K> {
  /** The follower's own consumer group (make it unique per instance, e.g. `state-api-<random>`). */
  group: string;
  /** Where to begin: every record ('earliest', default) or each partition's last one ('last'). */
  from?: 'earliest' | 'last';
  onRecord(record: FollowedRecord<V, K>): void;
  /** A record that does not decode or fails the schema; it is skipped. */
  onInvalid?(error: unknown, at: { partition: number; offset: bigint }): void;
  onError?(error: unknown): void;
}

export interface Follower {
  /** Settles when every record present at start has been handed to onRecord. */
  readonly caughtUp: Promise<void>;
  /** Records handed to onRecord so far. */
  readonly received: number;
  stop(): Promise<void>;
}

export async function followTopic<V, K>(kafka: KafkaConfig, topic: Topic<V, K>, options: FollowOptions<V, K>): Promise<Follower> {
  const consumer: RawConsumer = createConsumer(kafka, { groupId: options.group, autocommit: false });
  try {
    const ends = (await consumer.listOffsets({ topics: [topic.name], isolationLevel: 1 })).get(topic.name) ?? [];
    const starts = (await consumer.listOffsets({ topics: [topic.name], timestamp: -2n })).get(topic.name) ?? [];
    const offsets = ends.map((end, partition) => {
      const start = starts[partition] ?? 0n;
      const offset = options.from === 'last' && end > start ? end - 1n : start;
      return { topic: topic.name, partition, offset };
    });
    // Partitions still to read up to their end at start.
    const pending = new Map<number, bigint>();
    ends.forEach((end, p) => end > offsets[p]!.offset && pending.set(p, end));
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    if (pending.size === 0) markCaughtUp();

    const stream = await subscribe(consumer, { topics: [topic.name], mode: 'manual', offsets, autocommit: false, isolationLevel: 1 });
    let received = 0;
    stream.on('data', (m) => {
      try {
        const value = m.value === null || m.value === undefined ? null : topic.decodeValue(m.value);
        received++;
        options.onRecord({
          partition: m.partition,
          offset: m.offset,
          key: m.key && m.key.length > 0 ? topic.decodeKey(m.key) : null,
          value,
          timestamp: m.timestamp,
          headers: headersToRecord(m.headers),
        });
      } catch (err) {
        options.onInvalid?.(err, { partition: m.partition, offset: m.offset });
      }
      const end = pending.get(m.partition);
      if (end !== undefined && m.offset + 1n >= end) {
        pending.delete(m.partition);
        if (pending.size === 0) markCaughtUp();
      }
    });
    stream.on('error', (err: unknown) => options.onError?.(err));
    return {
      caughtUp,
      get received() {
        return received;
      },
      async stop() {
        await stream.close().catch(() => {});
        await closeForce(consumer);
      },
    };
  } catch (err) {
    await closeForce(consumer);
    throw err;
  }
}

/** A compacted topic held in memory by key: what `viewTopic` keeps current. */
export interface TopicView<V> {
  readonly entries: ReadonlyMap<string, V>;
  stop(): Promise<void>;
}

/**
 * Reads a compacted topic (an output or a table's changelog) into a map by key
 * — the last value wins, a tombstone deletes — and keeps following it: how an
 * API instance serves a table whose worker may run in another process.
 * Resolves once what the topic held at start is in the map; records without a
 * key are ignored.
 */
export async function viewTopic<V>(
  kafka: KafkaConfig,
  topic: Topic<V, string>,
  options: Pick<FollowOptions<V, string>, 'group' | 'onInvalid' | 'onError'>,
): Promise<TopicView<V>> {
  const entries = new Map<string, V>();
  const follower = await followTopic(kafka, topic, {
    ...options,
    from: 'earliest',
    onRecord: (r) => {
      if (r.key === null) return;
      if (r.value === null) entries.delete(r.key);
      else entries.set(r.key, r.value);
    },
  });
  try {
    await follower.caughtUp;
  } catch (err) {
    await follower.stop();
    throw err;
  }
  return { entries, stop: () => follower.stop() };
}
