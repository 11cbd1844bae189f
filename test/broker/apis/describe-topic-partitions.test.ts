// DescribeTopicPartitions over raw requests: topics in name order with their ids
// and partitions, paged by ResponsePartitionLimit with NextCursor (inside a topic
// and at a topic boundary), a cursor resuming the walk, unknown and invalid
// names, and a cursor outside the named topics refused as Kafka does; and the
// request as @platformatic/kafka encodes it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { Connection, describeTopicPartitionsV0 } from '@platformatic/kafka';

let broker: TestBroker;
let client: RawClient;
const ids = new Map<string, string>();

before(async () => {
  broker = await startTestBroker();
  client = await RawClient.connect(broker.port);
  const created = await client.request(ApiKey.CreateTopics, 7, {
    topics: [
      { name: 'dtp-b', numPartitions: 3, replicationFactor: 1, assignments: [], configs: [] },
      { name: 'dtp-a', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] },
      { name: 'dtp-c', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] },
    ],
    timeoutMs: 5000,
    validateOnly: false,
  });
  for (const t of created.topics) {
    assert.equal(t.errorCode, ErrorCode.NONE);
    ids.set(t.name, t.topicId);
  }
});

after(async () => {
  client.close();
  await broker.destroy();
});

function describeTopics(names: string[], responsePartitionLimit = 2000, cursor: { topicName: string; partitionIndex: number } | null = null) {
  return client.request(ApiKey.DescribeTopicPartitions, 0, { topics: names.map((name) => ({ name })), responsePartitionLimit, cursor });
}

const shape = (res: any) => res.topics.map((t: any) => `${t.name}:${t.partitions.map((p: any) => p.partitionIndex).join(',')}`);

describe('DescribeTopicPartitions', () => {
  it('describes named topics in name order with ids, leader, epoch and replicas', async () => {
    const res = await describeTopics(['dtp-c', 'dtp-a', 'dtp-b']);
    assert.deepEqual(shape(res), ['dtp-a:0,1', 'dtp-b:0,1,2', 'dtp-c:0']);
    assert.equal(res.nextCursor, null);
    const a = res.topics[0];
    assert.equal(a.errorCode, ErrorCode.NONE);
    assert.equal(a.topicId, ids.get('dtp-a'));
    assert.equal(a.isInternal, false);
    const nodeId = broker.broker.nodeId;
    assert.deepEqual(a.partitions[1], {
      errorCode: ErrorCode.NONE, partitionIndex: 1, leaderId: nodeId, leaderEpoch: 0,
      replicaNodes: [nodeId], isrNodes: [nodeId], eligibleLeaderReplicas: [], lastKnownElr: [], offlineReplicas: [],
    });
  });

  it('pages by partition limit: a cursor inside a topic, then at a topic boundary', async () => {
    const first = await describeTopics(['dtp-a', 'dtp-b', 'dtp-c'], 3);
    assert.deepEqual(shape(first), ['dtp-a:0,1', 'dtp-b:0']);
    assert.deepEqual(first.nextCursor, { topicName: 'dtp-b', partitionIndex: 1 });
    const second = await describeTopics(['dtp-a', 'dtp-b', 'dtp-c'], 2, first.nextCursor);
    assert.deepEqual(shape(second), ['dtp-b:1,2']);
    assert.deepEqual(second.nextCursor, { topicName: 'dtp-c', partitionIndex: 0 });
    const third = await describeTopics(['dtp-a', 'dtp-b', 'dtp-c'], 2, second.nextCursor);
    assert.deepEqual(shape(third), ['dtp-c:0']);
    assert.equal(third.nextCursor, null);
  });

  it('describes every topic when none is named, and a limit below 1 counts as 1', async () => {
    const all = await describeTopics([]);
    assert.deepEqual(shape(all), ['__consumer_offsets:0', 'dtp-a:0,1', 'dtp-b:0,1,2', 'dtp-c:0']);
    assert.equal(all.topics[0].isInternal, true);
    const one = await describeTopics([], 0, { topicName: 'dtp-a', partitionIndex: 0 });
    assert.deepEqual(shape(one), ['dtp-a:0']);
    assert.deepEqual(one.nextCursor, { topicName: 'dtp-a', partitionIndex: 1 });
  });

  it('answers unknown and invalid names with their errors', async () => {
    const res = await describeTopics(['dtp-a', 'nope', 'bad name!']);
    const errors = Object.fromEntries(res.topics.map((t: any) => [t.name, t.errorCode]));
    assert.deepEqual(errors, { 'bad name!': ErrorCode.INVALID_TOPIC_EXCEPTION, 'dtp-a': ErrorCode.NONE, nope: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION });
  });

  it('refuses a cursor naming a topic outside the list, or a negative partition', async () => {
    const outside = await describeTopics(['dtp-a'], 10, { topicName: 'dtp-b', partitionIndex: 0 });
    assert.deepEqual(outside.topics.map((t: any) => [t.name, t.errorCode]), [['dtp-a', ErrorCode.INVALID_REQUEST]]);
    const negative = await describeTopics(['dtp-a'], 10, { topicName: 'dtp-a', partitionIndex: -1 });
    assert.equal(negative.topics[0].errorCode, ErrorCode.INVALID_REQUEST);
  });

  it("answers @platformatic/kafka's own request, cursor included", async () => {
    const connection = new Connection('dtp-test');
    await connection.connect('127.0.0.1', broker.port);
    try {
      const res: any = await describeTopicPartitionsV0.api.async(connection, [{ name: 'dtp-b' }, { name: 'dtp-c' }], 2, { topicName: 'dtp-b', partitionIndex: 1 });
      assert.deepEqual(res.topics.map((t: any) => [t.name, t.partitions.map((p: any) => p.partitionIndex)]), [['dtp-b', [1, 2]]]);
      assert.deepEqual(res.nextCursor, { topicName: 'dtp-c', partitionIndex: 0 });
    } finally {
      await connection.close();
    }
  });
});
