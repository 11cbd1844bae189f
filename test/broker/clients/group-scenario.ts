// The consumer-group scenario every client library goes through, written once:
// three members share a 6-partition topic (two partitions each) and consume
// 10,000 messages exactly once; one is killed without leaving the group and,
// once the broker has expired its session, the other two take over its
// partitions and consume what follows exactly once. An adapter per library
// (kafkajs, @platformatic/kafka, kcat) starts the members and kills one; it
// reports each member's assignments and messages through `joined`/`consumed`.
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import type { BrokerOptions } from '../../../src/broker/config.js';
import type { Broker } from '../../../src/broker/broker.js';
import { Signal } from '../../../src/stream/wait.js';
import type { Kafka, Producer } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { untilFullyCommitted } from '../groups/waiting.js';
import { nodeModule } from '../../helpers/paths.js';

export const SESSION_MS = 5000;
export const HEARTBEAT_MS = 300;

export interface Member {
  name: string;
  partitions: number[];
  consumed: string[];
  /** How many member sessions the broker had expired when this member last got an assignment. */
  expiriesAtJoin: number;
}

/** What the scenario watches: members' reports (through `signal`) and the broker's session expiries. */
export class GroupWatch {
  readonly signal = new Signal();
  /** Members whose session the broker expired, in order. */
  readonly expired: { group: string; member: string }[] = [];

  /** The broker's log hook: session expiries are the event a killed member's takeover waits on. */
  readonly log: NonNullable<BrokerOptions['log']> = (level, msg, extra) => {
    // Classic groups log the expiry; consumer-protocol (KIP-848) groups log the removal and why.
    const expired = msg === 'member session expired' || (msg === 'consumer group member removed' && extra?.why === 'session timeout');
    if (expired) this.expired.push({ group: String(extra?.group), member: String(extra?.member) });
    if (process.env.TRIBUTARY_TEST_LOG) console.error(`[broker ${level}] ${msg}`, extra ?? '');
    this.signal.notify();
  };

  member(name: string): Member {
    return { name, partitions: [], consumed: [], expiriesAtJoin: 0 };
  }

  /** A member got an assignment (only its partitions of the scenario's topic). */
  joined(m: Member, partitions: Iterable<number>): void {
    m.partitions = [...partitions].sort((x, y) => x - y);
    m.expiriesAtJoin = this.expired.length;
    this.signal.notify();
  }

  consumed(m: Member, values: string[]): void {
    m.consumed.push(...values);
    this.signal.notify();
  }

  until(cond: () => boolean, what: string | (() => string)): Promise<void> {
    return this.signal.until(cond, what);
  }
}

/** How many times each message of `prefix` was consumed across `members`. */
export function tally(members: Member[], prefix: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of members) for (const v of m.consumed) if (v.startsWith(`${prefix}-`)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

export function assertExactlyOnce(counts: Map<string, number>, expected: string[], what: string): void {
  assert.equal(counts.size, expected.length, `${what}: distinct messages`);
  assert.deepEqual([...counts].filter(([, n]) => n > 1), [], `${what}: consumed more than once`);
  for (const v of expected) assert.ok(counts.has(v), `${what}: ${v} missing`);
}

/** Every member holds `each` partitions and together they hold the topic's 6, once each. */
export function sharesEvenly(members: Member[], each: number): boolean {
  const all = members.flatMap((m) => m.partitions);
  return members.every((m) => m.partitions.length === each) && new Set(all).size === 6 && all.length === 6;
}

export interface ScenarioAdapter {
  broker(): Broker;
  group: string;
  topic: string;
  /** Sends `count` messages `${prefix}-${i}` (acks all, keyed), answering the values. */
  produce(prefix: string, count: number): Promise<string[]>;
}

const describe = (members: Member[]) => members.map((m) => `${m.name} [${m.partitions}]`).join(', ');

/** The three members hold two partitions each. */
export function allJoined(watch: GroupWatch, members: Member[]): Promise<void> {
  return watch.until(() => sharesEvenly(members, 2), () => `two partitions each (${describe(members)})`);
}

/** Phase 1: 10,000 messages, consumed exactly once across the members and every one of them consumed some; all committed. */
export async function consumeShared(watch: GroupWatch, adapter: ScenarioAdapter, members: Member[]): Promise<void> {
  const phase1 = await adapter.produce('p1', 10_000);
  await watch.until(() => tally(members, 'p1').size === phase1.length, () => `10,000 consumed (have ${tally(members, 'p1').size})`);
  assertExactlyOnce(tally(members, 'p1'), phase1, 'phase 1');
  assert.ok(members.every((m) => m.consumed.length > 0), 'every member consumed its share');
  await untilFullyCommitted(adapter.broker(), adapter.group, adapter.topic);
}

/**
 * Phase 2, once `kill` has ended the victim without a LeaveGroup: the broker
 * expires its session, and only then do the survivors take over its
 * partitions (three each) and consume 2000 more exactly once.
 */
export async function takeOverAfterKill(watch: GroupWatch, adapter: ScenarioAdapter, victim: Member, survivors: Member[], kill: () => Promise<void>): Promise<void> {
  const expiredBefore = watch.expired.length;
  await kill();
  const phase2 = await adapter.produce('p2', 2000);
  await watch.until(
    () => sharesEvenly(survivors, 3) && tally(survivors, 'p2').size === phase2.length,
    () => `the survivors to take over (${describe(survivors)}; ${tally(survivors, 'p2').size} of 2000)`,
  );
  const expired = watch.expired.slice(expiredBefore).filter((e) => e.group === adapter.group);
  assert.equal(expired.length, 1, `one session expired in ${adapter.group}: ${JSON.stringify(expired)}`);
  // The takeover came from that expiry (the session timeout), not before it.
  for (const m of survivors) assert.ok(m.expiriesAtJoin > expiredBefore, `${m.name} got its three partitions before the broker expired ${victim.name}'s session`);
  assertExactlyOnce(tally(survivors, 'p2'), phase2, 'phase 2');
  assert.equal(tally([victim], 'p2').size, 0, `${victim.name} consumed nothing after it was killed`);
}

/**
 * A member in a forked process (test/broker/groups/fixtures/<fixture>.ts), so it
 * can be killed the hard way; it reports {type:'join', partitions} and
 * {type:'batch', values} over IPC; any other message (a heartbeat) wakes the waits.
 * `execPath`: the Node to run it on (a native client is built for one).
 */
export function forkMember(watch: GroupWatch, m: Member, fixture: string, args: string[], execPath = process.execPath): ChildProcess {
  const { script, execArgv } = nodeModule(`../groups/fixtures/${fixture}.ts`, import.meta.url);
  const proc = fork(script, args, { execPath, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  proc.on('message', (msg: { type: string; partitions?: number[]; values?: string[] }) => {
    if (msg.type === 'join') watch.joined(m, msg.partitions ?? []);
    else if (msg.type === 'batch') watch.consumed(m, msg.values ?? []);
    else watch.signal.notify();
  });
  return proc;
}

/** The kafkajs side of a scenario: a broker with `topic` (6 partitions unless told) and a connected kafkajs producer. */
export async function startKafkajsScenario(options: BrokerOptions, topic: string, partitions = 6): Promise<{ broker: TestBroker; kafka: Kafka; producer: Producer }> {
  const broker = await startTestBroker(options);
  const kafka = kafkajsClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();
  return { broker, kafka, producer: await connectedProducer(kafka) };
}

/** Stops the producer and the broker, then starts the broker again on the same data dir, with a new producer. */
export async function restartKafkajsScenario(broker: TestBroker, producer: Producer, options: BrokerOptions): Promise<{ broker: TestBroker; kafka: Kafka; producer: Producer }> {
  await producer.disconnect();
  await broker.close();
  const restarted = await startTestBroker({ ...options, dataDir: broker.dataDir });
  const kafka = kafkajsClient(restarted.address);
  return { broker: restarted, kafka, producer: await connectedProducer(kafka) };
}

async function connectedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer();
  await producer.connect();
  return producer;
}

/** ScenarioAdapter.produce through a kafkajs producer: 1000 messages a request, acks all, keyed `k<i>`. */
export async function produceWithKafkajs(producer: Producer, topic: string, prefix: string, count: number): Promise<string[]> {
  const values = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
  for (let i = 0; i < count; i += 1000) {
    await producer.send({ topic, acks: -1, messages: values.slice(i, i + 1000).map((value, j) => ({ key: `k${i + j}`, value })) });
  }
  return values;
}
