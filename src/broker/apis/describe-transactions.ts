// DescribeTransactions (key 65), v0: state, producer, timeout, start time and
// partitions of each transactional id asked for; TRANSACTIONAL_ID_NOT_FOUND for
// unknown (or expired) ids. Group offsets in a transaction are listed as the
// __consumer_offsets partition of the group, as Kafka shows them.
// ACLs: DESCRIBE on each transactional id, else TRANSACTIONAL_ID_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeTransactionsRequest } from '../protocol/messages/describe-transactions-request.js';
import type { DescribeTransactionsResponse, TopicData } from '../protocol/messages/describe-transactions-response.js';
import type { TransactionInfo } from '../txn/transaction-coordinator.js';
import { AclOperation } from '../acl/types.js';
import { onTransactionalId } from './authorize.js';
import type { ApiHandler } from './types.js';

export const describeTransactions: ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  apiKey: ApiKey.DescribeTransactions,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { txns } = ctx.broker;
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) => {
        const allowed = onTransactionalId(ctx, AclOperation.DESCRIBE, id);
        const t = allowed ? txns.describe(id) : undefined;
        if (!t) {
          return {
            errorCode: allowed ? ErrorCode.TRANSACTIONAL_ID_NOT_FOUND : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
            transactionalId: id,
            transactionState: '',
            transactionTimeoutMs: 0,
            transactionStartTimeMs: -1n,
            producerId: -1n,
            producerEpoch: -1,
            topics: [],
          };
        }
        return {
          errorCode: ErrorCode.NONE,
          transactionalId: id,
          transactionState: t.state,
          transactionTimeoutMs: t.timeoutMs,
          transactionStartTimeMs: BigInt(t.startTimeMs),
          producerId: BigInt(t.producerId),
          producerEpoch: t.producerEpoch,
          topics: topicsOf(t, (g) => txns.offsetsPartitionOf(g)),
        };
      }),
    };
  },
};

function topicsOf(t: TransactionInfo, offsetsPartition: (group: string) => { topic: string; partition: number }): TopicData[] {
  const byTopic = new Map<string, number[]>();
  const add = (topic: string, partition: number) => {
    const list = byTopic.get(topic) ?? [];
    if (!list.includes(partition)) list.push(partition);
    byTopic.set(topic, list);
  };
  for (const p of t.partitions) add(p.topic, p.partition);
  for (const g of t.groups) {
    const o = offsetsPartition(g);
    add(o.topic, o.partition);
  }
  return [...byTopic].map(([topic, partitions]) => ({ topic, partitions: partitions.sort((a, b) => a - b) }));
}
