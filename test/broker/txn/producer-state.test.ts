// Per-partition producer state: sequence/epoch checks, duplicates, the LSO and
// the aborted-transaction index, and rebuilding all of it from the log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { buildBatch, parseBatches, type BatchInfo } from '../../../src/broker/records/index.js';
import { PartitionLog } from '../../../src/broker/log/partition-log.js';
import { Partition } from '../../../src/broker/topics/partition.js';
import { ProducerStateManager, lastSequenceOf, type ProduceCheck } from '../../../src/broker/txn/producer-state.js';
import { writeMarker } from '../../../src/broker/txn/markers.js';

interface B {
  pid?: number;
  epoch?: number;
  seq?: number;
  count?: number;
  txn?: boolean;
}
function batch(b: B): { buf: Buffer; infos: BatchInfo[] } {
  const n = b.count ?? 1;
  const buf = buildBatch({
    records: Array.from({ length: n }, (_, i) => ({ value: `v${i}` })),
    producerId: b.pid ?? 1,
    producerEpoch: b.epoch ?? 0,
    baseSequence: b.seq ?? 0,
    isTransactional: b.txn ?? false,
  });
  return { buf, infos: parseBatches(buf) };
}

/** Appends through a log the way Produce does: check, append, record. */
function produce(p: Partition, b: B, verify?: (pid: number, epoch: number) => number): ProduceCheck & { offset?: number } {
  const { buf, infos } = batch(b);
  const check = p.producers.check(infos, p.log.logStartOffset, verify);
  if (check.kind !== 'ok') return check;
  const r = p.log.append(buf, infos);
  p.producers.onAppend(infos);
  return { ...check, offset: r.baseOffset };
}

async function withPartition(fn: (p: Partition, reopen: () => Promise<Partition>) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-pstate-'));
  let log = await PartitionLog.open(dir);
  try {
    await fn(Partition.of('t', 0, log), async () => {
      await log.close();
      log = await PartitionLog.open(dir);
      return Partition.of('t', 0, log);
    });
  } finally {
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('sequences: in order accepted, duplicates of the last 5 batches recognised, gaps and old epochs rejected', async () => {
  await withPartition((p) => {
    const offsets: number[] = [];
    for (let i = 0; i < 7; i++) offsets.push(produce(p, { seq: i * 2, count: 2 }).offset!);
    assert.deepEqual(offsets, [0, 2, 4, 6, 8, 10, 12]);
    // The last five batches are remembered; a retry gets the original offsets and nothing is stored.
    assert.deepEqual(produce(p, { seq: 12, count: 2 }), { kind: 'duplicate', firstOffset: 12, lastOffset: 13 });
    assert.deepEqual(produce(p, { seq: 4, count: 2 }), { kind: 'duplicate', firstOffset: 4, lastOffset: 5 });
    assert.equal(p.log.logEndOffset, 14);
    // Older than the remembered ones: out of order (Kafka cannot tell it from garbage either).
    assert.equal((produce(p, { seq: 2, count: 2 }) as any).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal((produce(p, { seq: 15 }) as any).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, 'gap');
    // A new epoch restarts at 0; then the old epoch is fenced.
    assert.equal((produce(p, { epoch: 1, seq: 5 }) as any).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
    assert.equal(produce(p, { epoch: 1, seq: 0 }).kind, 'ok');
    assert.equal((produce(p, { epoch: 0, seq: 14 }) as any).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    // An unknown producer must start at 0 while nothing could have erased its history.
    assert.equal((produce(p, { pid: 2, seq: 3 }) as any).errorCode, ErrorCode.UNKNOWN_PRODUCER_ID);
    assert.equal(produce(p, { pid: 2, seq: 0 }).kind, 'ok');
    // Batches without a producer id are not checked at all.
    assert.equal(produce(p, { pid: -1, epoch: -1, seq: -1 }).kind, 'ok');
  });
});

test('sequence numbers wrap at Integer.MAX_VALUE', () => {
  assert.equal(lastSequenceOf(2147483646, 3), 1);
  const s = new ProducerStateManager();
  // With the log start above 0 (retention, DeleteRecords), an unknown producer may resume anywhere.
  const atMax = batch({ pid: 9, seq: 2147483647 });
  assert.equal(s.check(atMax.infos, 10).kind, 'ok');
  s.onAppend(atMax.infos);
  assert.equal(s.check(batch({ pid: 9, seq: 0 }).infos, 10).kind, 'ok', 'MAX is followed by 0');
  assert.equal(s.check(batch({ pid: 9, seq: 1 }).infos, 10).kind, 'error');
});

test('several batches of one producer in one request are checked against each other', () => {
  const s = new ProducerStateManager();
  const two = Buffer.concat([batch({ seq: 0, count: 2 }).buf, batch({ seq: 2 }).buf]);
  assert.equal(s.check(parseBatches(two), 0).kind, 'ok');
  const gap = Buffer.concat([batch({ seq: 0, count: 2 }).buf, batch({ seq: 3 }).buf]);
  assert.equal(s.check(parseBatches(gap), 0).kind, 'error');
  assert.equal(s.check(batch({ seq: 0 }).infos, 0).kind, 'ok', 'check() alone changes nothing');
});

test('control batches from clients and transactional batches without a producer id are invalid records', () => {
  const s = new ProducerStateManager();
  const control = buildBatch({ records: [{ key: Buffer.alloc(4), value: Buffer.alloc(6) }], producerId: 1, producerEpoch: 0, baseSequence: -1, isTransactional: true, isControl: true });
  assert.equal((s.check(parseBatches(control), 0) as any).errorCode, ErrorCode.INVALID_RECORD);
  const anonymous = buildBatch({ records: [{ value: 'x' }], isTransactional: true });
  assert.equal((s.check(parseBatches(anonymous), 0) as any).errorCode, ErrorCode.INVALID_RECORD);
  assert.equal((s.check(batch({ seq: -1 }).infos, 0) as any).errorCode, ErrorCode.INVALID_RECORD);
});

test('transactions: LSO is the first open offset, markers close them, aborts are indexed, and state is rebuilt from the log', async () => {
  await withPartition(async (p, reopen) => {
    const verified: number[] = [];
    const verify = (pid: number) => (verified.push(pid), ErrorCode.NONE);
    produce(p, { pid: 5, seq: 0 }); // 0: plain idempotent
    produce(p, { pid: 1, seq: 0, txn: true, count: 2 }, verify); // 1-2: txn A (will abort)
    produce(p, { pid: 2, seq: 0, txn: true }, verify); // 3: txn B (will commit)
    produce(p, { pid: 1, seq: 2, txn: true }, verify); // 4: more of A: no second verification
    assert.deepEqual(verified, [1, 2]);
    assert.equal(p.lastStableOffset, 1);
    assert.equal(p.producers.openTransactions, 2);
    assert.equal((produce(p, { pid: 1, seq: 3 }) as any).errorCode, ErrorCode.INVALID_TXN_STATE, 'non-transactional write inside a transaction');

    assert.equal(writeMarker(p, 1, 0, false), 5); // abort A
    assert.equal(p.lastStableOffset, 3, 'B is still open');
    assert.equal(writeMarker(p, 2, 0, true), 6); // commit B
    assert.equal(p.lastStableOffset, 7);
    assert.equal(p.highWatermark, 7);
    assert.deepEqual(p.abortedTransactions(0, 7), [{ producerId: 1n, firstOffset: 1n }]);
    assert.deepEqual(p.abortedTransactions(6, 7), [], 'the aborted txn ended before the range');
    assert.deepEqual(p.abortedTransactions(0, 1), [], 'it starts after the range');

    // C opens, D aborts without data in this partition (nothing to index).
    produce(p, { pid: 3, seq: 0, txn: true }, verify); // 7
    writeMarker(p, 4, 0, false); // 8
    const before = { lso: p.lastStableOffset, aborted: p.abortedTransactions(0, 100), open: p.producers.openProducerIds() };

    const q = await reopen();
    assert.equal(q.lastStableOffset, before.lso);
    assert.deepEqual(q.abortedTransactions(0, 100), before.aborted);
    assert.deepEqual(q.producers.openProducerIds(), before.open);
    assert.equal(q.producers.entry(5)!.batches.at(-1)!.lastSeq, 0);
    assert.deepEqual(produce(q, { pid: 2, seq: 0, txn: true }), { kind: 'duplicate', firstOffset: 3, lastOffset: 3 }, 'duplicates still detected after reopening');
  });
});

test('a marker with a newer epoch fences the old epoch in the partition', async () => {
  await withPartition((p) => {
    produce(p, { pid: 1, epoch: 0, seq: 0, txn: true }, () => ErrorCode.NONE);
    writeMarker(p, 1, 1, false); // the coordinator aborted with a bumped epoch
    assert.equal((produce(p, { pid: 1, epoch: 0, seq: 1, txn: true }) as any).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal((produce(p, { pid: 1, epoch: 2, seq: 0, txn: true }, () => ErrorCode.INVALID_TXN_STATE) as any).errorCode, ErrorCode.INVALID_TXN_STATE,
      'the coordinator decides whether a new transaction may start here');
  });
});

test('idle producers expire unless a transaction is open; afterwards unknown producers may resume mid-sequence', () => {
  const s = new ProducerStateManager();
  const a = batch({ pid: 1, seq: 0 });
  s.onAppend(a.infos, 1000);
  const t = batch({ pid: 2, seq: 0, txn: true });
  s.onAppend(t.infos, 1000);
  assert.equal(s.expire(2000), 1);
  assert.equal(s.size, 1);
  assert.equal(s.check(batch({ pid: 1, seq: 7 }).infos, 0).kind, 'ok');
});
