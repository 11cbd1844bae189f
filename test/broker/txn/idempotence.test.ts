// Idempotent producers over the wire: retried batches stored once and answered
// with their original offset, sequence gaps and fenced epochs rejected, all of
// it surviving a broker restart; and the kafkajs and @platformatic/kafka
// idempotent producers working end to end (@platformatic/kafka's transactions
// too: it speaks the newest versions, AddPartitionsToTxn v5 included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Producer, ProduceAcks, stringSerializers } from '@platformatic/kafka';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { kafkajsClient, readAll } from '../../helpers/kafkajs.js';
import { codeName, fetchPartition, idempotentBatch, initProducerId, produce, produceBody } from './helpers.js';

test('a retried batch is stored once and acknowledged with its original offset; gaps and old epochs are refused; all of it survives a restart', async () => {
  let broker = await startTestBroker();
  const dataDir = broker.dataDir;
  let client = await RawClient.connect(broker.port);
  try {
    const init = await initProducerId(client, null);
    assert.equal(init.errorCode, ErrorCode.NONE);
    assert.equal(init.producerEpoch, 0);
    const pid = Number(init.producerId);
    const b0 = idempotentBatch({ producerId: pid, epoch: 0, seq: 0, values: ['a', 'b', 'c'] });

    const first = await produce(client, 'idem', b0);
    assert.equal(codeName(first.errorCode), 'NONE');
    assert.equal(first.baseOffset, 0n);
    const again = await produce(client, 'idem', b0);
    assert.equal(codeName(again.errorCode), 'NONE', 'a duplicate is acknowledged');
    assert.equal(again.baseOffset, 0n, 'with the original offset');
    assert.equal(broker.broker.topics.partition('idem', 0)!.highWatermark, 3, 'and stored once');

    // Pipelined retries (the same batch twice in flight) behave the same.
    const b1 = idempotentBatch({ producerId: pid, epoch: 0, seq: 3, values: ['d'] });
    const ids = [client.send(ApiKey.Produce, 9, produceBody('idem', b1)), client.send(ApiKey.Produce, 9, produceBody('idem', b1))];
    for (const id of ids) {
      const res = await client.receive(ApiKey.Produce, 9);
      assert.equal(res.correlationId, id);
      assert.deepEqual([res.body.responses[0].partitionResponses[0].errorCode, res.body.responses[0].partitionResponses[0].baseOffset], [0, 3n]);
    }

    const gap = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 0, seq: 6, values: ['x'] }));
    assert.equal(codeName(gap.errorCode), 'OUT_OF_ORDER_SEQUENCE_NUMBER');
    const unknown = await produce(client, 'idem', idempotentBatch({ producerId: pid + 1000, epoch: 0, seq: 4, values: ['x'] }));
    assert.equal(codeName(unknown.errorCode), 'UNKNOWN_PRODUCER_ID');

    // A new epoch (the producer bumped it) starts at 0; the old one is fenced from then on.
    const e1 = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 1, seq: 0, values: ['e'] }));
    assert.deepEqual([codeName(e1.errorCode), e1.baseOffset], ['NONE', 4n]);
    const stale = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 0, seq: 4, values: ['x'] }));
    assert.equal(codeName(stale.errorCode), 'INVALID_PRODUCER_EPOCH');
    assert.equal(broker.broker.topics.partition('idem', 0)!.highWatermark, 5);

    // Restart on the same data dir: producer state comes back from the log.
    client.close();
    await broker.close();
    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    const retried = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 1, seq: 0, values: ['e'] }));
    assert.deepEqual([codeName(retried.errorCode), retried.baseOffset], ['NONE', 4n], 'duplicate detected after restart');
    const stillStale = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 0, seq: 4, values: ['x'] }));
    assert.equal(codeName(stillStale.errorCode), 'INVALID_PRODUCER_EPOCH');
    const next = await produce(client, 'idem', idempotentBatch({ producerId: pid, epoch: 1, seq: 1, values: ['f'] }));
    assert.deepEqual([codeName(next.errorCode), next.baseOffset], ['NONE', 5n]);
    // Producer ids are never reissued across restarts.
    const later = await initProducerId(client, null);
    assert.ok(Number(later.producerId) > pid, `new id ${later.producerId} after ${pid}`);
  } finally {
    client.close();
    await broker.destroy();
  }
});

test('InitProducerId at every version, with and without KIP-360 fields', async () => {
  const broker = await startTestBroker();
  const client = await RawClient.connect(broker.port);
  try {
    const seen = new Set<bigint>();
    for (let v = 0; v <= 5; v++) {
      const r = await initProducerId(client, null, 60_000, v, v >= 3 ? { producerId: 0n, epoch: 0 } : undefined);
      assert.equal(r.errorCode, 0, `v${v}`);
      assert.ok(!seen.has(r.producerId), 'a fresh id each time');
      seen.add(r.producerId);
    }
    const bad = await initProducerId(client, 'tx', 900_001);
    assert.equal(codeName(bad.errorCode), 'INVALID_TRANSACTION_TIMEOUT');
  } finally {
    client.close();
    await broker.destroy();
  }
});

test('kafkajs idempotent producer', async () => {
  const broker = await startTestBroker();
  const kafka = kafkajsClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  try {
    await admin.createTopics({ topics: [{ topic: 'kjs-idem', numPartitions: 3 }] });
    await producer.connect();
    for (let i = 0; i < 20; i++) {
      const res = await producer.send({ topic: 'kjs-idem', acks: -1, messages: [{ key: `k${i}`, value: `v${i}` }, { key: `k${i + 100}`, value: `w${i}` }] });
      assert.ok(res.every((r) => r.errorCode === 0));
    }
    const messages = await readAll(kafka, admin, 'kjs-idem');
    assert.equal(messages.length, 40);
    // Every partition saw one producer id with gap-free sequences.
    const producers = broker.broker.topics.get('kjs-idem')!.partitions.flatMap((p) => [...p.producers.entries()].map((e) => e.producerId));
    assert.equal(new Set(producers).size, 1);
  } finally {
    await producer.disconnect();
    await admin.disconnect();
    await broker.destroy();
  }
});

test('@platformatic/kafka idempotent producer', async () => {
  const broker = await startTestBroker();
  const admin = new Admin({ clientId: 'pk-admin', bootstrapBrokers: [broker.address] });
  await admin.createTopics({ topics: ['pk-idem'], partitions: 1, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'pk-idem', bootstrapBrokers: [broker.address], serializers: stringSerializers, idempotent: true, retries: 3 });
  try {
    for (let i = 0; i < 10; i++) {
      await producer.send({ messages: [{ topic: 'pk-idem', key: `k${i}`, value: `v${i}` }], acks: ProduceAcks.ALL });
    }
    const p = broker.broker.topics.partition('pk-idem', 0)!;
    assert.equal(p.highWatermark, 10);
    const entries = [...p.producers.entries()];
    assert.equal(entries.length, 1);
    assert.equal(entries[0].batches.at(-1)!.lastSeq, 9);
  } finally {
    await producer.close();
    await broker.destroy();
  }
});

test('@platformatic/kafka transactions: commit and abort', async () => {
  const broker = await startTestBroker();
  const admin = new Admin({ clientId: 'pk-admin', bootstrapBrokers: [broker.address] });
  await admin.createTopics({ topics: ['pk-txn'], partitions: 1, replicas: 1 });
  await admin.close();
  const producer = new Producer({ clientId: 'pk-txn', bootstrapBrokers: [broker.address], serializers: stringSerializers, idempotent: true, transactionalId: 'pk-tx', retries: 3 });
  const client = await RawClient.connect(broker.port);
  try {
    const t1 = await producer.beginTransaction();
    await t1.send({ messages: [{ topic: 'pk-txn', value: 'kept' }] });
    await t1.commit();
    const t2 = await producer.beginTransaction();
    await t2.send({ messages: [{ topic: 'pk-txn', value: 'dropped' }] });
    await t2.abort();
    const txn = broker.broker.txns.describe('pk-tx')!;
    assert.equal(txn.state, 'CompleteAbort');
    const read = await fetchPartition(client, broker.broker, 'pk-txn', 0, 0, 1);
    assert.deepEqual([read.lastStableOffset, read.highWatermark], [4n, 4n]);
    assert.deepEqual(read.abortedTransactions, [{ producerId: BigInt(txn.producerId), firstOffset: 2n }]);
    assert.deepEqual(read.records.filter((r) => !r.control).map((r) => r.value), ['kept', 'dropped'], 'the client filters with the list');
  } finally {
    client.close();
    await producer.close();
    await broker.destroy();
  }
});
