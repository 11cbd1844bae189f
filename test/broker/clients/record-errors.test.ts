// The per-record checks a Produce goes through, as in Kafka: a batch holding
// a failing record is refused whole, the partition answers with the error and,
// from Produce v8 on, names each failing record's index in record_errors.
// - A compacted topic refuses records without a key: INVALID_RECORD (87).
//   Keyed records, and keyless ones on a delete-policy topic, are accepted.
// - message.timestamp.difference.max.ms (CreateTime topics) refuses records
//   that far from the broker's clock: INVALID_TIMESTAMP (32). LogAppendTime
//   topics, and the default (Long.MAX_VALUE), take any timestamp; the 3.6+
//   message.timestamp.before.max.ms / after.max.ms bound one side each.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsAdmin } from '../../helpers/kafkajs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { buildBatch, type RecordInput } from '../../../src/broker/records/index.js';

const HOUR = 3_600_000;
const YEAR = 365 * 24 * HOUR;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

before(async () => {
  broker = await startTestBroker();
  ({ kafka, admin } = await kafkajsAdmin(broker.address));
  const diff = { name: 'message.timestamp.difference.max.ms', value: String(HOUR) };
  await admin.createTopics({
    topics: [
      { topic: 'compacted', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: 'compact-delete', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] },
      { topic: 'plain', numPartitions: 1 },
      { topic: 'recent', numPartitions: 1, configEntries: [diff] },
      { topic: 'appended', numPartitions: 1, configEntries: [diff, { name: 'message.timestamp.type', value: 'LogAppendTime' }] },
    ],
  });
  producer = kafka.producer();
  await producer.connect();
});

after(async () => {
  await producer.disconnect();
  await admin.disconnect();
  await broker.destroy();
});

const endOffset = (topic: string) => broker.broker.topics.partition(topic, 0)!.highWatermark;

async function rawProduce(topic: string, version: number, records: RecordInput[]) {
  const client = await RawClient.connect(broker.port);
  try {
    client.send(ApiKey.Produce, version, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ records }) }] }],
    });
    return (await client.receive(ApiKey.Produce, version)).body.responses[0].partitionResponses[0];
  } finally {
    client.close();
  }
}

test('kafkajs: a keyless record to a compacted topic fails with INVALID_RECORD and is not stored', async () => {
  for (const compression of [CompressionTypes.None, CompressionTypes.GZIP]) {
    await assert.rejects(
      producer.send({ topic: 'compacted', compression, messages: [{ key: 'a', value: '1' }, { value: 'no key' }] }),
      (err: any) => err.type === 'INVALID_RECORD' && err.retriable === false,
    );
  }
  assert.equal(endOffset('compacted'), 0, 'the batch with the keyless record was refused whole');
  await producer.send({ topic: 'compacted', messages: [{ key: 'a', value: '1' }] });
  assert.equal(endOffset('compacted'), 1);
  await producer.send({ topic: 'plain', messages: [{ value: 'no key is fine here' }] });
  assert.equal(endOffset('plain'), 1);
});

test('Produce v8+: record_errors names every keyless record by index, error_message sums them up', async () => {
  for (const version of [8, 9, 11]) {
    const before = endOffset('compact-delete');
    const p = await rawProduce('compact-delete', version, [{ key: 'k0', value: 'a' }, { key: null, value: 'b' }, { key: 'k2', value: 'c' }, { key: null, value: 'd' }]);
    assert.equal(p.errorCode, ErrorCode.INVALID_RECORD, `v${version}`);
    assert.equal(p.errorCode, 87);
    assert.deepEqual(p.recordErrors.map((e: any) => e.batchIndex), [1, 3]);
    for (const e of p.recordErrors) assert.match(e.batchIndexErrorMessage, /Compacted topic cannot accept message without key in topic partition compact-delete-0/);
    assert.match(p.errorMessage, /rejected due to 2 record errors/);
    assert.equal(p.baseOffset, -1n);
    assert.equal(endOffset('compact-delete'), before, 'nothing stored');
  }
  const ok = await rawProduce('compact-delete', 9, [{ key: 'k0', value: 'a' }]);
  assert.equal(ok.errorCode, ErrorCode.NONE);
  assert.deepEqual(ok.recordErrors, []);
});

test('kafkajs: a record a year old is refused with INVALID_TIMESTAMP on a topic allowing an hour', async () => {
  await assert.rejects(
    producer.send({ topic: 'recent', messages: [{ key: 'k', value: 'old', timestamp: String(Date.now() - YEAR) }] }),
    (err: any) => err.type === 'INVALID_TIMESTAMP',
  );
  assert.equal(endOffset('recent'), 0);
  await producer.send({ topic: 'recent', messages: [{ key: 'k', value: 'now', timestamp: String(Date.now()) }] });
  assert.equal(endOffset('recent'), 1);
  await producer.send({ topic: 'plain', messages: [{ key: 'k', value: 'old', timestamp: String(Date.now() - YEAR) }] });
  assert.equal(endOffset('plain'), 2, 'the default takes any timestamp');
  await producer.send({ topic: 'appended', messages: [{ key: 'k', value: 'old', timestamp: String(Date.now() - YEAR) }] });
  assert.equal(endOffset('appended'), 1, 'LogAppendTime replaces the timestamp: nothing to check');
});

test('Produce v9: record_errors names the records out of range, past and future', async () => {
  const now = Date.now();
  const p = await rawProduce('recent', 9, [
    { key: 'a', value: '1', timestamp: now },
    { key: 'b', value: '2', timestamp: now - 2 * HOUR },
    { key: 'c', value: '3', timestamp: now + 2 * HOUR },
  ]);
  assert.equal(p.errorCode, ErrorCode.INVALID_TIMESTAMP);
  assert.equal(p.errorCode, 32);
  assert.deepEqual(p.recordErrors.map((e: any) => e.batchIndex), [1, 2]);
  assert.match(p.recordErrors[0].batchIndexErrorMessage, new RegExp(`^Timestamp ${now - 2 * HOUR} of message with offset 1 is out of range`));
  assert.match(p.errorMessage, /invalid timestamp/);
  assert.equal(endOffset('recent'), 1, 'nothing of the batch stored');
});

test('the limit follows AlterConfigs: raised to a year and a day, the old record goes in', async () => {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [{ type: 2, name: 'recent', configEntries: [{ name: 'message.timestamp.difference.max.ms', value: String(YEAR + 24 * HOUR) }] }],
  });
  const p = await rawProduce('recent', 9, [{ key: 'k', value: 'old', timestamp: Date.now() - YEAR }]);
  assert.equal(p.errorCode, ErrorCode.NONE, p.errorMessage);
  assert.equal(endOffset('recent'), 2);
});

test('message.timestamp.before.max.ms / after.max.ms (Kafka 3.6+) bound each side, over the difference setting', async () => {
  await admin.createTopics({
    topics: [{ topic: 'sided', numPartitions: 1, configEntries: [
      { name: 'message.timestamp.difference.max.ms', value: String(YEAR * 2) },
      { name: 'message.timestamp.before.max.ms', value: String(HOUR) },
    ] }],
  });
  const now = Date.now();
  const p = await rawProduce('sided', 9, [
    { key: 'a', value: 'past', timestamp: now - 2 * HOUR },
    { key: 'b', value: 'future', timestamp: now + YEAR },
  ]);
  assert.equal(p.errorCode, ErrorCode.INVALID_TIMESTAMP);
  assert.deepEqual(p.recordErrors.map((e: any) => e.batchIndex), [0], 'the future side keeps the difference bound (two years)');
  const future = await rawProduce('sided', 9, [{ key: 'b', value: 'future', timestamp: now + YEAR }]);
  assert.equal(future.errorCode, ErrorCode.NONE, future.errorMessage);
});
