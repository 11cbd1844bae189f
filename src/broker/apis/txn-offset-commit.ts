// TxnOffsetCommit (key 28), v0–4: a transactional producer commits a group's
// offsets inside its transaction (after AddOffsetsToTxn). The transaction is
// checked first (INVALID_PRODUCER_ID_MAPPING, INVALID_PRODUCER_EPOCH,
// INVALID_TXN_STATE when the group was not added); then the group coordinator
// validates the group (v3+ member, generation and instance id, checked only
// when given) and stores the offsets as pending: they become committed, or are
// dropped, when the transaction ends. v2+ carry the leader epoch.
// ACLs: WRITE on the transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED),
// READ on the group (else GROUP_AUTHORIZATION_FAILED), both on every partition;
// READ on each topic (else its partitions TOPIC_AUTHORIZATION_FAILED, the others
// committed).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { TxnOffsetCommitRequest } from '../protocol/messages/txn-offset-commit-request.js';
import type { TxnOffsetCommitResponse } from '../protocol/messages/txn-offset-commit-response.js';
import type { OffsetCommitEntry } from '../groups/types.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTopic, onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

export const txnOffsetCommit: ApiHandler<TxnOffsetCommitRequest, TxnOffsetCommitResponse> = {
  apiKey: ApiKey.TxnOffsetCommit,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  async handle(req, ctx) {
    const { version, broker } = ctx;
    const denied = !onTransactionalId(ctx, AclOperation.WRITE, req.transactionalId)
      ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
      : !onGroup(ctx, AclOperation.READ, req.groupId) ? ErrorCode.GROUP_AUTHORIZATION_FAILED : undefined;
    const refusedTopics = new Set(req.topics.filter((t) => !onTopic(ctx, AclOperation.READ, t.name)).map((t) => t.name));
    if (denied !== undefined || refusedTopics.size === req.topics.length && req.topics.length > 0) {
      const code = denied ?? ErrorCode.TOPIC_AUTHORIZATION_FAILED;
      return {
        throttleTimeMs: 0,
        topics: req.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: code })) })),
      };
    }
    // The topics the caller may read are committed; the others answer TOPIC_AUTHORIZATION_FAILED.
    const entries: OffsetCommitEntry[] = req.topics.filter((t) => !refusedTopics.has(t.name)).flatMap((t) =>
      t.partitions.map((p) => ({
        topic: t.name,
        partition: p.partitionIndex,
        offset: Number(p.committedOffset),
        leaderEpoch: version >= 2 ? p.committedLeaderEpoch : -1,
        metadata: p.committedMetadata,
      })),
    );
    const identity = version >= 3 ? { generationId: req.generationId, memberId: req.memberId, groupInstanceId: req.groupInstanceId } : {};
    const producerId = Number(req.producerId);
    const result = await broker.txns.txnOffsetCommit(req.transactionalId, producerId, req.producerEpoch, req.groupId, () =>
      broker.groups.prepareTxnOffsets(req.groupId, producerId, req.producerEpoch, entries, identity),
    );
    const codes = typeof result === 'number' ? entries.map(() => result) : result.map((r) => r.errorCode);
    let i = 0;
    return {
      throttleTimeMs: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: refusedTopics.has(t.name) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : codes[i++]!,
        })),
      })),
    };
  },
};
