// Cross-check against a real client: batches encoded by kafkajs 2.2.4's own
// record batch encoder (plain and gzip) must parse and decode here, and
// batches built here must decode with kafkajs's decoder.
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Compression,
  RecordBatchError,
  buildBatch,
  decodeRecords,
  parseBatches,
} from '../../../src/broker/records/index.js';

const require = createRequire(import.meta.url);
// kafkajs has no "exports" map, so its internal protocol modules can be loaded directly.
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const batchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const Decoder = require('kafkajs/src/protocol/decoder.js');
const { Types: KCompression } = require('kafkajs/src/protocol/message/compression/index.js');
const Long = require('kafkajs/src/utils/long.js');

const T0 = 1_710_000_000_000;
const N = 25;

function messages() {
  return Array.from({ length: N }, (_, i) => ({
    key: i % 5 === 0 ? null : Buffer.from(`key-${i}`),
    value: Buffer.from(`value-${i}-`.repeat(1 + (i % 7))),
    headers: i % 3 === 0 ? { trace: `t${i}`, multi: ['a', 'b'] } : {},
    timestamp: T0 + i * 10 - (i === 4 ? 500 : 0),
  }));
}

async function kafkajsBatch(compression: number): Promise<Buffer> {
  const msgs = messages();
  const timestamps = msgs.map((m) => m.timestamp);
  const encoder = await RecordBatch({
    compression,
    firstOffset: Long.fromInt(0),
    firstTimestamp: timestamps[0],
    maxTimestamp: Math.max(...timestamps),
    lastOffsetDelta: N - 1,
    transactional: true,
    producerId: Long.fromValue(4242),
    producerEpoch: 7,
    firstSequence: 100,
    partitionLeaderEpoch: -1,
    records: msgs.map((m, i) => KRecord({
      offsetDelta: i,
      timestampDelta: m.timestamp - timestamps[0],
      key: m.key,
      value: m.value,
      headers: m.headers,
    })),
  });
  return encoder.buffer as Buffer;
}

function checkHeader(buf: Buffer, compression: number): void {
  const [info, ...rest] = parseBatches(buf);
  assert.equal(rest.length, 0);
  assert.equal(info.size, buf.length);
  assert.equal(info.magic, 2);
  assert.equal(info.compression, compression);
  assert.equal(info.isTransactional, true);
  assert.equal(info.isControl, false);
  assert.equal(info.timestampType, 0);
  assert.equal(info.recordCount, N);
  assert.equal(info.lastOffsetDelta, N - 1);
  assert.equal(info.baseTimestamp, T0);
  assert.equal(info.maxTimestamp, T0 + (N - 1) * 10);
  assert.equal(info.producerId, 4242);
  assert.equal(info.producerEpoch, 7);
  assert.equal(info.baseSequence, 100);
}

function checkRecords(buf: Buffer): void {
  const recs = decodeRecords(buf);
  const msgs = messages();
  assert.equal(recs.length, N);
  recs.forEach((r, i) => {
    const m = msgs[i];
    assert.equal(r.offset, i);
    assert.equal(r.timestamp, m.timestamp);
    assert.deepEqual(r.key, m.key);
    assert.deepEqual(r.value, m.value);
    const expected = Object.entries(m.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => [k, x]));
    assert.deepEqual(r.headers.map((h) => [h.key, h.value?.toString()]), expected);
  });
}

test('kafkajs uncompressed batch: parseBatches header fields and decodeRecords records', async () => {
  const buf = await kafkajsBatch(KCompression.None);
  checkHeader(buf, Compression.NONE);
  checkRecords(buf);
});

test('kafkajs gzip batch: accepted as-is (not decompressed by parseBatches); decodable via gzip', async () => {
  const buf = await kafkajsBatch(KCompression.GZIP);
  checkHeader(buf, Compression.GZIP);
  checkRecords(buf);
});

test('kafkajs batch with a flipped byte → CORRUPT_MESSAGE; truncated → CORRUPT_MESSAGE', async () => {
  for (const c of [KCompression.None, KCompression.GZIP]) {
    const buf = await kafkajsBatch(c);
    const flipped = Buffer.from(buf);
    flipped[buf.length - 10] ^= 0x40;
    assert.throws(() => parseBatches(flipped), (e: unknown) => e instanceof RecordBatchError && e.code === ErrorCode.CORRUPT_MESSAGE && e.reason === 'bad-crc');
    assert.throws(() => parseBatches(buf.subarray(0, buf.length - 3)), (e: unknown) => e instanceof RecordBatchError && e.code === ErrorCode.CORRUPT_MESSAGE && e.reason === 'truncated');
  }
});

test('batches built here decode with kafkajs\'s decoder', async () => {
  const msgs = messages();
  const buf = buildBatch({
    baseOffset: 500,
    records: msgs.map((m) => ({
      key: m.key,
      value: m.value,
      timestamp: m.timestamp,
      headers: Object.entries(m.headers).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => ({ key: k, value: x }))),
    })),
    producerId: 77,
    producerEpoch: 1,
    baseSequence: 0,
  });
  const decoded = await batchDecoder(new Decoder(buf));
  assert.equal(decoded.firstOffset, '500');
  assert.equal(decoded.producerId, '77');
  assert.equal(decoded.records.length, N);
  decoded.records.forEach((r: { offset: string; timestamp: string; key: Buffer | null; value: Buffer; headers: Record<string, unknown> }, i: number) => {
    assert.equal(r.offset, String(500 + i));
    assert.equal(r.timestamp, String(msgs[i].timestamp));
    assert.deepEqual(r.key, msgs[i].key);
    assert.deepEqual(r.value, msgs[i].value);
    const hdrs = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]));
    assert.deepEqual(hdrs, msgs[i].headers);
  });
});
