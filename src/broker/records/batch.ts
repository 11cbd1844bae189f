// RecordBatch v2 header layout, validation of incoming batches, and the
// in-place rewrites the broker does on append (base offset, leader epoch,
// LogAppendTime). Batches are stored exactly as received apart from those
// fields, so nothing here decompresses or re-encodes records.
//
// Numbers vs bigint: int64 fields (offsets, timestamps, producerId) are read
// as JS numbers. They are exact below 2^53 (9e15 — millennia of offsets at
// millions/s, and epoch-millisecond timestamps), which holds in practice;
// numbers keep the hot path allocation-free. -1 sentinels round-trip exactly.

import { crc32c } from './crc32c.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { RecordBatchError } from './errors.js';
import { VarReader } from './varint.js';

// Byte positions inside a batch (relative to the batch start).
export const BASE_OFFSET_POS = 0; // int64
export const BATCH_LENGTH_POS = 8; // int32: bytes after this field
export const PARTITION_LEADER_EPOCH_POS = 12; // int32
export const MAGIC_POS = 16; // int8
export const CRC_POS = 17; // uint32, covers ATTRIBUTES_POS..end
export const ATTRIBUTES_POS = 21; // int16
export const LAST_OFFSET_DELTA_POS = 23; // int32
export const BASE_TIMESTAMP_POS = 27; // int64
export const MAX_TIMESTAMP_POS = 35; // int64
export const PRODUCER_ID_POS = 43; // int64
export const PRODUCER_EPOCH_POS = 51; // int16
export const BASE_SEQUENCE_POS = 53; // int32
export const RECORD_COUNT_POS = 57; // int32
export const RECORDS_POS = 61;

/** Size of the fixed header; the smallest possible batch. */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the part not counted by batchLength. */
export const LOG_OVERHEAD = 12;
export const CURRENT_MAGIC = 2;

export const Compression = { NONE: 0, GZIP: 1, SNAPPY: 2, LZ4: 3, ZSTD: 4 } as const;
export type CompressionType = (typeof Compression)[keyof typeof Compression];

// Attribute bits.
export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08; // 1 = LogAppendTime
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;
export const DELETE_HORIZON_BIT = 0x40;

export const TimestampType = { CREATE_TIME: 0, LOG_APPEND_TIME: 1 } as const;

/** Every header field of one batch plus where it sits in the parsed buffer. */
export interface BatchInfo {
  /** Byte offset of the batch start in the buffer it was parsed from. */
  position: number;
  /** Total bytes of the batch (LOG_OVERHEAD + batchLength). */
  size: number;
  baseOffset: number;
  batchLength: number;
  partitionLeaderEpoch: number;
  magic: number;
  crc: number;
  attributes: number;
  compression: number; // attributes & 7
  timestampType: 0 | 1; // 1 = LogAppendTime
  isTransactional: boolean;
  isControl: boolean;
  hasDeleteHorizonMs: boolean;
  lastOffsetDelta: number;
  baseTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
}

/** Last offset contained in a batch. */
export function batchLastOffset(b: Pick<BatchInfo, 'baseOffset' | 'lastOffsetDelta'>): number {
  return b.baseOffset + b.lastOffsetDelta;
}

/** Reads a signed int64 as a number (exact within ±2^53). */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 4294967296 + buf.readUInt32BE(pos + 4);
}

/** Writes a number as a signed int64 (big-endian). */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const hi = Math.floor(value / 4294967296);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * 4294967296, pos + 4);
}

/** Decodes the 61-byte header at `pos` without any validation. */
export function readBatchHeader(buf: Buffer, pos: number): BatchInfo {
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_POS);
  const attributes = buf.readInt16BE(pos + ATTRIBUTES_POS);
  return {
    position: pos,
    size: LOG_OVERHEAD + batchLength,
    baseOffset: readInt64(buf, pos + BASE_OFFSET_POS),
    batchLength,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH_POS),
    magic: buf.readInt8(pos + MAGIC_POS),
    crc: buf.readUInt32BE(pos + CRC_POS),
    attributes,
    compression: attributes & COMPRESSION_MASK,
    timestampType: attributes & TIMESTAMP_TYPE_BIT ? 1 : 0,
    isTransactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    hasDeleteHorizonMs: (attributes & DELETE_HORIZON_BIT) !== 0,
    lastOffsetDelta: buf.readInt32BE(pos + LAST_OFFSET_DELTA_POS),
    baseTimestamp: readInt64(buf, pos + BASE_TIMESTAMP_POS),
    maxTimestamp: readInt64(buf, pos + MAX_TIMESTAMP_POS),
    producerId: readInt64(buf, pos + PRODUCER_ID_POS),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH_POS),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE_POS),
    recordCount: buf.readInt32BE(pos + RECORD_COUNT_POS),
  };
}

/** CRC-32C the batch at `pos` should carry (attributes..end). */
export function computeBatchCrc(buf: Buffer, pos: number, size = LOG_OVERHEAD + buf.readInt32BE(pos + BATCH_LENGTH_POS)): number {
  return crc32c(buf, pos + ATTRIBUTES_POS, pos + size);
}

export interface CheckBatchOptions {
  /**
   * Produce-path checks (default true): recordCount >= 1, lastOffsetDelta ==
   * recordCount - 1, and for uncompressed batches every record parses.
   * Recovery scans use false: structure and CRC only (compaction can leave
   * empty batches, and parsing records would slow startup for no gain).
   */
  strict?: boolean;
}

/**
 * Validates the batch starting at `pos` (data ends at `end`) and returns its
 * header. Throws RecordBatchError with the Kafka error code to answer.
 */
export function checkBatch(buf: Buffer, pos: number, end: number, opts?: CheckBatchOptions): BatchInfo {
  const strict = opts?.strict ?? true;
  const remaining = end - pos;
  if (remaining < LOG_OVERHEAD) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'truncated', pos,
      `record batch at byte ${pos}: only ${remaining} bytes left, a batch needs at least ${BATCH_HEADER_SIZE}`);
  }
  const batchLength = buf.readInt32BE(pos + BATCH_LENGTH_POS);
  // The magic byte sits at the same position in legacy message sets, so it is
  // checked before the v2-specific size rules.
  if (remaining > MAGIC_POS) {
    const magic = buf.readInt8(pos + MAGIC_POS);
    if (magic === 0 || magic === 1) {
      throw new RecordBatchError(ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'legacy-magic', pos,
        `record batch at byte ${pos}: legacy message format (magic ${magic}); only magic 2 record batches are supported`);
    }
    if (magic !== CURRENT_MAGIC) {
      throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'bad-magic', pos,
        `record batch at byte ${pos}: unknown magic ${magic}`);
    }
  }
  if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'bad-length', pos,
      `record batch at byte ${pos}: batchLength ${batchLength} is smaller than the v2 header`);
  }
  const size = LOG_OVERHEAD + batchLength;
  if (size > remaining) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'truncated', pos,
      `record batch at byte ${pos}: batchLength ${batchLength} needs ${size} bytes but only ${remaining} remain`);
  }
  const info = readBatchHeader(buf, pos);
  const actualCrc = crc32c(buf, pos + ATTRIBUTES_POS, pos + size);
  if (actualCrc !== info.crc) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'bad-crc', pos,
      `record batch at byte ${pos}: CRC mismatch (stored 0x${info.crc.toString(16)}, computed 0x${actualCrc.toString(16)})`);
  }
  if (info.compression > Compression.ZSTD) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'bad-compression', pos,
      `record batch at byte ${pos}: unknown compression type ${info.compression}`);
  }
  if (info.recordCount < 0 || info.lastOffsetDelta < -1) {
    throw new RecordBatchError(ErrorCode.INVALID_RECORD, 'bad-count', pos,
      `record batch at byte ${pos}: invalid recordCount ${info.recordCount} / lastOffsetDelta ${info.lastOffsetDelta}`);
  }
  if (strict) {
    if (info.recordCount === 0) {
      throw new RecordBatchError(ErrorCode.INVALID_RECORD, 'bad-count', pos,
        `record batch at byte ${pos}: empty batch (recordCount 0)`);
    }
    if (info.lastOffsetDelta !== info.recordCount - 1) {
      throw new RecordBatchError(ErrorCode.INVALID_RECORD, 'bad-count', pos,
        `record batch at byte ${pos}: lastOffsetDelta ${info.lastOffsetDelta} does not match recordCount ${info.recordCount}`);
    }
    if (info.compression === Compression.NONE) verifyRecords(buf, info);
  }
  return info;
}

/**
 * Walks the uncompressed records of a batch without allocating, checking that
 * exactly `recordCount` well-formed records fill the batch.
 */
function verifyRecords(buf: Buffer, info: BatchInfo): void {
  const start = info.position + RECORDS_POS;
  const end = info.position + info.size;
  const r = new VarReader(buf, start, end);
  const fail = (why: string): never => {
    throw new RecordBatchError(ErrorCode.INVALID_RECORD, 'bad-record', info.position,
      `record batch at byte ${info.position}: ${why}`);
  };
  try {
    for (let i = 0; i < info.recordCount; i++) {
      r.end = end;
      const len = r.readVarint();
      if (len < 6 || r.pos + len > end) fail(`record ${i} has invalid length ${len}`);
      const recordEnd = r.pos + len;
      r.end = recordEnd; // varint reads past the record now throw
      r.pos += 1; // attributes
      r.readVarlong(); // timestampDelta
      const offsetDelta = r.readVarint();
      if (offsetDelta < 0 || offsetDelta > info.lastOffsetDelta) fail(`record ${i} has offsetDelta ${offsetDelta} outside the batch`);
      const keyLen = r.readVarint();
      if (keyLen < -1) fail(`record ${i} has key length ${keyLen}`);
      if (keyLen > 0) r.pos += keyLen;
      const valueLen = r.readVarint(); // throws if the key overran the record
      if (valueLen < -1) fail(`record ${i} has value length ${valueLen}`);
      if (valueLen > 0) r.pos += valueLen;
      const headerCount = r.readVarint();
      if (headerCount < 0) fail(`record ${i} has header count ${headerCount}`);
      for (let h = 0; h < headerCount; h++) {
        const hk = r.readVarint();
        if (hk < 0) fail(`record ${i} header ${h} has key length ${hk}`);
        r.pos += hk;
        const hv = r.readVarint();
        if (hv < -1) fail(`record ${i} header ${h} has value length ${hv}`);
        if (hv > 0) r.pos += hv;
      }
      if (r.pos !== recordEnd) fail(`record ${i} length ${len} does not match its contents`);
    }
  } catch (err) {
    if (err instanceof RecordBatchError) throw err;
    fail(`malformed record (${(err as Error).message})`);
  }
  if (r.pos !== end) fail(`${end - r.pos} bytes after the last of ${info.recordCount} records`);
}

/**
 * Parses and validates the `records` bytes of a Produce request partition:
 * one or more concatenated v2 batches that must fill the buffer exactly.
 */
export function parseBatches(buf: Buffer, opts?: CheckBatchOptions): BatchInfo[] {
  const out: BatchInfo[] = [];
  let pos = 0;
  const end = buf.length;
  while (pos < end) {
    const info = checkBatch(buf, pos, end, opts);
    out.push(info);
    pos += info.size;
  }
  return out;
}

// ---- In-place rewrites (zero copy) ----

/** Sets baseOffset; not covered by the CRC. */
export function setBaseOffset(buf: Buffer, batchPos: number, baseOffset: number): void {
  writeInt64(buf, batchPos + BASE_OFFSET_POS, baseOffset);
}

/** Sets partitionLeaderEpoch; not covered by the CRC. */
export function setPartitionLeaderEpoch(buf: Buffer, batchPos: number, epoch: number): void {
  buf.writeInt32BE(epoch, batchPos + PARTITION_LEADER_EPOCH_POS);
}

/**
 * Marks a batch as LogAppendTime with maxTimestamp = `timestamp`, as Kafka does
 * for topics with message.timestamp.type=LogAppendTime. Both fields are under
 * the CRC, so it is recomputed (the only rewrite that costs a pass over the data).
 * Returns the new CRC.
 */
export function setLogAppendTime(buf: Buffer, batchPos: number, timestamp: number): number {
  const attributes = buf.readInt16BE(batchPos + ATTRIBUTES_POS);
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, batchPos + ATTRIBUTES_POS);
  writeInt64(buf, batchPos + MAX_TIMESTAMP_POS, timestamp);
  const crc = computeBatchCrc(buf, batchPos);
  buf.writeUInt32BE(crc, batchPos + CRC_POS);
  return crc;
}
