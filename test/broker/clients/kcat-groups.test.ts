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
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { kcat } from '../../helpers/kcat.js';
import { Signal, untilFullyCommitted } from '../groups/waiting.js';

const TOPIC = 'kc-orders';
const GROUP = 'kc-group';
const SESSION_MS = 5000;
const BROKER_OPTIONS = { groupInitialRebalanceDelayMs: 300, groupMinSessionTimeoutMs: 1000 };

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
const signal = new Signal();
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

interface KcatMember {
  proc: ChildProcess;
  partitions: number[];
  joinedAt: number;
  consumed: string[];
}

/** Starts `kcat -G`, following its assignment on stderr ("% Group ... rebalanced ...: assigned: t [0], t [1]"). */
function startKcat(): KcatMember {
  const proc = spawn('kcat', [...consumerArgs(), TOPIC], { stdio: ['ignore', 'pipe', 'pipe'] });
  const m: KcatMember = { proc, partitions: [], joinedAt: 0, consumed: [] };
  let out = '';
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const lines = out.split('\n');
    out = lines.pop()!;
    for (const line of lines) m.consumed.push(line.slice(line.indexOf(' ') + 1));
    signal.notify();
  });
  let err = '';
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    const lines = err.split('\n');
    err = lines.pop()!;
    for (const line of lines) {
      const assigned = /rebalanced .*: assigned: (.*)$/.exec(line);
      if (assigned) {
        m.partitions = [...assigned[1]!.matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])).sort((a, b) => a - b);
        m.joinedAt = Date.now();
      } else if (/rebalanced .*: revoked/.test(line)) {
        m.partitions = [];
      }
    }
    signal.notify();
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

async function produce(prefix: string, count: number): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < count; i += 1000) {
    await producer.send({ topic: TOPIC, acks: -1, messages: values.slice(i, i + 1000).map((value, j) => ({ key: `k${i + j}`, value })) });
  }
  return values;
}

function tally(members: { consumed: string[] }[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) for (const v of m.consumed) if (v.startsWith(`${prefix}-`)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

function assertExactlyOnce(counts: Map<string, number>, expected: string[], what: string): void {
  assert.equal(counts.size, expected.length, `${what}: distinct messages`);
  assert.deepEqual([...counts].filter(([, n]) => n > 1), [], `${what}: consumed more than once`);
}

const sharesEvenly = (members: KcatMember[], each: number) => {
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
  for (const proc of running) proc.kill('SIGKILL');
  await producer.disconnect().catch(() => {});
  await broker.destroy();
});

test('three kcat consumers share six partitions, consume 10,000 messages exactly once, and survive one being killed', async () => {
  const members = [startKcat(), startKcat(), startKcat()];
  await signal.until(() => sharesEvenly(members, 2), () => `two partitions each (${members.map((m) => `[${m.partitions}]`).join(' ')})`);
  const group = broker.broker.groups.describeAll().find((g) => g.groupId === GROUP)!;
  assert.equal(group.state, 'Stable');
  assert.equal(group.protocolName, 'range', "librdkafka's first choice, supported by all");

  const phase1 = await produce('p1', 10_000);
  await signal.until(() => tally(members, 'p1').size === phase1.length, () => `10,000 consumed (have ${tally(members, 'p1').size})`);
  assertExactlyOnce(tally(members, 'p1'), phase1, 'phase 1');
  // librdkafka auto-commits every 5 s: wait for it, so the victim dies with nothing uncommitted.
  await untilFullyCommitted(broker.broker, GROUP, TOPIC);

  const [victim, ...survivors] = members as [KcatMember, KcatMember, KcatMember];
  await stop(victim, 'SIGKILL');
  const killedAt = Date.now();
  const phase2 = await produce('p2', 2000);
  await signal.until(
    () => sharesEvenly(survivors, 3) && tally(survivors, 'p2').size === phase2.length,
    () => `the survivors to take over (${survivors.map((m) => `[${m.partitions}]`).join(' ')}; ${tally(survivors, 'p2').size} of 2000)`,
  );
  const takeover = Math.min(...survivors.map((m) => m.joinedAt)) - killedAt;
  // Not before the session timeout (counted from the victim's last heartbeat, which may precede the kill).
  assert.ok(takeover >= SESSION_MS - 1500, `partitions moved after ${takeover} ms, before the ${SESSION_MS} ms session timeout`);
  assertExactlyOnce(tally(survivors, 'p2'), phase2, 'phase 2');
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
  await producer.disconnect();
  await broker.close();
  broker = await startTestBroker({ ...BROKER_OPTIONS, dataDir: broker.dataDir });
  kafka = kafkajsClient(broker.address);
  producer = kafka.producer();
  await producer.connect();
  const second = await kcat([...consumerArgs(), '-e', TOPIC]);
  assert.equal(second.code, 0, second.stderr);
  const got4 = second.stdout.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf(' ') + 1));
  assert.deepEqual([...got4].sort(), [...phase4].sort(), 'exactly the messages after the offsets committed before the restart');
});
