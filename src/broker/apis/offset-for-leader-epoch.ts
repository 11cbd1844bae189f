// OffsetForLeaderEpoch (key 23), v0–4. Clients (and followers, in a cluster) ask
// where a leader epoch ended, to detect log truncation after a leader change.
// This broker is the only leader there ever was: every partition has leader
// epoch 0, begun at its log start offset, so, as Kafka's epoch cache answers:
// epoch 0 ends at the log end offset; an epoch below 0 (other than -1) ends
// where epoch 0 begins; -1 and epochs above 0 are unknown (epoch -1, offset -1,
// no error). A CurrentLeaderEpoch (v2+, -1 = not given) below 0's is
// FENCED_LEADER_EPOCH, above it UNKNOWN_LEADER_EPOCH.
// ACLs: DESCRIBE on the topic (else TOPIC_AUTHORIZATION_FAILED per partition).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { OffsetForLeaderEpochRequest } from '../protocol/messages/offset-for-leader-epoch-request.js';
import type { EpochEndOffset, OffsetForLeaderEpochResponse } from '../protocol/messages/offset-for-leader-epoch-response.js';
import type { Partition } from '../topics/partition.js';
import type { ApiHandler } from './types.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';

/** The one leader epoch of every partition (what Metadata answers as leader_epoch). */
export const LEADER_EPOCH = 0;
const UNDEFINED_EPOCH = -1;
const UNDEFINED_EPOCH_OFFSET = -1n;

export const offsetForLeaderEpoch: ApiHandler<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse> = {
  apiKey: ApiKey.OffsetForLeaderEpoch,
  name: 'OffsetForLeaderEpoch',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => {
        const topic = ctx.broker.topics.get(t.topic);
        const allowed = onTopic(ctx, AclOperation.DESCRIBE, t.topic);
        return {
          topic: t.topic,
          partitions: t.partitions.map((p) =>
            allowed
              ? endOffset(p.partition, topic?.partitions[p.partition], p.currentLeaderEpoch, p.leaderEpoch)
              : { errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, partition: p.partition, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET },
          ),
        };
      }),
    };
  },
};

function endOffset(index: number, partition: Partition | undefined, current: number, requested: number): EpochEndOffset {
  const none = (errorCode: number): EpochEndOffset => ({ errorCode, partition: index, leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET });
  if (!partition) return none(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (current !== -1 && current < LEADER_EPOCH) return none(ErrorCode.FENCED_LEADER_EPOCH);
  if (current > LEADER_EPOCH) return none(ErrorCode.UNKNOWN_LEADER_EPOCH);
  if (requested === LEADER_EPOCH) return { errorCode: ErrorCode.NONE, partition: index, leaderEpoch: LEADER_EPOCH, endOffset: BigInt(partition.log.logEndOffset) };
  if (requested < UNDEFINED_EPOCH) return { errorCode: ErrorCode.NONE, partition: index, leaderEpoch: requested, endOffset: BigInt(partition.log.logStartOffset) };
  return none(ErrorCode.NONE);
}
