// Produce (key 0), v3–11: RecordBatch v2 only (v0–2 carry the old message formats).
// Each partition's records are validated (sizes, CRC) and appended as they came;
// only baseOffset and partitionLeaderEpoch are rewritten. acks=0 gets no response;
// acks=-1 is answered after the data is on disk (the log's flush policy, one fsync
// shared by concurrent requests); acks=1 after the append.
//
// Appends happen synchronously in the handler's first run, so pipelined requests
// on one connection are appended in the order they were sent.
//
// Batches with a producer id go through the partition's producer state first
// (txn/producer-state.ts): a retried duplicate gets its original offset and is
// not stored again; a sequence gap → OUT_OF_ORDER_SEQUENCE_NUMBER; an old epoch →
// INVALID_PRODUCER_EPOCH; a transactional write to a partition not in the
// producer's ongoing transaction → INVALID_TXN_STATE; control batches from
// clients → INVALID_RECORD. A compacted topic refuses records without a key
// (INVALID_RECORD), a CreateTime topic records outside
// message.timestamp.difference.max.ms (INVALID_TIMESTAMP), each one named in
// record_errors (record-errors.ts).
//
// ACLs: a transactional producer needs WRITE on its transactional id (else every
// partition gets TRANSACTIONAL_ID_AUTHORIZATION_FAILED), each topic WRITE (else
// TOPIC_AUTHORIZATION_FAILED), and a topic is auto-created only with CREATE on the
// cluster or the topic.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ProduceRequest, PartitionProduceData } from '../protocol/messages/produce-request.js';
import type { ProduceResponse, PartitionProduceResponse, TopicProduceResponse } from '../protocol/messages/produce-response.js';
import { parseBatches } from '../records/batch.js';
import { errorCodeOf, errorMessageOf } from '../errors.js';
import type { Topic } from '../topics/topic-manager.js';
import type { Partition } from '../topics/partition.js';
import type { TransactionCoordinator } from '../txn/transaction-coordinator.js';
import { rejectedRecords } from './record-errors.js';
import { AclOperation } from '../acl/types.js';
import { canCreateTopic, onTopic, onTransactionalId } from './authorize.js';
import type { ApiHandler, RequestContext } from './types.js';

const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };

export const produce: ApiHandler<ProduceRequest, ProduceResponse> = {
  apiKey: ApiKey.Produce,
  name: 'Produce',
  minVersion: 3,
  maxVersion: 11,
  handle(req, ctx) {
    if (req.acks !== 0 && req.acks !== 1 && req.acks !== -1) {
      return answer(req, ctx, req.topicData.map((t) => errorTopic(t.name, t.partitionData, ErrorCode.INVALID_REQUIRED_ACKS)));
    }
    if (req.transactionalId !== null && !onTransactionalId(ctx, AclOperation.WRITE, req.transactionalId)) {
      return answer(req, ctx, req.topicData.map((t) => errorTopic(t.name, t.partitionData, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED)));
    }
    const denied = new Set(req.topicData.filter((t) => !onTopic(ctx, AclOperation.WRITE, t.name)).map((t) => t.name));
    // Topics that must be auto-created first make this request asynchronous.
    const missing = req.topicData.filter((t) => !denied.has(t.name) && !ctx.broker.topics.get(t.name) && canCreateTopic(ctx, t.name)).map((t) => t.name);
    if (missing.length > 0 && ctx.broker.config.autoCreateTopics) {
      return Promise.all(missing.map((name) => ctx.broker.autoCreate(name).catch(() => undefined))).then(() =>
        appendAll(req, ctx, denied),
      );
    }
    return appendAll(req, ctx, denied);
  },
};

function appendAll(req: ProduceRequest, ctx: RequestContext, denied: ReadonlySet<string>): Promise<ProduceResponse | null> | ProduceResponse | null {
  const toFlush: Partition[] = [];
  const responses: TopicProduceResponse[] = req.topicData.map((t) => {
    if (denied.has(t.name)) return errorTopic(t.name, t.partitionData, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const topic = ctx.broker.topics.get(t.name);
    if (!topic) return errorTopic(t.name, t.partitionData, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    return {
      name: t.name,
      partitionResponses: t.partitionData.map((pd) => appendPartition(topic, pd, toFlush, ctx.broker.txns)),
    };
  });
  if (req.acks === -1 && toFlush.length > 0) {
    // Only the 'ack' flush policy waits for the disk; 'interval' and 'none' answer at once.
    return Promise.all(toFlush.map((p) => (p.log.config.flushPolicy === 'ack' ? p.log.flush() : undefined))).then(
      () => answer(req, ctx, responses),
      (err) => {
        // The data may not be durable: tell the client so it retries.
        const code = errorCodeOf(err);
        for (const t of responses) for (const p of t.partitionResponses) if (p.errorCode === 0) p.errorCode = code;
        return answer(req, ctx, responses);
      },
    );
  }
  return answer(req, ctx, responses);
}

function appendPartition(topic: Topic, pd: PartitionProduceData, toFlush: Partition[], txns: TransactionCoordinator): PartitionProduceResponse {
  const partition = topic.partitions[pd.index];
  if (!partition) return errorPartition(pd.index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${pd.index} of ${topic.name} does not exist`);
  const records = pd.records;
  if (!records || records.length === 0) return errorPartition(pd.index, ErrorCode.CORRUPT_MESSAGE, 'no record batch in the request');
  try {
    const batches = parseBatches(records);
    const maxBytes = partition.log.config.maxMessageBytes;
    for (const b of batches) {
      if (b.size > maxBytes) {
        return errorPartition(pd.index, ErrorCode.MESSAGE_TOO_LARGE, `batch of ${b.size} bytes exceeds max.message.bytes ${maxBytes}`);
      }
    }
    const rejected = rejectedRecords(records, batches, partition.log.config, topic.name, pd.index, Date.now());
    if (rejected) return { ...errorPartition(pd.index, rejected.errorCode, rejected.errorMessage), recordErrors: rejected.recordErrors };
    // Idempotence and transactions: O(1) per batch; a retried batch is answered with its original offset.
    const check = partition.producers.check(batches, partition.log.logStartOffset, (producerId, epoch) =>
      txns.verifyProduce(producerId, epoch, topic.name, pd.index),
    );
    if (check.kind === 'error') return errorPartition(pd.index, check.errorCode, check.message);
    if (check.kind === 'duplicate') {
      toFlush.push(partition); // the original may still be waiting for its fsync
      return {
        index: pd.index,
        errorCode: ErrorCode.NONE,
        baseOffset: BigInt(check.firstOffset),
        logAppendTimeMs: -1n,
        logStartOffset: BigInt(partition.log.logStartOffset),
        recordErrors: [],
        errorMessage: null,
        currentLeader: NO_LEADER,
      };
    }
    const result = partition.log.append(records, batches);
    partition.producers.onAppend(batches);
    let count = 0;
    for (const b of batches) count += b.recordCount;
    partition.notifyAppend(count, records.length);
    toFlush.push(partition);
    return {
      index: pd.index,
      errorCode: ErrorCode.NONE,
      baseOffset: BigInt(result.baseOffset),
      logAppendTimeMs: BigInt(result.logAppendTime),
      logStartOffset: BigInt(result.logStartOffset),
      recordErrors: [],
      errorMessage: null,
      currentLeader: NO_LEADER,
    };
  } catch (err) {
    return errorPartition(pd.index, errorCodeOf(err), errorMessageOf(err));
  }
}

function errorPartition(index: number, errorCode: number, errorMessage: string | null = null): PartitionProduceResponse {
  return {
    index,
    errorCode,
    baseOffset: -1n,
    logAppendTimeMs: -1n,
    logStartOffset: -1n,
    recordErrors: [],
    errorMessage,
    currentLeader: NO_LEADER,
  };
}

function errorTopic(name: string, partitions: PartitionProduceData[], code: number): TopicProduceResponse {
  return { name, partitionResponses: partitions.map((p) => errorPartition(p.index, code)) };
}

function answer(req: ProduceRequest, _ctx: RequestContext, responses: TopicProduceResponse[]): ProduceResponse | null {
  if (req.acks === 0) return null;
  return { responses, throttleTimeMs: 0, nodeEndpoints: [] };
}
