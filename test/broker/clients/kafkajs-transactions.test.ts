// kafkajs 2.2.4 transactions against the embedded broker: a transactional
// producer commits and aborts; READ_COMMITTED readers (kafkajs's consumer and
// its fetch path) see only committed records, READ_UNCOMMITTED ones see all;
// consume-transform-produce commits input offsets atomically with its output;
// a transaction left open past its timeout is aborted and its producer fenced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsAdmin, readAll } from '../../helpers/kafkajs.js';
import { transitionTo } from '../txn/helpers.js';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
const producers: Producer[] = [];
const consumers: Consumer[] = [];

before(async () => {
  broker = await startTestBroker({ transactionAbortCheckIntervalMs: 50, groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
  ({ kafka, admin } = await kafkajsAdmin(broker.address));
});

after(async () => {
  for (const c of consumers) await c.disconnect().catch(() => undefined);
  for (const p of producers) await p.disconnect().catch(() => undefined);
  await admin.disconnect();
  await broker.destroy();
});

async function transactionalProducer(transactionalId: string, transactionTimeout = 60_000): Promise<Producer> {
  const producer = kafka.producer({ transactionalId, transactionTimeout, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  producers.push(producer);
  return producer;
}

/** Runs a consumer until `done(values)` holds; resolves with everything it saw. */
async function consumeUntil(groupId: string, topic: string, readUncommitted: boolean, done: (values: string[]) => boolean): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, readUncommitted, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const values: string[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${groupId} saw only ${JSON.stringify(values)}`)), 15_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        values.push(message.value!.toString());
        if (done(values)) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();
  return values;
}

test('committed and aborted transactions: READ_COMMITTED sees only the committed records, READ_UNCOMMITTED sees both', async () => {
  const topic = 'kj-txn';
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const producer = await transactionalProducer('kj-commit-abort');
  const t1 = await producer.transaction();
  await t1.send({ topic, messages: [{ value: 'c1' }, { value: 'c2' }] });
  await t1.send({ topic, messages: [{ value: 'c3' }] });
  await t1.commit();
  const t2 = await producer.transaction();
  await t2.send({ topic, messages: [{ value: 'a1' }, { value: 'a2' }] });
  await t2.abort();
  const t3 = await producer.transaction();
  await t3.send({ topic, messages: [{ value: 'c4' }] });
  await t3.commit();

  assert.equal(broker.broker.txns.describe('kj-commit-abort')!.state, 'CompleteCommit');
  const committed = (await readAll(kafka, admin, topic, { isolationLevel: 1 })).map((m) => m.value);
  assert.deepEqual(committed, ['c1', 'c2', 'c3', 'c4']);
  const uncommitted = (await readAll(kafka, admin, topic, { isolationLevel: 0 })).map((m) => m.value);
  assert.deepEqual(uncommitted, ['c1', 'c2', 'c3', 'a1', 'a2', 'c4']);

  // The same through kafkajs consumer groups. c4 comes after the aborted records,
  // so reaching it proves they were skipped.
  assert.deepEqual(await consumeUntil('kj-rc', topic, false, (v) => v.includes('c4')), ['c1', 'c2', 'c3', 'c4']);
  assert.deepEqual(await consumeUntil('kj-ru', topic, true, (v) => v.includes('c4')), ['c1', 'c2', 'c3', 'a1', 'a2', 'c4']);
});

test('consume-transform-produce: sendOffsets commits the input offsets atomically with the output', async () => {
  const input = 'kj-ctp-in';
  const output = 'kj-ctp-out';
  const group = 'kj-ctp';
  await admin.createTopics({ topics: [{ topic: input, numPartitions: 2 }, { topic: output, numPartitions: 2 }] });
  const plain = kafka.producer({ allowAutoTopicCreation: false });
  await plain.connect();
  producers.push(plain);
  const total = 20;
  await plain.send({ topic: input, acks: -1, messages: Array.from({ length: total }, (_, i) => ({ key: `k${i}`, value: `m${i}` })) });

  const producer = await transactionalProducer('kj-ctp-tx');
  const consumer = kafka.consumer({ groupId: group, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  consumers.push(consumer);
  await consumer.connect();
  await consumer.subscribe({ topic: input, fromBeginning: true });
  let processed = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`processed only ${processed}`)), 20_000);
    void consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        const txn = await producer.transaction();
        try {
          await txn.send({ topic: output, messages: [{ key: message.key, value: message.value!.toString().toUpperCase() }] });
          await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic, partitions: [{ partition, offset: String(Number(message.offset) + 1) }] }] });
          await txn.commit();
        } catch (err) {
          await txn.abort().catch(() => undefined);
          reject(err);
          return;
        }
        if (++processed === total) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  await consumer.disconnect();

  const ends = await admin.fetchTopicOffsets(input);
  const committedOffsets = await admin.fetchOffsets({ groupId: group, topics: [input] });
  const byPartition = new Map(committedOffsets[0]!.partitions.map((p) => [p.partition, p.offset]));
  for (const e of ends) assert.equal(byPartition.get(e.partition), e.high, `partition ${e.partition}`);
  const out = (await readAll(kafka, admin, output, { isolationLevel: 1 })).map((m) => m.value).sort();
  assert.deepEqual(out, Array.from({ length: total }, (_, i) => `M${i}`).sort());

  // An aborted transaction moves neither the offsets nor the visible output.
  const txn = await producer.transaction();
  await txn.send({ topic: output, messages: [{ key: 'k0', value: 'BOGUS' }] });
  await txn.sendOffsets({ consumerGroupId: group, topics: [{ topic: input, partitions: [{ partition: 0, offset: '999' }] }] });
  await txn.abort();
  const after = await admin.fetchOffsets({ groupId: group, topics: [input] });
  assert.deepEqual(after, committedOffsets);
  assert.ok(!(await readAll(kafka, admin, output, { isolationLevel: 1 })).some((m) => m.value === 'BOGUS'));
  assert.ok((await readAll(kafka, admin, output, { isolationLevel: 0 })).some((m) => m.value === 'BOGUS'));
});

test('a transaction left open past its timeout is aborted by the broker; the producer is fenced', async () => {
  const topic = 'kj-timeout';
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const producer = await transactionalProducer('kj-slow', 1000);
  const txn = await producer.transaction();
  await txn.send({ topic, messages: [{ value: 'left-open' }] });
  const partition = broker.broker.topics.partition(topic, 0)!;
  assert.equal(partition.lastStableOffset, 0);
  await transitionTo(broker.broker, 'kj-slow', 'CompleteAbort');
  assert.equal(partition.lastStableOffset, partition.highWatermark);
  await assert.rejects(txn.commit(), (err: any) => err.type === 'INVALID_PRODUCER_EPOCH' || /epoch|fenced/i.test(String(err.message)));
  assert.deepEqual((await readAll(kafka, admin, topic, { isolationLevel: 1 })).length, 0);
  assert.deepEqual((await readAll(kafka, admin, topic, { isolationLevel: 0 })).map((m) => m.value), ['left-open']);
});
