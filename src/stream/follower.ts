// Follows a whole topic from one process, outside any consumer group: how an
// API instance keeps its own view of a topic (the state system's latest
// message, a compacted topic read into memory). It joins no group and commits
// nothing — positions live in memory, and a restarted follower rebuilds from
// the topic — so every instance sees every record and none leaves a group
// behind. It starts at the beginning of each partition, or at each partition's
// last record (`from: 'last'`), and `caughtUp` settles once it has read up to
// the ends the partitions had when it started.
import { closeForce, createGroupLessConsumer, headersToRecord, type RawConsumer } from './kafka.js';
import type { KafkaConfig } from './kafka-config.js';
import { startPartitionFetcher } from './partition-fetcher.js';
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
  const consumer: RawConsumer = createGroupLessConsumer(kafka);
  try {
    const ends = (await consumer.listOffsets({ topics: [topic.name], isolationLevel: 1 })).get(topic.name) ?? [];
    const starts = (await consumer.listOffsets({ topics: [topic.name], timestamp: -2n })).get(topic.name) ?? [];
    const from = new Map<number, bigint>();
    ends.forEach((end, partition) => {
      const start = starts[partition] ?? 0n;
      from.set(partition, options.from === 'last' && end > start ? end - 1n : start);
    });
    // Partitions still to read up to their end at start.
    const pending = new Map<number, bigint>();
    ends.forEach((end, p) => end > from.get(p)! && pending.set(p, end));
    let markCaughtUp!: () => void;
    const caughtUp = new Promise<void>((resolve) => (markCaughtUp = resolve));
    if (pending.size === 0) markCaughtUp();

    let received = 0;
    const fetcher = startPartitionFetcher(consumer, {
      topic: topic.name,
      from,
      onError: (err) => options.onError?.(err),
      onRecords: (partition, records, next) => {
        for (const m of records) {
          try {
            const value = m.value === null || m.value === undefined ? null : topic.decodeValue(m.value);
            received++;
            options.onRecord({
              partition,
              offset: m.offset,
              key: m.key && m.key.length > 0 ? topic.decodeKey(m.key) : null,
              value,
              timestamp: m.timestamp,
              headers: headersToRecord(m.headers),
            });
          } catch (err) {
            options.onInvalid?.(err, { partition, offset: m.offset });
          }
        }
        const end = pending.get(partition);
        if (end !== undefined && next >= end) {
          pending.delete(partition);
          if (pending.size === 0) markCaughtUp();
        }
      },
    });
    return {
      caughtUp,
      get received() {
        return received;
      },
      stop: () => fetcher.stop(),
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
  options: Pick<FollowOptions<V, string>, 'onInvalid' | 'onError'> = {},
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
