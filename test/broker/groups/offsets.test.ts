// Committed offsets: OffsetCommit validation (generation, member, group
// state), OffsetFetch, OffsetDelete, DeleteGroups, transactional offsets, and
// durability in __consumer_offsets across restarts (including its compaction).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { GroupState } from '../../../src/broker/groups/group-state.js';
import { OFFSETS_TOPIC, decodeOffsetsRecord, offsetKey, offsetValue, partitionForGroup } from '../../../src/broker/groups/offset-records.js';
import { harness, joinReq, stableGroup, track, completeInitialDelay } from './helpers.js';

const codes = (r: { errorCode: number }[]) => r.map((x) => x.errorCode);

test('simple commits (generation -1) create an Empty group and are fetched back; unknown partitions answer -1', async () => {
  const h = await harness();
  try {
    const res = await h.coord.commitOffsets('simple', {}, [
      { topic: 't', partition: 0, offset: 10, leaderEpoch: 3, metadata: 'meta' },
      { topic: 't', partition: 1, offset: 20 },
      { topic: 'nope', partition: 0, offset: 1 },
      { topic: 't', partition: 99, offset: 1 },
      { topic: 't', partition: 2, offset: 1, metadata: 'x'.repeat(4097) },
    ]);
    assert.deepEqual(codes(res), [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE]);
    assert.equal(h.coord.group('simple')!.state, GroupState.Empty);
    const fetched = h.coord.fetchOffsets('simple', [{ topic: 't', partitions: [0, 1, 2] }, { topic: 'other', partitions: [0] }]);
    assert.deepEqual(fetched.offsets.map((o) => [o.topic, o.partition, o.offset, o.leaderEpoch, o.metadata, o.errorCode]), [
      ['t', 0, 10, 3, 'meta', 0],
      ['t', 1, 20, -1, '', 0],
      ['t', 2, -1, -1, '', 0],
      ['other', 0, -1, -1, '', 0],
    ]);
    // null topics: every committed offset of the group.
    assert.deepEqual(h.coord.fetchOffsets('simple', null).offsets.map((o) => [o.topic, o.partition, o.offset]), [['t', 0, 10], ['t', 1, 20]]);
    assert.deepEqual(h.coord.fetchOffsets('unknown-group', null).offsets, []);
    assert.equal(h.coord.fetchOffsets('unknown-group', [{ topic: 't', partitions: [0] }]).offsets[0]!.offset, -1);
    assert.deepEqual(h.coord.committedOffsets('simple', 't'), [10, 20, -1, -1, -1, -1]);
  } finally {
    await h.close();
  }
});

test('OffsetCommit checks the member and generation like Kafka', async () => {
  const h = await harness();
  try {
    // A generation for a group that does not exist: GROUP_ID_NOT_FOUND from v9, ILLEGAL_GENERATION before.
    const one = [{ topic: 't', partition: 0, offset: 1 }];
    assert.deepEqual(codes(await h.coord.commitOffsets('g', { memberId: 'm', generationId: 1 }, one, 8)), [ErrorCode.ILLEGAL_GENERATION]);
    assert.deepEqual(codes(await h.coord.commitOffsets('g', { memberId: 'm', generationId: 1 }, one, 9)), [ErrorCode.GROUP_ID_NOT_FOUND]);
    assert.equal(h.coord.group('g'), undefined);

    const { ids, generation } = await stableGroup(h, 2);
    const commit = (identity: object) => h.coord.commitOffsets('g', identity, one).then(codes);
    assert.deepEqual(await commit({ memberId: ids[0], generationId: generation }), [ErrorCode.NONE]);
    assert.deepEqual(await commit({ memberId: ids[0], generationId: generation + 1 }), [ErrorCode.ILLEGAL_GENERATION]);
    assert.deepEqual(await commit({ memberId: 'stranger', generationId: generation }), [ErrorCode.UNKNOWN_MEMBER_ID]);
    // Generation -1 from outside the group: only while the group is Empty.
    assert.deepEqual(await commit({}), [ErrorCode.UNKNOWN_MEMBER_ID]);
    assert.deepEqual(await commit({ memberId: ids[0], generationId: -1 }), [ErrorCode.ILLEGAL_GENERATION]);
    // A commit refreshes the member's session like a heartbeat.
    for (let i = 0; i < 5; i++) {
      h.clock.advance(9000);
      assert.deepEqual(await commit({ memberId: ids[0], generationId: generation }), [ErrorCode.NONE]);
      h.coord.heartbeat({ groupId: 'g', memberId: ids[1]!, generationId: generation, groupInstanceId: null });
    }
    assert.equal(h.coord.group('g')!.state, GroupState.Stable);
    for (const id of ids) h.coord.leaveGroup('g', [{ memberId: id, groupInstanceId: null }]);
    assert.equal(h.coord.group('g')!.state, GroupState.Empty);
    assert.deepEqual(await commit({}), [ErrorCode.NONE], 'an Empty group takes simple commits');
  } finally {
    await h.close();
  }
});

test('DeleteGroups removes the offsets too; OffsetDelete refuses topics a consumer group is subscribed to', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 1); // subscribed to 't'
    await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [
      { topic: 't', partition: 0, offset: 5 },
      { topic: 'u', partition: 0, offset: 7 },
      { topic: 'u', partition: 1, offset: 8 },
    ]);
    const del = await h.coord.deleteOffsets('g', [{ topic: 't', partitions: [0] }, { topic: 'u', partitions: [0] }, { topic: 'zz', partitions: [0] }]);
    assert.equal(del.errorCode, ErrorCode.NONE);
    assert.deepEqual(del.partitions.map((p) => [p.topic, p.errorCode]), [
      ['t', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC],
      ['u', ErrorCode.NONE],
      ['zz', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ]);
    assert.deepEqual(h.coord.fetchOffsets('g', null).offsets.map((o) => [o.topic, o.partition, o.offset]), [['t', 0, 5], ['u', 1, 8]]);
    assert.equal((await h.coord.deleteOffsets('missing', [])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
    assert.equal((await h.coord.deleteOffsets('', [])).errorCode, ErrorCode.INVALID_GROUP_ID);

    // A non-consumer protocol group with members cannot delete offsets at all.
    const connect = track(h.coord.joinGroup(joinReq({ groupId: 'c', protocolType: 'connect', protocols: [{ name: 'v1', metadata: Buffer.from('x') }] })));
    await completeInitialDelay(h, [connect]);
    assert.equal((await h.coord.deleteOffsets('c', [{ topic: 'u', partitions: [0] }])).errorCode, ErrorCode.NON_EMPTY_GROUP);

    h.coord.leaveGroup('g', [{ memberId: ids[0]!, groupInstanceId: null }]);
    // Empty now: offsets of the formerly subscribed topic can go.
    assert.deepEqual((await h.coord.deleteOffsets('g', [{ topic: 't', partitions: [0] }])).partitions.map((p) => p.errorCode), [ErrorCode.NONE]);
    assert.deepEqual(h.coord.fetchOffsets('g', null).offsets.map((o) => [o.topic, o.partition]), [['u', 1]]);
    assert.deepEqual(await h.coord.deleteGroups(['g']), [{ groupId: 'g', errorCode: ErrorCode.NONE }]);
    assert.deepEqual(h.coord.fetchOffsets('g', null).offsets, []);
  } finally {
    await h.close();
  }
});

test('committed offsets, generations, tombstones and deleted groups survive a restart', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 1);
    await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [
      { topic: 't', partition: 0, offset: 100, leaderEpoch: 2, metadata: 'a' },
      { topic: 't', partition: 1, offset: 200 },
    ]);
    await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [{ topic: 't', partition: 0, offset: 150, leaderEpoch: 2, metadata: 'b' }]);
    await h.coord.commitOffsets('gone', {}, [{ topic: 't', partition: 0, offset: 1 }]);
    await h.coord.commitOffsets('trimmed', {}, [{ topic: 'u', partition: 0, offset: 1 }, { topic: 'u', partition: 1, offset: 2 }]);
    assert.deepEqual(await h.coord.deleteGroups(['gone']), [{ groupId: 'gone', errorCode: 0 }]);
    await h.coord.deleteOffsets('trimmed', [{ topic: 'u', partitions: [0] }]);

    await h.restart();
    const g = h.coord.group('g')!;
    assert.equal(g.state, GroupState.Empty, 'membership is not kept across a restart');
    assert.equal(g.generationId, generation, 'the generation is');
    assert.equal(g.protocolType, 'consumer');
    assert.deepEqual(h.coord.fetchOffsets('g', null).offsets.map((o) => [o.partition, o.offset, o.leaderEpoch, o.metadata]), [[0, 150, 2, 'b'], [1, 200, -1, '']]);
    assert.equal(h.coord.group('gone'), undefined);
    assert.deepEqual(h.coord.fetchOffsets('trimmed', null).offsets.map((o) => [o.topic, o.partition, o.offset]), [['u', 1, 2]]);
    // The old member is unknown now; it rejoins and the generation keeps counting.
    assert.equal(h.coord.heartbeat({ groupId: 'g', memberId: ids[0]!, generationId: generation, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
    assert.deepEqual(codes(await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [{ topic: 't', partition: 0, offset: 1 }])), [ErrorCode.UNKNOWN_MEMBER_ID]);
    const again = await stableGroup(h, 1);
    assert.equal(again.generation, generation + 1);

    // __consumer_offsets is an internal, compacted topic.
    const topic = h.topics.get(OFFSETS_TOPIC)!;
    assert.equal(topic.internal, true);
    assert.equal(h.topics.effectiveConfigs(topic)['cleanup.policy'], 'compact');
  } finally {
    await h.close();
  }
});

test('the offsets log compacts itself: old records go, the latest values survive a restart', async () => {
  const h = await harness({ compactMinRecords: 50 });
  try {
    const log = h.topics.get(OFFSETS_TOPIC)!.partitions[partitionForGroup('busy', 1)]!.log;
    for (let i = 1; i <= 300; i++) {
      await h.coord.commitOffsets('busy', {}, [{ topic: 't', partition: i % 3, offset: i }]);
    }
    await h.coord.commitOffsets('other', {}, [{ topic: 'u', partition: 0, offset: 42 }]);
    assert.ok(log.logStartOffset > 0, 'the log start moved past compacted records');
    assert.ok(log.logEndOffset - log.logStartOffset < 100, `records kept: ${log.logEndOffset - log.logStartOffset}`);
    await h.restart({ compactMinRecords: 50 });
    assert.deepEqual(h.coord.committedOffsets('busy', 't').slice(0, 3), [300, 298, 299]);
    assert.deepEqual(h.coord.committedOffsets('other', 'u'), [42, -1]);
  } finally {
    await h.close();
  }
});

test('transactional offsets: pending until the transaction commits (UNSTABLE_OFFSET_COMMIT with requireStable), dropped on abort, durable across restarts', async () => {
  const h = await harness();
  try {
    await h.coord.commitOffsets('tx', {}, [{ topic: 't', partition: 0, offset: 5 }]);
    const prepared = await h.coord.prepareTxnOffsets('tx', 1000, 0, [{ topic: 't', partition: 0, offset: 50 }, { topic: 't', partition: 1, offset: 60 }, { topic: 'nope', partition: 0, offset: 1 }]);
    assert.deepEqual(codes(prepared), [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    const view = (requireStable: boolean) => h.coord.fetchOffsets('tx', [{ topic: 't', partitions: [0, 1] }], requireStable).offsets.map((o) => [o.offset, o.errorCode]);
    assert.deepEqual(view(false), [[5, 0], [-1, 0]], 'invisible while pending');
    assert.deepEqual(view(true), [[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT], [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    assert.equal(h.coord.describeAll().find((g) => g.groupId === 'tx')!.pendingTxnOffsets, 2);

    // A broker restart keeps them pending; the transaction's outcome then applies.
    await h.restart();
    assert.deepEqual(view(true), [[-1, ErrorCode.UNSTABLE_OFFSET_COMMIT], [-1, ErrorCode.UNSTABLE_OFFSET_COMMIT]]);
    await h.coord.completeTxnOffsets(1000, true);
    assert.deepEqual(view(true), [[50, 0], [60, 0]]);

    // An aborted transaction leaves the committed offsets alone.
    await h.coord.prepareTxnOffsets('tx', 2000, 0, [{ topic: 't', partition: 0, offset: 99 }]);
    await h.coord.completeTxnOffsets(2000, false);
    await h.coord.completeTxnOffsets(3000, true); // nothing pending: a no-op
    assert.deepEqual(view(true), [[50, 0], [60, 0]]);
    await h.restart();
    assert.deepEqual(view(true), [[50, 0], [60, 0]]);

    // Group checks apply when the request names a generation.
    const { ids, generation } = await stableGroup(h, 1, [{ groupId: 'g' }]);
    assert.deepEqual(codes(await h.coord.prepareTxnOffsets('g', 7, 0, [{ topic: 't', partition: 0, offset: 1 }], { memberId: ids[0], generationId: generation + 1 })), [ErrorCode.ILLEGAL_GENERATION]);
    assert.deepEqual(codes(await h.coord.prepareTxnOffsets('g', 7, 0, [{ topic: 't', partition: 0, offset: 1 }], { memberId: ids[0], generationId: generation })), [ErrorCode.NONE]);
    assert.deepEqual(codes(await h.coord.prepareTxnOffsets('', 7, 0, [{ topic: 't', partition: 0, offset: 1 }])), [ErrorCode.INVALID_GROUP_ID]);
  } finally {
    await h.close();
  }
});

test('describeAll: state, members, decoded assignments, committed offsets and lag', async () => {
  const h = await harness();
  try {
    const { ids, generation } = await stableGroup(h, 2);
    // Put 10 records in t-0 so the lag is visible.
    const p0 = h.topics.partition('t', 0)!;
    const { buildBatch, parseBatches } = await import('../../../src/broker/records/index.js');
    const batch = buildBatch({ records: Array.from({ length: 10 }, (_, i) => ({ value: `v${i}` })) });
    p0.log.append(batch, parseBatches(batch));
    await h.coord.commitOffsets('g', { memberId: ids[0], generationId: generation }, [{ topic: 't', partition: 0, offset: 4 }]);
    const [snap] = h.coord.describeAll();
    assert.equal(snap!.groupId, 'g');
    assert.equal(snap!.state, 'Stable');
    assert.equal(snap!.protocolType, 'consumer');
    assert.equal(snap!.protocolName, 'range');
    assert.equal(snap!.generationId, generation);
    assert.deepEqual(snap!.members.map((m) => [m.memberId, m.clientId, m.isLeader, m.assignment, m.subscription]), [
      [ids[0], 'c0', true, [{ topic: 't', partitions: [0] }], ['t']],
      [ids[1], 'c1', false, [{ topic: 't', partitions: [1] }], ['t']],
    ]);
    assert.deepEqual(snap!.offsets.map((o) => [o.topic, o.partition, o.committedOffset, o.logEndOffset, o.lag]), [['t', 0, 4, 10, 6]]);
    assert.equal(snap!.totalLag, 6);
  } finally {
    await h.close();
  }
});

test('offsets of deleted topics can be dropped for every group', async () => {
  const h = await harness();
  try {
    await h.coord.commitOffsets('g1', {}, [{ topic: 't', partition: 0, offset: 1 }, { topic: 'u', partition: 0, offset: 2 }]);
    await h.coord.commitOffsets('g2', {}, [{ topic: 'u', partition: 1, offset: 3 }]);
    await h.coord.deleteOffsetsForTopics(['u']);
    assert.deepEqual(h.coord.fetchOffsets('g1', null).offsets.map((o) => [o.topic, o.offset]), [['t', 1]]);
    assert.deepEqual(h.coord.fetchOffsets('g2', null).offsets, []);
    await h.restart();
    assert.deepEqual(h.coord.fetchOffsets('g1', null).offsets.map((o) => [o.topic, o.offset]), [['t', 1]]);
  } finally {
    await h.close();
  }
});

test('offset records use Kafka key/value layouts', () => {
  const rec = decodeOffsetsRecord(offsetKey('grp', 'topic', 3), offsetValue({ offset: 12, leaderEpoch: 1, metadata: 'm', commitTimestamp: 99 }));
  assert.deepEqual(rec, { type: 'offset', group: 'grp', topic: 'topic', partition: 3, value: { offset: 12, leaderEpoch: 1, metadata: 'm', commitTimestamp: 99 } });
  // Key v1: int16 version, then group/topic as int16-length strings and the partition.
  assert.equal(offsetKey('g', 't', 1).toString('hex'), '0001' + '0001' + '67' + '0001' + '74' + '00000001');
  assert.equal(decodeOffsetsRecord(offsetKey('g', 't', 1), null)!.type, 'offset');
  // Java's String.hashCode places groups like Kafka does ("test".hashCode() is 3556498).
  assert.equal(partitionForGroup('test', 50), 3556498 % 50);
  assert.equal(partitionForGroup('anything', 1), 0);
});
