// What the transaction coordinator tells the rest of the broker about its
// transactions and partitions, as plain data (metrics, DescribeTransactions).
import { parsePartitionKey, type TxnMetadata, type TxnStateName } from './txn-state.js';

/** Plain data about one transactional id (metrics, DescribeTransactions). */
export interface TransactionInfo {
  transactionalId: string;
  state: TxnStateName;
  producerId: number;
  producerEpoch: number;
  timeoutMs: number;
  /** -1 when no transaction has started. */
  startTimeMs: number;
  lastUpdateMs: number;
  partitions: { topic: string; partition: number }[];
  groups: string[];
}

/** Plain data about one partition's producers and transactions (metrics). */
export interface PartitionTxnInfo {
  topic: string;
  partition: number;
  highWatermark: number;
  lastStableOffset: number;
  openTransactions: number;
  producers: number;
}

/** The plain data of one transactional id's metadata. */
export function info(meta: TxnMetadata): TransactionInfo {
  return {
    transactionalId: meta.transactionalId,
    state: meta.state,
    producerId: meta.producerId,
    producerEpoch: meta.producerEpoch,
    timeoutMs: meta.timeoutMs,
    startTimeMs: meta.startTimeMs,
    lastUpdateMs: meta.lastUpdateMs,
    partitions: [...meta.partitions].map(parsePartitionKey),
    groups: [...meta.groups],
  };
}
