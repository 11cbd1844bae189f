// kafkajs 2.2.4 consumer groups against the embedded broker: three members
// share a 6-partition topic (two partitions each) and consume 10,000 messages
// exactly once with commits; one member (a child process) is killed without
// leaving and, after its session timeout, the other two take over its
// partitions; a restarted consumer resumes from the committed offsets, also
// after a broker restart on the same data dir.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { Signal, untilFullyCommitted } from '../groups/waiting.js';

const TOPIC = 'kj-orders';
const GROUP = 'kj-group';
const SESSION_MS = 5000;
const HEARTBEAT_MS = 300;
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 200, groupMinSessionTimeoutMs: 1000 };

interface Member {
  name: string;
  partitions: number[];
  /** When the member last got an assignment (ms). */
  joinedAt: number;
  consumed: string[];
}

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const signal = new Signal();
const consumers: Consumer[] = [];
let child: ChildProcess | undefined;

function member(name: string): Member {
  return { name, partitions: [], joinedAt: 0, consumed: [] };
}

async function startConsumer(client: Kafka, m: Member): Promise<Consumer> {
  const consumer = client.consumer({ groupId: GROUP, sessionTimeout: SESSION_MS, heartbeatInterval: HEARTBEAT_MS, maxWaitTimeInMs: 200 });
  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    m.partitions = [...(e.payload.memberAssignment[TOPIC] ?? [])].sort((a, b) => a - b);
    m.joinedAt = Date.now();
    signal.notify();
  });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  await consumer.run({
    eachBatch: async ({ batch }) => {
      for (const msg of batch.messages) m.consumed.push(msg.value!.toString());
      signal.notify();
    },
  });
  consumers.push(consumer);
  return consumer;
}

/** The same consumer in a forked process, reporting over IPC. */
function startChild(m: Member): ChildProcess {
  const script = new URL('../groups/fixtures/kafkajs-member.ts', import.meta.url).pathname;
  const proc = fork(script, [broker.address, GROUP, TOPIC, String(SESSION_MS), String(HEARTBEAT_MS)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  proc.on('message', (msg: any) => {
    if (msg.type === 'join') {
      m.partitions = [...msg.partitions].sort((a: number, b: number) => a - b);
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
    await producer.send({ topic: TOPIC, acks: -1, messages: values.slice(i, i + 1000).map((value, j) => ({ key: `k${i + j}`, value })) });
  }
  return values;
}

/** Every value consumed, across the given members, with its count. */
function tally(members: Member[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) for (const v of m.consumed) if (v.startsWith(`${prefix}-`)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function assertExactlyOnce(counts: Map<string, number>, expected: string[], what: string): void {
  assert.equal(counts.size, expected.length, `${what}: distinct messages`);
  const dupes = [...counts].filter(([, n]) => n > 1);
  assert.deepEqual(dupes, [], `${what}: consumed more than once`);
  for (const v of expected) assert.ok(counts.has(v), `${what}: ${v} missing`);
}

const sharesEvenly = (members: Member[], each: number) => {
  const all = members.flatMap((m) => m.partitions);
  return members.every((m) => m.partitions.length === each) && new Set(all).size === 6 && all.length === 6;
};

before(async () => {
  broker = await startTestBroker(BROKER_OPTIONS);
  kafka = kafkajsClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 6 }] });
  await admin.disconnect();
  producer = kafka.producer();
  await producer.connect();
});

after(async () => {
  child?.kill('SIGKILL');
  for (const c of consumers) await c.disconnect().catch(() => {});
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

const a = member('a');
const b = member('b');
const c = member('c (child process)');

test('three members share six partitions and consume 10,000 messages exactly once; a killed member\'s partitions move after its session timeout', async () => {
  child = startChild(c);
  await startConsumer(kafka, a);
  await startConsumer(kafka, b);
  await signal.until(() => sharesEvenly([a, b, c], 2), () => `two partitions each (a ${a.partitions}, b ${b.partitions}, c ${c.partitions})`);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'RoundRobinAssigner');
  assert.deepEqual(group.members.map((m) => m.assignment![0]!.partitions.length), [2, 2, 2]);

  const phase1 = await produce('p1', 10_000);
  await signal.until(() => tally([a, b, c], 'p1').size === phase1.length, () => `10,000 consumed (have ${tally([a, b, c], 'p1').size})`);
  assertExactlyOnce(tally([a, b, c], 'p1'), phase1, 'phase 1');
  assert.ok([a, b, c].every((m) => m.consumed.length > 0), 'every member consumed its share');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  // The child dies without a LeaveGroup: only its session timeout can tell.
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
  assert.equal(tally([c], 'p2').size, 0);
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  assert.equal(broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!.members.length, 2);
});

test('a restarted consumer resumes from the committed offsets, also after a broker restart', async () => {
  for (const consumer of consumers.splice(0)) await consumer.disconnect();
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');
  const generation = broker.broker.groups.group(GROUP)!.generationId;

  const phase3 = await produce('p3', 500);
  const d = member('d');
  const consumer = await startConsumer(kafka, d);
  await signal.until(() => tally([d], 'p3').size === phase3.length, () => `d to consume phase 3 (${tally([d], 'p3').size})`);
  // Per partition, anything older would have come first: d saw phase 3 and nothing else.
  assert.equal(d.consumed.length, phase3.length);
  assertExactlyOnce(tally([d], 'p3'), phase3, 'phase 3');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  await consumer.disconnect();
  consumers.splice(consumers.indexOf(consumer), 1);

  const phase4 = await produce('p4', 300);
  await producer.disconnect();
  await broker.close();
  broker = await startTestBroker({ ...BROKER_OPTIONS, dataDir: broker.dataDir });
  kafka = kafkajsClient(broker.address);
  producer = kafka.producer();
  await producer.connect();
  const restored = broker.broker.groups.group(GROUP)!;
  assert.equal(restored.state, 'Empty');
  const restoredGeneration = restored.generationId;
  assert.ok(restoredGeneration > generation, 'the generation survived the restart');

  const e = member('e');
  await startConsumer(kafka, e);
  await signal.until(() => tally([e], 'p4').size === phase4.length, () => `e to consume phase 4 (${tally([e], 'p4').size})`);
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
