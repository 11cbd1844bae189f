// The consumer group protocol (KIP-848) over the wire with a bare protocol
// client and the generated codecs: ApiVersions advertises it; members join,
// get a member id and epoch, are fenced for epochs they should not have;
// partitions move only after revocation; ConsumerGroupDescribe shows it all;
// the classic and the consumer protocol do not share a group id.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { createConsumerGroupHeartbeatRequest } from '../../../src/broker/protocol/messages/consumer-group-heartbeat-request.js';
import { createConsumerGroupDescribeRequest } from '../../../src/broker/protocol/messages/consumer-group-describe-request.js';
import { createJoinGroupRequest } from '../../../src/broker/protocol/messages/join-group-request.js';
import { createListGroupsRequest } from '../../../src/broker/protocol/messages/list-groups-request.js';
import { createOffsetCommitRequest } from '../../../src/broker/protocol/messages/offset-commit-request.js';
import { createOffsetFetchRequest } from '../../../src/broker/protocol/messages/offset-fetch-request.js';
import { createOffsetDeleteRequest } from '../../../src/broker/protocol/messages/offset-delete-request.js';
import { createDeleteGroupsRequest } from '../../../src/broker/protocol/messages/delete-groups-request.js';
import { encodeSubscription } from '../../../src/broker/groups/consumer-protocol.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';

let broker: TestBroker;
let client: RawClient;
let topicId: string;

before(async () => {
  broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000, groupConsumerHeartbeatIntervalMs: 250 });
  await broker.broker.topics.create('cg-wire', 4);
  topicId = broker.broker.topics.get('cg-wire')!.id;
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.destroy();
});

type Owned = number[] | null;
const hb = (fields: { groupId?: string; memberId?: string; memberEpoch: number; owned?: Owned; topics?: string[] | null; instanceId?: string | null; serverAssignor?: string | null }, version = 1) =>
  client.request(ApiKey.ConsumerGroupHeartbeat, version, createConsumerGroupHeartbeatRequest({
    groupId: fields.groupId ?? 'cg',
    memberId: fields.memberId ?? '',
    memberEpoch: fields.memberEpoch,
    instanceId: fields.instanceId ?? null,
    rebalanceTimeoutMs: fields.memberEpoch === 0 ? 30_000 : -1,
    subscribedTopicNames: fields.topics === undefined ? (fields.memberEpoch === 0 ? ['cg-wire'] : null) : fields.topics,
    serverAssignor: fields.serverAssignor ?? null,
    topicPartitions: fields.owned === undefined || fields.owned === null ? (fields.memberEpoch === 0 ? [] : null) : [{ topicId, partitions: fields.owned }],
  }));
const partitionsOf = (res: any): number[] => (res.assignment?.topicPartitions ?? []).flatMap((t: any) => t.partitions).sort();

test('ApiVersions advertises ConsumerGroupHeartbeat v0–1 and ConsumerGroupDescribe v0', async () => {
  const res = await client.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
  const ranges = Object.fromEntries(res.apiKeys.map((k: any) => [k.apiKey, [k.minVersion, k.maxVersion]]));
  assert.deepEqual(ranges[ApiKey.ConsumerGroupHeartbeat], [0, 1]);
  assert.deepEqual(ranges[ApiKey.ConsumerGroupDescribe], [0, 0]);
});

test('join, revoke before reassign, describe, and fencing of a stale epoch', async () => {
  // A joins without an id (v0): the broker names it and gives it all four partitions.
  const a1 = await hb({ memberEpoch: 0 }, 0);
  assert.equal(a1.errorCode, ErrorCode.NONE);
  assert.ok(a1.memberId);
  assert.equal(a1.memberEpoch, 1);
  assert.equal(a1.heartbeatIntervalMs, 250);
  assert.deepEqual(partitionsOf(a1), [0, 1, 2, 3]);
  const a = a1.memberId as string;
  // B joins with its own id (v1): the target splits, but A still holds everything.
  const b1 = await hb({ memberId: 'member-b', memberEpoch: 0 });
  assert.equal(b1.memberId, 'member-b');
  assert.equal(b1.memberEpoch, 2);
  assert.deepEqual(partitionsOf(b1), [], 'nothing is free for B yet');
  // A's next heartbeat revokes two partitions: its epoch stays until it releases them.
  const a2 = await hb({ memberId: a, memberEpoch: 1, owned: [0, 1, 2, 3] });
  assert.equal(a2.memberEpoch, 1);
  assert.equal(partitionsOf(a2).length, 2);
  const kept = partitionsOf(a2);
  const moved = [0, 1, 2, 3].filter((p) => !kept.includes(p));
  const b2 = await hb({ memberId: 'member-b', memberEpoch: 2, owned: [] });
  assert.equal(b2.assignment, null, 'still nothing for B while A holds the partitions');
  const a3 = await hb({ memberId: a, memberEpoch: 1, owned: kept });
  assert.equal(a3.memberEpoch, 2, 'released: A moves to the target epoch');
  const b3 = await hb({ memberId: 'member-b', memberEpoch: 2, owned: [] });
  assert.deepEqual(partitionsOf(b3), moved);

  const described = await client.request(ApiKey.ConsumerGroupDescribe, 0, createConsumerGroupDescribeRequest({ groupIds: ['cg', 'nope'] }));
  const [group, unknown] = described.groups;
  assert.equal(group.errorCode, ErrorCode.NONE);
  assert.equal(group.groupState, 'Stable');
  assert.equal(group.groupEpoch, 2);
  assert.equal(group.assignmentEpoch, 2);
  assert.equal(group.assignorName, 'uniform');
  const byId = new Map(group.members.map((m: any) => [m.memberId, m]));
  const parts = (x: any) => x.topicPartitions.flatMap((t: any) => { assert.equal(t.topicName, 'cg-wire'); return t.partitions; }).sort();
  assert.deepEqual(parts((byId.get(a) as any).assignment), kept);
  assert.deepEqual(parts((byId.get('member-b') as any).targetAssignment), moved);
  assert.deepEqual((byId.get('member-b') as any).subscribedTopicNames, ['cg-wire']);
  assert.equal(unknown.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);

  // A heartbeat from the future, or an epoch older than the previous one, is fenced.
  assert.equal((await hb({ memberId: a, memberEpoch: 7, owned: kept })).errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  await hb({ memberId: 'member-c', memberEpoch: 0 }); // group epoch 3
  const a4 = await hb({ memberId: a, memberEpoch: 2, owned: kept });
  assert.ok(a4.memberEpoch === 2 || a4.memberEpoch === 3);
  let epoch = a4.memberEpoch;
  let owned = partitionsOf(a4).length > 0 || a4.assignment ? partitionsOf(a4) : kept;
  while (epoch !== 3) {
    const next = await hb({ memberId: a, memberEpoch: epoch, owned });
    epoch = next.memberEpoch;
    if (next.assignment) owned = partitionsOf(next);
  }
  const stale = await hb({ memberId: a, memberEpoch: 1, owned });
  assert.equal(stale.errorCode, ErrorCode.FENCED_MEMBER_EPOCH);
  // The previous epoch is still accepted (its answer may have been lost).
  assert.equal((await hb({ memberId: a, memberEpoch: 2, owned })).errorCode, ErrorCode.NONE);
  assert.equal((await hb({ memberId: 'ghost', memberEpoch: 3, owned: [] })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('assignors, static members and leaving', async () => {
  assert.equal((await hb({ groupId: 'cg-s', memberEpoch: 0, serverAssignor: 'sticky' })).errorCode, ErrorCode.UNSUPPORTED_ASSIGNOR);
  const s1 = await hb({ groupId: 'cg-s', memberId: 's1', memberEpoch: 0, instanceId: 'inst', serverAssignor: 'range' });
  assert.equal(s1.errorCode, ErrorCode.NONE);
  assert.equal((await hb({ groupId: 'cg-s', memberId: 's2', memberEpoch: 0, instanceId: 'inst' })).errorCode, ErrorCode.UNRELEASED_INSTANCE_ID);
  // A static member leaving with -2 keeps its place; its replacement takes over epoch and partitions.
  assert.equal((await hb({ groupId: 'cg-s', memberId: 's1', memberEpoch: -2, instanceId: 'inst' })).memberEpoch, -2);
  const s2 = await hb({ groupId: 'cg-s', memberId: 's2', memberEpoch: 0, instanceId: 'inst' });
  assert.equal(s2.errorCode, ErrorCode.NONE);
  assert.equal(s2.memberEpoch, s1.memberEpoch);
  assert.deepEqual(partitionsOf(s2), partitionsOf(s1));
  const describe = async () => (await client.request(ApiKey.ConsumerGroupDescribe, 0, createConsumerGroupDescribeRequest({ groupIds: ['cg-s'] }))).groups[0];
  const before = await describe();
  assert.equal(before.assignorName, 'range', 'the assignor the members ask for');
  assert.deepEqual(before.members.map((m: any) => [m.memberId, m.instanceId]), [['s2', 'inst']]);
  const left = await hb({ groupId: 'cg-s', memberId: 's2', memberEpoch: -1, instanceId: 'inst' });
  assert.equal(left.memberEpoch, -1);
  assert.equal((await describe()).groupState, 'Empty');
});

test('v1 subscribes by regex (whole topic names); a bad regex is INVALID_REGULAR_EXPRESSION', async () => {
  const join = (regex: string) => client.request(ApiKey.ConsumerGroupHeartbeat, 1, createConsumerGroupHeartbeatRequest({
    groupId: 'cg-re', memberId: 'r1', memberEpoch: 0, rebalanceTimeoutMs: 1000, subscribedTopicRegex: regex, topicPartitions: [],
  }));
  assert.equal((await join('(')).errorCode, ErrorCode.INVALID_REGULAR_EXPRESSION);
  assert.deepEqual(partitionsOf(await join('cg-w')), [], 'a partial name does not match');
  const res = await join('cg-w.*');
  assert.deepEqual(partitionsOf(res), [0, 1, 2, 3]);
  assert.equal(res.assignment.topicPartitions[0].topicId, topicId);
  await client.request(ApiKey.ConsumerGroupHeartbeat, 1, createConsumerGroupHeartbeatRequest({ groupId: 'cg-re', memberId: 'r1', memberEpoch: -1 }));
});

test('OffsetCommit v9 takes the member epoch as generation; offsets fetch back; OffsetDelete and DeleteGroups', async () => {
  const m = await hb({ groupId: 'cg-o', memberId: 'o1', memberEpoch: 0 });
  const commit = async (memberId: string, epoch: number, version = 9) => (await client.request(ApiKey.OffsetCommit, version, createOffsetCommitRequest({
    groupId: 'cg-o', memberId, generationIdOrMemberEpoch: epoch,
    topics: [{ name: 'cg-wire', partitions: [{ partitionIndex: 1, committedOffset: 5n, committedLeaderEpoch: -1, commitTimestamp: -1n, committedMetadata: null }] }],
  }))).topics[0].partitions[0].errorCode;
  assert.equal(await commit('o1', m.memberEpoch), ErrorCode.NONE);
  assert.equal(await commit('o1', m.memberEpoch + 1), ErrorCode.STALE_MEMBER_EPOCH);
  assert.equal(await commit('o1', m.memberEpoch + 1, 8), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(await commit('nobody', m.memberEpoch), ErrorCode.UNKNOWN_MEMBER_ID);
  const fetched = await client.request(ApiKey.OffsetFetch, 9, createOffsetFetchRequest({
    groups: [{ groupId: 'cg-o', memberId: 'o1', memberEpoch: m.memberEpoch, topics: [{ name: 'cg-wire', partitionIndexes: [0, 1] }] }],
  }));
  assert.deepEqual(fetched.groups[0].topics[0].partitions.map((p: any) => p.committedOffset), [-1n, 5n]);
  const offsetDelete = async () => (await client.request(ApiKey.OffsetDelete, 0, createOffsetDeleteRequest({ groupId: 'cg-o', topics: [{ name: 'cg-wire', partitions: [{ partitionIndex: 1 }] }] }))).topics[0].partitions[0].errorCode;
  assert.equal(await offsetDelete(), ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
  const deleteGroup = async () => (await client.request(ApiKey.DeleteGroups, 2, createDeleteGroupsRequest({ groupsNames: ['cg-o'] }))).results[0].errorCode;
  assert.equal(await deleteGroup(), ErrorCode.NON_EMPTY_GROUP);
  await hb({ groupId: 'cg-o', memberId: 'o1', memberEpoch: -1 });
  assert.equal(await offsetDelete(), ErrorCode.NONE);
  assert.equal(await deleteGroup(), ErrorCode.NONE);
  assert.equal(broker.broker.groups.consumerGroupDescribe(['cg-o'])[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('a group id is either classic or consumer; ListGroups v5 tells which', async () => {
  const join = await client.request(ApiKey.JoinGroup, 9, createJoinGroupRequest({
    groupId: 'cg', memberId: '', protocolType: 'consumer', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
    protocols: [{ name: 'range', metadata: encodeSubscription(['cg-wire']) }],
  }));
  assert.equal(join.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  // A classic group with a member: the consumer protocol is told the group is not found.
  const classicJoin = (memberId: string) => client.request(ApiKey.JoinGroup, 9, createJoinGroupRequest({
    groupId: 'classic-g', memberId, protocolType: 'consumer', sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000,
    protocols: [{ name: 'range', metadata: encodeSubscription(['cg-wire']) }],
  }));
  const first = await classicJoin('');
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.equal((await classicJoin(first.memberId)).errorCode, ErrorCode.NONE);
  const other = await RawClient.connect(broker.port);
  try {
    const res = await other.request(ApiKey.ConsumerGroupHeartbeat, 1, createConsumerGroupHeartbeatRequest({ groupId: 'classic-g', memberId: 'y', memberEpoch: 0, rebalanceTimeoutMs: 1000, subscribedTopicNames: ['cg-wire'], topicPartitions: [] }));
    assert.equal(res.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  } finally {
    other.close();
  }
  const list = await client.request(ApiKey.ListGroups, 5, createListGroupsRequest({ typesFilter: ['consumer'] }));
  const ids = list.groups.map((g: any) => [g.groupId, g.groupType]).sort();
  assert.deepEqual(ids, [['cg', 'consumer'], ['cg-re', 'consumer'], ['cg-s', 'consumer']]);
});
