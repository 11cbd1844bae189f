// The classic rebalance protocol driven through the coordinator on a virtual
// clock: every state transition a group makes, and the error answers of
// JoinGroup, SyncGroup, Heartbeat and LeaveGroup in each state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { GroupState } from '../../../src/broker/groups/group-state.js';
import { TimerScheduler } from '../../../src/broker/groups/scheduler.js';
import { GroupCoordinator } from '../../../src/broker/groups/coordinator.js';
import { encodeSubscription } from '../../../src/broker/groups/consumer-protocol.js';
import { TopicManager } from '../../../src/broker/topics/topic-manager.js';
import { tempDir } from '../../helpers/broker.js';
import { DELAY, REBALANCE, SESSION, assignmentFor, completeInitialDelay, harness, joinReq, settle, stableGroup, syncReq, track } from './helpers.js';

const state = (h: { coord: GroupCoordinator }) => h.coord.group('g')?.state;

test('Empty → PreparingRebalance → CompletingRebalance → Stable: join, initial delay, leader sync', async () => {
  const h = await harness();
  try {
    const a = track(h.coord.joinGroup(joinReq({ clientId: 'a' })));
    await settle();
    assert.equal(state(h), GroupState.PreparingRebalance);
    assert.equal(a.done, false, 'JoinGroup parks during the initial delay');
    assert.equal(h.clock.dueIn('join\u0000g'), DELAY);

    // A second member within the delay extends it and joins the same generation.
    h.clock.advance(DELAY / 2);
    const b = track(h.coord.joinGroup(joinReq({ clientId: 'b' })));
    h.clock.advance(DELAY / 2);
    await settle();
    assert.equal(a.done, false, 'the delay was extended by the new member');
    h.clock.advance(DELAY);
    await settle();
    assert.ok(a.done && b.done);
    assert.equal(state(h), GroupState.CompletingRebalance);
    const [ra, rb] = [a.value!, b.value!];
    assert.equal(ra.errorCode, ErrorCode.NONE);
    assert.equal(ra.generationId, 1);
    assert.equal(rb.generationId, 1);
    assert.equal(ra.protocolName, 'range');
    assert.equal(ra.protocolType, 'consumer');
    assert.equal(ra.leader, ra.memberId, 'the first member leads');
    assert.equal(rb.leader, ra.memberId);
    assert.deepEqual(ra.members.map((m) => m.memberId).sort(), [ra.memberId, rb.memberId].sort());
    assert.deepEqual(rb.members, [], 'followers get no member list');
    assert.ok(ra.memberId.startsWith('a-') && rb.memberId.startsWith('b-'), 'member ids are clientId-uuid');

    // The follower's SyncGroup waits for the leader's.
    const sb = track(h.coord.syncGroup(syncReq({ memberId: rb.memberId, generationId: 1 })));
    await settle();
    assert.equal(sb.done, false);
    const sa = await h.coord.syncGroup(syncReq({
      memberId: ra.memberId,
      generationId: 1,
      assignments: [{ memberId: ra.memberId, assignment: assignmentFor([0, 1, 2]) }], // b left out: gets an empty one
    }));
    await settle();
    assert.equal(state(h), GroupState.Stable);
    assert.equal(sa.errorCode, ErrorCode.NONE);
    assert.deepEqual(sa.assignment, assignmentFor([0, 1, 2]));
    assert.ok(sb.done);
    assert.equal(sb.value!.errorCode, ErrorCode.NONE);
    assert.equal(sb.value!.assignment.length, 0);
    // A late SyncGroup in Stable gets the current assignment at once.
    const again = await h.coord.syncGroup(syncReq({ memberId: ra.memberId, generationId: 1 }));
    assert.deepEqual(again.assignment, assignmentFor([0, 1, 2]));
  } finally {
    await h.close();
  }
});

test('Stable → PreparingRebalance on a new member; heartbeats say REBALANCE_IN_PROGRESS; rejoin completes at once', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 2);
    const c = track(h.coord.joinGroup(joinReq({ clientId: 'c' })));
    await settle();
    assert.equal(state(h), GroupState.PreparingRebalance);
    assert.equal(c.done, false);
    for (const id of ids) assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: id, generationId: generation, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS);
    // Commits are still accepted while preparing (the heartbeat tells members to rejoin).
    const commit = await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [{ topic: 't', partition: 0, offset: 5 }]);
    assert.equal(commit[0]!.errorCode, ErrorCode.NONE);
    const r0 = track(h.coord.joinGroup(joinReq({ memberId: ids[0]!, clientId: 'c0' })));
    await settle();
    assert.equal(r0.done, false, 'waits for the other member');
    const r1 = track(h.coord.joinGroup(joinReq({ memberId: ids[1]!, clientId: 'c1' })));
    await settle();
    assert.ok(r0.done && r1.done && c.done, 'everyone rejoined: no need to wait for the timeout');
    assert.equal(r0.value!.generationId, generation + 1);
    assert.equal(r0.value!.members.length, 3);
    assert.equal(state(h), GroupState.CompletingRebalance);
  } finally {
    await h.close();
  }
});

test('members that do not rejoin within the rebalance timeout (the largest among members) are removed', async () => {
  const h = await harness();
  try {
    const { ids } = await stableGroup(h, 2, [{ rebalanceTimeoutMs: REBALANCE }, { rebalanceTimeoutMs: REBALANCE * 2 }]);
    const c = track(h.coord.joinGroup(joinReq({ clientId: 'c', rebalanceTimeoutMs: 1000 })));
    const r0 = track(h.coord.joinGroup(joinReq({ memberId: ids[0]!, rebalanceTimeoutMs: REBALANCE })));
    await settle();
    assert.equal(h.clock.dueIn('join\u0000g'), REBALANCE * 2);
    // The silent member keeps heartbeating (so its session never expires) but does not rejoin.
    for (let t = 0; t < REBALANCE * 2 - 5000; t += 5000) {
      h.clock.advance(5000);
      assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[1]!, generationId: 1, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS);
    }
    h.clock.advance(4999);
    await settle();
    assert.equal(r0.done, false);
    h.clock.advance(1);
    await settle();
    assert.ok(r0.done && c.done);
    assert.equal(h.coord.group('g')!.has(ids[1]!), false, 'the member that did not rejoin is gone');
    assert.equal(r0.value!.members.length, 2);
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[1]!, generationId: 1, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
  } finally {
    await h.close();
  }
});

test('CompletingRebalance → PreparingRebalance: a join while members await assignments answers their SyncGroup with REBALANCE_IN_PROGRESS', async () => {
  const h = await harness();
  try {
    const a = track(h.coord.joinGroup(joinReq()));
    const b = track(h.coord.joinGroup(joinReq()));
    await completeInitialDelay(h, [a, b]);
    const follower = a.value!.leader === a.value!.memberId ? b.value! : a.value!;
    const parked = track(h.coord.syncGroup(syncReq({ memberId: follower.memberId, generationId: 1 })));
    // In CompletingRebalance heartbeats are fine, commits are not.
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: follower.memberId, generationId: 1, groupInstanceId: null }), ErrorCode.NONE);
    const commit = await h.coord.commitOffsets('g', { memberId: follower.memberId, generationId: 1 }, [{ topic: 't', partition: 0, offset: 1 }]);
    assert.equal(commit[0]!.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    void h.coord.joinGroup(joinReq({ clientId: 'late' }));
    await settle();
    assert.equal(state(h), GroupState.PreparingRebalance);
    assert.ok(parked.done);
    assert.equal(parked.value!.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
    const sync = await h.coord.syncGroup(syncReq({ memberId: follower.memberId, generationId: 1 }));
    assert.equal(sync.errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'SyncGroup while preparing');
  } finally {
    await h.close();
  }
});

test('CompletingRebalance → PreparingRebalance: members that never sync within the rebalance timeout are removed', async () => {
  const h = await harness();
  try {
    const a = track(h.coord.joinGroup(joinReq()));
    const b = track(h.coord.joinGroup(joinReq()));
    await completeInitialDelay(h, [a, b]);
    const leader = a.value!;
    // Only the leader syncs (and keeps heartbeating through the wait).
    const s = track(h.coord.syncGroup(syncReq({ memberId: leader.memberId, generationId: 1, assignments: [] })));
    await settle();
    assert.ok(s.done);
    assert.equal(state(h), GroupState.Stable);
    // Both stay alive (b heartbeats but never sends SyncGroup) until the sync deadline.
    for (let t = 0; t < REBALANCE; t += 5000) {
      for (const m of [a.value!, b.value!]) {
        assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: m.memberId, generationId: 1, groupInstanceId: null }), ErrorCode.NONE);
      }
      h.clock.advance(5000);
    }
    await settle();
    assert.equal(h.coord.group('g')!.has(b.value!.memberId), false);
    assert.equal(state(h), GroupState.PreparingRebalance);
  } finally {
    await h.close();
  }
});

test('Stable → PreparingRebalance on session expiry; the survivor rejoins into a new generation', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 2);
    // Member 0 heartbeats, member 1 goes silent.
    for (let t = 0; t < SESSION; t += 3000) {
      h.clock.advance(3000);
      if (h.coord.group('g')!.is(GroupState.Stable)) {
        assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, generationId: generation, groupInstanceId: null }), ErrorCode.NONE);
      }
    }
    assert.equal(state(h), GroupState.PreparingRebalance);
    assert.equal(h.coord.group('g')!.has(ids[1]!), false, 'the silent member expired');
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, generationId: generation, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS);
    const r = await h.coord.joinGroup(joinReq({ memberId: ids[0]! }));
    assert.equal(r.generationId, generation + 1);
    assert.equal(r.members.length, 1);
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, generationId: generation, groupInstanceId: null }), ErrorCode.ILLEGAL_GENERATION);
  } finally {
    await h.close();
  }
});

test('PreparingRebalance → Empty when the last member leaves; Empty → Dead on DeleteGroups', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 1);
    assert.deepEqual((await h.coord.deleteGroups(['g']))[0], { groupId: 'g', errorCode: ErrorCode.NON_EMPTY_GROUP });
    const left = h.coord.leaveGroup('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    assert.deepEqual(left.members.map((m) => m.errorCode), [ErrorCode.NONE]);
    assert.equal(state(h), GroupState.Empty);
    assert.equal(h.coord.group('g')!.generationId, generation + 1);
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, generationId: generation + 1, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: ids[0]!, generationId: generation + 1 }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    const group = h.coord.group('g')!;
    assert.deepEqual(await h.coord.deleteGroups(['g', 'g', 'nope']), [
      { groupId: 'g', errorCode: ErrorCode.NONE },
      { groupId: 'g', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
      { groupId: 'nope', errorCode: ErrorCode.GROUP_ID_NOT_FOUND },
    ]);
    assert.equal(group.state, GroupState.Dead);
    assert.equal(h.coord.group('g'), undefined);
    assert.deepEqual(h.coord.describeGroups(['g'])[0]!.state, 'Dead');
  } finally {
    await h.close();
  }
});

test('a member leaving a Stable group triggers a rebalance for the others', async () => {
  const h = await harness();
  try {
    const { ids } = await stableGroup(h, 3);
    const res = h.coord.leaveGroup('g', [
      { memberId: ids[2]!, groupInstanceId: null },
      { memberId: 'ghost', groupInstanceId: null },
    ]);
    assert.deepEqual(res.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.equal(state(h), GroupState.PreparingRebalance);
    assert.equal(h.coord.group('g')!.size, 2);
    assert.deepEqual(h.coord.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }]).members[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(h.coord.leaveGroup('', []).errorCode, ErrorCode.INVALID_GROUP_ID);
  } finally {
    await h.close();
  }
});

test('JoinGroup errors: INVALID_GROUP_ID, INVALID_SESSION_TIMEOUT, UNKNOWN_MEMBER_ID, INCONSISTENT_GROUP_PROTOCOL', async () => {
  const h = await harness({ minSessionTimeoutMs: 6000, maxSessionTimeoutMs: 60_000 });
  try {
    assert.equal((await h.coord.joinGroup(joinReq({ groupId: '' }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    assert.equal((await h.coord.joinGroup(joinReq({ sessionTimeoutMs: 5999 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    assert.equal((await h.coord.joinGroup(joinReq({ sessionTimeoutMs: 60_001 }))).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
    // A member id for a group that does not exist.
    assert.equal((await h.coord.joinGroup(joinReq({ memberId: 'm-1' }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    // No protocol type or no protocols: refused, and the group is not left behind.
    assert.equal((await h.coord.joinGroup(joinReq({ protocolType: '' }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await h.coord.joinGroup(joinReq({ protocols: [] }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(h.coord.group('g'), undefined);
    assert.equal(h.coord.listGroups().length, 0);

    const { ids } = await stableGroup(h, 1, [{ sessionTimeoutMs: 6000 }]);
    // Another protocol type, or no protocol in common with the members.
    const otherType = await h.coord.joinGroup(joinReq({ protocolType: 'connect', sessionTimeoutMs: 6000 }));
    assert.equal(otherType.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal(otherType.memberId, '');
    const noCommon = await h.coord.joinGroup(joinReq({ protocols: [{ name: 'RoundRobinAssigner', metadata: encodeSubscription(['t']) }], sessionTimeoutMs: 6000 }));
    assert.equal(noCommon.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    // The same for a known member switching to an unsupported protocol alone.
    assert.equal(h.coord.group('g')!.size, 1);
    assert.equal(state(h), GroupState.Stable, 'refused joins do not disturb the group');
    assert.equal((await h.coord.joinGroup(joinReq({ memberId: 'unknown-member', sessionTimeoutMs: 6000 }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    void ids;
  } finally {
    await h.close();
  }
});

test('JoinGroup v4+: MEMBER_ID_REQUIRED hands out an id; rejoining with it joins; an unused id expires', async () => {
  const h = await harness();
  try {
    const first = await h.coord.joinGroup(joinReq({ requireKnownMemberId: true, clientId: 'kafkajs' }));
    assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.match(first.memberId, /^kafkajs-[0-9a-f-]{36}$/);
    assert.equal(state(h), GroupState.Empty, 'a pending member does not start a rebalance');
    const second = track(h.coord.joinGroup(joinReq({ requireKnownMemberId: true, memberId: first.memberId })));
    await settle();
    assert.equal(state(h), GroupState.PreparingRebalance);
    h.clock.advance(DELAY);
    await settle();
    assert.equal(second.value!.errorCode, ErrorCode.NONE);
    assert.equal(second.value!.memberId, first.memberId);

    // A pending id nobody uses goes away with its session timeout.
    const other = await h.coord.joinGroup(joinReq({ groupId: 'g2', requireKnownMemberId: true }));
    assert.equal(other.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    assert.ok(h.coord.group('g2'));
    h.clock.advance(SESSION);
    assert.equal(h.coord.group('g2'), undefined, 'the brand-new group is forgotten with its only pending member');
    assert.equal((await h.coord.joinGroup(joinReq({ groupId: 'g2', memberId: other.memberId }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  } finally {
    await h.close();
  }
});

test('the protocol is chosen by vote among the protocols every member supports', async () => {
  const h = await harness();
  try {
    const sub = encodeSubscription(['t']);
    const p = (...names: string[]) => names.map((name) => ({ name, metadata: sub }));
    const joins = [
      track(h.coord.joinGroup(joinReq({ protocols: p('range', 'roundrobin', 'sticky') }))),
      track(h.coord.joinGroup(joinReq({ protocols: p('sticky', 'roundrobin', 'range') }))),
      track(h.coord.joinGroup(joinReq({ protocols: p('roundrobin', 'sticky') }))),
    ];
    await completeInitialDelay(h, joins);
    // Candidates: roundrobin and sticky (range lacks the third member). Votes:
    // member 1 → roundrobin (its first candidate), member 2 → sticky, member 3 → roundrobin.
    assert.ok(joins.every((j) => j.value!.protocolName === 'roundrobin'));
    assert.equal(h.coord.group('g')!.protocolName, 'roundrobin');
  } finally {
    await h.close();
  }
});

test('SyncGroup errors: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INCONSISTENT_GROUP_PROTOCOL (v5 type/name)', async () => {
  const h = await harness();
  try {
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: 'x', generationId: 1 }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'no such group');
    assert.equal((await h.coord.syncGroup(syncReq({ groupId: '', memberId: 'x', generationId: 1 }))).errorCode, ErrorCode.INVALID_GROUP_ID);
    const { ids, generation } = await stableGroup(h, 1);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: 'x', generationId: generation }))).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: ids[0]!, generationId: generation + 1 }))).errorCode, ErrorCode.ILLEGAL_GENERATION);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: ids[0]!, generationId: generation, protocolType: 'connect' }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: ids[0]!, generationId: generation, protocolName: 'sticky' }))).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
    const ok = await h.coord.syncGroup(syncReq({ memberId: ids[0]!, generationId: generation, protocolType: 'consumer', protocolName: 'range' }));
    assert.equal(ok.errorCode, ErrorCode.NONE);
    assert.equal(ok.protocolType, 'consumer');
    assert.equal(ok.protocolName, 'range');
  } finally {
    await h.close();
  }
});

test('Heartbeat errors: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INVALID_GROUP_ID', async () => {
  const h = await harness();
  try {
    const hb = (memberId: string, generationId: number, groupId = 'g') => h.coord.heartbeat({ groupId, memberId, generationId, groupInstanceId: null });
    assert.equal(hb('x', 0, 'nope'), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.equal(hb('x', 0, ''), ErrorCode.INVALID_GROUP_ID);
    const { ids, generation } = await stableGroup(h, 1);
    assert.equal(hb(ids[0]!, generation), ErrorCode.NONE);
    assert.equal(hb(ids[0]!, generation - 1), ErrorCode.ILLEGAL_GENERATION);
    assert.equal(hb('x', generation), ErrorCode.UNKNOWN_MEMBER_ID);
    // Heartbeats keep the member alive well past its session timeout.
    for (let i = 0; i < 10; i++) {
      h.clock.advance(SESSION - 1);
      assert.equal(hb(ids[0]!, generation), ErrorCode.NONE);
    }
    assert.equal(state(h), GroupState.Stable);
  } finally {
    await h.close();
  }
});

test('static membership: a rejoin with the same metadata takes over without a rebalance; the old id is fenced', async () => {
  const h = await harness();
  try {
    const { ids, generation, syncs } = await stableGroup(h, 2, [{ groupInstanceId: 'i0' }, { groupInstanceId: 'i1' }]);
    assert.ok(ids[1]!.startsWith('i1-'), 'a static member id starts with its instance id');
    // Instance i1 restarts (it lost its member id) and rejoins with identical metadata.
    const rejoin = await h.coord.joinGroup(joinReq({ groupInstanceId: 'i1', requireKnownMemberId: true }));
    assert.equal(rejoin.errorCode, ErrorCode.NONE, 'static members skip MEMBER_ID_REQUIRED');
    assert.notEqual(rejoin.memberId, ids[1]);
    assert.equal(rejoin.generationId, generation, 'no new generation');
    assert.equal(rejoin.leader, ids[0]);
    assert.equal(state(h), GroupState.Stable);
    const sync = await h.coord.syncGroup(syncReq({ memberId: rejoin.memberId, groupInstanceId: 'i1', generationId: generation }));
    assert.deepEqual(sync.assignment, syncs[1]!.assignment, 'it keeps its assignment');
    // The stale member id is fenced everywhere.
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[1]!, groupInstanceId: 'i1', generationId: generation }), ErrorCode.FENCED_INSTANCE_ID);
    assert.equal((await h.coord.syncGroup(syncReq({ memberId: ids[1]!, groupInstanceId: 'i1', generationId: generation }))).errorCode, ErrorCode.FENCED_INSTANCE_ID);
    assert.equal((await h.coord.joinGroup(joinReq({ memberId: ids[1]!, groupInstanceId: 'i1' }))).errorCode, ErrorCode.FENCED_INSTANCE_ID);
    const commit = await h.coord.commitOffsets('g', { memberId: ids[1]!, groupInstanceId: 'i1', generationId: generation }, [{ topic: 't', partition: 1, offset: 1 }]);
    assert.equal(commit[0]!.errorCode, ErrorCode.FENCED_INSTANCE_ID);
    assert.equal(h.coord.leaveGroup('g', [{ memberId: ids[1]!, groupInstanceId: 'i1' }]).members[0]!.errorCode, ErrorCode.FENCED_INSTANCE_ID);
    // An unknown instance id is an unknown member.
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, groupInstanceId: 'i9', generationId: generation }), ErrorCode.UNKNOWN_MEMBER_ID);

    // JoinGroup v9: a static leader rejoining is told it leads but must skip the assignment.
    const leaderBack = await h.coord.joinGroup(joinReq({ groupInstanceId: 'i0', supportsSkipAssignment: true }));
    assert.equal(leaderBack.leader, leaderBack.memberId);
    assert.equal(leaderBack.skipAssignment, true);
    assert.equal(leaderBack.members.length, 2);
    assert.equal(state(h), GroupState.Stable);

    // A static member rejoining with different metadata does rebalance.
    void h.coord.joinGroup(joinReq({ groupInstanceId: 'i1', protocols: [{ name: 'range', metadata: encodeSubscription(['t', 'u']) }] }));
    assert.equal(state(h), GroupState.PreparingRebalance);
  } finally {
    await h.close();
  }
});

test('LeaveGroup by group.instance.id alone (v3+ admin removal)', async () => {
  const h = await harness();
  try {
    await stableGroup(h, 2, [{ groupInstanceId: 'i0' }, { groupInstanceId: 'i1' }]);
    const res = h.coord.leaveGroup('g', [{ memberId: '', groupInstanceId: 'i1' }, { memberId: '', groupInstanceId: 'i7' }]);
    assert.deepEqual(res.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.equal(h.coord.group('g')!.size, 1);
    assert.equal(state(h), GroupState.PreparingRebalance);
  } finally {
    await h.close();
  }
});

test('DescribeGroups and ListGroups (state and type filters)', async () => {
  const h = await harness();
  try {
    const { ids } = await stableGroup(h, 2);
    await h.coord.commitOffsets('simple', {}, [{ topic: 't', partition: 0, offset: 3 }]);
    const [g, missing] = h.coord.describeGroups(['g', 'missing']);
    assert.equal(g!.state, 'Stable');
    assert.equal(g!.protocolType, 'consumer');
    assert.equal(g!.protocolName, 'range');
    assert.deepEqual(g!.members.map((m) => m.memberId).sort(), [...ids].sort());
    assert.equal(g!.members[0]!.clientHost, '/127.0.0.1');
    assert.ok(g!.members.every((m) => m.metadata.length > 0 && m.assignment.length > 0));
    assert.deepEqual(missing, { errorCode: 0, groupId: 'missing', state: 'Dead', protocolType: '', protocolName: '', members: [] });
    assert.deepEqual(h.coord.listGroups().map((x) => [x.groupId, x.state, x.protocolType]).sort(), [['g', 'Stable', 'consumer'], ['simple', 'Empty', '']]);
    assert.deepEqual(h.coord.listGroups(['stable']).map((x) => x.groupId), ['g']);
    assert.deepEqual(h.coord.listGroups(['Empty', 'Dead']).map((x) => x.groupId), ['simple']);
    assert.equal(h.coord.listGroups([], ['consumer']).length, 0);
    assert.equal(h.coord.listGroups([], ['Classic']).length, 2);
    // While rebalancing, metadata and assignments are not reported.
    void h.coord.joinGroup(joinReq());
    const preparing = h.coord.describeGroups(['g'])[0]!;
    assert.equal(preparing.state, 'PreparingRebalance');
    assert.equal(preparing.protocolName, '');
    assert.ok(preparing.members.every((m) => m.metadata.length === 0 && m.assignment.length === 0));
  } finally {
    await h.close();
  }
});

test('close answers parked requests and leaves no timer behind', async () => {
  const dir = tempDir('tributary-groups-');
  const topics = await TopicManager.open(dir);
  const timers = new TimerScheduler();
  const coord = await GroupCoordinator.open(topics, { scheduler: timers, initialRebalanceDelayMs: 60_000, minSessionTimeoutMs: 1000 });
  try {
    const parked = coord.joinGroup(joinReq());
    await settle();
    assert.ok(timers.size >= 2, 'session and join timers are running');
    await coord.close();
    assert.equal((await parked).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal(timers.size, 0);
    assert.equal((await coord.joinGroup(joinReq())).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  } finally {
    await topics.close();
  }
});
