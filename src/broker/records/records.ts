// Encoding and decoding of the records inside an uncompressed v2 batch, and a
// builder for whole batches. The broker itself stores client batches untouched;
// this is for batches it writes (control markers, internal topics) and tests.

import { gunzipSync, gzipSync } from 'node:zlib';
import {
  ATTRIBUTES_POS,
  BATCH_LENGTH_POS,
  BATCH_HEADER_SIZE,
  BASE_SEQUENCE_POS,
  BASE_TIMESTAMP_POS,
  Compression,
  CONTROL_BIT,
  CRC_POS,
  DELETE_HORIZON_BIT,
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
  readBatchHeader,
  writeInt64,
} from './batch.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { RecordBatchError } from './errors.js';
import { VarReader, sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from './varint.js';

export interface RecordHeaderInput {
  key: string | Buffer;
  value: string | Buffer | null;
}

export interface RecordInput {
  key?: string | Buffer | null;
  value?: string | Buffer | null;
  headers?: RecordHeaderInput[];
  /** Defaults to the batch's base timestamp. */
  timestamp?: number;
  /** Defaults to the record's index in the batch. */
  offsetDelta?: number;
}

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  /** baseOffset + offsetDelta. */
  offset: number;
  offsetDelta: number;
  /** Absolute timestamp; for LogAppendTime batches the batch maxTimestamp, as clients see it. */
  timestamp: number;
  timestampDelta: number;
  attributes: number;
  /** Views into the batch buffer (zero-copy); copy them if the buffer is reused. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

const toBuf = (v: string | Buffer | null | undefined): Buffer | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? Buffer.from(v) : v;

interface PreparedRecord {
  key: Buffer | null;
  value: Buffer | null;
  headers: { key: Buffer; value: Buffer | null }[];
  timestampDelta: number;
  offsetDelta: number;
  bodySize: number;
}

function prepare(records: RecordInput[], baseTimestamp: number): { prepared: PreparedRecord[]; size: number } {
  let size = 0;
  const prepared = records.map((rec, i): PreparedRecord => {
    const key = toBuf(rec.key);
    const value = toBuf(rec.value);
    const headers = (rec.headers ?? []).map((h) => ({ key: toBuf(h.key) as Buffer, value: toBuf(h.value) }));
    const timestampDelta = (rec.timestamp ?? baseTimestamp) - baseTimestamp;
    const offsetDelta = rec.offsetDelta ?? i;
    let bodySize =
      1 +
      sizeOfVarlong(timestampDelta) +
      sizeOfVarint(offsetDelta) +
      (key ? sizeOfVarint(key.length) + key.length : 1) +
      (value ? sizeOfVarint(value.length) + value.length : 1) +
      sizeOfVarint(headers.length);
    for (const h of headers) {
      bodySize += sizeOfVarint(h.key.length) + h.key.length + (h.value ? sizeOfVarint(h.value.length) + h.value.length : 1);
    }
    size += sizeOfVarint(bodySize) + bodySize;
    return { key, value, headers, timestampDelta, offsetDelta, bodySize };
  });
  return { prepared, size };
}

function writePrepared(buf: Buffer, pos: number, records: PreparedRecord[]): number {
  for (const r of records) {
    pos = writeVarint(buf, pos, r.bodySize);
    buf[pos++] = 0; // record attributes: unused
    pos = writeVarlong(buf, pos, r.timestampDelta);
    pos = writeVarint(buf, pos, r.offsetDelta);
    pos = writeBytes(buf, pos, r.key);
    pos = writeBytes(buf, pos, r.value);
    pos = writeVarint(buf, pos, r.headers.length);
    for (const h of r.headers) {
      pos = writeBytes(buf, pos, h.key);
      pos = writeBytes(buf, pos, h.value);
    }
  }
  return pos;
}

function writeBytes(buf: Buffer, pos: number, b: Buffer | null): number {
  if (b === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, b.length);
  b.copy(buf, pos);
  return pos + b.length;
}

/** Encodes records (the part after recordCount in an uncompressed batch). */
export function encodeRecords(records: RecordInput[], baseTimestamp: number): Buffer {
  const { prepared, size } = prepare(records, baseTimestamp);
  const buf = Buffer.allocUnsafe(size);
  writePrepared(buf, 0, prepared);
  return buf;
}

export interface BuildBatchOptions {
  records: RecordInput[];
  baseOffset?: number; // default 0
  partitionLeaderEpoch?: number; // default -1
  /** Default: the first record's timestamp, else Date.now(). */
  baseTimestamp?: number;
  producerId?: number; // default -1 (no idempotence)
  producerEpoch?: number; // default -1
  baseSequence?: number; // default -1
  isTransactional?: boolean;
  isControl?: boolean;
  /** 'gzip' only for the log cleaner, which keeps a rewritten batch's codec. */
  compression?: 'none' | 'gzip';
  /** Sets the LogAppendTime bit (maxTimestamp is then the append time). */
  logAppendTime?: boolean;
  /** Default: the largest record timestamp (a LogAppendTime batch keeps its append time). */
  maxTimestamp?: number;
  /** Default: the largest offsetDelta (a compacted batch keeps its original span). */
  lastOffsetDelta?: number;
  /** Sets the delete-horizon bit; the base timestamp is then this horizon (KIP-534). */
  deleteHorizonMs?: number;
}

/** Builds a complete uncompressed v2 batch with a valid CRC. */
export function buildBatch(opts: BuildBatchOptions): Buffer {
  const { records } = opts;
  if (records.length === 0) throw new RangeError('buildBatch: a batch needs at least one record');
  const gzip = opts.compression === 'gzip';
  if (opts.compression !== undefined && opts.compression !== 'none' && !gzip) {
    throw new RangeError('buildBatch: only uncompressed and gzip batches can be built');
  }
  const baseTimestamp = opts.deleteHorizonMs ?? opts.baseTimestamp ?? records[0].timestamp ?? Date.now();
  let maxTimestamp = -1;
  let lastOffsetDelta = 0;
  records.forEach((r, i) => {
    maxTimestamp = Math.max(maxTimestamp, r.timestamp ?? baseTimestamp);
    lastOffsetDelta = Math.max(lastOffsetDelta, r.offsetDelta ?? i);
  });
  maxTimestamp = opts.maxTimestamp ?? maxTimestamp;
  lastOffsetDelta = opts.lastOffsetDelta ?? lastOffsetDelta;
  const { prepared, size } = prepare(records, baseTimestamp);
  let body: Buffer | undefined;
  if (gzip) {
    const raw = Buffer.allocUnsafe(size);
    writePrepared(raw, 0, prepared);
    body = gzipSync(raw);
  }
  const total = BATCH_HEADER_SIZE + (body?.length ?? size);
  const buf = Buffer.allocUnsafe(total);
  let attributes = gzip ? Compression.GZIP : 0;
  if (opts.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_BIT;
  if (opts.isTransactional) attributes |= TRANSACTIONAL_BIT;
  if (opts.isControl) attributes |= CONTROL_BIT;
  if (opts.logAppendTime) attributes |= TIMESTAMP_TYPE_BIT;
  writeInt64(buf, 0, opts.baseOffset ?? 0);
  buf.writeInt32BE(total - LOG_OVERHEAD, BATCH_LENGTH_POS);
  buf.writeInt32BE(opts.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH_POS);
  buf.writeInt8(CURRENT_MAGIC, MAGIC_POS);
  buf.writeInt16BE(attributes, ATTRIBUTES_POS);
  buf.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA_POS);
  writeInt64(buf, BASE_TIMESTAMP_POS, baseTimestamp);
  writeInt64(buf, MAX_TIMESTAMP_POS, maxTimestamp);
  writeInt64(buf, PRODUCER_ID_POS, opts.producerId ?? -1);
  buf.writeInt16BE(opts.producerEpoch ?? -1, PRODUCER_EPOCH_POS);
  buf.writeInt32BE(opts.baseSequence ?? -1, BASE_SEQUENCE_POS);
  buf.writeInt32BE(records.length, RECORD_COUNT_POS);
  if (body) body.copy(buf, RECORDS_POS);
  else writePrepared(buf, RECORDS_POS, prepared);
  buf.writeUInt32BE(computeBatchCrc(buf, 0, total), CRC_POS);
  return buf;
}

/**
 * Decodes the records of the batch at `pos` in `buf`. Uncompressed and gzip
 * batches only (gzip via node:zlib, for tests and tooling); other codecs throw
 * RecordBatchError UNSUPPORTED_COMPRESSION_TYPE. Does not verify the CRC —
 * call checkBatch first for untrusted data.
 */
export function decodeRecords(buf: Buffer, pos = 0): DecodedRecord[] {
  const info = readBatchHeader(buf, pos);
  const end = pos + info.size;
  if (end > buf.length) {
    throw new RecordBatchError(ErrorCode.CORRUPT_MESSAGE, 'truncated', pos, `record batch at byte ${pos} is truncated`);
  }
  let data: Buffer = buf;
  let start = pos + RECORDS_POS;
  let stop = end;
  if (info.compression === Compression.GZIP) {
    data = gunzipSync(buf.subarray(start, end));
    start = 0;
    stop = data.length;
  } else if (info.compression !== Compression.NONE) {
    throw new RecordBatchError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'unsupported-compression', pos,
      `record batch at byte ${pos}: cannot decode compression type ${info.compression}`);
  }
  const logAppendTime = info.timestampType === 1;
  const r = new VarReader(data, start, stop);
  const out: DecodedRecord[] = [];
  const bytes = (len: number): Buffer | null => {
    if (len < 0) return null;
    if (r.pos + len > r.end) throw new RangeError('field runs past the end of the record');
    const b = data.subarray(r.pos, r.pos + len);
    r.pos += len;
    return b;
  };
  try {
    for (let i = 0; i < info.recordCount; i++) {
      r.end = stop;
      const len = r.readVarint();
      const recordEnd = r.pos + len;
      if (len < 6 || recordEnd > stop) throw new RangeError(`invalid record length ${len}`);
      r.end = recordEnd;
      const attributes = data[r.pos++];
      const timestampDelta = r.readVarlong();
      const offsetDelta = r.readVarint();
      const key = bytes(r.readVarint());
      const value = bytes(r.readVarint());
      const headerCount = r.readVarint();
      const headers: RecordHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const hk = bytes(r.readVarint());
        headers.push({ key: hk ? hk.toString('utf8') : '', value: bytes(r.readVarint()) });
      }
      if (r.pos !== recordEnd) throw new RangeError(`record length ${len} does not match its contents`);
      out.push({
        offset: info.baseOffset + offsetDelta,
        offsetDelta,
        timestamp: logAppendTime ? info.maxTimestamp : info.baseTimestamp + timestampDelta,
        timestampDelta,
        attributes,
        key,
        value,
        headers,
      });
    }
  } catch (err) {
    if (err instanceof RecordBatchError) throw err;
    throw new RecordBatchError(ErrorCode.INVALID_RECORD, 'bad-record', pos,
      `record batch at byte ${pos}: malformed record (${(err as Error).message})`);
  }
  return out;
}
