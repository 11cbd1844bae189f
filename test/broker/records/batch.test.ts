// Record batch v2: build/parse/decode round trips, every validation error
// and its Kafka code, in-place rewrites, control batches, varints.
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ATTRIBUTES_POS,
  CRC_POS,
  RECORD_COUNT_POS,
  RecordBatchError,
  VarReader,
  buildBatch,
  buildControlBatch,
  computeBatchCrc,
  decodeRecords,
  parseBatches,
  parseControlRecord,
  readBatchHeader,
  readInt64,
  setBaseOffset,
  setLogAppendTime,
  setPartitionLeaderEpoch,
  sizeOfVarint,
  sizeOfVarlong,
  writeInt64,
  writeVarint,
  writeVarlong,
  type RecordBatchErrorReason,
} from '../../../src/broker/records/index.js';

const T0 = 1_700_000_000_000;

function sample(): Buffer {
  return buildBatch({
    records: [
      { key: 'k0', value: 'v0', timestamp: T0, headers: [{ key: 'h', value: 'x' }] },
      { key: null, value: Buffer.from('second'), timestamp: T0 + 5 },
      { key: 'k2', value: null, timestamp: T0 - 3, headers: [{ key: 'a', value: null }, { key: 'b', value: 'bb' }] },
    ],
    producerId: 42,
    producerEpoch: 3,
    baseSequence: 10,
  });
}

function expectBatchError(fn: () => unknown, code: number, reason: RecordBatchErrorReason): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof RecordBatchError, `expected RecordBatchError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.reason, reason, err.message);
    return true;
  });
}

/** Re-stamps the CRC after a deliberate edit, so the semantic checks are what fails. */
function fixCrc(buf: Buffer, pos = 0): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos), pos + CRC_POS);
}

test('buildBatch → parseBatches exposes every header field', () => {
  const buf = sample();
  const [info] = parseBatches(buf);
  assert.equal(info.position, 0);
  assert.equal(info.size, buf.length);
  assert.equal(info.batchLength, buf.length - 12);
  assert.equal(info.baseOffset, 0);
  assert.equal(info.partitionLeaderEpoch, -1);
  assert.equal(info.magic, 2);
  assert.equal(info.compression, 0);
  assert.equal(info.timestampType, 0);
  assert.equal(info.isTransactional, false);
  assert.equal(info.isControl, false);
  assert.equal(info.hasDeleteHorizonMs, false);
  assert.equal(info.lastOffsetDelta, 2);
  assert.equal(info.baseTimestamp, T0);
  assert.equal(info.maxTimestamp, T0 + 5);
  assert.equal(info.producerId, 42);
  assert.equal(info.producerEpoch, 3);
  assert.equal(info.baseSequence, 10);
  assert.equal(info.recordCount, 3);
});

test('decodeRecords round-trips keys, values, null fields, headers and negative timestamp deltas', () => {
  const recs = decodeRecords(sample());
  assert.equal(recs.length, 3);
  assert.deepEqual(recs.map((r) => r.offset), [0, 1, 2]);
  assert.deepEqual(recs.map((r) => r.timestamp), [T0, T0 + 5, T0 - 3]);
  assert.equal(recs[0].key?.toString(), 'k0');
  assert.equal(recs[0].value?.toString(), 'v0');
  assert.deepEqual(recs[0].headers.map((h) => [h.key, h.value?.toString()]), [['h', 'x']]);
  assert.equal(recs[1].key, null);
  assert.equal(recs[1].value?.toString(), 'second');
  assert.equal(recs[2].value, null);
  assert.deepEqual(recs[2].headers.map((h) => [h.key, h.value?.toString() ?? null]), [['a', null], ['b', 'bb']]);
});

test('parseBatches walks several concatenated batches', () => {
  const a = sample();
  const b = buildBatch({ records: [{ value: 'only' }], baseOffset: 0 });
  const infos = parseBatches(Buffer.concat([a, b, a]));
  assert.deepEqual(infos.map((i) => [i.position, i.size]), [[0, a.length], [a.length, b.length], [a.length + b.length, a.length]]);
});

test('flipped byte anywhere under the CRC → CORRUPT_MESSAGE (bad-crc)', () => {
  const buf = sample();
  for (const pos of [ATTRIBUTES_POS, 30, 61, buf.length - 1]) {
    const copy = Buffer.from(buf);
    copy[pos] ^= 0x01;
    expectBatchError(() => parseBatches(copy), ErrorCode.CORRUPT_MESSAGE, 'bad-crc');
  }
});

test('truncated batch and trailing partial batch → CORRUPT_MESSAGE (truncated)', () => {
  const buf = sample();
  expectBatchError(() => parseBatches(buf.subarray(0, buf.length - 1)), ErrorCode.CORRUPT_MESSAGE, 'truncated');
  expectBatchError(() => parseBatches(buf.subarray(0, 40)), ErrorCode.CORRUPT_MESSAGE, 'truncated');
  expectBatchError(() => parseBatches(Buffer.concat([buf, buf.subarray(0, 7)])), ErrorCode.CORRUPT_MESSAGE, 'truncated');
  expectBatchError(() => parseBatches(Buffer.concat([buf, buf.subarray(0, 30)])), ErrorCode.CORRUPT_MESSAGE, 'truncated');
});

test('legacy magic 0/1 message sets → UNSUPPORTED_FOR_MESSAGE_FORMAT (legacy-magic)', () => {
  // MessageSet v1 entry: offset, size, crc, magic=1, attributes, timestamp, key, value.
  const msg = Buffer.alloc(8 + 4 + 4 + 1 + 1 + 8 + 4 + 4 + 3);
  msg.writeInt32BE(msg.length - 12, 8);
  msg.writeInt8(1, 16);
  msg.writeInt32BE(-1, 26);
  msg.writeInt32BE(3, 30);
  msg.write('abc', 34);
  expectBatchError(() => parseBatches(msg), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'legacy-magic');
  msg.writeInt8(0, 16);
  expectBatchError(() => parseBatches(msg), ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, 'legacy-magic');
});

test('unknown magic, undersized batchLength, bad compression → CORRUPT_MESSAGE', () => {
  const m3 = sample();
  m3.writeInt8(3, 16);
  expectBatchError(() => parseBatches(m3), ErrorCode.CORRUPT_MESSAGE, 'bad-magic');
  const short = sample();
  short.writeInt32BE(20, 8);
  expectBatchError(() => parseBatches(short), ErrorCode.CORRUPT_MESSAGE, 'bad-length');
  const comp = sample();
  comp.writeInt16BE(6, ATTRIBUTES_POS);
  fixCrc(comp);
  expectBatchError(() => parseBatches(comp), ErrorCode.CORRUPT_MESSAGE, 'bad-compression');
});

test('count / lastOffsetDelta inconsistencies → INVALID_RECORD (bad-count)', () => {
  const neg = sample();
  neg.writeInt32BE(-1, RECORD_COUNT_POS);
  fixCrc(neg);
  expectBatchError(() => parseBatches(neg), ErrorCode.INVALID_RECORD, 'bad-count');
  const delta = sample();
  delta.writeInt32BE(5, 23);
  fixCrc(delta);
  expectBatchError(() => parseBatches(delta), ErrorCode.INVALID_RECORD, 'bad-count');
  const empty = sample();
  empty.writeInt32BE(0, RECORD_COUNT_POS);
  empty.writeInt32BE(-1, 23);
  fixCrc(empty);
  expectBatchError(() => parseBatches(empty), ErrorCode.INVALID_RECORD, 'bad-count');
  // Lenient mode (log recovery) accepts structurally valid empty batches.
  assert.equal(parseBatches(empty, { strict: false }).length, 1);
});

test('records that do not match recordCount or do not parse → INVALID_RECORD (bad-record)', () => {
  // Claims 4 records (and deltas up to 3) but holds 3.
  const more = sample();
  more.writeInt32BE(4, RECORD_COUNT_POS);
  more.writeInt32BE(3, 23);
  fixCrc(more);
  expectBatchError(() => parseBatches(more), ErrorCode.INVALID_RECORD, 'bad-record');
  // Claims 2: one record's worth of trailing bytes.
  const fewer = sample();
  fewer.writeInt32BE(2, RECORD_COUNT_POS);
  fewer.writeInt32BE(1, 23);
  fixCrc(fewer);
  expectBatchError(() => parseBatches(fewer), ErrorCode.INVALID_RECORD, 'bad-record');
  // First record's length varint inflated.
  const len = sample();
  len[61] += 2;
  fixCrc(len);
  expectBatchError(() => parseBatches(len), ErrorCode.INVALID_RECORD, 'bad-record');
});

test('setBaseOffset / setPartitionLeaderEpoch keep the CRC valid', () => {
  const buf = Buffer.concat([sample(), sample()]);
  const infos = parseBatches(buf);
  setBaseOffset(buf, infos[0].position, 1234567890123);
  setBaseOffset(buf, infos[1].position, 1234567890126);
  setPartitionLeaderEpoch(buf, infos[1].position, 7);
  const again = parseBatches(buf);
  assert.equal(again[0].baseOffset, 1234567890123);
  assert.equal(again[1].baseOffset, 1234567890126);
  assert.equal(again[1].partitionLeaderEpoch, 7);
  assert.deepEqual(decodeRecords(buf, infos[1].position).map((r) => r.offset), [1234567890126, 1234567890127, 1234567890128]);
});

test('setLogAppendTime sets the type bit and maxTimestamp and recomputes the CRC', () => {
  const buf = sample();
  const crc = setLogAppendTime(buf, 0, T0 + 999);
  const [info] = parseBatches(buf);
  assert.equal(info.crc, crc);
  assert.equal(info.timestampType, 1);
  assert.equal(info.maxTimestamp, T0 + 999);
  assert.deepEqual(decodeRecords(buf).map((r) => r.timestamp), [T0 + 999, T0 + 999, T0 + 999]);
});

test('control batches: commit/abort markers', () => {
  const buf = buildControlBatch({ type: 'commit', producerId: 9, producerEpoch: 2, coordinatorEpoch: 5, timestamp: T0 });
  const [info] = parseBatches(buf);
  assert.equal(info.isControl, true);
  assert.equal(info.isTransactional, true);
  assert.equal(info.producerId, 9);
  assert.equal(info.producerEpoch, 2);
  assert.equal(info.baseSequence, -1);
  const [rec] = decodeRecords(buf);
  assert.deepEqual(parseControlRecord(rec.key, rec.value), { version: 0, type: 'commit', coordinatorEpoch: 5 });
  const abort = decodeRecords(buildControlBatch({ type: 'abort', producerId: 1, producerEpoch: 0, coordinatorEpoch: 0 }))[0];
  assert.equal(parseControlRecord(abort.key, abort.value).type, 'abort');
  const k = Buffer.alloc(4);
  k.writeInt16BE(3, 2);
  assert.deepEqual(parseControlRecord(k, null), { version: 0, type: 3 });
});

test('int64 helpers are exact for sentinels and large safe integers', () => {
  const b = Buffer.alloc(8);
  for (const v of [0, -1, 1, -2, 2 ** 32, 2 ** 32 - 1, -(2 ** 32), Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, T0]) {
    writeInt64(b, 0, v);
    assert.equal(readInt64(b, 0), v);
    assert.equal(b.readBigInt64BE(0), BigInt(v));
  }
});

test('varint / varlong round trip with correct sizes', () => {
  const b = Buffer.alloc(16);
  for (const v of [0, 1, -1, 63, -64, 64, -65, 300, -300, 2 ** 31 - 1, -(2 ** 31)]) {
    const end = writeVarint(b, 0, v);
    assert.equal(end, sizeOfVarint(v));
    assert.equal(new VarReader(b).readVarint(), v);
  }
  for (const v of [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, T0, -T0, 2 ** 52, -(2 ** 52)]) {
    const end = writeVarlong(b, 0, v);
    assert.equal(end, sizeOfVarlong(v));
    assert.equal(new VarReader(b).readVarlong(), v);
  }
  assert.throws(() => new VarReader(Buffer.from([0x80, 0x80])).readVarint(), RangeError);
});

test('readBatchHeader works at a non-zero position', () => {
  const a = sample();
  const buf = Buffer.concat([Buffer.alloc(5), a]);
  assert.equal(readBatchHeader(buf, 5).recordCount, 3);
});
