// kafkajs 2.2.4 consumer groups against the embedded broker: three members
// share a 6-partition topic (two partitions each) and consume 10,000 messages
// exactly once with commits; one member (a child process) is killed without
// leaving and, after its session timeout, the other two take over its
// partitions; a restarted consumer resumes from the committed offsets, also
// after a broker restart on the same data dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { TestBroker } from '../../helpers/broker.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { allJoined, assertExactlyOnce, consumeShared, forkMember, GroupWatch, HEARTBEAT_MS, SESSION_MS, tally, takeOverAfterKill, produceWithKafkajs, restartKafkajsScenario, startKafkajsScenario, type Member, type ScenarioAdapter } from './group-scenario.js';

const TOPIC = 'kj-orders';
const GROUP = 'kj-group';
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 200, groupMinSessionTimeoutMs: 1000 };

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const watch = new GroupWatch();
const consumers: Consumer[] = [];
let child: ChildProcess | undefined;

async function startConsumer(client: Kafka, m: Member): Promise<Consumer> {
  const consumer = client.consumer({ groupId: GROUP, sessionTimeout: SESSION_MS, heartbeatInterval: HEARTBEAT_MS, maxWaitTimeInMs: 200 });
  consumer.on(consumer.events.GROUP_JOIN, (e) => watch.joined(m, e.payload.memberAssignment[TOPIC] ?? []));
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => watch.consumed(m, batch.messages.map((msg) => msg.value!.toString())),
  });
  consumers.push(consumer);
  return consumer;
}

const produce = (prefix: string, count: number): Promise<string[]> => produceWithKafkajs(producer, TOPIC, prefix, count);

const adapter: ScenarioAdapter = { broker: () => broker.broker, group: GROUP, topic: TOPIC, produce };

before(async () => {
  ({ broker, kafka, producer } = await startKafkajsScenario({ ...BROKER_OPTIONS, log: watch.log }, TOPIC));
});

after(async () => {
  child?.kill('SIGKILL');
  for (const c of consumers) await c.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

const a = watch.member('a');
const b = watch.member('b');
const c = watch.member('c (child process)');

test('three members share six partitions and consume 10,000 messages exactly once; a killed member\'s partitions move after its session timeout', async () => {
  child = forkMember(watch, c, 'kafkajs-member', [broker.address, GROUP, TOPIC, String(SESSION_MS), String(HEARTBEAT_MS)]);
  await startConsumer(kafka, a);
  await startConsumer(kafka, b);
  await allJoined(watch, [a, b, c]);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'RoundRobinAssigner');
  assert.deepEqual(group.members.map((m) => m.assignment![0]!.partitions.length), [2, 2, 2]);

  await consumeShared(watch, adapter, [a, b, c]);
  // The child dies without a LeaveGroup: only its session timeout can tell.
  await takeOverAfterKill(watch, adapter, c, [a, b], async () => {
    child!.kill('SIGKILL');
    await once(child!, 'exit');
  });
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  assert.equal(broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!.members.length, 2);
});

test('a restarted consumer resumes from the committed offsets, also after a broker restart', async () => {
  for (const consumer of consumers.splice(0)) await consumer.disconnect();
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');
  const generation = broker.broker.groups.group(GROUP)!.generationId;

  const phase3 = await produce('p3', 500);
  const d = watch.member('d');
  const consumer = await startConsumer(kafka, d);
  await watch.until(() => tally([d], 'p3').size === phase3.length, () => `d to consume phase 3 (${tally([d], 'p3').size})`);
  // Per partition, anything older would have come first: d saw phase 3 and nothing else.
  assert.equal(d.consumed.length, phase3.length);
  assertExactlyOnce(tally([d], 'p3'), phase3, 'phase 3');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  await consumer.disconnect();
  consumers.splice(consumers.indexOf(consumer), 1);

  const phase4 = await produce('p4', 300);
  ({ broker, kafka, producer } = await restartKafkajsScenario(broker, producer, BROKER_OPTIONS));
  const restored = broker.broker.groups.group(GROUP)!;
  assert.equal(restored.state, 'Empty');
  const restoredGeneration = restored.generationId;
  assert.ok(restoredGeneration > generation, 'the generation survived the restart');

  const e = watch.member('e');
  await startConsumer(kafka, e);
  await watch.until(() => tally([e], 'p4').size === phase4.length, () => `e to consume phase 4 (${tally([e], 'p4').size})`);
  assert.equal(e.consumed.length, phase4.length, 'nothing before the committed offsets was consumed again');
  assertExactlyOnce(tally([e], 'p4'), phase4, 'phase 4');
  assert.equal(broker.broker.groups.group(GROUP)!.generationId, restoredGeneration + 1);
});

test('kafkajs admin: list and describe groups, fetch offsets, delete the group', async () => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.ok((await admin.listGroups()).groups.some((g) => g.groupId === GROUP && g.protocolType === 'consumer'));
    const [live] = (await admin.describeGroups([GROUP])).groups;
    assert.equal(live!.state, 'Stable');
    assert.equal(live!.protocol, 'RoundRobinAssigner');
    assert.equal(live!.members.length, 1, 'consumer e from the previous test');
    const ends = (await admin.fetchTopicOffsets(TOPIC)).map((p) => p.high);
    const fetched = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    assert.deepEqual(fetched[0]!.partitions.sort((x, y) => x.partition - y.partition).map((p) => p.offset), ends);

    // A group with members cannot be deleted; once they leave it can, with its offsets.
    await assert.rejects(admin.deleteGroups([GROUP]), (err: any) => err.groups?.[0]?.error?.type === 'NON_EMPTY_GROUP');
    for (const consumer of consumers.splice(0)) await consumer.disconnect();
    await admin.deleteGroups([GROUP]);
    assert.ok(!(await admin.listGroups()).groups.some((g) => g.groupId === GROUP));
    const gone = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
    assert.ok(gone[0]!.partitions.every((p) => p.offset === '-1'));
  } finally {
    await admin.disconnect();
  }
});
