// Topic metrics in-process and over the admin API (DescribeLogDirs) agree with
// what a real client produced.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker();
});

after(async () => {
  await broker.destroy();
});

test('offsets, sizes and append counts per partition', async () => {
  await broker.broker.topics.create('measured', 2);
  const producer = kafkajsClient(broker.address).producer();
  await producer.connect();
  await producer.send({ topic: 'measured', messages: Array.from({ length: 30 }, (_, i) => ({ value: `a${i}`, partition: 0 })) });
  await producer.send({ topic: 'measured', messages: Array.from({ length: 12 }, (_, i) => ({ value: `b${i}`, partition: 1 })) });
  await producer.disconnect();
  await broker.broker.topics.get('measured')!.partitions[0]!.log.deleteRecordsBefore(5);

  const m = broker.broker.topicMetrics().find((t) => t.name === 'measured')!;
  assert.equal(m.partitions.length, 2);
  const [p0, p1] = m.partitions;
  assert.deepEqual([p0!.logStartOffset, p0!.logEndOffset, p0!.appendedRecords], [5, 30, 30]);
  assert.deepEqual([p1!.logStartOffset, p1!.logEndOffset, p1!.appendedRecords], [0, 12, 12]);
  assert.ok(p0!.sizeBytes > 30 * 2 && p0!.appendedBytes === p0!.sizeBytes);

  const client = await RawClient.connect(broker.port);
  const res = await client.request(ApiKey.DescribeLogDirs, 4, { topics: [{ topic: 'measured', partitions: [0, 1, 7] }] });
  client.close();
  assert.equal(res.results.length, 1);
  const sizes = res.results[0].topics[0].partitions.map((p: any) => [p.partitionIndex, Number(p.partitionSize)]);
  assert.deepEqual(sizes, [
    [0, p0!.sizeBytes],
    [1, p1!.sizeBytes],
  ]);
  assert.ok(res.results[0].usableBytes > 0n);
});
