// OffsetForLeaderEpoch over raw requests, every version: epoch 0 (the only one)
// ends at the log end offset, unknown epochs answer -1/-1, a CurrentLeaderEpoch
// other than 0 is fenced or unknown, unknown partitions are named;
// @platformatic/kafka's own encoding of the request is answered; kcat still
// consumes a topic whose records were appended (librdkafka's truncation-free path).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { kcat } from '../../helpers/kcat.js';
import { Connection, offsetForLeaderEpochV4 } from '@platformatic/kafka';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
  client = await RawClient.connect(broker.port);
  const kafka = kafkajsClient(broker.address);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic: 'epochs', messages: ['a', 'b', 'c', 'd', 'e'].map((value) => ({ value })) });
  await producer.disconnect();
});

after(async () => {
  client.close();
  await broker.destroy();
});

function ask(version: number, partitions: { partition: number; currentLeaderEpoch?: number; leaderEpoch: number }[], topic = 'epochs') {
  return client.request(ApiKey.OffsetForLeaderEpoch, version, {
    replicaId: -1,
    topics: [{ topic, partitions: partitions.map((p) => ({ currentLeaderEpoch: -1, ...p })) }],
  });
}

describe('OffsetForLeaderEpoch', () => {
  it('answers the log end offset for epoch 0 in every version', async () => {
    for (const version of [0, 1, 2, 3, 4]) {
      const res = await ask(version, [{ partition: 0, leaderEpoch: 0 }]);
      const p = res.topics[0].partitions[0];
      assert.equal(p.errorCode, ErrorCode.NONE, `v${version}`);
      assert.equal(p.endOffset, 5n, `v${version}`);
      assert.equal(p.leaderEpoch, version >= 1 ? 0 : -1, `v${version}`);
    }
  });

  it('answers UNDEFINED_EPOCH_OFFSET for -1 and for epochs it never had', async () => {
    const res = await ask(4, [{ partition: 0, leaderEpoch: -1 }, { partition: 0, leaderEpoch: 7 }]);
    for (const p of res.topics[0].partitions) assert.deepEqual([p.errorCode, p.leaderEpoch, p.endOffset], [ErrorCode.NONE, -1, -1n]);
  });

  it('fences a CurrentLeaderEpoch behind 0 and does not know one ahead of it', async () => {
    const res = await ask(4, [
      { partition: 0, currentLeaderEpoch: 0, leaderEpoch: 0 },
      { partition: 0, currentLeaderEpoch: 3, leaderEpoch: 0 },
      { partition: 0, currentLeaderEpoch: -5, leaderEpoch: 0 },
    ]);
    assert.deepEqual(res.topics[0].partitions.map((p: any) => p.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.FENCED_LEADER_EPOCH]);
    assert.equal(res.topics[0].partitions[0].endOffset, 5n);
  });

  it('names unknown topics and partitions', async () => {
    const missingPartition = await ask(4, [{ partition: 9, leaderEpoch: 0 }]);
    assert.equal(missingPartition.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const missingTopic = await ask(4, [{ partition: 0, leaderEpoch: 0 }], 'no-such-topic');
    assert.equal(missingTopic.topics[0].topic, 'no-such-topic');
    assert.equal(missingTopic.topics[0].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  });

  it("@platformatic/kafka's own OffsetForLeaderEpoch v4 request gets the end offset", async () => {
    const connection = new Connection('epoch-test');
    await connection.connect('127.0.0.1', broker.port);
    try {
      const res: any = await offsetForLeaderEpochV4.api.async(connection, -1, [{ name: 'epochs', partitions: [{ partitionIndex: 0, currentLeaderEpoch: 0, leaderEpoch: 0 }] }]);
      assert.deepEqual(res.topics[0].partitions[0], { partition: 0, errorCode: 0, leaderEpoch: 0, endOffset: 5n });
    } finally {
      await connection.close();
    }
  });

  it('is advertised, and kcat consumes with default settings', async () => {
    const versions = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
    const entry = versions.apiKeys.find((k: { apiKey: number }) => k.apiKey === ApiKey.OffsetForLeaderEpoch);
    assert.deepEqual([entry?.minVersion, entry?.maxVersion], [0, 4]);
    const res = await kcat(['-C', '-b', broker.address, '-G', 'epoch-group', 'epochs', '-e', '-q', '-X', 'auto.offset.reset=earliest']);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(res.stdout.trim().split('\n'), ['a', 'b', 'c', 'd', 'e']);
  });
});
