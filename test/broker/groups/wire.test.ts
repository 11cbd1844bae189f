// The group APIs over the wire with a bare protocol client, in every version
// the broker advertises: each version's request decodes and its answer
// encodes (version-dependent fields set right), with the expected content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { encodeAssignment, encodeSubscription, decodeAssignment } from '../../../src/broker/groups/consumer-protocol.js';
import { OFFSETS_TOPIC } from '../../../src/broker/groups/offset-records.js';
import { createJoinGroupRequest } from '../../../src/broker/protocol/messages/join-group-request.js';
import { createSyncGroupRequest } from '../../../src/broker/protocol/messages/sync-group-request.js';
import { createHeartbeatRequest } from '../../../src/broker/protocol/messages/heartbeat-request.js';
import { createLeaveGroupRequest } from '../../../src/broker/protocol/messages/leave-group-request.js';
import { createOffsetCommitRequest } from '../../../src/broker/protocol/messages/offset-commit-request.js';
import { createOffsetFetchRequest } from '../../../src/broker/protocol/messages/offset-fetch-request.js';
import { createFindCoordinatorRequest } from '../../../src/broker/protocol/messages/find-coordinator-request.js';
import { createMetadataRequest } from '../../../src/broker/protocol/messages/metadata-request.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
  await broker.broker.topics.create('wire', 3);
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.destroy();
});

test('ApiVersions advertises every group API with all its versions', async () => {
  const res = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  const ranges = Object.fromEntries(res.apiKeys.map((k: any) => [k.apiKey, [k.minVersion, k.maxVersion]]));
  assert.deepEqual(ranges[ApiKey.FindCoordinator], [0, 6]);
  assert.deepEqual(ranges[ApiKey.JoinGroup], [0, 9]);
  assert.deepEqual(ranges[ApiKey.SyncGroup], [0, 5]);
  assert.deepEqual(ranges[ApiKey.Heartbeat], [0, 4]);
  assert.deepEqual(ranges[ApiKey.LeaveGroup], [0, 5]);
  assert.deepEqual(ranges[ApiKey.DescribeGroups], [0, 5]);
  assert.deepEqual(ranges[ApiKey.ListGroups], [0, 5]);
  assert.deepEqual(ranges[ApiKey.DeleteGroups], [0, 2]);
  assert.deepEqual(ranges[ApiKey.OffsetCommit], [0, 9]);
  assert.deepEqual(ranges[ApiKey.OffsetFetch], [0, 9]);
  assert.deepEqual(ranges[ApiKey.OffsetDelete], [0, 0]);
});

test('FindCoordinator v0–6 answers this broker for groups and transactional ids; batched keys from v4', async () => {
  for (let v = 0; v <= 6; v++) {
    if (v < 4) {
      const res = await client.request(ApiKey.FindCoordinator, v, createFindCoordinatorRequest({ key: 'g', keyType: v >= 1 ? 1 : 0 }));
      assert.deepEqual([res.errorCode, res.nodeId, res.host, res.port], [0, broker.broker.nodeId, '127.0.0.1', broker.port], `v${v}`);
    } else {
      const res = await client.request(ApiKey.FindCoordinator, v, createFindCoordinatorRequest({ keyType: 0, coordinatorKeys: ['a', 'b'] }));
      assert.deepEqual(res.coordinators.map((c: any) => [c.key, c.nodeId, c.port, c.errorCode]), [['a', 1, broker.port, 0], ['b', 1, broker.port, 0]], `v${v}`);
      const txn = await client.request(ApiKey.FindCoordinator, v, createFindCoordinatorRequest({ keyType: 1, coordinatorKeys: ['tx'] }));
      assert.equal(txn.coordinators[0].errorCode, 0);
    }
  }
  const share = await client.request(ApiKey.FindCoordinator, 6, createFindCoordinatorRequest({ keyType: 2, coordinatorKeys: ['s'] }));
  assert.equal(share.coordinators[0].errorCode, ErrorCode.INVALID_REQUEST);
});

/** A one-member group through JoinGroup/SyncGroup/Heartbeat/OffsetCommit/OffsetFetch/LeaveGroup at version level `v`. */
async function lifecycle(v: number): Promise<void> {
  const groupId = `wire-v${v}`;
  const join = Math.min(v, 9);
  const sync = Math.min(v, 5);
  const hb = Math.min(v, 4);
  const leave = Math.min(v, 5);
  const commitV = Math.min(v, 9);
  const fetchV = Math.min(v, 9);
  const joinBody = (memberId: string) => createJoinGroupRequest({
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: join >= 1 ? 20_000 : -1,
    memberId,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: encodeSubscription(['wire']) }],
    reason: join >= 8 ? 'testing' : null,
  });
  let res = await client.request(ApiKey.JoinGroup, join, joinBody(''));
  if (join >= 4) {
    assert.equal(res.errorCode, ErrorCode.MEMBER_ID_REQUIRED, `JoinGroup v${join}`);
    res = await client.request(ApiKey.JoinGroup, join, joinBody(res.memberId));
  }
  assert.equal(res.errorCode, 0, `JoinGroup v${join}`);
  assert.equal(res.generationId, 1);
  assert.equal(res.protocolName, 'range');
  if (join >= 7) assert.equal(res.protocolType, 'consumer');
  assert.equal(res.leader, res.memberId);
  assert.equal(res.members.length, 1);
  const memberId: string = res.memberId;

  const assignment = encodeAssignment([{ topic: 'wire', partitions: [0, 1, 2] }]);
  const synced = await client.request(ApiKey.SyncGroup, sync, createSyncGroupRequest({
    groupId,
    generationId: 1,
    memberId,
    protocolType: sync >= 5 ? 'consumer' : null,
    protocolName: sync >= 5 ? 'range' : null,
    assignments: [{ memberId, assignment }],
  }));
  assert.equal(synced.errorCode, 0, `SyncGroup v${sync}`);
  assert.deepEqual(decodeAssignment(synced.assignment).assignedPartitions, [{ topic: 'wire', partitions: [0, 1, 2] }]);
  if (sync >= 5) assert.equal(synced.protocolName, 'range');

  const beat = await client.request(ApiKey.Heartbeat, hb, createHeartbeatRequest({ groupId, generationId: 1, memberId }));
  assert.equal(beat.errorCode, 0, `Heartbeat v${hb}`);
  const stale = await client.request(ApiKey.Heartbeat, hb, createHeartbeatRequest({ groupId, generationId: 0, memberId }));
  assert.equal(stale.errorCode, ErrorCode.ILLEGAL_GENERATION);

  const commit = await client.request(ApiKey.OffsetCommit, commitV, createOffsetCommitRequest({
    groupId,
    generationIdOrMemberEpoch: commitV >= 1 ? 1 : -1,
    memberId: commitV >= 1 ? memberId : '',
    topics: [{
      name: 'wire',
      partitions: [0, 1].map((p) => ({ partitionIndex: p, committedOffset: BigInt(10 + p), committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: `m${p}` })),
    }],
  }));
  // v0 carries no member: refused while the group has members.
  const expected = commitV === 0 ? ErrorCode.UNKNOWN_MEMBER_ID : ErrorCode.NONE;
  assert.deepEqual(commit.topics[0].partitions.map((p: any) => p.errorCode), [expected, expected], `OffsetCommit v${commitV}`);

  const fetched = fetchV >= 8
    ? (await client.request(ApiKey.OffsetFetch, fetchV, createOffsetFetchRequest({ groups: [{ groupId, memberId: null, memberEpoch: -1, topics: [{ name: 'wire', partitionIndexes: [0, 1, 2] }] }] }))).groups[0].topics
    : (await client.request(ApiKey.OffsetFetch, fetchV, createOffsetFetchRequest({ groupId, topics: [{ name: 'wire', partitionIndexes: [0, 1, 2] }] }))).topics;
  const want = commitV === 0 ? [-1n, -1n, -1n] : [10n, 11n, -1n];
  assert.deepEqual(fetched[0].partitions.map((p: any) => p.committedOffset), want, `OffsetFetch v${fetchV}`);

  const left = await client.request(ApiKey.LeaveGroup, leave, leave >= 3
    ? createLeaveGroupRequest({ groupId, members: [{ memberId, groupInstanceId: null, reason: null }] })
    : createLeaveGroupRequest({ groupId, memberId }));
  assert.equal(left.errorCode, 0, `LeaveGroup v${leave}`);
  if (leave >= 3) assert.deepEqual(left.members.map((m: any) => [m.memberId, m.errorCode]), [[memberId, 0]]);
  assert.equal(broker.broker.groups.group(groupId)!.state, 'Empty');
}

for (let v = 0; v <= 9; v++) {
  test(`a member's lifecycle at JoinGroup v${v} (SyncGroup v${Math.min(v, 5)}, Heartbeat v${Math.min(v, 4)}, LeaveGroup v${Math.min(v, 5)}, OffsetCommit/Fetch v${v})`, () => lifecycle(v));
}

test('LeaveGroup v0–2 report the member error at the top level; v3+ per member', async () => {
  const old = await client.request(ApiKey.LeaveGroup, 1, createLeaveGroupRequest({ groupId: 'wire-v1', memberId: 'ghost' }));
  assert.equal(old.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const batch = await client.request(ApiKey.LeaveGroup, 5, createLeaveGroupRequest({ groupId: 'wire-v1', members: [{ memberId: 'ghost', groupInstanceId: null, reason: null }] }));
  assert.equal(batch.errorCode, 0);
  assert.equal(batch.members[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('OffsetFetch: null topics (v2+) returns every committed offset; v8 fetches several groups; v7 requireStable', async () => {
  await broker.broker.groups.commitOffsets('of-a', {}, [{ topic: 'wire', partition: 2, offset: 7 }]);
  await broker.broker.groups.commitOffsets('of-b', {}, [{ topic: 'wire', partition: 0, offset: 3 }]);
  const v2 = await client.request(ApiKey.OffsetFetch, 2, createOffsetFetchRequest({ groupId: 'of-a', topics: null }));
  assert.deepEqual(v2.topics.map((t: any) => [t.name, t.partitions.map((p: any) => [p.partitionIndex, p.committedOffset])]), [['wire', [[2, 7n]]]]);
  const v8 = await client.request(ApiKey.OffsetFetch, 8, createOffsetFetchRequest({
    groups: [
      { groupId: 'of-a', memberId: null, memberEpoch: -1, topics: null },
      { groupId: 'of-b', memberId: null, memberEpoch: -1, topics: [{ name: 'wire', partitionIndexes: [0, 1] }] },
    ],
  }));
  assert.deepEqual(v8.groups.map((g: any) => [g.groupId, g.errorCode, g.topics[0].partitions.map((p: any) => p.committedOffset)]), [
    ['of-a', 0, [7n]],
    ['of-b', 0, [3n, -1n]],
  ]);
  await broker.broker.groups.prepareTxnOffsets('of-a', 42, 0, [{ topic: 'wire', partition: 2, offset: 9 }]);
  const stable = await client.request(ApiKey.OffsetFetch, 7, createOffsetFetchRequest({ groupId: 'of-a', topics: [{ name: 'wire', partitionIndexes: [2] }], requireStable: true }));
  assert.equal(stable.topics[0].partitions[0].errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT);
  const loose = await client.request(ApiKey.OffsetFetch, 6, createOffsetFetchRequest({ groupId: 'of-a', topics: [{ name: 'wire', partitionIndexes: [2] }] }));
  assert.equal(loose.topics[0].partitions[0].committedOffset, 7n);
  await broker.broker.groups.completeTxnOffsets(42, true);
  const done = await client.request(ApiKey.OffsetFetch, 7, createOffsetFetchRequest({ groupId: 'of-a', topics: [{ name: 'wire', partitionIndexes: [2] }], requireStable: true }));
  assert.equal(done.topics[0].partitions[0].committedOffset, 9n);
});

test('DescribeGroups v0–5, ListGroups v0–5 (state filter v4+, type v5), DeleteGroups v0–2, OffsetDelete', async () => {
  await broker.broker.groups.commitOffsets('admin-g', {}, [{ topic: 'wire', partition: 0, offset: 1 }, { topic: 'wire', partition: 1, offset: 2 }]);
  for (let v = 0; v <= 5; v++) {
    const res = await client.request(ApiKey.DescribeGroups, v, { groups: ['admin-g', 'nobody'], includeAuthorizedOperations: false });
    assert.deepEqual(res.groups.map((g: any) => [g.groupId, g.errorCode, g.groupState]), [['admin-g', 0, 'Empty'], ['nobody', 0, 'Dead']], `DescribeGroups v${v}`);
  }
  for (let v = 0; v <= 5; v++) {
    const res = await client.request(ApiKey.ListGroups, v, { statesFilter: v >= 4 ? ['empty'] : [], typesFilter: v >= 5 ? ['classic'] : [] });
    const g = res.groups.find((x: any) => x.groupId === 'admin-g');
    assert.ok(g, `ListGroups v${v}`);
    if (v >= 4) assert.equal(g.groupState, 'Empty');
    if (v >= 5) assert.equal(g.groupType, 'classic');
  }
  const none = await client.request(ApiKey.ListGroups, 4, { statesFilter: ['stable'], typesFilter: [] });
  assert.equal(none.groups.length, 0);

  const od = await client.request(ApiKey.OffsetDelete, 0, { groupId: 'admin-g', topics: [{ name: 'wire', partitions: [{ partitionIndex: 0 }] }] });
  assert.deepEqual([od.errorCode, od.topics[0].partitions[0].errorCode], [0, 0]);
  const missing = await client.request(ApiKey.OffsetDelete, 0, { groupId: 'nobody', topics: [] });
  assert.equal(missing.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  assert.deepEqual(broker.broker.groups.committedOffsets('admin-g', 'wire'), [-1, 2, -1]);

  for (let v = 0; v <= 2; v++) {
    await broker.broker.groups.commitOffsets(`del-${v}`, {}, [{ topic: 'wire', partition: 0, offset: 1 }]);
    const res = await client.request(ApiKey.DeleteGroups, v, { groupsNames: [`del-${v}`, 'nobody'] });
    assert.deepEqual(res.results.map((r: any) => [r.groupId, r.errorCode]), [[`del-${v}`, 0], ['nobody', ErrorCode.GROUP_ID_NOT_FOUND]], `DeleteGroups v${v}`);
  }
});

test('Metadata reports __consumer_offsets as an internal topic', async () => {
  const res = await client.request(ApiKey.Metadata, 12, createMetadataRequest({ topics: null, allowAutoTopicCreation: false }));
  const t = res.topics.find((x: any) => x.name === OFFSETS_TOPIC);
  assert.ok(t, '__consumer_offsets exists from the start');
  assert.equal(t.isInternal, true);
  assert.equal(t.partitions.length, 1);
});
