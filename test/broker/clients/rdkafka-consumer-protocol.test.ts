// librdkafka 2.15 (@confluentinc/kafka-javascript 1.10, built from the source
// its npm package ships; see rdkafka-build.ts) with group.protocol=consumer
// (KIP-848: ConsumerGroupHeartbeat, server-side assignment, incremental
// assign and revoke) against the embedded broker over TCP: one member joins,
// gets the topic's four partitions, consumes what was produced and commits; a
// second member joins and the partitions split two and two (the first revokes
// before the second gets them), both consume what follows exactly once; when
// the second leaves, the first takes everything back. A classic librdkafka
// member (JoinGroup/SyncGroup) in another group reads the same topic beside
// them. Through the group scenario of group-scenario.ts, three members of
// the consumer protocol share six partitions, and when one is SIGKILLed the
// other two take its partitions once the broker's session timeout has removed
// it. Each member is a child process on the Node the addon was built with;
// waits wake on the members' reports and the broker's log, never on a timer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Producer } from 'kafkajs';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { createConsumerGroupDescribeRequest } from '../../../src/broker/protocol/messages/consumer-group-describe-request.js';
import type { TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { allJoined, assertExactlyOnce, consumeShared, forkMember, GroupWatch, produceWithKafkajs, SESSION_MS, startKafkajsScenario, takeOverAfterKill, tally, type Member, type ScenarioAdapter } from './group-scenario.js';
import { findRdkafkaBuild, type RdkafkaBuild } from './rdkafka-build.js';

const TOPIC = 'rdk-orders';
const GROUP = 'rdk-group';
const CLASSIC_GROUP = 'rdk-classic';
const KILL_TOPIC = 'rdk-kill-orders';
const KILL_GROUP = 'rdk-kill-group';

let found: ReturnType<typeof findRdkafkaBuild> | undefined;
let missing: unknown;
try {
  found = findRdkafkaBuild();
} catch (err) {
  missing = err;
}
// Without a build the tests below are skipped; a missing build under CI is the one failure above them.
const skip = missing ? 'no librdkafka client build (see the failure of "the librdkafka client build")' : found && 'skip' in found ? found.skip : false;

let broker: TestBroker;
let producer: Producer;
const watch = new GroupWatch();
const children = new Map<Member, ChildProcess>();

function start(m: Member, groupId: string, protocol: 'consumer' | 'classic', topic = TOPIC): void {
  const build = (found as { build: RdkafkaBuild }).build;
  const child = forkMember(watch, m, 'rdkafka-member', [build.dir, broker.address, groupId, topic, m.name, protocol], build.node);
  child.on('exit', watch.signal.notify);
  children.set(m, child);
}

/** Asks a member to leave its group and waits for its process to end. */
async function close(m: Member): Promise<void> {
  const child = children.get(m)!;
  children.delete(m);
  if (child.exitCode !== null) return;
  child.send({ type: 'close' });
  await once(child, 'exit');
}

const produce = (prefix: string, count: number) => produceWithKafkajs(producer, TOPIC, prefix, count);
const describeGroup = () => broker.broker.groups.consumerGroupDescribe([GROUP])[0]!;
const ownsAll = (members: Member[]) => new Set(members.flatMap((m) => m.partitions)).size === 4 && members.flatMap((m) => m.partitions).length === 4;

if (missing) test('the librdkafka client build', () => { throw missing; });

before(async () => {
  if (skip) return;
  ({ broker, producer } = await startKafkajsScenario({ groupConsumerHeartbeatIntervalMs: 200, groupConsumerSessionTimeoutMs: SESSION_MS, groupInitialRebalanceDelayMs: 0, log: watch.log }, TOPIC, 4));
  await broker.broker.topics.create(KILL_TOPIC, 6);
});

after(async () => {
  if (!broker) return;
  for (const child of children.values()) child.kill('SIGKILL');
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

const a = watch.member('rdk-a');
const b = watch.member('rdk-b');
const classic = watch.member('rdk-classic-a');

test('a librdkafka member of the consumer protocol gets every partition, consumes what was produced and commits', { skip }, async () => {
  const p1 = await produce('p1', 1000);
  start(a, GROUP, 'consumer');
  await watch.until(() => a.partitions.length === 4 && tally([a], 'p1').size === p1.length, () => `rdk-a to hold 4 partitions and consume 1000 (has [${a.partitions}], ${tally([a], 'p1').size})`);
  assertExactlyOnce(tally([a], 'p1'), p1, 'p1');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  // ConsumerGroupDescribe over the wire: the member librdkafka registered, at the group's assignment epoch.
  const raw = await RawClient.connect(broker.port);
  try {
    const res = await raw.request(ApiKey.ConsumerGroupDescribe, 0, createConsumerGroupDescribeRequest({ groupIds: [GROUP] }));
    const [group] = res.groups;
    assert.equal(group.errorCode, ErrorCode.NONE);
    assert.equal(group.groupState, 'Stable');
    const [member] = group.members;
    assert.equal(group.members.length, 1);
    assert.equal(member.clientId, a.name);
    assert.equal(member.memberEpoch, group.assignmentEpoch);
    assert.deepEqual(member.subscribedTopicNames, [TOPIC]);
    assert.deepEqual(member.assignment.topicPartitions.map((t: any) => [t.topicName, t.partitions]), [[TOPIC, [0, 1, 2, 3]]]);
  } finally {
    raw.close();
  }
});

test('a second member joins and the partitions split two and two; both consume what follows exactly once; when it leaves the first takes them back', { skip }, async () => {
  start(b, GROUP, 'consumer');
  await watch.until(
    () => a.partitions.length === 2 && b.partitions.length === 2 && ownsAll([a, b]) && describeGroup().state === 'Stable',
    () => `a 2+2 split (rdk-a [${a.partitions}], rdk-b [${b.partitions}], group ${describeGroup().state})`,
  );
  const p2 = await produce('p2', 2000);
  await watch.until(() => tally([a, b], 'p2').size === p2.length, () => `p2 consumed (${tally([a, b], 'p2').size} of 2000)`);
  assertExactlyOnce(tally([a, b], 'p2'), p2, 'p2');
  assert.ok(tally([a], 'p2').size > 0 && tally([b], 'p2').size > 0, 'both members consumed');
  assert.equal(tally([b], 'p1').size, 0, 'rdk-b started from the committed offsets');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  await close(b);
  await watch.until(() => a.partitions.length === 4 && describeGroup().members.length === 1 && describeGroup().state === 'Stable', () => `rdk-a to take every partition back (has [${a.partitions}])`);
  const p3 = await produce('p3', 500);
  await watch.until(() => tally([a], 'p3').size === p3.length, () => `p3 consumed by rdk-a (${tally([a], 'p3').size} of 500)`);
  assertExactlyOnce(tally([a, b], 'p3'), p3, 'p3');
  assertExactlyOnce(tally([a, b], 'p2'), p2, 'p2 after the hand-back');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
});

test('a classic librdkafka member in another group reads the same topic beside the consumer-protocol group', { skip }, async () => {
  start(classic, CLASSIC_GROUP, 'classic');
  const all = [1000, 2000, 500].flatMap((n, i) => Array.from({ length: n }, (_, j) => `p${i + 1}-${j}`));
  await watch.until(() => classic.partitions.length === 4 && tally([classic], 'p1').size + tally([classic], 'p2').size + tally([classic], 'p3').size === all.length,
    () => `the classic member to hold 4 partitions and read all ${all.length} (has [${classic.partitions}])`);
  for (const prefix of ['p1', 'p2', 'p3']) assertExactlyOnce(tally([classic], prefix), all.filter((v) => v.startsWith(`${prefix}-`)), `classic ${prefix}`);
  await untilFullyCommitted(broker.broker, CLASSIC_GROUP, TOPIC);
  const described = broker.broker.groups.describeAll().find((g) => g.groupId === CLASSIC_GROUP)!;
  assert.deepEqual([described.protocolType, described.state, described.members.length], ['consumer', 'Stable', 1]);
  assert.equal(broker.broker.groups.consumerGroupDescribe([CLASSIC_GROUP])[0]!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND, 'a classic group is not a consumer group');
  assert.equal(describeGroup().members.length, 1, 'the consumer-protocol group is untouched');
  await close(classic);
  await close(a);
});

test('three librdkafka members of the consumer protocol share six partitions; a SIGKILLed one\'s partitions move after its session timeout; every message once', { skip }, async () => {
  const adapter: ScenarioAdapter = { broker: () => broker.broker, group: KILL_GROUP, topic: KILL_TOPIC, produce: (prefix, count) => produceWithKafkajs(producer, KILL_TOPIC, prefix, count) };
  const members = ['rdk-k1', 'rdk-k2', 'rdk-k3'].map((name) => watch.member(name));
  for (const m of members) start(m, KILL_GROUP, 'consumer', KILL_TOPIC);
  await allJoined(watch, members);
  await consumeShared(watch, adapter, members);
  const [victim, ...survivors] = members as [Member, Member, Member];
  await takeOverAfterKill(watch, adapter, victim, survivors, async () => {
    const child = children.get(victim)!;
    children.delete(victim);
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  await untilFullyCommitted(broker.broker, KILL_GROUP, KILL_TOPIC);
  const [group] = broker.broker.groups.consumerGroupDescribe([KILL_GROUP]);
  assert.deepEqual(group!.members.map((m) => m.clientId).sort(), survivors.map((m) => m.name));
  for (const m of survivors) await close(m);
});
