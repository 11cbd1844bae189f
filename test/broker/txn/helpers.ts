// Wire helpers for the idempotence/transaction tests: raw produce of hand-built
// batches, the transaction APIs, and awaiting coordinator transitions.
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { errorName } from '../../../src/broker/protocol/error-codes.js';
import { buildBatch, decodeRecords, parseBatches } from '../../../src/broker/records/index.js';
import type { Broker } from '../../../src/broker/broker.js';
import type { TxnStateName } from '../../../src/broker/txn/txn-state.js';
import type { RawClient } from '../../helpers/raw-client.js';
import { waitFor } from '../../../src/stream/wait.js';

export interface BatchSpec {
  producerId: number;
  epoch: number;
  seq: number;
  values: string[];
  transactional?: boolean;
}

export function idempotentBatch(b: BatchSpec): Buffer {
  return buildBatch({
    records: b.values.map((value) => ({ value })),
    producerId: b.producerId,
    producerEpoch: b.epoch,
    baseSequence: b.seq,
    isTransactional: b.transactional ?? false,
  });
}

export function produceBody(topic: string, records: Buffer, transactionalId: string | null = null, partition = 0) {
  return { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] };
}

/** Produce v9; the one partition's answer. */
export async function produce(client: RawClient, topic: string, records: Buffer, transactionalId: string | null = null, partition = 0) {
  const res = await client.request(ApiKey.Produce, 9, produceBody(topic, records, transactionalId, partition));
  return res.responses[0].partitionResponses[0] as { errorCode: number; baseOffset: bigint; errorMessage: string | null };
}

export async function initProducerId(client: RawClient, transactionalId: string | null, timeoutMs = 60_000, version = 4, expected?: { producerId: bigint; epoch: number }) {
  const res = await client.request(ApiKey.InitProducerId, version, {
    transactionalId,
    transactionTimeoutMs: timeoutMs,
    producerId: expected?.producerId ?? -1n,
    producerEpoch: expected?.epoch ?? -1,
  });
  return res as { errorCode: number; producerId: bigint; producerEpoch: number };
}

export async function addPartitions(client: RawClient, transactionalId: string, producerId: bigint, epoch: number, topic: string, partitions: number[], version = 3) {
  const res = await client.request(ApiKey.AddPartitionsToTxn, version, {
    transactions: [],
    v3AndBelowTransactionalId: transactionalId,
    v3AndBelowProducerId: producerId,
    v3AndBelowProducerEpoch: epoch,
    v3AndBelowTopics: [{ name: topic, partitions }],
  });
  return res.resultsByTopicV3AndBelow[0].resultsByPartition.map((r: { partitionErrorCode: number }) => r.partitionErrorCode) as number[];
}

export async function endTxn(client: RawClient, transactionalId: string, producerId: bigint, epoch: number, committed: boolean, version = 3): Promise<number> {
  const res = await client.request(ApiKey.EndTxn, version, { transactionalId, producerId, producerEpoch: epoch, committed });
  return res.errorCode;
}

export function codeName(code: number): string {
  return errorName(code);
}

/** Resolves when the coordinator moves `transactionalId` to `state` (or has already), woken by its transitions. */
export function transitionTo(broker: Broker, transactionalId: string, state: TxnStateName, timeoutMs = 10_000): Promise<void> {
  let reached = broker.txns.describe(transactionalId)?.state === state;
  const onTransition = (check: () => void) => {
    const listener = (e: { transactionalId: string; state: TxnStateName }) => {
      if (e.transactionalId !== transactionalId || e.state !== state) return;
      reached = true;
      check();
    };
    broker.txns.on('transition', listener);
    return () => void broker.txns.off('transition', listener);
  };
  return waitFor(() => reached, {
    what: () => `${transactionalId} to reach ${state} (is ${broker.txns.describe(transactionalId)?.state})`,
    timeout: timeoutMs,
    wake: onTransition,
  }).then(() => {});
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  /** Every record of the returned batches, control ones included. */
  records: { offset: number; value: string | null; producerId: number; transactional: boolean; control: boolean }[];
}

/** Fetch v13 of one partition from `offset`, no waiting. */
export async function fetchPartition(client: RawClient, broker: Broker, topic: string, partition: number, offset: number, isolationLevel: 0 | 1): Promise<FetchedPartition> {
  const res = await client.request(ApiKey.Fetch, 13, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 0,
    minBytes: 0,
    maxBytes: 1 << 20,
    isolationLevel,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{
      topic: '',
      topicId: broker.topics.get(topic)!.id,
      partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: BigInt(offset), lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: '00000000-0000-0000-0000-000000000000' }],
    }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const p = res.responses[0].partitions[0];
  const records: FetchedPartition['records'] = [];
  for (const b of parseBatches(p.records, { strict: false })) {
    for (const r of decodeRecords(p.records, b.position)) {
      records.push({ offset: r.offset, value: r.value?.toString() ?? null, producerId: b.producerId, transactional: b.isTransactional, control: b.isControl });
    }
  }
  return { errorCode: p.errorCode, highWatermark: p.highWatermark, lastStableOffset: p.lastStableOffset, abortedTransactions: p.abortedTransactions, records };
}

export async function addOffsets(client: RawClient, transactionalId: string, producerId: bigint, epoch: number, groupId: string): Promise<number> {
  const res = await client.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId, producerId, producerEpoch: epoch, groupId });
  return res.errorCode;
}

/** TxnOffsetCommit v3 of one partition's offset; its error code. */
export async function txnOffsetCommit(client: RawClient, transactionalId: string, producerId: bigint, epoch: number, groupId: string, topic: string, partition: number, offset: number): Promise<number> {
  const res = await client.request(ApiKey.TxnOffsetCommit, 3, {
    transactionalId,
    groupId,
    producerId,
    producerEpoch: epoch,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: partition, committedOffset: BigInt(offset), committedLeaderEpoch: -1, committedMetadata: null }] }],
  });
  return res.topics[0].partitions[0].errorCode;
}
