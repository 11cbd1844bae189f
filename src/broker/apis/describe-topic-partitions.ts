// DescribeTopicPartitions (key 75), v0. Metadata for admin clients, paged by
// partitions: topics in name order (all of them when none are named), starting
// at the cursor's topic and partition, at most ResponsePartitionLimit partitions
// (capped to 1–2000 as Kafka's max.request.partition.size.limit does). When the
// limit cuts a topic short, NextCursor names the next partition; when it is used
// up at a topic boundary, NextCursor names the next topic at partition 0. Named
// unknown topics answer UNKNOWN_TOPIC_OR_PARTITION (INVALID_TOPIC_EXCEPTION for
// an invalid name); a cursor naming a topic not in the list, or a negative
// partition, is INVALID_REQUEST for every named topic.
// ACLs: DESCRIBE on each topic; a listing leaves the others out, a named one
// answers TOPIC_AUTHORIZATION_FAILED (as Metadata does).
import { ApiKey } from '../protocol/apis.js';
import { ZERO_UUID } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeTopicPartitionsRequest } from '../protocol/messages/describe-topic-partitions-request.js';
import type {
  DescribeTopicPartitionsResponse,
  DescribeTopicPartitionsResponsePartition,
  DescribeTopicPartitionsResponseTopic,
} from '../protocol/messages/describe-topic-partitions-response.js';
import { validateTopicName } from '../topics/topic-manager.js';
import { LEADER_EPOCH } from './offset-for-leader-epoch.js';
import { OPS_UNKNOWN, type ApiHandler } from './types.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';

/** Kafka's max.request.partition.size.limit default: the most partitions one response holds. */
const MAX_PARTITIONS = 2000;

export const describeTopicPartitions: ApiHandler<DescribeTopicPartitionsRequest, DescribeTopicPartitionsResponse> = {
  apiKey: ApiKey.DescribeTopicPartitions,
  name: 'DescribeTopicPartitions',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { topics: manager, nodeId } = ctx.broker;
    const cursor = req.cursor;
    const fetchAll = req.topics.length === 0;
    const named = new Set(req.topics.map((t) => t.name));
    if ((cursor && !fetchAll && !named.has(cursor.topicName)) || (cursor && cursor.partitionIndex < 0)) {
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ ...emptyTopic(t.name, ErrorCode.INVALID_REQUEST) })),
        nextCursor: null,
      };
    }
    const visible = (n: string) => !fetchAll || onTopic(ctx, AclOperation.DESCRIBE, n);
    const names = (fetchAll ? manager.list().map((t) => t.name) : [...named]).sort().filter((n) => (!cursor || n >= cursor.topicName) && visible(n));
    let remaining = Math.max(Math.min(MAX_PARTITIONS, req.responsePartitionLimit), 1);
    const topics: DescribeTopicPartitionsResponseTopic[] = [];
    let nextCursor: DescribeTopicPartitionsResponse['nextCursor'] = null;
    for (const name of names) {
      if (remaining === 0) {
        nextCursor = { topicName: name, partitionIndex: 0 };
        break;
      }
      // A listing already left out what is not visible; only a named topic is checked here.
      if (!fetchAll && !onTopic(ctx, AclOperation.DESCRIBE, name)) {
        topics.push(emptyTopic(name, ErrorCode.TOPIC_AUTHORIZATION_FAILED));
        continue;
      }
      const topic = manager.get(name);
      if (!topic) {
        if (!fetchAll) topics.push(emptyTopic(name, invalidName(name) ? ErrorCode.INVALID_TOPIC_EXCEPTION : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        continue;
      }
      const start = cursor && cursor.topicName === name ? cursor.partitionIndex : 0;
      const slice = topic.partitions.slice(start, start + remaining);
      topics.push({
        errorCode: ErrorCode.NONE,
        name,
        topicId: topic.id,
        isInternal: topic.internal,
        partitions: slice.map((p): DescribeTopicPartitionsResponsePartition => ({
          errorCode: ErrorCode.NONE,
          partitionIndex: p.index,
          leaderId: nodeId,
          leaderEpoch: LEADER_EPOCH,
          replicaNodes: [nodeId],
          isrNodes: [nodeId],
          eligibleLeaderReplicas: [],
          lastKnownElr: [],
          offlineReplicas: [],
        })),
        topicAuthorizedOperations: OPS_UNKNOWN,
      });
      const next = start + slice.length;
      if (next < topic.partitions.length) {
        nextCursor = { topicName: name, partitionIndex: next };
        break;
      }
      remaining -= slice.length;
    }
    return { throttleTimeMs: 0, topics, nextCursor };
  },
};

function emptyTopic(name: string, errorCode: number): DescribeTopicPartitionsResponseTopic {
  return { errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: OPS_UNKNOWN };
}

function invalidName(name: string): boolean {
  try {
    validateTopicName(name);
    return false;
  } catch {
    return true;
  }
}
