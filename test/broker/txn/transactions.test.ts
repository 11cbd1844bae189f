// The transaction coordinator over the wire: commit and abort with markers, the
// LSO and aborted-transaction lists READ_COMMITTED fetches get, fencing, the
// error answers, timeouts, Describe/ListTransactions, DescribeProducers, and
// recovery of transaction state after a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { TransactionLog } from '../../../src/broker/txn/transaction-log.js';
import { TransactionCoordinator } from '../../../src/broker/txn/transaction-coordinator.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import {
  addOffsets,
  addPartitions,
  codeName,
  endTxn,
  fetchPartition,
  idempotentBatch,
  initProducerId,
  produce,
  transitionTo,
  txnOffsetCommit,
} from './helpers.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ transactionAbortCheckIntervalMs: 25 });
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.destroy();
});

/** A transactional producer: init, then helpers bound to its id/epoch. */
async function txnProducer(id: string, timeoutMs = 60_000) {
  const init = await initProducerId(client, id, timeoutMs);
  assert.equal(codeName(init.errorCode), 'NONE');
  let seq = new Map<number, number>();
  const p = {
    pid: init.producerId,
    epoch: init.producerEpoch,
    add: (topic: string, partitions: number[]) => addPartitions(client, id, p.pid, p.epoch, topic, partitions),
    async send(topic: string, partition: number, values: string[]) {
      const s = seq.get(partition) ?? 0;
      seq.set(partition, s + values.length);
      const batch = idempotentBatch({ producerId: Number(p.pid), epoch: p.epoch, seq: s, values, transactional: true });
      return produce(client, topic, batch, id, partition);
    },
    end: (commit: boolean) => endTxn(client, id, p.pid, p.epoch, commit),
    resetSequences: () => (seq = new Map()),
  };
  return p;
}

test('commit and abort: markers, LSO, aborted list; READ_COMMITTED sees committed records only', async () => {
  await broker.broker.topics.create('tx-basic', 2);
  const p = await txnProducer('basic');
  assert.deepEqual(await p.add('tx-basic', [0, 1]), [0, 0]);
  assert.equal(broker.broker.txns.describe('basic')!.state, 'Ongoing');
  assert.equal(codeName((await p.send('tx-basic', 0, ['c1', 'c2'])).errorCode), 'NONE');
  assert.equal(codeName((await p.send('tx-basic', 1, ['c3'])).errorCode), 'NONE');

  // Open transaction: READ_COMMITTED stops at its first offset; READ_UNCOMMITTED sees it.
  let committed = await fetchPartition(client, broker.broker, 'tx-basic', 0, 0, 1);
  assert.deepEqual([committed.lastStableOffset, committed.highWatermark, committed.records.length], [0n, 2n, 0]);
  assert.equal((await fetchPartition(client, broker.broker, 'tx-basic', 0, 0, 0)).records.length, 2);

  assert.equal(codeName(await p.end(true)), 'NONE');
  assert.equal(broker.broker.txns.describe('basic')!.state, 'CompleteCommit');
  assert.equal(codeName(await p.end(true)), 'NONE', 'a retried commit succeeds');
  assert.equal(codeName(await p.end(false)), 'INVALID_TXN_STATE', 'aborting a committed transaction does not');
  committed = await fetchPartition(client, broker.broker, 'tx-basic', 0, 0, 1);
  assert.deepEqual([committed.lastStableOffset, committed.highWatermark], [3n, 3n], 'the commit marker moved the LSO');
  assert.deepEqual(committed.records.map((r) => [r.offset, r.control]), [[0, false], [1, false], [2, true]]);
  assert.deepEqual(committed.records.slice(0, 2).map((r) => r.value), ['c1', 'c2']);
  assert.deepEqual(committed.abortedTransactions, []);

  // Second transaction, aborted.
  assert.deepEqual(await p.add('tx-basic', [0]), [0]);
  await p.send('tx-basic', 0, ['a1']);
  assert.equal(codeName(await p.end(false)), 'NONE');
  const afterAbort = await fetchPartition(client, broker.broker, 'tx-basic', 0, 0, 1);
  assert.deepEqual([afterAbort.lastStableOffset, afterAbort.highWatermark], [5n, 5n]);
  assert.deepEqual(afterAbort.abortedTransactions, [{ producerId: p.pid, firstOffset: 3n }]);
  assert.equal((await fetchPartition(client, broker.broker, 'tx-basic', 0, 0, 0)).abortedTransactions, null, 'READ_UNCOMMITTED gets no list');
  assert.deepEqual((await fetchPartition(client, broker.broker, 'tx-basic', 0, 5, 1)).abortedTransactions, [], 'nothing past the abort marker');
  // The partition that was only in the first transaction got exactly one marker.
  assert.equal(broker.broker.topics.partition('tx-basic', 1)!.highWatermark, 2);
});

test('error answers: unknown ids, wrong producer or epoch, unknown partitions, writes outside the transaction', async () => {
  await broker.broker.topics.create('tx-errors', 1);
  const p = await txnProducer('errors');
  assert.deepEqual(await addPartitions(client, 'nobody', p.pid, p.epoch, 'tx-errors', [0]), [ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  assert.deepEqual(await addPartitions(client, 'errors', p.pid + 1n, p.epoch, 'tx-errors', [0]), [ErrorCode.INVALID_PRODUCER_ID_MAPPING]);
  assert.deepEqual(await addPartitions(client, 'errors', p.pid, p.epoch + 1, 'tx-errors', [0], 3), [ErrorCode.PRODUCER_FENCED]);
  assert.deepEqual(await addPartitions(client, 'errors', p.pid, p.epoch + 1, 'tx-errors', [0], 1), [ErrorCode.INVALID_PRODUCER_EPOCH], 'v0–1 predate PRODUCER_FENCED');
  assert.deepEqual(await addPartitions(client, 'errors', p.pid, p.epoch, 'tx-errors', [0, 7]), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.equal(codeName(await p.end(true)), 'INVALID_TXN_STATE', 'nothing to commit in Empty');
  assert.equal(codeName(await endTxn(client, 'nobody', 1n, 0, true)), 'INVALID_PRODUCER_ID_MAPPING');

  // A transactional write before AddPartitionsToTxn is refused (no hanging transaction).
  assert.equal(codeName((await p.send('tx-errors', 0, ['early'])).errorCode), 'INVALID_TXN_STATE');
  p.resetSequences();
  assert.equal(broker.broker.topics.partition('tx-errors', 0)!.highWatermark, 0);

  // AddOffsetsToTxn and TxnOffsetCommit checks.
  const offsets = await client.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: 'errors', producerId: p.pid, producerEpoch: p.epoch + 1, groupId: 'g' });
  assert.equal(codeName(offsets.errorCode), 'PRODUCER_FENCED');
  assert.equal(broker.broker.txns.checkTxnOffsetCommit('errors', Number(p.pid), p.epoch, 'g'), ErrorCode.INVALID_TXN_STATE, 'group not added');
  const ok = await client.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: 'errors', producerId: p.pid, producerEpoch: p.epoch, groupId: 'g' });
  assert.equal(codeName(ok.errorCode), 'NONE');
  assert.equal(broker.broker.txns.checkTxnOffsetCommit('errors', Number(p.pid), p.epoch, 'g'), ErrorCode.NONE);
  assert.equal(broker.broker.txns.checkTxnOffsetCommit('errors', Number(p.pid), p.epoch - 1, 'g'), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal(codeName(await p.end(false)), 'NONE');

  // AddPartitionsToTxn v4+: batched transactions and verifyOnly.
  assert.deepEqual(await p.add('tx-errors', [0]), [0]);
  const v4 = await client.request(ApiKey.AddPartitionsToTxn, 4, {
    transactions: [
      { transactionalId: 'errors', producerId: p.pid, producerEpoch: p.epoch, verifyOnly: true, topics: [{ name: 'tx-errors', partitions: [0] }, { name: 'tx-basic', partitions: [0] }] },
      { transactionalId: 'nobody', producerId: 5n, producerEpoch: 0, verifyOnly: false, topics: [{ name: 'tx-errors', partitions: [0] }] },
    ],
    v3AndBelowTransactionalId: '',
    v3AndBelowProducerId: 0n,
    v3AndBelowProducerEpoch: 0,
    v3AndBelowTopics: [],
  });
  const codes = v4.resultsByTransaction.map((t: any) => t.topicResults.map((r: any) => r.resultsByPartition.map((x: any) => x.partitionErrorCode)));
  assert.deepEqual(codes, [[[0], [ErrorCode.INVALID_TXN_STATE]], [[ErrorCode.INVALID_PRODUCER_ID_MAPPING]]]);
  assert.equal(codeName(await p.end(false)), 'NONE');
});

test('a new InitProducerId fences the old producer and aborts its open transaction', async () => {
  await broker.broker.topics.create('tx-fence', 1);
  const old = await txnProducer('fence');
  await old.add('tx-fence', [0]);
  await old.send('tx-fence', 0, ['zombie']);
  const fresh = await txnProducer('fence');
  assert.equal(fresh.pid, old.pid);
  assert.equal(fresh.epoch, old.epoch + 2, 'one bump to fence, one for the new producer (as Kafka)');
  const state = broker.broker.txns.describe('fence')!;
  assert.deepEqual([state.state, state.producerEpoch], ['Empty', fresh.epoch]);
  const read = await fetchPartition(client, broker.broker, 'tx-fence', 0, 0, 1);
  assert.deepEqual(read.abortedTransactions, [{ producerId: old.pid, firstOffset: 0n }]);
  assert.equal(read.lastStableOffset, 2n);
  // The zombie is fenced everywhere.
  assert.equal(codeName((await old.send('tx-fence', 0, ['late'])).errorCode), 'INVALID_PRODUCER_EPOCH');
  assert.equal(codeName(await old.end(true)), 'PRODUCER_FENCED');
  assert.equal(codeName(await endTxn(client, 'fence', old.pid, old.epoch, true, 1)), 'INVALID_PRODUCER_EPOCH');
  const reinit = await initProducerId(client, 'fence', 60_000, 4, { producerId: old.pid, epoch: old.epoch });
  assert.equal(codeName(reinit.errorCode), 'PRODUCER_FENCED', 'KIP-360: a stale epoch cannot bump');
  const reinitV2 = await initProducerId(client, 'fence', 60_000, 3, { producerId: old.pid, epoch: old.epoch });
  assert.equal(codeName(reinitV2.errorCode), 'INVALID_PRODUCER_EPOCH', 'before v4 the same is INVALID_PRODUCER_EPOCH');
});

test('a transaction left open past its timeout is aborted by the broker and its producer fenced', async () => {
  await broker.broker.topics.create('tx-timeout', 1);
  const p = await txnProducer('slow', 300);
  await p.add('tx-timeout', [0]);
  await p.send('tx-timeout', 0, ['never']);
  const list = async (stateFilters: string[], producerIdFilters: bigint[] = []) =>
    (await client.request(ApiKey.ListTransactions, 1, { stateFilters, producerIdFilters, durationFilter: -1n })) as any;
  const ongoing = await list(['Ongoing', 'Bogus'], [p.pid]);
  assert.deepEqual(ongoing.transactionStates.map((t: any) => t.transactionalId), ['slow']);
  assert.deepEqual(ongoing.unknownStateFilters, ['Bogus']);

  await transitionTo(broker.broker, 'slow', 'CompleteAbort');
  const part = broker.broker.topics.partition('tx-timeout', 0)!;
  assert.equal(part.lastStableOffset, part.highWatermark);
  assert.deepEqual(part.abortedTransactions(0, 10), [{ producerId: p.pid, firstOffset: 0n }]);
  const desc = await client.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['slow', 'ghost'] });
  assert.deepEqual(desc.transactionStates.map((t: any) => [t.transactionalId, codeName(t.errorCode), t.transactionState, t.producerEpoch]), [
    ['slow', 'NONE', 'CompleteAbort', p.epoch + 1],
    ['ghost', 'TRANSACTIONAL_ID_NOT_FOUND', '', -1],
  ]);
  assert.equal(codeName(await p.end(true)), 'PRODUCER_FENCED');
  assert.deepEqual((await list(['CompleteAbort'], [p.pid])).transactionStates.map((t: any) => t.transactionState), ['CompleteAbort']);
  assert.deepEqual((await list(['Ongoing'], [p.pid])).transactionStates, []);
});

test('TxnOffsetCommit: offsets stay pending until the transaction commits, and are dropped when it aborts', async () => {
  await broker.broker.topics.create('tx-offsets', 1);
  const p = await txnProducer('offsets', 300);
  const groups = broker.broker.groups;
  assert.equal(codeName(await txnOffsetCommit(client, 'offsets', p.pid, p.epoch, 'og', 'tx-offsets', 0, 5)), 'INVALID_TXN_STATE', 'AddOffsetsToTxn first');
  assert.equal(codeName(await addOffsets(client, 'offsets', p.pid, p.epoch, 'og')), 'NONE');
  assert.equal(codeName(await txnOffsetCommit(client, 'offsets', p.pid, p.epoch + 1, 'og', 'tx-offsets', 0, 5)), 'INVALID_PRODUCER_EPOCH');
  assert.equal(codeName(await txnOffsetCommit(client, 'nobody', p.pid, p.epoch, 'og', 'tx-offsets', 0, 5)), 'INVALID_PRODUCER_ID_MAPPING');
  assert.equal(codeName(await txnOffsetCommit(client, 'offsets', p.pid, p.epoch, 'og', 'tx-offsets', 0, 5)), 'NONE');
  assert.deepEqual(groups.committedOffsets('og', 'tx-offsets'), [-1], 'pending, not visible');
  assert.equal(codeName(await p.end(true)), 'NONE');
  assert.deepEqual(groups.committedOffsets('og', 'tx-offsets'), [5]);

  // Left open: the timeout abort drops them.
  assert.equal(codeName(await addOffsets(client, 'offsets', p.pid, p.epoch, 'og')), 'NONE');
  assert.equal(codeName(await txnOffsetCommit(client, 'offsets', p.pid, p.epoch, 'og', 'tx-offsets', 0, 9)), 'NONE');
  await transitionTo(broker.broker, 'offsets', 'CompleteAbort');
  assert.deepEqual(groups.committedOffsets('og', 'tx-offsets'), [5]);
  assert.equal(codeName(await p.end(true)), 'PRODUCER_FENCED');
});

test('DescribeTransactions lists partitions and groups; DescribeProducers shows open transactions', async () => {
  await broker.broker.topics.create('tx-describe', 3);
  const p = await txnProducer('describe');
  await p.add('tx-describe', [2, 0]);
  await client.request(ApiKey.AddOffsetsToTxn, 3, { transactionalId: 'describe', producerId: p.pid, producerEpoch: p.epoch, groupId: 'grp' });
  await p.send('tx-describe', 2, ['x', 'y']);
  const desc = (await client.request(ApiKey.DescribeTransactions, 0, { transactionalIds: ['describe'] })).transactionStates[0];
  assert.equal(desc.transactionState, 'Ongoing');
  assert.equal(desc.transactionTimeoutMs, 60_000);
  assert.ok(desc.transactionStartTimeMs > 0n);
  assert.deepEqual(desc.topics.find((t: any) => t.topic === 'tx-describe').partitions, [0, 2]);
  assert.ok(desc.topics.some((t: any) => t.topic === '__consumer_offsets'), 'the group shows as its offsets partition');

  const prod = await client.request(ApiKey.DescribeProducers, 0, { topics: [{ name: 'tx-describe', partitionIndexes: [2, 1] }, { name: 'nope', partitionIndexes: [0] }] });
  const p2 = prod.topics[0].partitions[0];
  assert.deepEqual(p2.activeProducers.map((a: any) => [a.producerId, a.producerEpoch, a.lastSequence, a.currentTxnStartOffset]), [[p.pid, p.epoch, 1, 0n]]);
  assert.deepEqual(prod.topics[0].partitions[1].activeProducers, []);
  assert.equal(codeName(prod.topics[1].partitions[0].errorCode), 'UNKNOWN_TOPIC_OR_PARTITION');

  // Metrics: plain data.
  const all = broker.broker.txns.describeAll().find((t) => t.transactionalId === 'describe')!;
  assert.deepEqual([all.state, all.groups, all.partitions.length], ['Ongoing', ['grp'], 2]);
  const parts = broker.broker.txns.describePartitions().find((x) => x.topic === 'tx-describe' && x.partition === 2)!;
  assert.deepEqual([parts.openTransactions, parts.lastStableOffset, parts.highWatermark], [1, 0, 2]);
  assert.equal(codeName(await p.end(true)), 'NONE');
});

test('transaction state survives a restart: ongoing ones continue, prepared ones complete, stray open ones are closed', async () => {
  const b = await startTestBroker();
  const dataDir = b.dataDir;
  let c = await RawClient.connect(b.port);
  await b.broker.topics.create('tx-restart', 3);
  const init = async (id: string) => initProducerId(c, id);
  const a = await init('keeps-going');
  const prepared = await init('prepared');
  const stray = await init('stray');
  const send = (id: string, pid: bigint, epoch: number, partition: number, seq: number, value: string) =>
    produce(c, 'tx-restart', idempotentBatch({ producerId: Number(pid), epoch, seq, values: [value], transactional: true }), id, partition);
  for (const [id, r, partition] of [['keeps-going', a, 0], ['prepared', prepared, 1], ['stray', stray, 2]] as const) {
    assert.deepEqual(await addPartitions(c, id, r.producerId, r.producerEpoch, 'tx-restart', [partition]), [0]);
    assert.equal((await send(id, r.producerId, r.producerEpoch, partition, 0, `${id}-1`)).errorCode, 0);
  }
  // "prepared" also commits group offsets, which must be completed on open too.
  assert.equal(await addOffsets(c, 'prepared', prepared.producerId, prepared.producerEpoch, 'rg'), 0);
  assert.equal(await txnOffsetCommit(c, 'prepared', prepared.producerId, prepared.producerEpoch, 'rg', 'tx-restart', 1, 7), 0);
  c.close();
  await b.close();

  // Simulate two crashes in the middle of EndTxn: "prepared" got its PrepareCommit
  // durable but no marker; "stray" completed its abort record but lost the marker.
  const log = TransactionLog.open(TransactionCoordinator.dirFor(dataDir), { sync: true });
  const records = new Map(log.records().map((r) => [r.transactionalId, r]));
  await log.append({ ...records.get('prepared')!, state: 'PrepareCommit' });
  await log.append({ ...records.get('stray')!, state: 'PrepareAbort' });
  await log.append({ ...records.get('stray')!, state: 'CompleteAbort', partitions: [] });
  await log.close();

  const b2 = await startTestBroker({ dataDir });
  c = await RawClient.connect(b2.port);
  try {
    const tm = b2.broker.topics;
    assert.equal(b2.broker.txns.describe('prepared')!.state, 'CompleteCommit');
    assert.equal(tm.partition('tx-restart', 1)!.lastStableOffset, 2, 'commit marker written on open');
    assert.deepEqual(tm.partition('tx-restart', 1)!.abortedTransactions(0, 10), []);
    assert.deepEqual(b2.broker.groups.committedOffsets('rg', 'tx-restart'), [-1, 7, -1], 'its group offsets committed');
    assert.equal(tm.partition('tx-restart', 2)!.lastStableOffset, 2, 'stray transaction closed');
    assert.deepEqual(tm.partition('tx-restart', 2)!.abortedTransactions(0, 10), [{ producerId: stray.producerId, firstOffset: 0n }]);
    // The ongoing one is still open and its producer carries on.
    assert.equal(b2.broker.txns.describe('keeps-going')!.state, 'Ongoing');
    assert.equal(tm.partition('tx-restart', 0)!.lastStableOffset, 0);
    assert.equal((await send('keeps-going', a.producerId, a.producerEpoch, 0, 1, 'keeps-going-2')).errorCode, 0);
    assert.equal(codeName(await endTxn(c, 'keeps-going', a.producerId, a.producerEpoch, true)), 'NONE');
    assert.equal(tm.partition('tx-restart', 0)!.lastStableOffset, 3);
    // Epochs are not reset by a restart.
    const again = await initProducerId(c, 'keeps-going');
    assert.deepEqual([again.producerId, again.producerEpoch], [a.producerId, a.producerEpoch + 1]);
  } finally {
    c.close();
    await b2.destroy();
  }
});
