// Ordering on one connection: pipelined requests are answered in order, acks=0
// produces get no answer, and a long-polling fetch is woken by a produce.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { buildBatch, decodeRecords, parseBatches } from '../../../src/broker/records/index.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker();
  await broker.broker.topics.create('ordered', 1);
});

after(async () => {
  await broker.destroy();
});

function produceBody(acks: number, value: string) {
  return {
    transactionalId: null,
    acks,
    timeoutMs: 1000,
    topicData: [{ name: 'ordered', partitionData: [{ index: 0, records: buildBatch({ records: [{ key: 'k', value }] }) }] }],
  };
}

test('pipelined requests are answered in order; acks=0 gets no answer', async () => {
  const client = await RawClient.connect(broker.port);
  const ids: number[] = [];
  for (let i = 0; i < 20; i++) {
    ids.push(client.send(ApiKey.Produce, 9, produceBody(i % 2 === 0 ? 1 : 0, `v${i}`)));
  }
  const metadataId = client.send(ApiKey.Metadata, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false, includeClusterAuthorizedOperations: false });
  const expected = ids.filter((_, i) => i % 2 === 0);
  const offsets: bigint[] = [];
  for (const id of expected) {
    const res = await client.receive(ApiKey.Produce, 9);
    assert.equal(res.correlationId, id);
    const p = res.body.responses[0].partitionResponses[0];
    assert.equal(p.errorCode, ErrorCode.NONE);
    offsets.push(p.baseOffset);
  }
  // acks=1 requests 0,2,4.. were appended in order between the acks=0 ones.
  assert.deepEqual(offsets, expected.map((_, i) => BigInt(i * 2)));
  const meta = await client.receive(ApiKey.Metadata, 12);
  assert.equal(meta.correlationId, metadataId);
  assert.equal(broker.broker.topics.partition('ordered', 0)!.highWatermark, 20);
  client.close();
});

// The fetch waits up to 60 s; the test's own 15 s limit fails it if the produce did not wake it.
test('a long-polling fetch at the log end is woken by a produce', { timeout: 15_000 }, async () => {
  const topic = broker.broker.topics.get('ordered')!;
  const end = BigInt(topic.partitions[0]!.highWatermark);
  const fetcher = await RawClient.connect(broker.port);
  const fetchId = fetcher.send(ApiKey.Fetch, 13, {
    clusterId: null,
    replicaId: -1,
    replicaState: { replicaId: -1, replicaEpoch: -1n },
    maxWaitMs: 60_000,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [{ topic: '', topicId: topic.id, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: end, lastFetchedEpoch: -1, logStartOffset: -1n, partitionMaxBytes: 1 << 20, replicaDirectoryId: '00000000-0000-0000-0000-000000000000' }] }],
    forgottenTopicsData: [],
    rackId: '',
  });
  const answer = fetcher.receive(ApiKey.Fetch, 13);
  const producer = await RawClient.connect(broker.port);
  await producer.request(ApiKey.Produce, 9, produceBody(1, 'wake-up'));
  const res = await answer;
  assert.equal(res.correlationId, fetchId);
  const records: Buffer = res.body.responses[0].partitions[0].records;
  const batches = parseBatches(records);
  assert.equal(batches[0]!.baseOffset, Number(end));
  assert.equal(decodeRecords(records)[0]!.value!.toString(), 'wake-up');
  fetcher.close();
  producer.close();
});
