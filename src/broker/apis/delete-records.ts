// DeleteRecords (key 21), v0–2: moves a partition's log start offset forward to
// the given offset (-1 = the high watermark); whole segments below it are
// removed. An offset beyond the high watermark is OFFSET_OUT_OF_RANGE.
// ACLs: DELETE on each topic, else TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DeleteRecordsRequest } from '../protocol/messages/delete-records-request.js';
import type { DeleteRecordsResponse } from '../protocol/messages/delete-records-response.js';
import { errorCodeOf } from '../errors.js';
import { eachPartition } from './each-partition.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const deleteRecords: ApiHandler<DeleteRecordsRequest, DeleteRecordsResponse> = {
  apiKey: ApiKey.DeleteRecords,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: eachPartition(ctx.broker.topics, req.topics, (p, partition) => {
        if (!partition) return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
        const hw = partition.highWatermark;
        const target = p.offset === -1n ? hw : Number(p.offset);
        if (target < 0 || target > hw) {
          return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
        }
        try {
          partition.log.deleteRecordsBefore(target);
          return { partitionIndex: p.partitionIndex, lowWatermark: BigInt(partition.log.logStartOffset), errorCode: ErrorCode.NONE };
        } catch (err) {
          return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: errorCodeOf(err) };
        }
      }, {
        allowed: (topic) => onTopic(ctx, AclOperation.DELETE, topic),
        denied: (p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED }),
      }),
    };
  },
};
