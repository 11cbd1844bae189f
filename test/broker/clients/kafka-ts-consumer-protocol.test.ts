// kafka-ts 1.5 consumers with groupProtocol 'consumer' (KIP-848:
// ConsumerGroupHeartbeat, server-side assignment, OffsetCommit v9 with the
// member epoch) against the embedded broker over TCP: one member consumes a
// 4-partition topic and commits, and a new member resumes from the commits; two members split it (uniform), and when
// one leaves the other takes every partition; every message is consumed
// exactly once across the hand-over. Waits wake on the consumers' heartbeats
// and batches and on commits, never on a timer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createKafkaClient, LogLevel, setLogLevel } from 'kafka-ts';
import { ApiKey } from '../../../src/broker/protocol/apis.js';
import { ErrorCode } from '../../../src/broker/protocol/error-codes.js';
import { createConsumerGroupDescribeRequest } from '../../../src/broker/protocol/messages/consumer-group-describe-request.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient } from '../../helpers/raw-client.js';
import { Signal, untilFullyCommitted } from '../groups/waiting.js';

let broker: TestBroker;
type Producer = ReturnType<ReturnType<typeof createKafkaClient>['createProducer']>;
type Consumer = Awaited<ReturnType<ReturnType<typeof createKafkaClient>['startConsumer']>>;

let producer: Producer;
const consumers: Consumer[] = [];
const signal = new Signal();

before(async () => {
  setLogLevel(LogLevel.ERROR);
  broker = await startTestBroker({ groupConsumerHeartbeatIntervalMs: 100, groupInitialRebalanceDelayMs: 0 });
  await broker.broker.topics.create('kts-one', 4);
  await broker.broker.topics.create('kts-two', 4);
  producer = client('kts-producer').createProducer({});
});

after(async () => {
  for (const c of consumers) await c.close(true).catch(() => {});
  await producer.close().catch(() => {});
  await broker.destroy();
});

function client(clientId: string) {
  return createKafkaClient({ clientId, bootstrapServers: [{ host: '127.0.0.1', port: broker.port }] });
}

async function produce(topic: string, prefix: string, count: number): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  await producer.send(values.map((value, i) => ({ topic, partition: i % 4, key: `k${i}`, value })));
  return values;
}

/** A consumer of the new protocol that records what it consumed; every batch and heartbeat wakes the waits. */
async function startMember(name: string, groupId: string, topic: string, seen: Map<string, number>, mine?: Set<string>): Promise<Consumer> {
  const consumer = await client(name).startConsumer({
    groupId,
    groupProtocol: 'consumer',
    topics: [topic],
    fromBeginning: true,
    maxWaitMs: 100,
    onBatch: (messages, { resolveOffset }) => {
      for (const m of messages) {
        seen.set(m.value!, (seen.get(m.value!) ?? 0) + 1);
        mine?.add(m.value!);
        resolveOffset(m);
      }
      signal.notify();
    },
  });
  consumer.on('heartbeat', signal.notify);
  consumer.on('offsetCommit', signal.notify);
  consumers.push(consumer);
  return consumer;
}

function describe(groupId: string) {
  return broker.broker.groups.consumerGroupDescribe([groupId])[0]!;
}

/** Members' held partition counts, once the group is Stable. */
function stableCounts(groupId: string): number[] | undefined {
  const g = describe(groupId);
  if (g.state !== 'Stable') return undefined;
  return g.members.map((m) => [...m.assignment.values()].reduce((n, p) => n + p.length, 0)).sort();
}

test('one consumer of the new protocol consumes all four partitions and commits', async () => {
  const values = await produce('kts-one', 'one', 200);
  const seen = new Map<string, number>();
  await startMember('kts-one-a', 'kts-one-group', 'kts-one', seen);
  await signal.until(() => seen.size === values.length, () => `all 200 consumed (have ${seen.size})`);
  await untilFullyCommitted(broker.broker, 'kts-one-group', 'kts-one');
  assert.deepEqual([...seen.values()].filter((n) => n !== 1), [], 'each message once');

  // ConsumerGroupDescribe over the wire shows the member, its epoch and its four partitions.
  const raw = await RawClient.connect(broker.port);
  try {
    const res = await raw.request(ApiKey.ConsumerGroupDescribe, 0, createConsumerGroupDescribeRequest({ groupIds: ['kts-one-group'] }));
    const [group] = res.groups;
    assert.equal(group.errorCode, ErrorCode.NONE);
    assert.equal(group.groupState, 'Stable');
    assert.equal(group.members.length, 1);
    const [member] = group.members;
    assert.equal(member.clientId, 'kts-one-a');
    assert.equal(member.memberEpoch, group.assignmentEpoch);
    assert.deepEqual(member.subscribedTopicNames, ['kts-one']);
    assert.deepEqual(member.assignment.topicPartitions.map((t: any) => [t.topicName, t.partitions]), [['kts-one', [0, 1, 2, 3]]]);
  } finally {
    raw.close();
  }

  // A new member of the group resumes from the committed offsets: only what came after.
  await consumers.pop()!.close();
  const later = await produce('kts-one', 'later', 40);
  const resumed = new Map<string, number>();
  await startMember('kts-one-b', 'kts-one-group', 'kts-one', resumed);
  await signal.until(() => later.every((v) => resumed.has(v)), () => `the 40 later ones consumed (have ${resumed.size})`);
  await untilFullyCommitted(broker.broker, 'kts-one-group', 'kts-one');
  assert.deepEqual([...resumed.keys()].sort(), [...later].sort(), 'nothing consumed again');
});

test('two consumers split the partitions; when one leaves the other gets all of them; nothing twice, nothing lost', async () => {
  const seen = new Map<string, number>();
  const byMember = { a: new Set<string>(), b: new Set<string>() };
  await startMember('kts-two-a', 'kts-two-group', 'kts-two', seen, byMember.a);
  const b = await startMember('kts-two-b', 'kts-two-group', 'kts-two', seen, byMember.b);
  await signal.until(() => JSON.stringify(stableCounts('kts-two-group')) === '[2,2]', () => `a stable 2+2 split (have ${JSON.stringify(describe('kts-two-group'))})`);
  const split = describe('kts-two-group').members.map((m) => m.assignment.get('kts-two')).sort();
  assert.equal(new Set(split.flat()).size, 4, 'every partition has one owner');
  const snapshot = broker.broker.groups.describeAll().find((g) => g.groupId === 'kts-two-group')!;
  assert.deepEqual([snapshot.protocolType, snapshot.state, snapshot.members.length], ['consumer', 'Stable', 2], 'the metrics snapshot shows the group');
  assert.deepEqual(snapshot.members.flatMap((m) => m.assignment!.flatMap((t) => t.partitions)).sort(), [0, 1, 2, 3]);

  const first = await produce('kts-two', 'first', 400);
  await signal.until(() => first.every((v) => seen.has(v)), () => `the first 400 consumed (have ${seen.size})`);
  await untilFullyCommitted(broker.broker, 'kts-two-group', 'kts-two');
  assert.ok(byMember.a.size > 0 && byMember.b.size > 0, 'both members consumed');

  await b.close();
  await signal.until(() => JSON.stringify(stableCounts('kts-two-group')) === '[4]', () => `A alone with 4 partitions (have ${JSON.stringify(describe('kts-two-group'))})`);
  const second = await produce('kts-two', 'second', 400);
  await signal.until(() => second.every((v) => seen.has(v)), () => `the second 400 consumed (have ${seen.size})`);
  await untilFullyCommitted(broker.broker, 'kts-two-group', 'kts-two');

  assert.equal(seen.size, 800, 'nothing lost');
  assert.deepEqual([...seen].filter(([, n]) => n !== 1), [], 'nothing consumed twice');
  assert.ok(second.every((v) => byMember.a.has(v)), 'the remaining member consumed all of the second batch');
});
