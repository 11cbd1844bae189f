// A commit's per-partition checks (metadata size, a known partition) and one
// write for the partitions that pass, shared by OffsetCommit and TxnOffsetCommit:
// a failed write answers every accepted partition with the write's error code.
import { ErrorCode } from '../protocol/error-codes.js';
import type { TopicManager } from '../topics/topic-manager.js';
import type { OffsetWrite } from './offset-store.js';
import type { LogFn, OffsetCommitEntry, PartitionError } from './types.js';
import { writeErrorCode } from './write-error.js';

export interface CommitChecks {
  /** The commit timestamp written with each offset. */
  now: number;
  /** offset.metadata.max.bytes. */
  maxMetadataBytes: number;
  topics: TopicManager;
  log: LogFn;
}

/** Per-partition checks, then one write for the accepted partitions. */
export async function writeOffsets(checks: CommitChecks, entries: OffsetCommitEntry[], write: (writes: OffsetWrite[]) => Promise<void>): Promise<PartitionError[]> {
  const results: PartitionError[] = [];
  const writes: OffsetWrite[] = [];
  for (const e of entries) {
    let errorCode: number = ErrorCode.NONE;
    if ((e.metadata?.length ?? 0) > checks.maxMetadataBytes) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE;
    else if (!checks.topics.partition(e.topic, e.partition)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    else {
      writes.push({
        topic: e.topic,
        partition: e.partition,
        value: { offset: e.offset, leaderEpoch: e.leaderEpoch ?? -1, metadata: e.metadata ?? '', commitTimestamp: checks.now },
      });
    }
    results.push({ topic: e.topic, partition: e.partition, errorCode });
  }
  try {
    await write(writes);
  } catch (err) {
    const code = writeErrorCode(err);
    checks.log('error', 'writing offsets failed', { error: String(err) });
    for (const r of results) if (r.errorCode === ErrorCode.NONE) r.errorCode = code;
  }
  return results;
}
