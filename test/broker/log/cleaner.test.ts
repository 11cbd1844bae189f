// The log cleaner on a partition log: compaction to the latest record per key,
// tombstones and their delete horizon, aborted transactions and markers, the
// dirty ratio and compaction lag, crash safety at every point of a swap, and
// readers of replaced segments keeping their old files through the fd cache.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBatch, buildControlBatch, decodeRecords, parseBatches } from '../../../src/broker/records/index.js';
import { cleanLog, defaultCleanerSettings, type CleanOptions } from '../../../src/broker/log/cleaner.js';
import { FdCache } from '../../../src/broker/log/fd-cache.js';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { appendBuf, config, harness } from './helpers.js';

const T0 = 1_700_000_000_000;
const cfg = config({ segmentBytes: 4096, cleanupPolicy: 'compact', retentionMs: 1 });

function opts(over: Partial<CleanOptions> = {}): CleanOptions {
  return { ...defaultCleanerSettings, now: T0 + 1000, fileDeleteDelayMs: 0, ...over };
}

interface Rec {
  offset: number;
  key: string | null;
  value: string | null;
  control: boolean;
  producerId: number;
}

/** Every record of the log with CRCs and structure checked by the project's decoder. */
function readLog(log: PartitionLog): { records: Rec[]; batches: number } {
  const out: Rec[] = [];
  let batches = 0;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 1 << 20);
    if (records.length === 0) break;
    for (const b of parseBatches(records, { strict: false })) {
      batches++;
      for (const r of decodeRecords(records, b.position)) {
        out.push({ offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, control: b.isControl, producerId: b.producerId });
      }
      offset = b.baseOffset + b.lastOffsetDelta + 1;
    }
  }
  return { records: out, batches };
}

function latestByKey(recs: Rec[]): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const r of recs) if (!r.control && r.key !== null) m.set(r.key, r.value);
  return m;
}

/** `rounds` updates of each of `keys` keys, 10 records a batch. */
function writeUpdates(log: PartitionLog, keys: number, rounds: number, ts = T0): void {
  let n = 0;
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < keys; k += 10) {
      const records = Array.from({ length: Math.min(10, keys - k) }, (_, j) => ({ key: `key-${k + j}`, value: `v${round}-${n++}`, timestamp: ts }));
      appendBuf(log, buildBatch({ records }));
    }
  }
}

test('many updates per key clean to one record per key, offsets and reads preserved', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const log = await h.open(dir, cfg);
  writeUpdates(log, 50, 40);
  log.roll();
  const before = readLog(log).records;
  assert.equal(before.length, 2000);
  const r = await cleanLog(log, opts());
  assert.ok(r.cleaned, r.skipped);
  const after = readLog(log).records;
  assert.equal(after.length, 50);
  assert.deepEqual(latestByKey(after), latestByKey(before));
  // Survivors keep their offsets: each is the original offset of that value.
  const offsetOf = new Map(before.map((x) => [x.value, x.offset]));
  for (const x of after) assert.equal(x.offset, offsetOf.get(x.value));
  assert.equal(log.logEndOffset, 2000);
  // A read from any offset in a gap answers the next surviving batch.
  const { records } = log.read(5, 1 << 20);
  assert.ok(parseBatches(records)[0].baseOffset >= 5);
  // The same after a reopen (recovery trusts the rewritten segments).
  await log.close();
  const again = await h.open(dir, cfg);
  assert.deepEqual(readLog(again).records, after);
  assert.deepEqual(again.recovery.notes, []);
  // Nothing is left to do: a second pass is skipped by the dirty ratio.
  const second = await cleanLog(again, opts());
  assert.equal(second.cleaned, false);
  assert.match(second.skipped ?? '', /dirty ratio/);
});

test('tombstones stay for delete.retention.ms after their first pass, then go', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), cfg);
  writeUpdates(log, 20, 5);
  appendBuf(log, buildBatch({ records: [{ key: 'key-3', value: null, timestamp: T0 }, { key: 'key-7', value: null, timestamp: T0 }] }));
  log.roll();
  const retention = 10_000;
  await cleanLog(log, opts({ deleteRetentionMs: retention }));
  let recs = readLog(log).records;
  assert.equal(recs.length, 20);
  assert.equal(latestByKey(recs).get('key-3'), null);
  assert.equal(recs.filter((r) => r.value === null).length, 2);
  // Before the horizon: still there, even on a forced pass.
  await cleanLog(log, opts({ deleteRetentionMs: retention, now: T0 + 1000 + retention - 1, force: true }));
  assert.equal(readLog(log).records.filter((r) => r.value === null).length, 2);
  // After it: gone (the pass runs because a horizon is due, without force).
  const r = await cleanLog(log, opts({ deleteRetentionMs: retention, now: T0 + 1000 + retention }));
  assert.ok(r.cleaned, r.skipped);
  recs = readLog(log).records;
  assert.equal(recs.length, 18);
  assert.ok(!recs.some((x) => x.key === 'key-3' || x.key === 'key-7'));
});

test('aborted transactional records are removed, then their markers once the horizon passes', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), cfg);
  const pid = 7;
  let seq = 0;
  const txnBatch = (value: string) =>
    buildBatch({ records: [{ key: 'k', value, timestamp: T0 }], producerId: pid, producerEpoch: 0, baseSequence: seq++, isTransactional: true });
  appendBuf(log, buildBatch({ records: [{ key: 'k', value: 'committed-0', timestamp: T0 }] }));
  appendBuf(log, txnBatch('aborted-1'));
  appendBuf(log, txnBatch('aborted-2'));
  appendBuf(log, buildControlBatch({ type: 'abort', producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: T0 }));
  appendBuf(log, txnBatch('committed-3'));
  appendBuf(log, buildControlBatch({ type: 'commit', producerId: pid, producerEpoch: 0, coordinatorEpoch: 0, timestamp: T0 }));
  // Later idempotent batches of the same producer: the transactional ones are
  // then no longer among its last five, which the cleaner keeps (emptied).
  for (let i = 0; i < 5; i++) {
    appendBuf(log, buildBatch({ records: [{ key: `other-${i}`, value: 'x', timestamp: T0 }], producerId: pid, producerEpoch: 0, baseSequence: seq++ }));
  }
  log.roll();
  await cleanLog(log, opts({ deleteRetentionMs: 100 }));
  let recs = readLog(log).records;
  const values = recs.filter((r) => !r.control).map((r) => r.value);
  assert.ok(!values.includes('aborted-1') && !values.includes('aborted-2'), `aborted data left: ${values}`);
  assert.ok(values.includes('committed-3'));
  assert.ok(!values.includes('committed-0'), 'the aborted records must not shadow nor keep older values');
  assert.equal(recs.filter((r) => r.control).length, 2, 'both markers stay on the pass that removed the aborted data');
  // The abort marker then gets a horizon and goes; the commit marker stays
  // while its transaction still has a record (committed-3).
  for (let i = 1; i <= 3; i++) await cleanLog(log, opts({ deleteRetentionMs: 100, now: T0 + 1000 + i * 200, force: true }));
  recs = readLog(log).records;
  const markers = recs.filter((r) => r.control);
  assert.equal(markers.length, 1, 'the abort marker is removed after its horizon');
  assert.equal(markers[0].key?.charCodeAt(3), 1, 'the commit marker stays');
  assert.deepEqual(latestByKey(recs).get('k'), 'committed-3');
  // The producer's last batches stay (possibly emptied) so its state survives a reopen.
  let sawProducer = false;
  log.scanBatches(0, (b) => {
    if (b.producerId === pid && !b.isControl) sawProducer = true;
  });
  assert.ok(sawProducer);
});

test('min.cleanable.dirty.ratio and min.compaction.lag.ms decide when a pass runs', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), cfg);
  writeUpdates(log, 50, 10);
  log.roll();
  // Records written at T0 are younger than the lag at T0 + 1000.
  const young = await cleanLog(log, opts({ minCompactionLagMs: 5000 }));
  assert.equal(young.cleaned, false);
  assert.equal(young.skipped, 'nothing cleanable yet');
  assert.ok((await cleanLog(log, opts({ minCompactionLagMs: 500 }))).cleaned);
  // A little new dirt over a clean log is below the ratio.
  writeUpdates(log, 5, 1);
  log.roll();
  const below = await cleanLog(log, opts({ minCleanableDirtyRatio: 0.9 }));
  assert.equal(below.cleaned, false);
  assert.ok(below.dirtyRatio > 0 && below.dirtyRatio < 0.9);
  assert.ok((await cleanLog(log, opts({ minCleanableDirtyRatio: 0.01 }))).cleaned);
});

test('a crash at any point of a pass recovers to the old or the new state, keeping every latest value', async (t) => {
  const h = harness(t);
  const dir = h.dir();
  const log = await h.open(dir, cfg);
  writeUpdates(log, 30, 30);
  log.roll();
  const expected = latestByKey(readLog(log).records);
  const snapshots: { phase: string; dir: string }[] = [];
  const snapRoot = mkdtempSync(join(tmpdir(), 'tributary-cleaner-crash-'));
  t.after(() => rmSync(snapRoot, { recursive: true, force: true }));
  // A copy of the directory at each phase is what a kill there leaves on disk.
  await cleanLog(log, opts({
    onPhase: (phase) => {
      const copy = join(snapRoot, `${snapshots.length}-${phase}`);
      cpSync(dir, copy, { recursive: true });
      snapshots.push({ phase, dir: copy });
    },
  }));
  const phases = new Set(snapshots.map((s) => s.phase));
  for (const p of ['mapped', 'group-written', 'group-committed', 'group-swapped', 'done']) assert.ok(phases.has(p), `phase ${p} seen`);
  assert.ok(snapshots.length > 5, 'several groups');
  for (const snap of snapshots) {
    const recovered = await PartitionLog.open(snap.dir, cfg);
    try {
      const { records } = readLog(recovered);
      assert.deepEqual(latestByKey(records), expected, `after a crash at ${snap.phase}`);
      assert.equal(recovered.logEndOffset, 900);
      assert.ok(!readdirSync(snap.dir).some((n) => n.endsWith('.cleaned') || n.endsWith('.swap')), 'leftovers removed');
    } finally {
      await recovered.close();
    }
  }
});

test('a reader holding a replaced segment reads its old file after the swap, even when the descriptor cache is full', async (t) => {
  const h = harness(t);
  // Two descriptors for seven segments: every other file use evicts one.
  const cache = new FdCache(2);
  const log = await h.open(h.dir(), cfg, { fdCache: cache });
  writeUpdates(log, 30, 30);
  log.roll();
  const old = log.sealedSegments().slice();
  const bytesOf = (s: (typeof old)[number]): Buffer | null => s.read(s.baseOffset, 1 << 20, Number.MAX_SAFE_INTEGER, true);
  const before = old.map((s) => Buffer.from(bytesOf(s) ?? Buffer.alloc(0)));
  assert.ok(before.every((b) => b.length > 0));
  const r = await cleanLog(log, opts({ fileDeleteDelayMs: 60_000 }));
  assert.ok(r.cleaned, r.skipped);
  assert.ok(old.every((s) => !log.sealedSegments().includes(s)), 'every old segment was replaced');
  // Reads of the cleaned log use the cache too; the pinned old descriptors
  // survive them, holding the cache over its capacity until they are retired.
  assert.equal(readLog(log).records.length, 30);
  assert.ok(cache.stats().open > cache.capacity, `${cache.stats().open} descriptors open, capacity ${cache.capacity}`);
  old.forEach((s, i) => assert.deepEqual(bytesOf(s), before[i], `old segment ${s.baseOffset} still reads its own file`));
});
