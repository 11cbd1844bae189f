// @platformatic/kafka consumer groups (JoinGroup v6+, OffsetCommit/Fetch v8+,
// batched FindCoordinator) against the embedded broker: the same scenario as
// kafkajs-groups.test.ts — three members share a 6-partition topic and consume
// 10,000 messages exactly once with commits; one (a child process) is killed
// and the others take over after its session timeout; a new consumer resumes
// from the committed offsets, also after a broker restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { Signal, untilFullyCommitted } from '../groups/waiting.js';

const TOPIC = 'pk-orders';
const GROUP = 'pk-group';
const SESSION_MS = 5000;
const HEARTBEAT_MS = 300;
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 200, groupMinSessionTimeoutMs: 1000 };

interface Member {
  partitions: number[];
  joinedAt: number;
  consumed: string[];
}

let broker: TestBroker;
let producer: Producer<string, string, string, string>;
const signal = new Signal();
const consumers: Consumer<string, string, string, string>[] = [];
let child: ChildProcess | undefined;

/** Closes a consumer (leaving its group); the boolean overload of close() is typed void, so use the callback. */
const closeConsumer = (consumer: Consumer<string, string, string, string>) =>
  new Promise<void>((resolve, reject) => consumer.close(true, (err) => (err ? reject(err) : resolve())));

const member = (): Member => ({ partitions: [], joinedAt: 0, consumed: [] });

async function startConsumer(m: Member, name: string): Promise<Consumer<string, string, string, string>> {
  const consumer = new Consumer({ groupId: GROUP, clientId: name, bootstrapBrokers: [broker.address], deserializers: stringDeserializers, maxWaitTime: 200 });
  consumer.on('consumer:group:join', (e) => {
    m.partitions = [...(e.assignments?.find((x) => x.topic === TOPIC)?.partitions ?? [])].sort((x, y) => x - y);
    m.joinedAt = Date.now();
    signal.notify();
  });
  const stream = await consumer.consume({
    topics: [TOPIC],
    autocommit: true,
    sessionTimeout: SESSION_MS,
    heartbeatInterval: HEARTBEAT_MS,
    mode: 'committed',
    fallbackMode: 'earliest',
  });
  stream.on('data', (msg) => {
    m.consumed.push(msg.value);
    signal.notify();
  });
  consumers.push(consumer);
  return consumer;
}

function startChild(m: Member): ChildProcess {
  const script = new URL('../groups/fixtures/platformatic-member.ts', import.meta.url).pathname;
  const proc = fork(script, [broker.address, GROUP, TOPIC, String(SESSION_MS), String(HEARTBEAT_MS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  proc.on('message', (msg: any) => {
    if (msg.type === 'join') {
      m.partitions = [...msg.partitions].sort((x: number, y: number) => x - y);
      m.joinedAt = Date.now();
    } else if (msg.type === 'batch') {
      m.consumed.push(...msg.values);
    }
    signal.notify();
  });
  return proc;
}

async function produce(prefix: string, count: number): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < count; i += 1000) {
    await producer.send({ acks: ProduceAcks.ALL, messages: values.slice(i, i + 1000).map((value, j) => ({ topic: TOPIC, key: `k${i + j}`, value })) });
  }
  return values;
}

function tally(members: Member[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) for (const v of m.consumed) if (v.startsWith(`${prefix}-`)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function assertExactlyOnce(counts: Map<string, number>, expected: string[], what: string): void {
  assert.equal(counts.size, expected.length, `${what}: distinct messages`);
  assert.deepEqual([...counts].filter(([, n]) => n > 1), [], `${what}: consumed more than once`);
  for (const v of expected) assert.ok(counts.has(v), `${what}: ${v} missing`);
}

const sharesEvenly = (members: Member[], each: number) => {
  const all = members.flatMap((m) => m.partitions);
  return members.every((m) => m.partitions.length === each) && new Set(all).size === 6 && all.length === 6;
};

before(async () => {
  broker = await startTestBroker(BROKER_OPTIONS);
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

const a = member();
const b = member();
const c = member();

test('three members share six partitions and consume 10,000 messages exactly once; a killed member\'s partitions move after its session timeout', async () => {
  child = startChild(c);
  await startConsumer(a, 'pk-a');
  await startConsumer(b, 'pk-b');
  await signal.until(() => sharesEvenly([a, b, c], 2), () => `two partitions each (a ${a.partitions}, b ${b.partitions}, c ${c.partitions})`);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'roundrobin');

  const phase1 = await produce('p1', 10_000);
  await signal.until(() => tally([a, b, c], 'p1').size === phase1.length, () => `10,000 consumed (have ${tally([a, b, c], 'p1').size})`);
  assertExactlyOnce(tally([a, b, c], 'p1'), phase1, 'phase 1');
  assert.ok([a, b, c].every((m) => m.consumed.length > 0), 'every member consumed its share');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  child.kill('SIGKILL');
  await once(child, 'exit');
  const killedAt = Date.now();
  const phase2 = await produce('p2', 2000);
  await signal.until(
    () => sharesEvenly([a, b], 3) && tally([a, b], 'p2').size === phase2.length,
    () => `a and b to take over (a ${a.partitions}, b ${b.partitions}; ${tally([a, b], 'p2').size} of 2000)`,
  );
  const takeover = Math.min(a.joinedAt, b.joinedAt) - killedAt;
  // Not before the session timeout (counted from the victim's last heartbeat, which may precede the kill).
  assert.ok(takeover >= SESSION_MS - 1500, `partitions moved after ${takeover} ms, before the ${SESSION_MS} ms session timeout`);
  assertExactlyOnce(tally([a, b], 'p2'), phase2, 'phase 2');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
});

test('a new consumer resumes from the committed offsets, also after a broker restart', async () => {
  for (const consumer of consumers.splice(0)) await closeConsumer(consumer);
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');

  const phase3 = await produce('p3', 500);
  const d = member();
  const consumer = await startConsumer(d, 'pk-d');
  await signal.until(() => tally([d], 'p3').size === phase3.length, () => `d to consume phase 3 (${tally([d], 'p3').size})`);
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

  const e = member();
  await startConsumer(e, 'pk-e');
  await signal.until(() => tally([e], 'p4').size === phase4.length, () => `e to consume phase 4 (${tally([e], 'p4').size})`);
  assert.equal(e.consumed.length, phase4.length, 'nothing before the committed offsets was consumed again');
  assertExactlyOnce(tally([e], 'p4'), phase4, 'phase 4');
});
