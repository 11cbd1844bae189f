// @platformatic/kafka consumer groups (JoinGroup v6+, OffsetCommit/Fetch v8+,
// batched FindCoordinator) against the embedded broker, through the group
// scenario of group-scenario.ts: three members share a 6-partition topic and consume
// 10,000 messages exactly once with commits; one (a child process) is killed
// and the others take over after its session timeout; a new consumer resumes
// from the committed offsets, also after a broker restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { allJoined, assertExactlyOnce, consumeShared, forkMember, GroupWatch, HEARTBEAT_MS, SESSION_MS, tally, takeOverAfterKill, type Member, type ScenarioAdapter } from './group-scenario.js';

const TOPIC = 'pk-orders';
const GROUP = 'pk-group';
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 200, groupMinSessionTimeoutMs: 1000 };

let broker: TestBroker;
let producer: Producer<string, string, string, string>;
const watch = new GroupWatch();
const consumers: Consumer<string, string, string, string>[] = [];
let child: ChildProcess | undefined;

/** Closes a consumer (leaving its group); the boolean overload of close() is typed void, so use the callback. */
const closeConsumer = (consumer: Consumer<string, string, string, string>) =>
  new Promise<void>((resolve, reject) => consumer.close(true, (err) => (err ? reject(err) : resolve())));

async function startConsumer(m: Member, name: string): Promise<Consumer<string, string, string, string>> {
  const consumer = new Consumer({ groupId: GROUP, clientId: name, bootstrapBrokers: [broker.address], deserializers: stringDeserializers, maxWaitTime: 200 });
  consumer.on('consumer:group:join', (e) => watch.joined(m, e.assignments?.find((x) => x.topic === TOPIC)?.partitions ?? []));
  const stream = await consumer.consume({
    topics: [TOPIC],
    autocommit: true,
    sessionTimeout: SESSION_MS,
    heartbeatInterval: HEARTBEAT_MS,
    mode: 'committed',
    fallbackMode: 'earliest',
  });
  stream.on('data', (msg) => watch.consumed(m, [msg.value]));
  consumers.push(consumer);
  return consumer;
}

async function produce(prefix: string, count: number): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < count; i += 1000) {
    await producer.send({ acks: ProduceAcks.ALL, messages: values.slice(i, i + 1000).map((value, j) => ({ topic: TOPIC, key: `k${i + j}`, value })) });
  }
  return values;
}

const adapter: ScenarioAdapter = { broker: () => broker.broker, group: GROUP, topic: TOPIC, produce };

before(async () => {
  broker = await startTestBroker({ ...BROKER_OPTIONS, log: watch.log });
  const admin = new Admin({ clientId: 'pk-groups-admin', bootstrapBrokers: [broker.address] });
  await admin.createTopics({ topics: [TOPIC], partitions: 6, replicas: 1 });
  await admin.close();
  producer = new Producer({ clientId: 'pk-groups-producer', bootstrapBrokers: [broker.address], serializers: stringSerializers });
});

after(async () => {
  child?.kill('SIGKILL');
  for (const c of consumers) await closeConsumer(c).catch(() => {});
  await producer.close().catch(() => {});
  await broker.destroy();
});

const a = watch.member('a');
const b = watch.member('b');
const c = watch.member('c (child process)');

test('three members share six partitions and consume 10,000 messages exactly once; a killed member\'s partitions move after its session timeout', async () => {
  child = forkMember(watch, c, 'platformatic-member', [broker.address, GROUP, TOPIC, String(SESSION_MS), String(HEARTBEAT_MS)]);
  await startConsumer(a, 'pk-a');
  await startConsumer(b, 'pk-b');
  await allJoined(watch, [a, b, c]);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'roundrobin');

  await consumeShared(watch, adapter, [a, b, c]);
  await takeOverAfterKill(watch, adapter, c, [a, b], async () => {
    child!.kill('SIGKILL');
    await once(child!, 'exit');
  });
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
});

test('a new consumer resumes from the committed offsets, also after a broker restart', async () => {
  for (const consumer of consumers.splice(0)) await closeConsumer(consumer);
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');

  const phase3 = await produce('p3', 500);
  const d = watch.member('d');
  const consumer = await startConsumer(d, 'pk-d');
  await watch.until(() => tally([d], 'p3').size === phase3.length, () => `d to consume phase 3 (${tally([d], 'p3').size})`);
  assert.equal(d.consumed.length, phase3.length, 'only what came after the committed offsets');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  await closeConsumer(consumer);
  consumers.splice(consumers.indexOf(consumer), 1);

  const phase4 = await produce('p4', 300);
  await producer.close();
  await broker.close();
  broker = await startTestBroker({ ...BROKER_OPTIONS, dataDir: broker.dataDir });
  producer = new Producer({ clientId: 'pk-groups-producer', bootstrapBrokers: [broker.address], serializers: stringSerializers });
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');

  const e = watch.member('e');
  await startConsumer(e, 'pk-e');
  await watch.until(() => tally([e], 'p4').size === phase4.length, () => `e to consume phase 4 (${tally([e], 'p4').size})`);
  assert.equal(e.consumed.length, phase4.length, 'nothing before the committed offsets was consumed again');
  assertExactlyOnce(tally([e], 'p4'), phase4, 'phase 4');
});
