// kafka-ts 1.5 consumers of the consumer group protocol (KIP-848,
// groupProtocol 'consumer') through the group scenario of group-scenario.ts:
// three members share a 6-partition topic (two partitions each, server-side
// uniform assignment) and consume 10,000 messages exactly once with commits;
// one, in a child process, is SIGKILLed (no leave heartbeat) and, once the
// broker has removed it for its session timeout
// (group.consumer.session.timeout.ms), the other two take over its
// partitions and consume what follows exactly once. kafka-ts announces no
// assignment, so each member's partitions are read from the broker's
// ConsumerGroupDescribe (by client id) whenever the group is Stable, that is
// when every member owns its target. Waits wake on heartbeats, batches and
// the broker's log, never on a timer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Producer } from 'kafkajs';
import { createKafkaClient, LogLevel, setLogLevel } from 'kafka-ts';
import type { TestBroker } from '../../helpers/broker.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { allJoined, consumeShared, forkMember, GroupWatch, HEARTBEAT_MS, SESSION_MS, takeOverAfterKill, produceWithKafkajs, startKafkajsScenario, type Member, type ScenarioAdapter } from './group-scenario.js';

const TOPIC = 'kts-orders';
const GROUP = 'kts-group';
const BROKER_OPTIONS = { groupConsumerSessionTimeoutMs: SESSION_MS, groupConsumerHeartbeatIntervalMs: HEARTBEAT_MS };

type Consumer = Awaited<ReturnType<ReturnType<typeof createKafkaClient>['startConsumer']>>;

let broker: TestBroker;
let producer: Producer;
const watch = new GroupWatch();
const consumers: Consumer[] = [];
let child: ChildProcess | undefined;

const a = watch.member('kts-a');
const b = watch.member('kts-b');
const c = watch.member('kts-c');
const members = [a, b, c];

/** Each member's partitions as the broker has them, taken when the group is Stable (and only when they changed). */
function refreshAssignments(): void {
  const [group] = broker.broker.groups.consumerGroupDescribe([GROUP]);
  if (group?.state !== 'Stable') return;
  for (const m of members) {
    const held = group.members.find((x) => x.clientId === m.name)?.assignment.get(TOPIC) ?? [];
    if (JSON.stringify([...held].sort((x, y) => x - y)) !== JSON.stringify(m.partitions)) watch.joined(m, held);
  }
}

async function startConsumer(m: Member): Promise<void> {
  const client = createKafkaClient({ clientId: m.name, bootstrapServers: [{ host: '127.0.0.1', port: broker.port }] });
  const consumer = await client.startConsumer({
    groupId: GROUP,
    groupProtocol: 'consumer',
    topics: [TOPIC],
    fromBeginning: true,
    maxWaitMs: 200,
    onBatch: (messages, { resolveOffset }) => {
      watch.consumed(m, messages.map((msg) => msg.value!));
      for (const msg of messages) resolveOffset(msg);
    },
  });
  consumer.on('heartbeat', watch.signal.notify);
  consumers.push(consumer);
}

const adapter: ScenarioAdapter = { broker: () => broker.broker, group: GROUP, topic: TOPIC, produce: (prefix, count) => produceWithKafkajs(producer, TOPIC, prefix, count) };

before(async () => {
  setLogLevel(LogLevel.ERROR);
  ({ broker, producer } = await startKafkajsScenario({ ...BROKER_OPTIONS, log: watch.log }, TOPIC));
  // Registered before any wait: every wake-up first reads the broker's view of the assignment.
  watch.signal.wake(refreshAssignments);
});

after(async () => {
  child?.kill('SIGKILL');
  for (const consumer of consumers) await consumer.close().catch(() => {});
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

test('three kafka-ts members of the consumer protocol share six partitions and consume 10,000 messages exactly once; a SIGKILLed member\'s partitions move after its session timeout', async () => {
  child = forkMember(watch, c, 'kafka-ts-member', [broker.address, GROUP, TOPIC, c.name]);
  await startConsumer(a);
  await startConsumer(b);
  await allJoined(watch, members);
  const [group] = broker.broker.groups.consumerGroupDescribe([GROUP]);
  assert.deepEqual([group!.state, group!.assignorName], ['Stable', 'uniform']);
  assert.ok(group!.members.every((m) => m.memberEpoch === group!.assignmentEpoch), 'every member at the assignment epoch');

  await consumeShared(watch, adapter, members);
  // The child dies without its leave heartbeat (epoch -1): only the session timeout removes it.
  await takeOverAfterKill(watch, adapter, c, [a, b], async () => {
    child!.kill('SIGKILL');
    await once(child!, 'exit');
  });
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  const [after] = broker.broker.groups.consumerGroupDescribe([GROUP]);
  assert.deepEqual(after!.members.map((m) => m.clientId).sort(), [a.name, b.name]);
});
