// @platformatic/kafka 1.x (flexible protocol versions only: Produce v9+, Fetch
// v17 with topic ids) against the embedded broker: admin, producer (plain and
// gzip), and reading back with the consumer's fetch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Admin, Consumer, Producer, ProduceAcks, stringSerializers, stringDeserializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';

let broker: TestBroker;
let admin: Admin;

before(async () => {
  broker = await startTestBroker();
  admin = new Admin({ clientId: 'pk-admin', bootstrapBrokers: [broker.address] });
});

after(async () => {
  await admin.close();
  await broker.destroy();
});

test('admin creates a 6-partition topic and lists it', async () => {
  await admin.createTopics({ topics: ['pk-topic'], partitions: 6, replicas: 1 });
  assert.ok((await admin.listTopics()).includes('pk-topic'));
  const meta = await admin.metadata({ topics: ['pk-topic'] });
  assert.equal(meta.topics.get('pk-topic')!.partitionsCount, 6);
});

test('100,000 keyed messages, plain and gzip, read back once each in order per partition', async () => {
  const topic = 'pk-bulk';
  await admin.createTopics({ topics: [topic], partitions: 6, replicas: 1 });
  const producer = new Producer({ clientId: 'pk-producer', bootstrapBrokers: [broker.address], serializers: stringSerializers });
  const total = 100_000;
  const perSend = 1000;
  try {
    for (let start = 0; start < total; start += perSend) {
      const messages = [];
      for (let i = start; i < start + perSend; i++) {
        messages.push({ topic, key: `key-${i % 997}`, value: `message-${i}`, headers: { seq: String(i) } });
      }
      const compression = (start / perSend) % 2 === 0 ? 'none' : 'gzip';
      await producer.send({ messages, acks: ProduceAcks.ALL, compression });
    }
  } finally {
    await producer.close();
  }

  const meta = await admin.metadata({ topics: [topic] });
  const topicId = meta.topics.get(topic)!.id;
  const consumer = new Consumer({ groupId: 'pk-reader', clientId: 'pk-reader', bootstrapBrokers: [broker.address], deserializers: stringDeserializers });
  const ends = await consumer.listOffsets({ topics: [topic] });
  const endOffsets = ends.get(topic)!;
  assert.equal(endOffsets.reduce((n, o) => n + Number(o), 0), total);

  const seen = new Set<number>();
  try {
    for (let partition = 0; partition < 6; partition++) {
      let offset = 0n;
      let last = -1;
      while (offset < endOffsets[partition]!) {
        const res = await consumer.fetch({
          node: broker.broker.nodeId,
          maxWaitTime: 100,
          topics: [{ topicId, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1024 * 1024, currentLeaderEpoch: -1, lastFetchedEpoch: -1 }] }],
        });
        const p = res.responses[0]!.partitions[0]!;
        assert.equal(p.errorCode, 0);
        const batches = p.records ?? [];
        assert.ok(batches.length > 0, `no progress on partition ${partition} at ${offset}`);
        for (const batch of batches) {
          for (const record of batch.records) {
            const recordOffset = batch.firstOffset + BigInt(record.offsetDelta);
            if (recordOffset < offset) continue;
            const value = record.value!.toString();
            const seq = Number(value.slice('message-'.length));
            assert.equal(record.key!.toString(), `key-${seq % 997}`);
            assert.equal(record.headers[0]![0]!.toString(), 'seq');
            assert.equal(record.headers[0]![1]!.toString(), String(seq));
            assert.ok(!seen.has(seq), `message ${seq} read twice`);
            assert.ok(seq > last, `partition ${partition}: ${seq} after ${last}`);
            seen.add(seq);
            last = seq;
            offset = recordOffset + 1n;
          }
        }
      }
    }
  } finally {
    await consumer.close();
  }
  assert.equal(seen.size, total);
});
