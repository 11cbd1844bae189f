// A compacted topic refuses records without a key, as Kafka does: the
// partition answers INVALID_RECORD (87), and from Produce v8 on lists each
// keyless record's index in record_errors; nothing of the batch is stored.
// Keyed records, and keyless ones on a delete-policy topic, are accepted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CompressionTypes, type Admin, type Kafka, type Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsAdmin } from '../../helpers/kafkajs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { buildBatch, type RecordInput } from '../../../src/broker/records/index.js';

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

before(async () => {
  broker = await startTestBroker();
  ({ kafka, admin } = await kafkajsAdmin(broker.address));
  await admin.createTopics({
    topics: [
      { topic: 'compacted', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
      { topic: 'compact-delete', numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact,delete' }] },
      { topic: 'plain', numPartitions: 1 },
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
