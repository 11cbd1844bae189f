// Keeps fetching given partitions of one topic, outside any consumer group:
// the positions live in memory only, nothing is committed and no group is
// joined, so a process that follows a topic this way leaves nothing behind on
// the cluster when it stops or crashes. One fetch loop runs per partition
// leader (a broker answers a connection's requests one at a time, so long polls
// for partitions of different leaders must not wait on each other).
import { closeForce, type FetchedBatches, type RawConsumer } from './kafka.js';
import type { ReadRecord } from './partition-reader.js';

const READ_COMMITTED = 1;
/** How long a fetch waits at the broker for new records (below the client's 5 s request timeout). */
const MAX_WAIT_MS = 1000;
const PARTITION_MAX_BYTES = 1 << 20;
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];

export interface PartitionFetcherOptions {
  topic: string;
  /** Where each partition starts; only these partitions are fetched. */
  from: ReadonlyMap<number, bigint>;
  /**
   * Records of one partition, in offset order, each at or past the previous
   * position, and the partition's new position (it can move past offsets that
   * hold no record: transaction markers, compacted records). Empty when only
   * the position moved.
   */
  onRecords(partition: number, records: ReadRecord[], next: bigint): void;
  /** A failed fetch round; the fetcher backs off and tries again. */
  onError?(error: unknown): void;
}

export interface PartitionFetcher {
  /** The next offset to fetch per partition. */
  readonly positions: ReadonlyMap<number, bigint>;
  /** Ends the loops and closes the consumer. */
  stop(): Promise<void>;
}

/** Starts fetching; the consumer is the fetcher's own and is closed by stop(). */
export function startPartitionFetcher(consumer: RawConsumer, options: PartitionFetcherOptions): PartitionFetcher {
  const { topic } = options;
  const positions = new Map(options.from);
  const loops = new Map<number, Promise<void>>(); // leader → its loop
  let stopped = false;
  let failures = 0;
  const timers = new Set<{ timer: NodeJS.Timeout; resolve(): void }>();

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = { timer: setTimeout(() => (timers.delete(t), resolve()), ms), resolve };
      timers.add(t);
    });

  const leaders = async (): Promise<{ id: string; leaderOf(p: number): number | undefined }> => {
    const md = await consumer.metadata({ topics: [topic] });
    const t = md.topics.get(topic);
    if (!t) throw new Error(`topic ${topic} does not exist`);
    return { id: t.id, leaderOf: (p) => (t.partitions[p]?.leader ?? -1) >= 0 ? t.partitions[p]!.leader : undefined };
  };

  const failed = async (err: unknown) => {
    if (stopped) return;
    options.onError?.(err);
    consumer.clearMetadata();
    await pause(BACKOFF_MS[Math.min(failures++, BACKOFF_MS.length - 1)]!);
  };

  // Starts a loop for every leader of our partitions that has none (one such search at a time).
  let ensuring: Promise<void> | undefined;
  const ensureLoops = (): Promise<void> => (ensuring ??= findLeaders().finally(() => (ensuring = undefined)));
  const findLeaders = async (): Promise<void> => {
    while (!stopped) {
      try {
        const md = await leaders();
        if (stopped) return;
        let orphans = false;
        for (const p of positions.keys()) {
          const leader = md.leaderOf(p);
          if (leader === undefined) orphans = true;
          else if (!loops.has(leader)) loops.set(leader, runLoop(leader));
        }
        if (!orphans) return;
        throw new Error(`a partition of ${topic} has no leader`);
      } catch (err) {
        await failed(err);
      }
    }
  };

  const runLoop = async (leader: number): Promise<void> => {
    await Promise.resolve(); // registered in `loops` before it can end
    try {
      while (!stopped) {
        try {
          const md = await leaders();
          const mine = [...positions.keys()].filter((p) => md.leaderOf(p) === leader);
          if (mine.length === 0) {
            void ensureLoops(); // its partitions moved: their new leaders need loops
            return;
          }
          const res = await consumer.fetch({
            node: leader,
            maxWaitTime: MAX_WAIT_MS,
            isolationLevel: READ_COMMITTED,
            topics: [
              {
                topicId: md.id,
                partitions: mine.map((partition) => ({
                  partition,
                  fetchOffset: positions.get(partition)!,
                  partitionMaxBytes: PARTITION_MAX_BYTES,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          });
          if (stopped) return;
          failures = 0;
          for (const t of res.responses) for (const p of t.partitions) deliver(p.partitionIndex, p.records ?? []);
        } catch (err) {
          if (stopped) return;
          if (hasErrorId(err, 'OFFSET_OUT_OF_RANGE')) await resetOutOfRange().catch((e) => failed(e));
          else {
            await failed(err);
            void ensureLoops();
          }
        }
      }
    } finally {
      loops.delete(leader);
    }
  };

  const deliver = (partition: number, batches: FetchedBatches) => {
    const from = positions.get(partition);
    if (from === undefined) return;
    let next = from;
    const out: ReadRecord[] = [];
    for (const batch of batches) {
      // The client already dropped aborted transactions' records; control batches hold no records to hand over.
      if ((batch.attributes & 0x20) === 0) {
        for (const r of batch.records) {
          const offset = batch.firstOffset + BigInt(r.offsetDelta);
          if (offset >= from) out.push({ offset, key: r.key, value: r.value, headers: r.headers, timestamp: batch.firstTimestamp + r.timestampDelta });
        }
      }
      const after = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (after > next) next = after;
    }
    positions.set(partition, next);
    if (next > from) options.onRecords(partition, out, next);
  };

  // A position before the log start (retention, DeleteRecords) or past the end (the topic was recreated): read from the start.
  const resetOutOfRange = async () => {
    const parts = [...positions.keys()];
    const starts = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: parts }, timestamp: -2n })).get(topic) ?? [];
    const ends = (await consumer.listOffsets({ topics: [topic], partitions: { [topic]: parts }, isolationLevel: READ_COMMITTED })).get(topic) ?? [];
    for (const p of parts) {
      const at = positions.get(p)!;
      const start = starts[p] ?? 0n;
      if (at < start || at > (ends[p] ?? at)) positions.set(p, start);
    }
  };

  void ensureLoops();
  return {
    positions,
    async stop() {
      stopped = true;
      for (const t of timers) (clearTimeout(t.timer), t.resolve());
      timers.clear();
      // Closing the connections ends the fetches in flight.
      await closeForce(consumer);
      await Promise.all([...loops.values()]);
    },
  };
}

function hasErrorId(err: unknown, id: string): boolean {
  const e = err as { apiId?: string; errors?: unknown[]; cause?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  return e.apiId === id || (e.errors ?? []).some((x) => hasErrorId(x, id)) || (e.cause !== undefined && hasErrorId(e.cause, id));
}
