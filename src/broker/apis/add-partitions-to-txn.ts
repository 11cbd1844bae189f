// AddPartitionsToTxn (key 24), v0–5. v0–3 (clients): one transaction, its
// partitions added before the producer writes to them; one outcome for all, or
// UNKNOWN_TOPIC_OR_PARTITION for partitions that do not exist (the others then
// get OPERATION_NOT_ATTEMPTED). v4+ (meant for brokers, served to anyone) batch
// several transactions; verifyOnly asks whether partitions are already in the
// transaction (NONE, or INVALID_TXN_STATE) without adding them. PRODUCER_FENCED
// from v2; INVALID_PRODUCER_EPOCH before.
// ACLs: WRITE on the transactional id (else every partition
// TRANSACTIONAL_ID_AUTHORIZATION_FAILED) and on each topic (else its partitions
// TOPIC_AUTHORIZATION_FAILED and the others OPERATION_NOT_ATTEMPTED); v4+
// batches from other brokers need CLUSTER_ACTION on the cluster.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { AddPartitionsToTxnRequest, AddPartitionsToTxnTopic } from '../protocol/messages/add-partitions-to-txn-request.js';
import type { AddPartitionsToTxnResponse, AddPartitionsToTxnTopicResult } from '../protocol/messages/add-partitions-to-txn-response.js';
import { fencedForVersion } from '../txn/txn-state.js';
import { AclOperation } from '../acl/types.js';
import { onCluster, onTopic, onTransactionalId } from './authorize.js';
import type { ApiHandler, RequestContext } from './types.js';

export const addPartitionsToTxn: ApiHandler<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse> = {
  apiKey: ApiKey.AddPartitionsToTxn,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 5,
  async handle(req, ctx) {
    if (ctx.version <= 3) {
      const results = await addOne(ctx, req.v3AndBelowTransactionalId, req.v3AndBelowProducerId, req.v3AndBelowProducerEpoch, req.v3AndBelowTopics, false);
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction: [], resultsByTopicV3AndBelow: results };
    }
    if (!onCluster(ctx, AclOperation.CLUSTER_ACTION)) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, resultsByTransaction: [], resultsByTopicV3AndBelow: [] };
    }
    const resultsByTransaction = await Promise.all(
      req.transactions.map(async (t) => ({
        transactionalId: t.transactionalId,
        topicResults: await addOne(ctx, t.transactionalId, t.producerId, t.producerEpoch, t.topics, t.verifyOnly),
      })),
    );
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, resultsByTransaction, resultsByTopicV3AndBelow: [] };
  },
};

async function addOne(
  ctx: RequestContext,
  transactionalId: string,
  producerId: bigint,
  epoch: number,
  topics: AddPartitionsToTxnTopic[],
  verifyOnly: boolean,
): Promise<AddPartitionsToTxnTopicResult[]> {
  const { txns, topics: tm } = ctx.broker;
  const pid = Number(producerId);
  const fenced = (code: number) => fencedForVersion(code, ctx.version, 2);
  const all = (code: (topic: string) => number) =>
    topics.map((t) => ({ name: t.name, resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: code(t.name) })) }));
  if (!onTransactionalId(ctx, AclOperation.WRITE, transactionalId)) return all(() => ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  const denied = new Set(topics.filter((t) => !onTopic(ctx, AclOperation.WRITE, t.name)).map((t) => t.name));
  if (denied.size > 0) return all((t) => (denied.has(t) ? ErrorCode.TOPIC_AUTHORIZATION_FAILED : ErrorCode.OPERATION_NOT_ATTEMPTED));
  if (verifyOnly) {
    return topics.map((t) => ({
      name: t.name,
      resultsByPartition: t.partitions.map((p) => ({ partitionIndex: p, partitionErrorCode: fenced(txns.verify(transactionalId, pid, epoch, t.name, p)) })),
    }));
  }
  const missing = (t: string, p: number) => !tm.partition(t, p);
  const anyMissing = topics.some((t) => t.partitions.some((p) => missing(t.name, p)));
  let code: number = ErrorCode.OPERATION_NOT_ATTEMPTED;
  if (!anyMissing) {
    const parts = topics.flatMap((t) => t.partitions.map((partition) => ({ topic: t.name, partition })));
    code = fenced(await txns.add(transactionalId, pid, epoch, parts));
  }
  return topics.map((t) => ({
    name: t.name,
    resultsByPartition: t.partitions.map((p) => ({
      partitionIndex: p,
      partitionErrorCode: anyMissing && missing(t.name, p) ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : code,
    })),
  }));
}
