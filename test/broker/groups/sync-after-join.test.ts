// A SyncGroup sent right after JoinGroup by a member whose rebalance timeout is
// 0 (what kafkajs's broker-level joinGroup sends): the member lives until its
// SyncGroup as Kafka keeps it, for its session timeout; one that never syncs
// goes when that session would have ended. Virtual clock, no waiting; and the
// same exchange over TCP with raw requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { GroupState } from '../../../src/broker/groups/group-state.js';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { encodeSubscription } from '../../../src/broker/groups/consumer-protocol.js';
import { createJoinGroupRequest } from '../../../src/broker/protocol/messages/join-group-request.js';
import { createSyncGroupRequest } from '../../../src/broker/protocol/messages/sync-group-request.js';
import { startTestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { SESSION, assignmentFor, completeInitialDelay, harness, joinReq, settle, syncReq, track } from './helpers.js';

test('rebalance timeout 0: the SyncGroup that follows the JoinGroup answer still finds the member', async () => {
  const h = await harness();
  try {
    const join = track(h.coord.joinGroup(joinReq({ rebalanceTimeoutMs: 0 })));
    await completeInitialDelay(h, [join]);
    const joined = join.value!;
    assert.equal(joined.errorCode, ErrorCode.NONE);
    // The round trip between the JoinGroup answer and the SyncGroup takes some time.
    h.clock.advance(5);
    await settle();
    const sync = await h.coord.syncGroup(syncReq({ memberId: joined.memberId, generationId: joined.generationId, assignments: [{ memberId: joined.memberId, assignment: assignmentFor([0, 1]) }] }));
    assert.equal(sync.errorCode, ErrorCode.NONE);
    assert.deepEqual(sync.assignment, assignmentFor([0, 1]));
    assert.equal(h.coord.group('g')!.state, GroupState.Stable);
  } finally {
    await h.close();
  }
});

test('rebalance timeout 0: a member that never syncs is removed with its session timeout, not before', async () => {
  const h = await harness();
  try {
    const a = track(h.coord.joinGroup(joinReq({ rebalanceTimeoutMs: 0 })));
    const b = track(h.coord.joinGroup(joinReq({ rebalanceTimeoutMs: 0 })));
    await completeInitialDelay(h, [a, b]);
    const leader = a.value!.leader === a.value!.memberId ? a.value! : b.value!;
    const other = leader === a.value! ? b.value! : a.value!;
    const s = await h.coord.syncGroup(syncReq({ memberId: leader.memberId, generationId: leader.generationId, assignments: [] }));
    assert.equal(s.errorCode, ErrorCode.NONE);
    h.clock.advance(SESSION - 1);
    await settle();
    assert.equal(h.coord.group('g')!.has(other.memberId), true, 'still a member just before its session ends');
    h.clock.advance(1);
    await settle();
    assert.equal(h.coord.group('g')!.has(other.memberId), false);
  } finally {
    await h.close();
  }
});

test('over TCP: JoinGroup v5 with rebalance timeout 0, then SyncGroup at once, as kafkajs sends them', async () => {
  const broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
  const client = await RawClient.connect(broker.port);
  try {
    await broker.broker.topics.create('race', 2);
    const body = (memberId: string) => createJoinGroupRequest({
      groupId: 'race', sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 0, memberId, protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: encodeSubscription(['race']) }],
    });
    let joined = await client.request(ApiKey.JoinGroup, 5, body(''));
    assert.equal(joined.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
    joined = await client.request(ApiKey.JoinGroup, 5, body(joined.memberId));
    assert.equal(joined.errorCode, ErrorCode.NONE);
    const synced = await client.request(ApiKey.SyncGroup, 3, createSyncGroupRequest({
      groupId: 'race', generationId: joined.generationId, memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: assignmentFor([0, 1], 'race') }],
    }));
    assert.equal(synced.errorCode, ErrorCode.NONE);
    const hb = await client.request(ApiKey.Heartbeat, 3, { groupId: 'race', generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null });
    assert.equal(hb.errorCode, ErrorCode.NONE);
  } finally {
    client.close();
    await broker.destroy();
  }
});
