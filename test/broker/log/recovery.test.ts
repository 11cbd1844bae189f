// Recovery on open: torn tails, garbage, corrupt bytes and damaged offsets in
// the last segment are cut at the last valid batch; sealed segments with
// missing/corrupt indexes are rebuilt; a sealed segment with a torn tail is
// repaired. The broker must always start.
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, openSync, closeSync, readSync, writeSync, statSync, truncateSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { appendBuf, batchesIn, config, harness, makeBatch, offsetsIn } from './helpers.js';

const cfg = config({ segmentBytes: 5000, indexIntervalBytes: 300 });

/** 30 batches of 3 records (offsets 3i..3i+2), several segments. */
async function build(h: ReturnType<typeof harness>): Promise<{ dir: string; positions: number[]; lastPath: string; lastBase: number }> {
  const dir = h.dir();
  const log = await PartitionLog.open(dir, cfg);
  for (let i = 0; i < 30; i++) appendBuf(log, makeBatch(3, { size: 100, tag: `r${i}` }));
  const last = log.segments[log.segments.length - 1];
  // Positions of the batches in the last segment.
  const positions: number[] = [];
  let p = 0;
  log.scanBatches(last.baseOffset, (info) => {
    positions.push(info.position);
    p = info.position + info.size;
  });
  assert.equal(p, last.size);
  assert.ok(log.segments.length >= 3 && positions.length >= 3);
  await log.close();
  return { dir, positions, lastPath: last.path, lastBase: last.baseOffset };
}

function readAll(log: PartitionLog): number[] {
  const out: number[] = [];
  let next = log.logStartOffset;
  while (next < log.logEndOffset) {
    const o = offsetsIn(log.read(next, 1 << 20).records);
    assert.ok(o.length > 0, `no data at ${next}`);
    out.push(...o.filter((x) => x >= next));
    next = o[o.length - 1] + 1;
  }
  return out;
}

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

function patch(path: string, position: number, fn: (b: number) => number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, position);
  b[0] = fn(b[0]);
  writeSync(fd, b, 0, 1, position);
  closeSync(fd);
}

test('truncated in the middle of the last batch: torn batch dropped, offsets continue', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath } = await build(h);
  const lastPos = positions[positions.length - 1];
  truncateSync(lastPath, lastPos + 100);
  const warnings: string[] = [];
  const log = await h.open(dir, cfg, { onWarning: (m) => warnings.push(m) });
  assert.equal(log.recovery.truncatedBytes, 100);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /truncated 100 bytes/);
  assert.equal(statSync(lastPath).size, lastPos);
  assert.equal(log.logEndOffset, 87);
  assert.deepEqual(readAll(log), range(87));
  assert.equal(appendBuf(log, makeBatch(2)).baseOffset, 87);
  assert.deepEqual(readAll(log), range(89));
});

test('truncated inside a batch header (fewer than 61 bytes left)', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath } = await build(h);
  truncateSync(lastPath, positions[positions.length - 1] + 20);
  const log = await h.open(dir, cfg);
  assert.equal(log.recovery.truncatedBytes, 20);
  assert.equal(log.logEndOffset, 87);
  assert.deepEqual(readAll(log), range(87));
});

test('truncated at a batch boundary: nothing to cut, log end follows the file', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath } = await build(h);
  truncateSync(lastPath, positions[positions.length - 2]);
  const log = await h.open(dir, cfg);
  assert.equal(log.recovery.truncatedBytes, 0);
  assert.equal(log.logEndOffset, 84);
  assert.equal(appendBuf(log, makeBatch(1)).baseOffset, 84);
});

test('garbage appended after the last batch is cut', async (t) => {
  const h = harness(t);
  const { dir, lastPath } = await build(h);
  const size = statSync(lastPath).size;
  appendFileSync(lastPath, Buffer.from('this is not a record batch, just junk bytes from a torn write'.repeat(3)));
  const log = await h.open(dir, cfg);
  assert.equal(statSync(lastPath).size, size);
  assert.equal(log.logEndOffset, 90);
  assert.deepEqual(readAll(log), range(90));
  assert.equal(appendBuf(log, makeBatch(1)).baseOffset, 90);
});

test('zeroed tail (preallocated / torn page) is cut', async (t) => {
  const h = harness(t);
  const { dir, lastPath } = await build(h);
  appendFileSync(lastPath, Buffer.alloc(4096));
  const log = await h.open(dir, cfg);
  assert.equal(log.recovery.truncatedBytes, 4096);
  assert.equal(log.logEndOffset, 90);
});

test('flipped byte in the last batch: CRC catches it, batch dropped', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath } = await build(h);
  const lastPos = positions[positions.length - 1];
  patch(lastPath, lastPos + 150, (b) => b ^ 0x10);
  const log = await h.open(dir, cfg);
  assert.ok(log.recovery.truncatedBytes > 0);
  assert.match(log.recovery.notes[0], /CRC/);
  assert.equal(log.logEndOffset, 87);
  assert.deepEqual(readAll(log), range(87));
  assert.equal(appendBuf(log, makeBatch(3)).baseOffset, 87);
});

test('flipped byte in an earlier batch of the last segment: cut from there on', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath, lastBase } = await build(h);
  patch(lastPath, positions[1] + 70, (b) => b ^ 0xff);
  const log = await h.open(dir, cfg);
  assert.equal(log.logEndOffset, lastBase + 3);
  assert.deepEqual(readAll(log), range(lastBase + 3));
});

test('damaged baseOffset (not covered by the CRC) in the last segment is caught', async (t) => {
  const h = harness(t);
  const { dir, positions, lastPath } = await build(h);
  patch(lastPath, positions[positions.length - 1] + 3, (b) => b ^ 0x01); // high bytes of baseOffset
  const log = await h.open(dir, cfg);
  assert.equal(log.logEndOffset, 87);
});

test('last segment file emptied or deleted entirely', async (t) => {
  const h = harness(t);
  const { dir, lastPath, lastBase } = await build(h);
  truncateSync(lastPath, 0);
  let log = await h.open(dir, cfg);
  assert.equal(log.logEndOffset, lastBase);
  assert.equal(appendBuf(log, makeBatch(1)).baseOffset, lastBase);
  await log.close();
  unlinkSync(lastPath);
  log = await h.open(dir, cfg);
  // The previous (sealed) segment becomes the active one.
  assert.equal(log.logEndOffset, lastBase);
  assert.equal(appendBuf(log, makeBatch(1)).baseOffset, lastBase);
  assert.deepEqual(readAll(log), range(lastBase + 1));
});

test('sealed segment with missing or corrupt index files: rebuilt, lookups still exact', async (t) => {
  const h = harness(t);
  const { dir } = await build(h);
  const names = readdirSync(dir).filter((n) => n.endsWith('.index')).sort();
  assert.ok(names.length >= 2, 'sealed segments have index files');
  unlinkSync(join(dir, names[0]));
  writeFileSync(join(dir, names[1]), Buffer.from([0, 0, 0, 9, 0x7f, 0, 0, 0])); // position beyond the file
  const log = await h.open(dir, cfg);
  assert.equal(log.recovery.notes.length, 2);
  assert.ok(existsSync(join(dir, names[0])), 'index rewritten');
  for (let o = 0; o < 90; o++) assert.equal(batchesIn(log.read(o, 1).records)[0].baseOffset, o - (o % 3));
  assert.deepEqual(readAll(log), range(90));
});

test('sealed segment with a torn tail is repaired; later segments stay readable', async (t) => {
  const h = harness(t);
  const { dir } = await build(h);
  let log = await PartitionLog.open(dir, cfg);
  const [first, second] = log.segments;
  await log.close();
  truncateSync(first.path, first.size - 10);
  log = await h.open(dir, cfg);
  assert.ok(log.recovery.truncatedBytes > 0);
  const lost = first.nextOffset - log.segments[0].nextOffset;
  assert.equal(lost, 3);
  // Offsets of the lost batch now resolve to the next segment's first batch.
  assert.equal(batchesIn(log.read(first.nextOffset - 2, 1).records)[0].baseOffset, second.baseOffset);
  assert.deepEqual(readAll(log), range(90).filter((o) => o < first.nextOffset - 3 || o >= first.nextOffset));
  assert.equal(log.logEndOffset, 90);
});

test('orphan index files and temp files are removed; checkpoint survives', async (t) => {
  const h = harness(t);
  const { dir } = await build(h);
  writeFileSync(join(dir, '00000000000000999999.index'), Buffer.alloc(8));
  writeFileSync(join(dir, '00000000000000999999.timeindex'), Buffer.alloc(12));
  writeFileSync(join(dir, 'log-start-offset.tmp'), '12');
  const log = await h.open(dir, cfg);
  assert.ok(!existsSync(join(dir, '00000000000000999999.index')));
  assert.ok(!existsSync(join(dir, 'log-start-offset.tmp')));
  assert.equal(log.logEndOffset, 90);
});

test('unclean shutdown (no close): a second open sees every appended batch', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const a = await h.open(dir, cfg);
  for (let i = 0; i < 20; i++) appendBuf(a, makeBatch(2, { size: 100 }));
  const b = await PartitionLog.open(dir, cfg); // as after a crash: nothing was flushed or sealed on close
  assert.equal(b.logEndOffset, 40);
  assert.equal(b.recovery.truncatedBytes, 0);
  assert.deepEqual(readAll(b), range(40));
  assert.equal(b.read(41, 10).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  await b.close();
});

test('log-start-offset checkpoint beyond a truncated end is clamped', async (t) => {
  const h = harness(t);
  const { dir, lastPath, positions } = await build(h);
  let log = await PartitionLog.open(dir, cfg);
  log.deleteRecordsBefore(90);
  await log.close();
  truncateSync(lastPath, positions[positions.length - 1] + 5);
  log = await h.open(dir, cfg);
  assert.equal(log.logEndOffset, 87);
  assert.equal(log.logStartOffset, 87);
  assert.equal(log.read(87, 100).errorCode, ErrorCode.NONE);
});
