// PartitionLog behaviour: append/read across segments, sparse index lookups,
// KIP-74 reads, out-of-range, timestamps, retention, DeleteRecords, reopen,
// truncateTo, scanBatches, LogAppendTime, rolling.
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { LOG_OVERHEAD, decodeRecords, parseBatches } from '../../../src/broker/records/index.js';
import { OffsetOutOfRangeError } from '../../../src/broker/log/errors.js';
import { appendBuf, batchesIn, config, harness, lcg, makeBatch, offsetsIn } from './helpers.js';

const T0 = 1_700_000_000_000;

/** Fills a log with `n` batches of 1..8 records and varied value sizes; returns [base, last] per batch. */
function fill(log: PartitionLog, n: number, seed = 1, ts = T0): Array<[number, number]> {
  const rnd = lcg(seed);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(rnd() * 8);
    const res = appendBuf(log, makeBatch(count, { size: 10 + Math.floor(rnd() * 300), timestamp: ts + i * 1000, tag: `b${i}` }), { now: ts + i * 1000 });
    ranges.push([res.baseOffset, res.lastOffset]);
  }
  return ranges;
}

test('append assigns contiguous offsets and rewrites baseOffset / leader epoch in the stored batch', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  const a = appendBuf(log, makeBatch(3));
  const b = appendBuf(log, Buffer.concat([makeBatch(2), makeBatch(4)]), { leaderEpoch: 5 });
  assert.deepEqual([a.baseOffset, a.lastOffset, a.logAppendTime, a.logStartOffset], [0, 2, -1, 0]);
  assert.deepEqual([b.baseOffset, b.lastOffset], [3, 8]);
  assert.equal(log.logEndOffset, 9);
  assert.equal(log.highWatermark, 9);
  const res = log.read(0, 1 << 20);
  assert.equal(res.errorCode, ErrorCode.NONE);
  const batches = batchesIn(res.records);
  assert.deepEqual(batches.map((x) => [x.baseOffset, x.partitionLeaderEpoch]), [[0, 0], [3, 5], [5, 5]]);
  assert.deepEqual(offsetsIn(res.records), [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(log.size, res.records.length);
});

test('round trip across many segments; every offset finds the batch containing it', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const cfg = config({ segmentBytes: 4096, indexIntervalBytes: 512 });
  let log = await h.open(dir, cfg);
  const ranges = fill(log, 300);
  assert.ok(log.segments.length > 10, `expected many segments, got ${log.segments.length}`);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith('.log')).length, log.segments.length);
  assert.ok(log.segments.every((s) => s.size <= 4096));
  const check = (l: PartitionLog): void => {
    for (const [base, last] of ranges) {
      for (let o = base; o <= last; o++) {
        const res = l.read(o, 1);
        const [first] = batchesIn(res.records);
        assert.equal(first.baseOffset, base, `offset ${o}`);
        assert.equal(first.baseOffset + first.lastOffsetDelta, last);
      }
    }
    // Reading everything batch by batch returns every offset once, in order.
    const all: number[] = [];
    let next = 0;
    while (next < l.logEndOffset) {
      const res = l.read(next, 3000);
      assert.ok(res.records.length > 0);
      const offs = offsetsIn(res.records);
      all.push(...offs);
      next = offs[offs.length - 1] + 1;
    }
    assert.deepEqual(all, Array.from({ length: l.logEndOffset }, (_, i) => i));
  };
  check(log);
  // Reopen: sealed segments come back from their .index/.timeindex files.
  await log.close();
  log = await h.open(dir, cfg);
  assert.equal(log.recovery.truncatedBytes, 0);
  assert.deepEqual(log.recovery.notes, []);
  check(log);
});

test('maxBytes: whole batches only, at least one batch even when larger (KIP-74)', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  const big = makeBatch(10, { size: 500 });
  appendBuf(log, big);
  appendBuf(log, makeBatch(2));
  appendBuf(log, makeBatch(2));
  const one = log.read(0, 100);
  assert.equal(one.records.length, big.length);
  assert.equal(batchesIn(one.records).length, 1);
  const two = log.read(10, 1 << 20);
  assert.equal(batchesIn(two.records).length, 2);
  const limited = log.read(0, big.length + 10);
  assert.equal(batchesIn(limited.records).length, 1, 'a partial second batch is never returned');
  assert.equal(log.read(0, 100, undefined, { minOneBatch: false }).records.length, 0);
  // Fetching from the middle of a batch returns that whole batch.
  assert.equal(batchesIn(log.read(5, 1).records)[0].baseOffset, 0);
});

test('maxOffset (high watermark / LSO) excludes batches reaching it', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  appendBuf(log, makeBatch(3)); // 0..2
  appendBuf(log, makeBatch(3)); // 3..5
  appendBuf(log, makeBatch(3)); // 6..8
  assert.deepEqual(offsetsIn(log.read(0, 1 << 20, 6).records), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(offsetsIn(log.read(0, 1 << 20, 5).records), [0, 1, 2]);
  assert.equal(log.read(6, 1 << 20, 6).records.length, 0);
  assert.equal(log.read(6, 1 << 20, 6).errorCode, ErrorCode.NONE);
});

test('out of range: before log start, past the end; at the end is an empty read', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentBytes: 3000 }));
  fill(log, 30);
  const end = log.logEndOffset;
  const atEnd = log.read(end, 1000);
  assert.equal(atEnd.errorCode, ErrorCode.NONE);
  assert.equal(atEnd.records.length, 0);
  assert.equal(atEnd.highWatermark, end);
  assert.equal(log.read(end + 1, 1000).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.equal(log.read(-1, 1000).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  log.deleteRecordsBefore(20);
  const before = log.read(19, 1000);
  assert.equal(before.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.equal(before.logStartOffset, 20);
  assert.equal(log.read(20, 1000).errorCode, ErrorCode.NONE);
});

test('offsetForTimestamp and maxTimestampOffset', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentBytes: 2048, indexIntervalBytes: 256 }));
  // Batch i: 4 records with timestamps T0 + 100*i + (0..3).
  for (let i = 0; i < 60; i++) appendBuf(log, makeBatch(4, { timestamp: T0 + 100 * i, size: 50 }));
  assert.ok(log.segments.length > 3);
  assert.deepEqual(log.offsetForTimestamp(0), { offset: 0, timestamp: T0 });
  assert.deepEqual(log.offsetForTimestamp(T0 + 100 * 17), { offset: 68, timestamp: T0 + 1700 });
  assert.deepEqual(log.offsetForTimestamp(T0 + 100 * 17 + 2), { offset: 70, timestamp: T0 + 1702 });
  assert.deepEqual(log.offsetForTimestamp(T0 + 100 * 17 + 50), { offset: 72, timestamp: T0 + 1800 });
  for (let i = 0; i < 60; i++) assert.equal(log.offsetForTimestamp(T0 + 100 * i - 1)?.offset, 4 * i);
  assert.equal(log.offsetForTimestamp(T0 + 100 * 59 + 4), null);
  assert.deepEqual(log.maxTimestampOffset(), { offset: 239, timestamp: T0 + 5903 });
  // A batch with an out-of-order newest timestamp in the middle.
  appendBuf(log, makeBatch(3, { timestamp: T0 + 999_999 }));
  appendBuf(log, makeBatch(3, { timestamp: T0 + 10 }));
  assert.deepEqual(log.maxTimestampOffset(), { offset: 242, timestamp: T0 + 1_000_001 });
  // After DeleteRecords the answer never precedes the log start.
  log.deleteRecordsBefore(70);
  assert.deepEqual(log.offsetForTimestamp(0), { offset: 70, timestamp: T0 + 1702 });
});

test('empty log: reads, timestamps', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  assert.equal(log.logEndOffset, 0);
  assert.equal(log.read(0, 100).records.length, 0);
  assert.equal(log.offsetForTimestamp(0), null);
  assert.deepEqual(log.maxTimestampOffset(), { offset: -1, timestamp: -1 });
});

test('retention by bytes deletes oldest sealed segments, never the active one', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const log = await h.open(dir, config({ segmentBytes: 2000, retentionBytes: 5000, retentionMs: -1 }));
  for (let i = 0; i < 40; i++) appendBuf(log, makeBatch(2, { size: 200 }));
  const before = log.segments;
  const res = log.enforceRetention(T0);
  assert.ok(res.deletedSegments > 0);
  // Kafka's rule: a segment goes only if the partition stays >= retention.bytes without it.
  assert.ok(log.size >= 5000, `size ${log.size}`);
  assert.ok(log.size - log.segments[0].size < 5000, 'deletes every segment it can');
  assert.equal(before.reduce((n, s) => n + s.size, 0) - log.size, res.deletedBytes);
  assert.equal(res.logStartOffset, log.segments[0].baseOffset);
  assert.equal(log.logStartOffset, log.segments[0].baseOffset);
  assert.equal(log.read(log.logStartOffset - 1, 100).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.equal(batchesIn(log.read(log.logStartOffset, 100).records)[0].baseOffset, log.logStartOffset);
  assert.ok(!existsSync(before[0].path));
  // Tiny limit: everything but the active segment goes.
  log.updateConfig(config({ segmentBytes: 2000, retentionBytes: 0, retentionMs: -1 }));
  log.enforceRetention(T0);
  assert.equal(log.segments.length, 1);
  assert.equal(log.logStartOffset, log.segments[0].baseOffset);
});

test('retention by time uses each segment\'s newest timestamp against the injected now', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentBytes: 1500, retentionMs: 10_000 }));
  for (let i = 0; i < 30; i++) appendBuf(log, makeBatch(2, { size: 200, timestamp: T0 + i * 1000 }));
  const segs = log.segments;
  assert.ok(segs.length > 5);
  // now = T0 + 20_000: segments whose newest record is older than T0 + 10_000 go.
  const now = T0 + 20_000;
  const expected = segs.slice(0, -1).findIndex((s) => now - s.maxTimestamp <= 10_000);
  const res = log.enforceRetention(now);
  assert.equal(res.deletedSegments, expected);
  assert.ok(log.segments.every((s, i) => i === log.segments.length - 1 || now - s.maxTimestamp <= 10_000 || s === log.segments[0]));
  assert.equal(log.logStartOffset, log.segments[0].baseOffset);
  // Far future: all sealed segments go, the active one stays.
  log.enforceRetention(T0 + 10_000_000);
  assert.equal(log.segments.length, 1);
  assert.equal(log.logEndOffset, 60);
});

test('deleteRecordsBefore: persisted log start, whole segments below it removed', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const cfg = config({ segmentBytes: 3000 });
  let log = await h.open(dir, cfg);
  fill(log, 40);
  const segsBefore = log.segments.length;
  const target = log.segments[3].baseOffset + 1;
  assert.equal(log.deleteRecordsBefore(target), target);
  assert.equal(log.logStartOffset, target);
  assert.equal(log.segments.length, segsBefore - 3);
  assert.equal(log.deleteRecordsBefore(5), target, 'never moves backwards');
  assert.throws(() => log.deleteRecordsBefore(log.logEndOffset + 1), (e: unknown) => e instanceof OffsetOutOfRangeError && e.code === 1);
  assert.equal(readFileSync(join(dir, 'log-start-offset'), 'utf8').trim(), String(target));
  // Reading from the start returns the batch containing it.
  const first = batchesIn(log.read(target, 1).records)[0];
  assert.ok(first.baseOffset <= target && target <= first.baseOffset + first.lastOffsetDelta);
  await log.close();
  log = await h.open(dir, cfg);
  assert.equal(log.logStartOffset, target);
  // Up to the high watermark is allowed; the active segment stays.
  log.deleteRecordsBefore(log.logEndOffset);
  assert.equal(log.logStartOffset, log.logEndOffset);
  assert.equal(log.segments.length, 1);
  assert.equal(log.read(log.logEndOffset, 100).errorCode, ErrorCode.NONE);
});

test('reopen after close keeps everything and continues offsets', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const cfg = config({ segmentBytes: 3000 });
  let log = await h.open(dir, cfg);
  fill(log, 50);
  const end = log.logEndOffset;
  const bytes = log.read(0, 1 << 30).records.length;
  const segs = log.segments.map((s) => [s.baseOffset, s.size, s.maxTimestamp]);
  const maxTs = log.maxTimestampOffset();
  await log.close();
  log = await h.open(dir, cfg);
  assert.equal(log.logEndOffset, end);
  assert.deepEqual(log.segments.map((s) => [s.baseOffset, s.size, s.maxTimestamp]), segs);
  assert.deepEqual(log.maxTimestampOffset(), maxTs);
  assert.equal(log.read(0, 1 << 30).records.length, bytes);
  const next = appendBuf(log, makeBatch(3));
  assert.equal(next.baseOffset, end);
  assert.deepEqual(offsetsIn(log.read(end, 1000).records), [end, end + 1, end + 2]);
});

test('truncateTo removes whole batches from the target on, across segments', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const cfg = config({ segmentBytes: 3000 });
  const log = await h.open(dir, cfg);
  const ranges = fill(log, 40);
  const [base, last] = ranges[20];
  log.truncateTo(base + (last > base ? 1 : 0)); // mid-batch → the batch goes entirely
  assert.equal(log.logEndOffset, base);
  assert.equal(log.segments[log.segments.length - 1].active, true);
  const offs: number[] = [];
  let next = 0;
  while (next < log.logEndOffset) {
    const o = offsetsIn(log.read(next, 1 << 20).records);
    offs.push(...o);
    next = o[o.length - 1] + 1;
  }
  assert.deepEqual(offs, Array.from({ length: base }, (_, i) => i));
  assert.equal(appendBuf(log, makeBatch(2)).baseOffset, base);
  assert.equal(log.size, log.segments.reduce((n, s) => n + s.size, 0));
  // Below everything: restart empty at the target.
  log.truncateTo(0);
  assert.equal(log.logEndOffset, 0);
  assert.equal(log.segments.length, 1);
  assert.equal(appendBuf(log, makeBatch(1)).baseOffset, 0);
});

test('scanBatches visits batch headers from an offset across segments', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentBytes: 3000 }));
  const ranges = fill(log, 30);
  const seen: number[] = [];
  log.scanBatches(ranges[10][0] + (ranges[10][1] > ranges[10][0] ? 1 : 0), (info) => {
    seen.push(info.baseOffset);
  });
  assert.deepEqual(seen, ranges.slice(10).map((r) => r[0]));
  const firstTwo: number[] = [];
  log.scanBatches(0, (info) => {
    firstTwo.push(info.baseOffset);
    return firstTwo.length < 2;
  });
  assert.deepEqual(firstTwo, [ranges[0][0], ranges[1][0]]);
});

test('a scan started from inside another scan sees its own batches (header walks share one chunk buffer)', async (t) => {
  const h = harness(t);
  const outer = await h.open(h.dir(), config());
  const inner = await h.open(h.dir(), config());
  const outerRanges = fill(outer, 40, 1);
  const innerRanges = fill(inner, 25, 2, T0 + 5_000_000);
  const outerSeen: number[] = [];
  const innerSeen: number[][] = [];
  outer.scanBatches(0, (info) => {
    outerSeen.push(info.baseOffset);
    const seen: number[] = [];
    inner.scanBatches(0, (b) => {
      seen.push(b.baseOffset);
    });
    innerSeen.push(seen);
  });
  assert.deepEqual(outerSeen, outerRanges.map((r) => r[0]));
  for (const seen of innerSeen) assert.deepEqual(seen, innerRanges.map((r) => r[0]));
  // After the nesting, a plain scan still reads the right file.
  const again: number[] = [];
  outer.scanBatches(0, (info) => {
    again.push(info.baseOffset);
  });
  assert.deepEqual(again, outerSeen);
});

test('LogAppendTime topics: maxTimestamp and type bit set, CRC valid, result carries the time', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ messageTimestampType: 'LogAppendTime' }));
  const buf = makeBatch(3, { timestamp: 5 });
  const batches = parseBatches(buf);
  const res = log.append(buf, batches, { now: T0 + 42 });
  assert.equal(res.logAppendTime, T0 + 42);
  assert.equal(batches[0].maxTimestamp, T0 + 42, 'the caller\'s BatchInfo is updated');
  const stored = log.read(0, 1000).records;
  const [info] = parseBatches(stored); // validates the recomputed CRC
  assert.equal(info.timestampType, 1);
  assert.equal(info.maxTimestamp, T0 + 42);
  assert.deepEqual(decodeRecords(stored).map((r) => r.timestamp), [T0 + 42, T0 + 42, T0 + 42]);
  assert.deepEqual(log.offsetForTimestamp(T0), { offset: 0, timestamp: T0 + 42 });
});

test('rolls on segment.ms measured on record timestamps, and on size', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentMs: 60_000 }));
  appendBuf(log, makeBatch(1, { timestamp: T0 }), { now: T0 });
  appendBuf(log, makeBatch(1, { timestamp: T0 + 30_000 }), { now: T0 + 30_000 });
  assert.equal(log.segments.length, 1);
  appendBuf(log, makeBatch(1, { timestamp: T0 + 61_000 }), { now: T0 + 61_000 });
  assert.equal(log.segments.length, 2);
  assert.equal(log.segments[1].baseOffset, 2);
  log.roll();
  assert.equal(log.segments.length, 3);
  log.roll(); // empty active segment: no-op
  assert.equal(log.segments.length, 3);
});

test('append rejects oversized batches and mismatched batch lists', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ maxMessageBytes: 500 }));
  const big = makeBatch(5, { size: 200 });
  assert.throws(() => appendBuf(log, big), (e: unknown) => (e as { code: number }).code === ErrorCode.MESSAGE_TOO_LARGE);
  const small = makeBatch(1);
  assert.throws(() => log.append(Buffer.concat([small, small]), parseBatches(small)), (e: unknown) => (e as { code: number }).code === ErrorCode.CORRUPT_MESSAGE);
  assert.equal(log.logEndOffset, 0);
  assert.equal(log.size, 0);
});

test('read positions: records buffer is a straight copy of the stored bytes', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  const a = makeBatch(2);
  const b = makeBatch(3);
  appendBuf(log, a);
  appendBuf(log, b);
  const all = log.read(0, 1 << 20).records;
  assert.equal(all.length, a.length + b.length);
  assert.deepEqual(all.subarray(LOG_OVERHEAD, a.length), a.subarray(LOG_OVERHEAD), 'bytes after baseOffset/length identical apart from epoch');
});
