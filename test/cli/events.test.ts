// `tributary events generate` in-process against a real embedded broker: it
// creates input_topic (3 partitions) when missing, sends users × per-user
// events keyed by userId in input_topic's shape, and reports what it sent.
import { after, before, describe, test } from 'node:test';
import { Readable } from 'node:stream';
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { eventsCommand, type GenerateReport } from '../../src/cli/commands/events.js';
import { captureIo } from '../../src/cli/io.js';
import { UserEvent } from '../../src/services/sessions/schemas.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kafkajsAdmin, readAll } from '../helpers/kafkajs.js';

/** Runs the command in-process, returning its exit code and what it printed. */
async function events(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env, Readable.from([]));
  const code = await eventsCommand(argv, io);
  return { code, out: io.stdout().replace(/\n$/, ''), err: io.stderrText().replace(/\n$/, '') };
}

describe('tributary events', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    broker = await startTestBroker();
    env = { KAFKA_BROKERS: broker.address };
    ({ kafka, admin } = await kafkajsAdmin(broker.address));
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.destroy();
  });

  test('--help prints the usage; a missing or unknown subcommand is exit 2', async () => {
    const help = await events(['--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.out, /tributary events generate/);
    assert.equal((await events([], env)).code, 2);
    const unknown = await events(['explode'], env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown subcommand "explode"/);
  });

  test('bad counts are refused naming the flag', async () => {
    await assert.rejects(events(['generate', '--users', '0'], env), /--users must be an integer/);
    await assert.rejects(events(['generate', '--per-user', 'x'], env), /--per-user must be an integer/);
    await assert.rejects(events(['generate', '--bogus'], env), /--bogus/);
  });

  test('generate creates input_topic and sends users × per-user events keyed by userId', async () => {
    const { code, out } = await events(['generate', '--users', '2', '--per-user', '4', '--json'], env);
    assert.equal(code, 0);
    const report = JSON.parse(out) as GenerateReport;
    assert.equal(report.topic, 'input_topic');
    assert.equal(report.count, 8);
    assert.equal(report.users.length, 2);
    const [, run] = /^user-([0-9a-f]{6})-1$/.exec(report.users[0]!.userId) ?? [];
    assert.ok(run, report.users[0]!.userId);
    assert.deepEqual(report.users.map((u) => [u.userId, u.events]), [[`user-${run}-1`, 4], [`user-${run}-2`, 4]]);

    const meta = await admin.fetchTopicMetadata({ topics: ['input_topic'] });
    assert.equal(meta.topics[0]!.partitions.length, 3);
    const records = await readAll(kafka, admin, 'input_topic');
    assert.equal(records.length, 8);
    const byUser = new Map<string, number[]>();
    for (const r of records) {
      const e = UserEvent.parse(JSON.parse(r.value!));
      assert.equal(r.key, e.userId);
      assert.ok(Number.isInteger(e.metadata.timestamp));
      assert.ok(e.metadata.sentAt! >= e.metadata.timestamp && e.metadata.receivedAt! > e.metadata.sentAt!);
      byUser.set(e.userId, [...(byUser.get(e.userId) ?? []), e.metadata.timestamp]);
    }
    for (const u of report.users) {
      assert.equal(u.firstSeen, Math.min(...byUser.get(u.userId)!));
      assert.equal(u.lastSeen, Math.max(...byUser.get(u.userId)!));
    }

    // A second run adds to the existing topic.
    const again = await events(['generate', '--users', '1', '--per-user', '1'], env);
    assert.equal(again.code, 0);
    assert.match(again.out, /^sent 1 event\(s\) for 1 user\(s\) to input_topic$/m);
    assert.equal((await readAll(kafka, admin, 'input_topic')).length, 9);
  });

  test('every run sends to new userIds, so each user it prints has exactly the events it printed', async () => {
    const before = await readAll(kafka, admin, 'input_topic');
    const earlier = new Set(before.map((r) => r.key));
    const runs: GenerateReport[] = [];
    for (let i = 0; i < 2; i++) {
      const { code, out } = await events(['generate', '--users', '3', '--per-user', '2', '--json'], env);
      assert.equal(code, 0);
      runs.push(JSON.parse(out) as GenerateReport);
    }
    const [first, second] = runs.map((r) => r.users.map((u) => u.userId));
    assert.equal(new Set([...first!, ...second!]).size, 6, `two runs share no user: ${first} / ${second}`);
    for (const id of [...first!, ...second!]) assert.ok(!earlier.has(id), `${id} was not used before`);

    // Each user's events on the topic are exactly the ones its run printed.
    const sent = await readAll(kafka, admin, 'input_topic');
    assert.equal(sent.length, before.length + 12);
    for (const u of runs.flatMap((r) => r.users)) {
      const ts = sent.filter((r) => r.key === u.userId).map((r) => UserEvent.parse(JSON.parse(r.value!)).metadata.timestamp);
      assert.deepEqual({ events: ts.length, firstSeen: Math.min(...ts), lastSeen: Math.max(...ts) }, { events: u.events, firstSeen: u.firstSeen, lastSeen: u.lastSeen }, u.userId);
    }

    // The text form names the users it sent to.
    const text = await events(['generate', '--users', '1', '--per-user', '1'], env);
    assert.match(text.out, /^  user-[0-9a-f]{6}-1: 1 event\(s\), firstSeen \d+/m);
  });

  test('--prefix names the userIds, so a run can add to earlier users', async () => {
    const { code, out } = await events(['generate', '--users', '2', '--per-user', '1', '--prefix', 'shopper-', '--json'], env);
    assert.equal(code, 0);
    assert.deepEqual((JSON.parse(out) as GenerateReport).users.map((u) => u.userId), ['shopper-1', 'shopper-2']);
    await assert.rejects(events(['generate', '--prefix', 'x'.repeat(191)], env), /--prefix must be at most 190 characters/);
  });
});
