// Reads one partition from an offset to its current end outside any consumer
// group (how tables restore from their changelogs), or a range of it (how the
// console browses a topic). Only committed records are
// returned (READ_COMMITTED: aborted transactions and control markers are skipped).
import type { RawConsumer } from './kafka.js';

export interface ReadRecord {
  offset: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: [Buffer | null, Buffer | null][];
  timestamp: bigint;
}

const READ_COMMITTED = 1;
const CONTROL_BIT = 0x20;
const TRANSACTIONAL_BIT = 0x10;

/** The partition's end (last stable offset), then every record before it, in order. */
export async function readPartitionToEnd(
  consumer: RawConsumer,
  topic: string,
  partition: number,
  onRecord: (record: ReadRecord) => void,
  from = 0n,
): Promise<bigint> {
  const metadata = await consumer.metadata({ topics: [topic] });
  const t = metadata.topics.get(topic);
  if (!t) throw new Error(`topic ${topic} does not exist`);
  const leader = t.partitions[partition]?.leader;
  if (leader === undefined) throw new Error(`topic ${topic} has no partition ${partition}`);
  const ends = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, isolationLevel: READ_COMMITTED });
  const end = ends.get(topic)![partition]!;
  const starts = await consumer.listOffsets({ topics: [topic], partitions: { [topic]: [partition] }, timestamp: -2n });
  const start = starts.get(topic)![partition]!;
  await readRange(consumer, { topic, topicId: t.id, leader, partition, from: from > start ? from : start, end }, (r) => {
    onRecord(r);
    return true;
  });
  return end;
}

export interface PartitionRange {
  topic: string;
  topicId: string;
  /** The partition's leader (node id), which the fetch goes to. */
  leader: number;
  partition: number;
  from: bigint;
  /** Exclusive. */
  end: bigint;
}

/**
 * Hands the committed records of [from, end) to `onRecord` in offset order
 * until it answers false; resolves with the offset after the last record looked at.
 */
export async function readRange(consumer: RawConsumer, range: PartitionRange, onRecord: (record: ReadRecord) => boolean, maxBytes = 4 << 20): Promise<bigint> {
  const { topic, partition, end } = range;
  let offset = range.from;
  while (offset < end) {
    const res = await consumer.fetch({
      node: range.leader,
      maxWaitTime: 0,
      isolationLevel: READ_COMMITTED,
      topics: [{ topicId: range.topicId, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: maxBytes, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
    });
    const p = res.responses[0]!.partitions[0]!;
    if (p.errorCode !== 0) throw new Error(`fetching ${topic}/${partition} at ${offset} failed with error code ${p.errorCode}`);
    const aborted = new Map<bigint, bigint>(); // producer id → first offset of its aborted transaction
    for (const a of p.abortedTransactions ?? []) aborted.set(a.producerId, a.firstOffset);
    const batches = p.records ?? [];
    if (batches.length === 0) break; // nothing readable below the end (should not happen)
    for (const batch of batches) {
      const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
      const abortedFrom = aborted.get(batch.producerId);
      const isAborted = (batch.attributes & TRANSACTIONAL_BIT) !== 0 && abortedFrom !== undefined && abortedFrom <= batch.firstOffset;
      if ((batch.attributes & CONTROL_BIT) !== 0) {
        aborted.delete(batch.producerId); // the marker closes that producer's transaction
      } else if (!isAborted) {
        for (const r of batch.records) {
          const recordOffset = batch.firstOffset + BigInt(r.offsetDelta);
          if (recordOffset < offset || recordOffset >= end) continue;
          if (!onRecord({ offset: recordOffset, key: r.key, value: r.value, headers: r.headers, timestamp: batch.firstTimestamp + r.timestampDelta })) return recordOffset + 1n;
        }
      }
      if (last + 1n > offset) offset = last + 1n;
    }
  }
  return offset < end ? offset : end;
}
