// System 4, sessions, end to end on a real broker: `tributary events generate`
// (a child process, as a real producer would be) feeds input_topic,
// the worker keeps min/max of metadata.timestamp per userId and publishes each
// change to the compacted output_topic, and GET /api/summaries serves them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { type Admin, type Kafka, type Producer } from 'kafkajs';
import { runCli } from '../helpers/cli.js';
import { kafkajsClient, readAll } from '../helpers/kafkajs.js';
import { api, eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

// kafkajs is CommonJS: its enums come through the default export.
const { ConfigResourceTypes } = kafkajs;

interface Summary {
  userId: string;
  firstSeen: number;
  lastSeen: number;
}

describe('sessions system', () => {
  let system: TestSystem;
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;
  /** What the generator sent, per user, as read back from input_topic. */
  let expected: Summary[] = [];

  before(async () => {
    system = await startTestSystem({ services: ['sessions'] });
    kafka = kafkajsClient(system.broker.address);
    admin = kafka.admin();
    await admin.connect();
    producer = kafka.producer();
    await producer.connect();
  });
  after(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
    await system?.close();
  });

  const summaries = async (): Promise<Summary[]> => {
    const res = await api(system.url, 'GET', '/api/summaries');
    assert.equal(res.status, 200);
    return res.body;
  };
  const summaryOf = async (userId: string): Promise<Summary | undefined> => (await summaries()).find((s) => s.userId === userId);
  const event = (userId: string, timestamp: number) => ({
    userId,
    visitorId: 'v-1',
    type: 'track',
    metadata: { messageId: `m-${timestamp}`, sentAt: timestamp, timestamp, receivedAt: timestamp + 1, apiKey: 'k', spaceId: 's', version: '1' },
    event: 'Product Viewed',
    eventData: { productId: 'p-1' },
  });
  const sendEvent = (key: string | null, value: unknown) =>
    producer.send({ topic: 'input_topic', messages: [{ key, value: typeof value === 'string' ? value : JSON.stringify(value) }] });
  const outputRecords = async () => (await readAll(kafka, admin, 'output_topic')).map((m) => ({ key: m.key, value: JSON.parse(m.value!) as Summary }));

  test('`events generate --users 3 --per-user 3` feeds input_topic; the summaries hold each user\'s min and max', async () => {
    const { code, stdout, stderr } = await runCli(['events', 'generate', '--users', '3', '--per-user', '3', '--prefix', 'user-'], {
      env: { ...system.env, KAFKA_BROKERS: system.broker.address },
    });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^sent 9 event\(s\) for 3 user\(s\) to input_topic$/m);

    // The expected summaries, from what is on the topic.
    const sent = (await readAll(kafka, admin, 'input_topic')).map((m) => ({ key: m.key, value: JSON.parse(m.value!) }));
    assert.equal(sent.length, 9);
    const byUser = new Map<string, number[]>();
    for (const { key, value } of sent) {
      assert.equal(key, value.userId, 'keyed by userId');
      assert.equal(typeof value.metadata.timestamp, 'number');
      for (const field of ['visitorId', 'type', 'event', 'eventData']) assert.ok(field in value, field);
      for (const field of ['messageId', 'sentAt', 'receivedAt', 'apiKey', 'spaceId', 'version']) assert.ok(field in value.metadata, `metadata.${field}`);
      byUser.set(value.userId, [...(byUser.get(value.userId) ?? []), value.metadata.timestamp]);
    }
    expected = [...byUser].map(([userId, ts]) => ({ userId, firstSeen: Math.min(...ts), lastSeen: Math.max(...ts) })).sort((a, b) => a.userId.localeCompare(b.userId));
    assert.deepEqual(expected.map((e) => e.userId), ['user-1', 'user-2', 'user-3']);
    // What the command printed agrees.
    for (const e of expected) assert.match(stdout, new RegExp(`${e.userId}: 3 event\\(s\\), firstSeen ${e.firstSeen} .*lastSeen ${e.lastSeen} `));

    await eventually(async () => JSON.stringify(await summaries()) === JSON.stringify(expected), 'the 3 summaries');
    const one = await api(system.url, 'GET', '/api/summaries/user-2');
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, expected[1]);
  });

  test('an unknown user is 404 naming it', async () => {
    const res = await api(system.url, 'GET', '/api/summaries/unknown');
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'no summary for user unknown');
    assert.equal(res.body.field, 'params.userId');
  });

  test('GET /api/summaries/ (no userId) is the list, not a user with an empty id', async () => {
    const res = await api(system.url, 'GET', '/api/summaries/');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body, await summaries());
    assert.ok(res.body.length > 0);
    const long = await api(system.url, 'GET', `/api/summaries/${'u'.repeat(201)}`);
    assert.equal(long.status, 422);
    assert.equal(long.body.message, 'params.userId: must be at most 200 characters');
  });

  test('output_topic is compacted, keyed by userId, and gets a record only when min or max changes', async () => {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: 'output_topic', configNames: ['cleanup.policy'] }],
    });
    assert.equal(described.resources[0]!.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue, 'compact');
    const records = await outputRecords();
    assert.ok(records.length >= 3 && records.length <= 9, `${records.length} output records for 9 events`);
    for (const r of records) assert.equal(r.key, r.value.userId);
    // The last record per user is the summary.
    const last = new Map(records.map((r) => [r.key, r.value]));
    assert.deepEqual([...last.values()].sort((a, b) => a.userId.localeCompare(b.userId)), expected);
  });

  test('an older event out of order moves firstSeen only; one within the range emits nothing', async () => {
    const u1 = expected[0]!;
    const before = (await outputRecords()).filter((r) => r.key === 'user-1').length;
    await sendEvent('user-1', event('user-1', u1.firstSeen - 60_000));
    await eventually(async () => (await summaryOf('user-1'))?.firstSeen === u1.firstSeen - 60_000, 'firstSeen moved back');
    assert.deepEqual(await summaryOf('user-1'), { userId: 'user-1', firstSeen: u1.firstSeen - 60_000, lastSeen: u1.lastSeen });
    u1.firstSeen -= 60_000;

    // Within the range, then newer: only the newer one reaches output_topic (same partition, in order).
    await sendEvent('user-1', event('user-1', u1.firstSeen + 1));
    await sendEvent('user-1', event('user-1', u1.lastSeen + 1_000));
    await eventually(async () => (await summaryOf('user-1'))?.lastSeen === u1.lastSeen + 1_000, 'lastSeen moved on');
    u1.lastSeen += 1_000;
    const after = (await outputRecords()).filter((r) => r.key === 'user-1');
    assert.equal(after.length, before + 2);
    assert.deepEqual(after.at(-1)!.value, u1);
  });

  test('bad events go to input_topic.dlq and processing goes on; an unkeyed event is re-keyed', async () => {
    const u2 = expected[1]!;
    await sendEvent('user-2', 'not json');
    await sendEvent('user-2', { userId: 'user-2', metadata: { timestamp: 'yesterday' } });
    await sendEvent('user-2', event('user-2', u2.lastSeen + 5_000));
    await sendEvent(null, event('user-4', 1_700_000_000_000));
    await eventually(async () => (await summaryOf('user-2'))?.lastSeen === u2.lastSeen + 5_000, 'user-2 processed after the bad events');
    u2.lastSeen += 5_000;
    await eventually(async () => (await summaryOf('user-4'))?.firstSeen === 1_700_000_000_000, 'the unkeyed event summarized');
    expected.push({ userId: 'user-4', firstSeen: 1_700_000_000_000, lastSeen: 1_700_000_000_000 });

    const dead = await readAll(kafka, admin, 'input_topic.dlq');
    assert.equal(dead.length, 2);
    assert.deepEqual(dead.map((d) => d.headers['tributary.error.type']).sort(), ['DeserializationError', 'ValidationError']);
    assert.ok(dead.every((d) => d.key === 'user-2' && d.headers['tributary.source.topic'] === 'input_topic'));
    assert.match(dead.find((d) => d.headers['tributary.error.type'] === 'ValidationError')!.headers['tributary.error']!, /metadata\.timestamp/);
    const outKeys = (await outputRecords()).map((r) => r.key);
    assert.ok(outKeys.includes('user-4'));
  });

  test('a restart keeps the summaries and the worker resumes from its table', async () => {
    const beforeRestart = await summaries();
    assert.deepEqual(beforeRestart, expected);
    system = await system.restart();
    assert.deepEqual(await summaries(), expected, 'the API reads output_topic back before it answers');
    // The worker's table was restored: a newer event for user-3 keeps its firstSeen.
    const u3 = expected[2]!;
    await sendEvent('user-3', event('user-3', u3.lastSeen + 7_000));
    await eventually(async () => (await summaryOf('user-3'))?.lastSeen === u3.lastSeen + 7_000, 'user-3 after the restart');
    assert.deepEqual(await summaryOf('user-3'), { ...u3, lastSeen: u3.lastSeen + 7_000 });
  });

  test('an API without a worker in its process serves the same summaries', async () => {
    const apiOnly = await system.restart({ workers: false });
    system = apiOnly;
    const all = await summaries();
    assert.equal(all.length, 4);
    assert.deepEqual(all.map((s) => s.userId), ['user-1', 'user-2', 'user-3', 'user-4']);
  });
});
