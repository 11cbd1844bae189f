// DescribeProducers (key 61), v0: the producers a partition knows (idempotent
// and transactional): epoch, last sequence, last write time, and the first
// offset of an open transaction (-1 when none).
// ACLs: READ on each topic, else TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeProducersRequest } from '../protocol/messages/describe-producers-request.js';
import type { DescribeProducersResponse, PartitionResponse } from '../protocol/messages/describe-producers-response.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const describeProducers: ApiHandler<DescribeProducersRequest, DescribeProducersResponse> = {
  apiKey: ApiKey.DescribeProducers,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((index): PartitionResponse => {
          if (!onTopic(ctx, AclOperation.READ, t.name)) {
            return { partitionIndex: index, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: null, activeProducers: [] };
          }
          const partition = ctx.broker.topics.partition(t.name, index);
          if (!partition) {
            return { partitionIndex: index, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null, activeProducers: [] };
          }
          const activeProducers = [...partition.producers.entries()].map((e) => ({
            producerId: BigInt(e.producerId),
            producerEpoch: e.epoch,
            lastSequence: e.batches.length > 0 ? e.batches[e.batches.length - 1].lastSeq : -1,
            lastTimestamp: BigInt(e.lastTimestamp),
            coordinatorEpoch: e.coordinatorEpoch,
            currentTxnStartOffset: BigInt(e.txnFirstOffset),
          }));
          return { partitionIndex: index, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers };
        }),
      })),
    };
  },
};
