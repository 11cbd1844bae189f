// kcat's balanced consumer (librdkafka 1.7, `kcat -G group topic`) against
// the embedded broker: three kcat processes share a 6-partition topic (two
// partitions each, range assignor) and consume 10,000 messages exactly once;
// one is killed (SIGKILL, no LeaveGroup) and the other two take over its
// partitions after its session timeout; a new kcat resumes from the committed
// offsets, also after a broker restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Kafka, Producer } from 'kafkajs';
import type { TestBroker } from '../../helpers/broker.js';
import { kcat } from '../../helpers/kcat.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { allJoined, assertExactlyOnce, consumeShared, GroupWatch, SESSION_MS, tally, takeOverAfterKill, produceWithKafkajs, restartKafkajsScenario, startKafkajsScenario, type Member, type ScenarioAdapter } from './group-scenario.js';

const TOPIC = 'kc-orders';
const GROUP = 'kc-group';
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 300, groupMinSessionTimeoutMs: 1000 };

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const watch = new GroupWatch();
const running = new Set<ChildProcess>();

/**
 * Consumer settings: short session, start from the beginning when the group
 * has no offset. (kcat sends -X auto.commit.interval.ms to the topic config,
 * so the consumer auto-commits every 5 s, librdkafka's default, and when its
 * partitions are revoked.)
 */
const consumerArgs = () => [
  '-b', broker.address, '-G', GROUP,
  '-X', `session.timeout.ms=${SESSION_MS}`, '-X', 'heartbeat.interval.ms=300',
  '-X', 'auto.offset.reset=earliest',
  '-f', '%p %s\n', '-u',
];

interface KcatMember extends Member {
  proc: ChildProcess;
}

/** Starts `kcat -G`, following its assignment on stderr ("% Group ... rebalanced ...: assigned: t [0], t [1]"). */
function startKcat(name: string): KcatMember {
  const proc = spawn('kcat', [...consumerArgs(), TOPIC], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m: KcatMember = { ...watch.member(name), proc };
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop()!;
    watch.consumed(m, lines.map((line) => line.slice(line.indexOf(' ') + 1)));
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    const lines = err.split('\n');
    err = lines.pop()!;
    for (const line of lines) {
      const assigned = /rebalanced .*: assigned: (.*)$/.exec(line);
      if (assigned) watch.joined(m, [...assigned[1]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])));
      else if (/rebalanced .*: revoked/.test(line)) watch.joined(m, []);
    }
  });
  running.add(proc);
  proc.on('exit', () => running.delete(proc));
  return m;
}

async function stop(m: KcatMember, signalName: NodeJS.Signals): Promise<void> {
  if (m.proc.exitCode !== null || m.proc.signalCode !== null) return;
  m.proc.kill(signalName);
  await once(m.proc, 'exit');
}

const produce = (prefix: string, count: number): Promise<string[]> => produceWithKafkajs(producer, TOPIC, prefix, count);

const adapter: ScenarioAdapter = { broker: () => broker.broker, group: GROUP, topic: TOPIC, produce };

before(async () => {
  ({ broker, kafka, producer } = await startKafkajsScenario({ ...BROKER_OPTIONS, log: watch.log }, TOPIC));
});

after(async () => {
  for (const proc of running) proc.kill('SIGKILL');
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

test('three kcat consumers share six partitions, consume 10,000 messages exactly once, and survive one being killed', async () => {
  const members = [startKcat('kcat-1'), startKcat('kcat-2'), startKcat('kcat-3')];
  await allJoined(watch, members);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'range', "librdkafka's first choice, supported by all");

  // librdkafka auto-commits every 5 s: the scenario waits for it, so the victim dies with nothing uncommitted.
  await consumeShared(watch, adapter, members);
  const [victim, ...survivors] = members as [KcatMember, KcatMember, KcatMember];
  await takeOverAfterKill(watch, adapter, victim, survivors, () => stop(victim, 'SIGKILL'));
  // A clean stop commits and leaves the group.
  for (const m of survivors) await stop(m, 'SIGTERM');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  assert.equal(broker.broker.groups.group(GROUP)!.state, 'Empty');
});

test('a new kcat resumes from the committed offsets, also after a broker restart', async () => {
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);
  const phase3 = await produce('p3', 500);
  // -e: exit (committing) once every assigned partition is read to its end.
  const first = await kcat([...consumerArgs(), '-e', TOPIC]);
  assert.equal(first.code, 0, first.stderr);
  const got3 = first.stdout.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(' ') + 1));
  assert.deepEqual([...got3].sort(), [...phase3].sort(), 'exactly the messages after the committed offsets');
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  const phase4 = await produce('p4', 300);
  ({ broker, kafka, producer } = await restartKafkajsScenario(broker, producer, BROKER_OPTIONS));
  const second = await kcat([...consumerArgs(), '-e', TOPIC]);
  assert.equal(second.code, 0, second.stderr);
  const got4 = second.stdout.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(' ') + 1));
  assert.deepEqual([...got4].sort(), [...phase4].sort(), 'exactly the messages after the offsets committed before the restart');
});
