// ListOffsets (key 2), v0–10. Special timestamps: -1 latest (the last stable
// offset for READ_COMMITTED, v2+), -2 earliest, -3 the record with the largest
// timestamp (v7+), -4 earliest local (= earliest here, v8+). Any other timestamp
// finds the first offset whose record timestamp is >= it, or -1 when none is.
// v0 answers in OldStyleOffsets.
// ACLs: DESCRIBE on each topic, else TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ListOffsetsRequest } from '../protocol/messages/list-offsets-request.js';
import type { ListOffsetsResponse, ListOffsetsPartitionResponse } from '../protocol/messages/list-offsets-response.js';
import type { Partition } from '../topics/partition.js';
import { errorCodeOf } from '../errors.js';
import { eachPartition } from './each-partition.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

const LATEST = -1n;
const EARLIEST = -2n;
const MAX_TIMESTAMP = -3n;
const EARLIEST_LOCAL = -4n;
const READ_COMMITTED = 1;

export const listOffsets: ApiHandler<ListOffsetsRequest, ListOffsetsResponse> = {
  apiKey: ApiKey.ListOffsets,
  name: 'ListOffsets',
  minVersion: 0,
  maxVersion: 10,
  handle(req, ctx) {
    const committed = ctx.version >= 2 && req.isolationLevel === READ_COMMITTED;
    return {
      throttleTimeMs: 0,
      topics: eachPartition(ctx.broker.topics, req.topics, (p, partition) => {
        if (!partition) return answer(p.partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n, -1n, ctx.version);
        try {
          const found = lookup(partition, p.timestamp, committed);
          return answer(p.partitionIndex, ErrorCode.NONE, found.timestamp, found.offset, ctx.version);
        } catch (err) {
          return answer(p.partitionIndex, errorCodeOf(err), -1n, -1n, ctx.version);
        }
      }, {
        allowed: (topic) => onTopic(ctx, AclOperation.DESCRIBE, topic),
        denied: (p) => answer(p.partitionIndex, ErrorCode.TOPIC_AUTHORIZATION_FAILED, -1n, -1n, ctx.version),
      }),
    };
  },
};

function lookup(partition: Partition, timestamp: bigint, committed: boolean): { offset: bigint; timestamp: bigint } {
  const log = partition.log;
  switch (timestamp) {
    case LATEST:
      return { offset: BigInt(committed ? partition.lastStableOffset : partition.highWatermark), timestamp: -1n };
    case EARLIEST:
    case EARLIEST_LOCAL:
      return { offset: BigInt(log.logStartOffset), timestamp: -1n };
    case MAX_TIMESTAMP: {
      const max = log.maxTimestampOffset();
      return max ? { offset: BigInt(max.offset), timestamp: BigInt(max.timestamp) } : { offset: -1n, timestamp: -1n };
    }
    default: {
      if (timestamp < 0n) return { offset: -1n, timestamp: -1n };
      const found = log.offsetForTimestamp(Number(timestamp));
      return found ? { offset: BigInt(found.offset), timestamp: BigInt(found.timestamp) } : { offset: -1n, timestamp: -1n };
    }
  }
}

/** v0 carries the offset in OldStyleOffsets; v1+ in Offset/Timestamp; leader epochs from v4. */
function answer(index: number, errorCode: number, timestamp: bigint, offset: bigint, version: number): ListOffsetsPartitionResponse {
  const v0 = version === 0;
  return {
    partitionIndex: index,
    errorCode,
    oldStyleOffsets: v0 && offset >= 0n ? [offset] : [],
    timestamp: v0 ? -1n : timestamp,
    offset: v0 ? -1n : offset,
    leaderEpoch: version >= 4 && errorCode === ErrorCode.NONE ? 0 : -1,
  };
}
