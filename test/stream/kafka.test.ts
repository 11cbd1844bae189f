// The client wrapper against the embedded broker: declared topics are created
// with their partitions and configs, existing ones accepted as they are, and
// typed sends are validated before anything reaches the broker.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { createAdmin, createProducer, ensureTopics, send } from '../../src/stream/kafka.js';
import { topic, ValidationError } from '../../src/stream/topic.js';
import { decodeRecords } from '../../src/broker/records/index.js';
import type { KafkaConfig } from '../../src/stream/kafka-config.js';

let broker: TestBroker;
let config: KafkaConfig;

before(async () => {
  broker = await startTestBroker({ autoCreateTopics: false });
  config = { brokers: [broker.address], clientId: 'stream-test' };
});

after(async () => {
  await broker.destroy();
});

test('ensureTopics creates missing topics with partitions and configs, keeps existing ones', async () => {
  await broker.broker.topics.create('existing', 2);
  const admin = createAdmin(config);
  try {
    const declared = [
      topic('existing', { partitions: 5 }),
      topic('output_topic', { partitions: 4, config: { 'cleanup.policy': 'compact' } }),
    ];
    assert.deepEqual(await ensureTopics(admin, declared), ['output_topic']);
    assert.deepEqual(await ensureTopics(admin, declared), []);
    assert.equal(broker.broker.topics.get('existing')!.partitions.length, 2);
    const out = broker.broker.topics.get('output_topic')!;
    assert.equal(out.partitions.length, 4);
    assert.equal(out.configs['cleanup.policy'], 'compact');
  } finally {
    await admin.close();
  }
});

test('send validates, serializes and is acknowledged before it resolves', async () => {
  const events = topic('events', { schema: z.object({ userId: z.string(), n: z.number() }), partitions: 1 });
  const admin = createAdmin(config);
  await ensureTopics(admin, [events]);
  await admin.close();
  const producer = createProducer(config);
  try {
    await send(producer, events, [{ key: 'u1', value: { userId: 'u1', n: 1 }, headers: { source: 'test' } }]);
    await assert.rejects(send(producer, events, [{ value: { userId: 'u2', n: 'two' } as any }]), ValidationError);
  } finally {
    await producer.close();
  }
  const log = broker.broker.topics.partition('events', 0)!.log;
  assert.equal(log.logEndOffset, 1);
  const [record] = decodeRecords(log.read(0, 1 << 20).records);
  assert.equal(record!.key!.toString(), 'u1');
  assert.deepEqual(JSON.parse(record!.value!.toString()), { userId: 'u1', n: 1 });
  assert.equal(record!.headers[0]!.key, 'source');
});
