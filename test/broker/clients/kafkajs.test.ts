// kafkajs 2.2.4 against the embedded broker over TCP: admin, producer (plain and
// gzip batches), and reading everything back through kafkajs's Fetch path.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, type Admin, type Kafka } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsAdmin, readAll } from '../../helpers/kafkajs.js';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startTestBroker();
  ({ kafka, admin } = await kafkajsAdmin(broker.address));
});

after(async () => {
  await admin.disconnect();
  await broker.destroy();
});

test('admin creates a 6-partition topic and lists it', async () => {
  assert.equal(await admin.createTopics({ topics: [{ topic: 'players', numPartitions: 6 }], waitForLeaders: true }), true);
  assert.ok((await admin.listTopics()).includes('players'));
  const meta = await admin.fetchTopicMetadata({ topics: ['players'] });
  assert.equal(meta.topics[0]!.partitions.length, 6);
  for (const p of meta.topics[0]!.partitions) {
    assert.equal(p.leader, broker.broker.nodeId);
    assert.deepEqual(p.replicas, [broker.broker.nodeId]);
  }
  // Creating it again: the broker answers TOPIC_ALREADY_EXISTS, which kafkajs reports as `false`.
  assert.equal(await admin.createTopics({ topics: [{ topic: 'players', numPartitions: 6 }] }), false);
  assert.equal((await admin.fetchTopicMetadata({ topics: ['players'] })).topics[0]!.partitions.length, 6);
});

test('100,000 keyed messages, plain and gzip, read back once each in order per partition', async () => {
  const topic = 'bulk';
  await admin.createTopics({ topics: [{ topic, numPartitions: 6 }] });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const total = 100_000;
  const perSend = 1000;
  for (let start = 0; start < total; start += perSend) {
    const messages = [];
    for (let i = start; i < start + perSend; i++) {
      messages.push({ key: `key-${i % 997}`, value: `message-${i}`, headers: { seq: String(i) } });
    }
    // Half the sends are gzip-compressed batches, half plain ones.
    const compression = (start / perSend) % 2 === 0 ? CompressionTypes.None : CompressionTypes.GZIP;
    const result = await producer.send({ topic, messages, compression, acks: -1 });
    assert.ok(result.every((r) => r.errorCode === 0));
  }
  await producer.disconnect();

  const ends = await admin.fetchTopicOffsets(topic);
  assert.equal(ends.reduce((n, p) => n + Number(p.high), 0), total);

  const messages = await readAll(kafka, admin, topic);
  assert.equal(messages.length, total);
  const seen = new Set<number>();
  const lastSeqByPartition = new Map<number, number>();
  const partitionOfKey = new Map<string, number>();
  for (const m of messages) {
    const seq = Number(m.value!.slice('message-'.length));
    assert.equal(m.headers.seq, String(seq));
    assert.equal(m.key, `key-${seq % 997}`);
    assert.ok(!seen.has(seq), `message ${seq} read twice`);
    seen.add(seq);
    // Order per partition: sequence numbers only grow.
    const last = lastSeqByPartition.get(m.partition) ?? -1;
    assert.ok(seq > last, `partition ${m.partition}: ${seq} after ${last}`);
    lastSeqByPartition.set(m.partition, seq);
    // A key always lands on the same partition.
    const known = partitionOfKey.get(m.key!);
    if (known !== undefined) assert.equal(m.partition, known);
    partitionOfKey.set(m.key!, m.partition);
  }
  assert.equal(seen.size, total);
  assert.equal(lastSeqByPartition.size, 6, 'all 6 partitions got messages');
});

test('topic configs: create with configs, describe, alter, delete topic', async () => {
  await admin.createTopics({
    topics: [{ topic: 'compacted', numPartitions: 2, configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'retention.ms', value: '60000' }] }],
  });
  const described = await admin.describeConfigs({ resources: [{ type: 2, name: 'compacted' }], includeSynonyms: false });
  const entries = Object.fromEntries(described.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  assert.equal(entries['cleanup.policy'], 'compact');
  assert.equal(entries['retention.ms'], '60000');
  assert.equal(entries['segment.bytes'], '1073741824');

  // AlterConfigs replaces the overrides: cleanup.policy goes back to its default.
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'compacted', configEntries: [{ name: 'retention.ms', value: '120000' }] }] });
  const altered = await admin.describeConfigs({ resources: [{ type: 2, name: 'compacted', configNames: ['retention.ms', 'cleanup.policy'] }], includeSynonyms: false });
  const after = Object.fromEntries(altered.resources[0]!.configEntries.map((e) => [e.configName, e.configValue]));
  assert.deepEqual(after, { 'retention.ms': '120000', 'cleanup.policy': 'delete' });
  await assert.rejects(
    admin.alterConfigs({ validateOnly: false, resources: [{ type: 2, name: 'compacted', configEntries: [{ name: 'retention.ms', value: 'soon' }] }] }),
    (err: any) => err.type === 'INVALID_CONFIG',
  );
  await admin.createPartitions({ topicPartitions: [{ topic: 'compacted', count: 4 }] });
  const meta = await admin.fetchTopicMetadata({ topics: ['compacted'] });
  assert.equal(meta.topics[0]!.partitions.length, 4);

  await assert.rejects(admin.createTopics({ topics: [{ topic: 'bad', configEntries: [{ name: 'no.such.config', value: '1' }] }] }));
  await admin.deleteTopics({ topics: ['compacted'] });
  assert.ok(!(await admin.listTopics()).includes('compacted'));
});

test('deleteTopicRecords moves the log start offset', async () => {
  const topic = 'trim';
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
  await producer.disconnect();
  // kafkajs looks the leader up in its cached metadata, so the topic must be known to it first.
  await admin.fetchTopicOffsets(topic);
  await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '4' }] });
  const offsets = await admin.fetchTopicOffsets(topic);
  assert.equal(offsets[0]!.low, '4');
  assert.equal(offsets[0]!.high, '10');
  const fromTs = await admin.fetchTopicOffsetsByTimestamp(topic, 0);
  assert.equal(fromTs[0]!.offset, '4');
});
