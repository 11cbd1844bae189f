// Rewriting one record batch the way Kafka's cleaner does: the retained records
// keep their offsets and timestamps, the batch keeps its base offset, offset
// span (lastOffsetDelta), producer id/epoch/base sequence, leader epoch,
// transactional/control bits, timestamp type and codec; a batch emptied of
// records can stay as a bare header so its producer's sequence survives (and
// reads spot a response holding only such emptied batches).
import { createHash } from 'node:crypto';
import {
  ATTRIBUTES_POS,
  BASE_SEQUENCE_POS,
  BASE_TIMESTAMP_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  Compression,
  CONTROL_BIT,
  CRC_POS,
  CURRENT_MAGIC,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  MAGIC_POS,
  MAX_TIMESTAMP_POS,
  PARTITION_LEADER_EPOCH_POS,
  PRODUCER_EPOCH_POS,
  PRODUCER_ID_POS,
  RECORD_COUNT_POS,
  RECORDS_POS,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  computeBatchCrc,
  readInt64,
  writeInt64,
  type BatchInfo,
} from '../records/batch.js';
import { buildBatch, type DecodedRecord } from '../records/records.js';

/** Map key for a record key: the bytes themselves when short, else their SHA-256. */
export function keyId(key: Buffer): string {
  return key.length <= 64 ? key.toString('latin1') : '#' + createHash('sha256').update(key).digest().toString('latin1');
}

/** Codecs whose records the cleaner can read and write again. */
export function canRewrite(info: BatchInfo): boolean {
  return info.compression === Compression.NONE || info.compression === Compression.GZIP;
}

/** A header-only batch (recordCount 0) standing for `info`'s offsets and producer fields. */
export function emptyBatch(info: BatchInfo): Buffer {
  const buf = Buffer.alloc(BATCH_HEADER_SIZE);
  writeInt64(buf, 0, info.baseOffset);
  buf.writeInt32BE(BATCH_HEADER_SIZE - LOG_OVERHEAD, BATCH_LENGTH_POS);
  buf.writeInt32BE(info.partitionLeaderEpoch, PARTITION_LEADER_EPOCH_POS);
  buf.writeInt8(CURRENT_MAGIC, MAGIC_POS);
  buf.writeInt16BE(info.attributes & (TIMESTAMP_TYPE_BIT | TRANSACTIONAL_BIT | CONTROL_BIT), ATTRIBUTES_POS);
  buf.writeInt32BE(info.lastOffsetDelta, LAST_OFFSET_DELTA_POS);
  writeInt64(buf, BASE_TIMESTAMP_POS, info.maxTimestamp);
  writeInt64(buf, MAX_TIMESTAMP_POS, info.maxTimestamp);
  writeInt64(buf, PRODUCER_ID_POS, info.producerId);
  buf.writeInt16BE(info.producerEpoch, PRODUCER_EPOCH_POS);
  buf.writeInt32BE(info.baseSequence, BASE_SEQUENCE_POS);
  buf.writeInt32BE(0, RECORD_COUNT_POS);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, BATCH_HEADER_SIZE), CRC_POS);
  return buf;
}

/**
 * `info`'s batch holding only `records` (decoded from it, in order), with the
 * delete horizon `deleteHorizonMs` when not undefined.
 */
export function rebuildBatch(info: BatchInfo, records: DecodedRecord[], deleteHorizonMs: number | undefined): Buffer {
  const logAppendTime = info.timestampType === 1;
  return buildBatch({
    records: records.map((r) => ({
      key: r.key,
      value: r.value,
      headers: r.headers.map((h) => ({ key: h.key, value: h.value })),
      timestamp: info.baseTimestamp + r.timestampDelta,
      offsetDelta: r.offsetDelta,
    })),
    baseOffset: info.baseOffset,
    partitionLeaderEpoch: info.partitionLeaderEpoch,
    baseTimestamp: info.baseTimestamp + records[0].timestampDelta, // unless a delete horizon takes its place
    deleteHorizonMs,
    producerId: info.producerId,
    producerEpoch: info.producerEpoch,
    baseSequence: info.baseSequence,
    isTransactional: info.isTransactional,
    isControl: info.isControl,
    compression: info.compression === Compression.GZIP ? 'gzip' : 'none',
    logAppendTime,
    maxTimestamp: logAppendTime ? info.maxTimestamp : undefined,
    lastOffsetDelta: info.lastOffsetDelta,
  });
}

/** The offset after the batches in `buf` when none of them holds a record, else -1. */
export function endIfOnlyEmptyBatches(buf: Buffer): number {
  let end = -1;
  for (let p = 0; p + RECORDS_POS <= buf.length; p += LOG_OVERHEAD + buf.readInt32BE(p + BATCH_LENGTH_POS)) {
    if (buf.readInt32BE(p + RECORD_COUNT_POS) !== 0) return -1;
    end = readInt64(buf, p) + buf.readInt32BE(p + LAST_OFFSET_DELTA_POS) + 1;
  }
  return end;
}
