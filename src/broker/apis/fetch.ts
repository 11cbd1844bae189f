// Fetch (key 1), v4–17: bytes read straight from the segment files.
// - Whole batches only, and at least one whole batch even when it is larger than
//   the request's or the partition's max bytes (KIP-74), so a client never stalls.
// - Long polling: when less than min_bytes is ready, the answer waits up to
//   max_wait_ms and is woken by appends to any partition it reads.
// - READ_COMMITTED reads stop at the last stable offset and list aborted
//   transactions; READ_UNCOMMITTED reads up to the high watermark.
// - The broker's fetch.max.bytes caps the request's max_bytes, and its
//   max.partition.fetch.bytes caps each partition's partition_max_bytes, so a
//   request asking for 2^31-1 bytes gets at most fetch.max.bytes (but still at
//   least one whole batch, as above).
// - A long poll ends early when its connection closes.
// - v13+ names topics by id. Fetch sessions (v7+, KIP-227) are not kept: every
//   answer has session id 0, which tells clients to keep sending full fetches.
// - ACLs: each topic needs READ; the partitions of one without it get
//   TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { FetchRequest } from '../protocol/messages/fetch-request.js';
import type { FetchResponse, FetchableTopicResponse, PartitionData } from '../protocol/messages/fetch-response.js';
import type { Partition } from '../topics/partition.js';
import { errorCodeOf } from '../errors.js';
import { BATCH_LENGTH_POS, LAST_OFFSET_DELTA_POS, LOG_OVERHEAD, readInt64 } from '../records/batch.js';
import { AclOperation } from '../acl/types.js';
import { onTopic } from './authorize.js';
import type { ApiHandler, RequestContext } from './types.js';

const READ_COMMITTED = 1;
const NO_EPOCH = { epoch: -1, endOffset: -1n };
const NO_LEADER = { leaderId: -1, leaderEpoch: -1 };
const NO_SNAPSHOT = { endOffset: -1n, epoch: -1 };
const EMPTY = Buffer.alloc(0);
const EMPTY_OUTCOME: ReadOutcome = {
  response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: [], nodeEndpoints: [] },
  bytes: 0,
  errors: false,
  partitions: [],
};

export const fetch: ApiHandler<FetchRequest, FetchResponse> = {
  apiKey: ApiKey.Fetch,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 17,
  handle(req, ctx) {
    if (req.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [], nodeEndpoints: [] };
    }
    const first = readAll(req, ctx);
    if (first.bytes >= req.minBytes || req.maxWaitMs <= 0 || first.partitions.length === 0 || first.errors) {
      return first.response;
    }
    return longPoll(req, ctx, first.partitions);
  },
};

interface ReadOutcome {
  response: FetchResponse;
  bytes: number;
  errors: boolean;
  partitions: Partition[];
}

function readAll(req: FetchRequest, ctx: RequestContext): ReadOutcome {
  const { broker, version } = ctx;
  const byId = version >= 13;
  const committed = req.isolationLevel === READ_COMMITTED;
  const partitionCap = broker.config.fetchMaxPartitionBytes;
  let budget = Math.min(req.maxBytes, broker.config.fetchMaxBytes);
  let bytes = 0;
  let errors = false;
  const partitions: Partition[] = [];
  const responses: FetchableTopicResponse[] = req.topics.map((t) => {
    const topic = byId ? broker.topics.getById(t.topicId) : broker.topics.get(t.topic);
    const name = topic?.name ?? t.topic;
    const unknown = name !== '' && !onTopic(ctx, AclOperation.READ, name)
      ? ErrorCode.TOPIC_AUTHORIZATION_FAILED
      : byId ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    const allowed = unknown !== ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    return {
      topic: t.topic,
      topicId: t.topicId,
      partitions: t.partitions.map((fp): PartitionData => {
        const partition = allowed ? topic?.partitions[fp.partition] : undefined;
        if (!partition) {
          errors = true;
          return emptyPartition(fp.partition, unknown, -1n, -1n, -1n);
        }
        const log = partition.log;
        const hw = partition.highWatermark;
        const lso = partition.lastStableOffset;
        const fetchOffset = Number(fp.fetchOffset);
        if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
          errors = true;
          return emptyPartition(fp.partition, ErrorCode.OFFSET_OUT_OF_RANGE, BigInt(hw), BigInt(lso), BigInt(log.logStartOffset));
        }
        partitions.push(partition);
        const limit = committed ? lso : hw;
        // Once the response is full, further partitions are answered without data.
        const wanted = Math.min(fp.partitionMaxBytes, partitionCap, budget);
        let records: Buffer = EMPTY;
        if (fetchOffset < limit && (wanted > 0 || bytes === 0)) {
          try {
            records = log.read(fetchOffset, bytes === 0 ? Math.max(wanted, 1) : wanted, limit).records;
          } catch (err) {
            errors = true;
            return emptyPartition(fp.partition, errorCodeOf(err), BigInt(hw), BigInt(lso), BigInt(log.logStartOffset));
          }
        }
        bytes += records.length;
        budget = Math.max(0, budget - records.length);
        return {
          partitionIndex: fp.partition,
          errorCode: ErrorCode.NONE,
          highWatermark: BigInt(hw),
          lastStableOffset: BigInt(lso),
          logStartOffset: BigInt(log.logStartOffset),
          divergingEpoch: NO_EPOCH,
          currentLeader: NO_LEADER,
          snapshotId: NO_SNAPSHOT,
          // Only the aborted transactions overlapping the data returned (none without data).
          abortedTransactions: committed ? (records.length > 0 ? partition.abortedTransactions(fetchOffset, endOffsetOf(records)) : []) : null,
          preferredReadReplica: -1,
          records,
        };
      }),
    };
  });
  return {
    response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses, nodeEndpoints: [] },
    bytes,
    errors,
    partitions,
  };
}

/** Waits for appends until min_bytes is ready or max_wait_ms has passed, then answers. */
function longPoll(req: FetchRequest, ctx: RequestContext, partitions: Partition[]): Promise<FetchResponse> {
  const deadline = Date.now() + req.maxWaitMs;
  return new Promise((resolve) => {
    let cancels: (() => void)[] = [];
    let timer: NodeJS.Timeout | undefined;
    let stopClose = () => {};
    const finish = (outcome: ReadOutcome) => {
      clearTimeout(timer);
      stopClose();
      for (const c of cancels) c();
      resolve(outcome.response);
    };
    const subscribe = () => {
      cancels = partitions.map((p) => p.onAppend(onAppend));
    };
    const onAppend = () => {
      for (const c of cancels) c();
      const outcome = readAll(req, ctx);
      if (outcome.bytes >= req.minBytes || outcome.errors || Date.now() >= deadline) return finish(outcome);
      subscribe();
    };
    timer = setTimeout(() => finish(readAll(req, ctx)), req.maxWaitMs);
    subscribe();
    // Nobody will read the answer: stop waiting and free the subscriptions now.
    stopClose = ctx.connection.onClose(() => finish(EMPTY_OUTCOME));
  });
}

/** The offset after the last batch of a buffer of whole batches (headers only). */
function endOffsetOf(records: Buffer): number {
  let last = 0;
  for (let pos = 0; pos + LOG_OVERHEAD <= records.length; pos += LOG_OVERHEAD + records.readInt32BE(pos + BATCH_LENGTH_POS)) last = pos;
  return readInt64(records, last) + records.readInt32BE(last + LAST_OFFSET_DELTA_POS) + 1;
}

function emptyPartition(index: number, errorCode: number, hw: bigint, lso: bigint, logStart: bigint): PartitionData {
  return {
    partitionIndex: index,
    errorCode,
    highWatermark: hw,
    lastStableOffset: lso,
    logStartOffset: logStart,
    divergingEpoch: NO_EPOCH,
    currentLeader: NO_LEADER,
    snapshotId: NO_SNAPSHOT,
    abortedTransactions: null,
    preferredReadReplica: -1,
    records: EMPTY,
  };
}
