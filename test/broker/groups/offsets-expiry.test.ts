// Expiry of committed offsets (offsets.retention.minutes) and removal of empty
// groups, on the coordinator's virtual clock: Kafka's rules per kind of group,
// groups left with no member and no offset deleted (ListGroups no longer shows
// them, a restart does not bring them back), the check on its interval; and
// over TCP, kafkajs's ListGroups after a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { GroupState } from '../../../src/broker/groups/group-state.js';
import { harness, stableGroup, type Harness } from './helpers.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';

const RETENTION = 60_000;
const CHECK = 5_000;
const options = { offsetsRetentionMs: RETENTION, offsetsRetentionCheckIntervalMs: CHECK, consumer: { sessionTimeoutMs: 10 * RETENTION } };
/** Members whose session outlasts the retention, so they stay while the clock moves past it. */
const longSession = [{ sessionTimeoutMs: 10 * RETENTION }];

const listed = (h: Harness) => h.coord.listGroups().map((g) => `${g.groupId}:${g.state}`).sort();
const committed = (h: Harness, group: string, topic = 't') => h.coord.committedOffsets(group, topic);

async function commit(h: Harness, group: string, identity: { memberId?: string; generationId?: number }, topic = 't', partition = 0, offset = 5) {
  const res = await h.coord.commitOffsets(group, identity, [{ topic, partition, offset }]);
  assert.deepEqual(res.map((r) => r.errorCode), [ErrorCode.NONE]);
}

test('the check runs every offsets.retention.check.interval.ms', async () => {
  const h = await harness(options);
  try {
    assert.equal(h.clock.dueIn('offsets-expiry'), CHECK);
  } finally {
    await h.close();
  }
});

test('an Empty group without offsets is deleted, and stays deleted after a restart', async () => {
  const h = await harness(options);
  try {
    const { ids } = await stableGroup(h, 1);
    h.coord.leaveGroup('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    assert.deepEqual(listed(h), ['g:Empty']);
    const removed = await h.coord.expireOffsets();
    assert.deepEqual(removed, { offsets: 0, groups: ['g'] });
    assert.deepEqual(listed(h), []);
    await h.restart(options);
    assert.deepEqual(listed(h), [], 'no group comes back from __consumer_offsets');
  } finally {
    await h.close();
  }
});

test('a group left after a restart (generation record, no offsets) is deleted at the first check', async () => {
  const h = await harness(options);
  try {
    const { ids } = await stableGroup(h, 1);
    h.coord.leaveGroup('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    await h.restart(options);
    assert.deepEqual(listed(h), ['g:Empty'], 'the generation record brings it back Empty');
    h.clock.advance(CHECK);
    // The timer has started its check; one more check leaves the same result whichever of them deleted the group.
    await h.coord.expireOffsets();
    assert.deepEqual(listed(h), []);
  } finally {
    await h.close();
  }
});

test('an Empty group keeps its offsets for the retention after it became Empty, then loses them and goes', async () => {
  const h = await harness(options);
  try {
    const { ids, generation } = await stableGroup(h, 1, longSession);
    await commit(h, 'g', { memberId: ids[0]!, generationId: generation });
    h.clock.advance(RETENTION); // the commit is old, but the group still has its member
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 0, groups: [] });
    h.coord.leaveGroup('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    assert.equal(h.coord.group('g')!.state, GroupState.Empty);
    h.clock.advance(RETENTION - 1);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 0, groups: [] });
    assert.equal(committed(h, 'g')[0], 5);
    h.clock.advance(1);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: ['g'] });
    assert.equal(committed(h, 'g')[0], -1);
    assert.deepEqual(listed(h), []);
    await h.restart(options);
    assert.equal(committed(h, 'g')[0], -1, 'the expiry is durable');
    assert.deepEqual(listed(h), []);
  } finally {
    await h.close();
  }
});

test('offsets committed without group management expire the retention after their commit', async () => {
  const h = await harness(options);
  try {
    await commit(h, 'simple', {}, 't', 0);
    h.clock.advance(RETENTION / 2);
    await commit(h, 'simple', {}, 't', 1);
    h.clock.advance(RETENTION / 2);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: [] });
    assert.deepEqual(committed(h, 'simple').slice(0, 2), [-1, 5]);
    h.clock.advance(RETENTION / 2);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: ['simple'] });
  } finally {
    await h.close();
  }
});

test('a Stable classic group loses only the offsets of topics it no longer subscribes to', async () => {
  const h = await harness(options);
  try {
    const { ids, generation } = await stableGroup(h, 1, longSession);
    await commit(h, 'g', { memberId: ids[0]!, generationId: generation }, 't');
    await commit(h, 'g', { memberId: ids[0]!, generationId: generation }, 'u');
    h.clock.advance(RETENTION);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: [] });
    assert.equal(committed(h, 'g', 't')[0], 5, 'subscribed: kept');
    assert.equal(committed(h, 'g', 'u')[0], -1, 'not subscribed: expired');
  } finally {
    await h.close();
  }
});

test('a consumer-protocol group loses the offsets of topics no member subscribes to; empty, it goes', async () => {
  const h = await harness(options);
  try {
    const hb = h.coord.consumerGroupHeartbeat({
      groupId: 'cg', memberId: 'member-1', memberEpoch: 0, instanceId: null, rackId: null, rebalanceTimeoutMs: 30_000,
      subscribedTopicNames: ['t'], subscribedTopicRegex: null, serverAssignor: null, topicPartitions: [], clientId: 'c', clientHost: '/127.0.0.1',
    });
    assert.equal(hb.errorCode, ErrorCode.NONE);
    await commit(h, 'cg', { memberId: hb.memberId!, generationId: hb.memberEpoch }, 't');
    await commit(h, 'cg', { memberId: hb.memberId!, generationId: hb.memberEpoch }, 'u');
    h.clock.advance(RETENTION);
    // The member heartbeats on; only 'u', which it does not subscribe to, expires.
    const again = h.coord.consumerGroupHeartbeat({
      groupId: 'cg', memberId: hb.memberId!, memberEpoch: hb.memberEpoch, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: '/127.0.0.1',
    });
    assert.equal(again.errorCode, ErrorCode.NONE);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: [] });
    assert.deepEqual([committed(h, 'cg', 't')[0], committed(h, 'cg', 'u')[0]], [5, -1]);
    const left = h.coord.consumerGroupHeartbeat({
      groupId: 'cg', memberId: hb.memberId!, memberEpoch: -1, instanceId: null, rackId: null, rebalanceTimeoutMs: -1,
      subscribedTopicNames: null, subscribedTopicRegex: null, serverAssignor: null, topicPartitions: null, clientId: 'c', clientHost: '/127.0.0.1',
    });
    assert.equal(left.errorCode, ErrorCode.NONE);
    assert.deepEqual(await h.coord.expireOffsets(), { offsets: 1, groups: ['cg'] });
    assert.deepEqual(listed(h), []);
  } finally {
    await h.close();
  }
});

test('over TCP: a kafkajs consumer that joined, committed nothing and left leaves no group after a restart and a check', async () => {
  const first = await startTestBroker({ groupInitialRebalanceDelayMs: 0 });
  const dataDir = first.dataDir;
  let second: TestBroker | undefined;
  try {
    const kafka = kafkajsClient(first.address);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'api-events', numPartitions: 1 }] });
    const consumer = kafka.consumer({ groupId: 'api-instance-1', sessionTimeout: 10_000 });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    await consumer.subscribe({ topic: 'api-events' });
    await consumer.run({ autoCommit: false, eachMessage: async () => {} });
    await joined;
    await consumer.disconnect();
    await admin.disconnect();
    await first.broker.close();

    second = await startTestBroker({ dataDir });
    const admin2 = kafkajsClient(second.address).admin();
    await admin2.connect();
    try {
      assert.deepEqual((await admin2.listGroups()).groups.map((g) => g.groupId), ['api-instance-1'], 'back from its generation record');
      await second.broker.groups.expireOffsets();
      assert.deepEqual((await admin2.listGroups()).groups, []);
    } finally {
      await admin2.disconnect();
    }
  } finally {
    if (second) await second.destroy();
    else await first.destroy();
  }
});
