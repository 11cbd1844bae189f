// The log cleaner seen by real clients over TCP: after a pass, kcat and kafkajs
// read the latest value of every key at its original offset; tombstones go
// after delete.retention.ms; aborted transactional records are gone; and a
// stream table restores from its cleaned changelog to the same contents.
// Rounds are run with broker.cleaner.cleanNow(), never by waiting for the timer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { kcat } from '../../helpers/kcat.js';
import { kafkajsClient, readAll } from '../../helpers/kafkajs.js';
import { createTestApp } from '../../../src/stream/testing.js';
import { Table } from '../../../src/stream/table.js';
import { createConsumer } from '../../../src/stream/kafka.js';

let broker: TestBroker;
const compact = { 'cleanup.policy': 'compact', 'segment.bytes': '4096' };

before(async () => {
  broker = await startTestBroker({ logCleanerEnable: false });
});

after(async () => {
  await broker.destroy();
});

/** Seals every partition's active segment (what segment.ms does on a quiet topic). */
function rollAll(topic: string): void {
  for (const p of broker.broker.topics.get(topic)!.partitions) p.log.roll();
}

async function produceUpdates(topic: string, keys: number, rounds: number, idempotent: boolean): Promise<Map<string, { value: string }>> {
  const kafka = kafkajsClient(broker.address);
  const producer = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined, allowAutoTopicCreation: false });
  await producer.connect();
  const latest = new Map<string, { value: string }>();
  try {
    for (let r = 0; r < rounds; r++) {
      const messages = Array.from({ length: keys }, (_, k) => ({ key: `key-${k}`, value: `round-${r}-key-${k}` }));
      await producer.send({ topic, messages, acks: -1 });
      for (const m of messages) latest.set(m.key, { value: m.value });
    }
  } finally {
    await producer.disconnect();
  }
  return latest;
}

test('kcat and kafkajs read the latest value of every key after cleaning, at its original offset', async () => {
  const topic = 'cleaned-clients';
  await broker.broker.topics.create(topic, 2, compact);
  const latest = await produceUpdates(topic, 40, 30, true);
  const kafka = kafkajsClient(broker.address);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const before = await readAll(kafka, admin, topic);
    assert.equal(before.length, 1200);
    rollAll(topic);
    const results = await broker.broker.cleaner.cleanNow({ topic });
    assert.ok(results.every((r) => r.cleaned), JSON.stringify(results));
    const kept = results.reduce((n, r) => n + r.recordsKept, 0);
    console.log(`cleaned ${topic}: ${results.reduce((n, r) => n + r.recordsRead, 0)} records read, ${kept} kept`);

    const out = await kcat(['-b', broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%p %o %k %s\n']);
    assert.equal(out.code, 0, out.stderr);
    const rows = out.stdout.trimEnd().split('\n').map((l) => l.split(' '));
    assert.equal(rows.length, 40, 'one record per key');
    const originalOffset = new Map(before.map((m) => [m.value, `${m.partition} ${m.offset}`]));
    for (const [p, o, k, v] of rows) {
      assert.equal(v, latest.get(k)!.value, `kcat: latest value of ${k}`);
      assert.equal(`${p} ${o}`, originalOffset.get(v), 'offset preserved');
    }

    const after = await readAll(kafka, admin, topic);
    assert.deepEqual(new Map(after.map((m) => [m.key, m.value])), new Map([...latest].map(([k, v]) => [k, v.value])));
    // A consumer group reads the same through kafkajs's consumer (empty batches and gaps included).
    const consumer = kafka.consumer({ groupId: 'cleaned-reader', maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      consumer.run({
        eachMessage: async ({ message }) => {
          seen.set(message.key!.toString(), message.value!.toString());
          if (seen.size === 40 && [...seen].every(([k, v]) => latest.get(k)!.value === v)) resolve();
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    // Producing continues with the next offsets.
    const ends = await admin.fetchTopicOffsets(topic);
    await produceUpdates(topic, 4, 1, true);
    const ends2 = await admin.fetchTopicOffsets(topic);
    assert.equal(ends2.reduce((n, p) => n + Number(p.high), 0), ends.reduce((n, p) => n + Number(p.high), 0) + 4);
  } finally {
    await admin.disconnect();
  }
});

test('tombstones from kafkajs stay for delete.retention.ms, then a round after the horizon drops them', async () => {
  const topic = 'cleaned-tombstones';
  await broker.broker.topics.create(topic, 1, { ...compact, 'delete.retention.ms': '60000' });
  await produceUpdates(topic, 10, 5, false);
  const kafka = kafkajsClient(broker.address);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: [{ key: 'key-2', value: null }, { key: 'key-5', value: null }], acks: -1 });
  rollAll(topic);
  // The active segment holds the log's last record, as after a roll on append.
  await producer.send({ topic, messages: [{ key: 'tail', value: 'tail' }], acks: -1 });
  await producer.disconnect();
  const now = Date.now();
  await broker.broker.cleaner.cleanNow({ topic, now });
  const kcatRead = async () => {
    const out = await kcat(['-b', broker.address, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-Z', '-f', '%k=%s\n']);
    assert.equal(out.code, 0, out.stderr);
    return out.stdout.trimEnd().split('\n');
  };
  let lines = await kcatRead();
  assert.equal(lines.length, 11);
  assert.ok(lines.includes('key-2=NULL') && lines.includes('key-5=NULL'), lines.join(','));
  await broker.broker.cleaner.cleanNow({ topic, now: now + 59_999 });
  assert.equal((await kcatRead()).length, 11, 'kept until the horizon');
  const [r] = await broker.broker.cleaner.cleanNow({ topic, now: now + 60_000 });
  assert.ok(r.cleaned, r.skipped);
  lines = await kcatRead();
  assert.equal(lines.length, 9);
  assert.ok(!lines.some((l) => l.startsWith('key-2=') || l.startsWith('key-5=')));
});

test('records of an aborted kafkajs transaction are removed by cleaning', async () => {
  const topic = 'cleaned-txn';
  await broker.broker.topics.create(topic, 1, compact);
  const kafka = kafkajsClient(broker.address);
  const producer = kafka.producer({ transactionalId: 'cleaner-txn', idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  try {
    let t = await producer.transaction();
    await t.send({ topic, messages: [{ key: 'a', value: 'a-committed' }, { key: 'b', value: 'b-committed' }] });
    await t.commit();
    t = await producer.transaction();
    await t.send({ topic, messages: [{ key: 'a', value: 'a-aborted' }, { key: 'c', value: 'c-aborted' }] });
    await t.abort();
    t = await producer.transaction();
    await t.send({ topic, messages: [{ key: 'd', value: 'd-committed' }] });
    await t.commit();
  } finally {
    await producer.disconnect();
  }
  rollAll(topic);
  await broker.broker.cleaner.cleanNow({ topic });
  const admin = kafka.admin();
  await admin.connect();
  try {
    // READ_UNCOMMITTED shows whatever is stored: no aborted record is.
    const stored = await readAll(kafka, admin, topic, { isolationLevel: 0 });
    assert.deepEqual(stored.map((m) => m.value).sort(), ['a-committed', 'b-committed', 'd-committed']);
    const committed = await readAll(kafka, admin, topic, { isolationLevel: 1 });
    assert.deepEqual(committed.map((m) => m.value).sort(), ['a-committed', 'b-committed', 'd-committed']);
  } finally {
    await admin.disconnect();
  }
});

test('a stream table restores from its cleaned changelog to the same contents, reading fewer records', async () => {
  const t = await createTestApp({ id: 'cleaner-app', broker: { logCleanerEnable: false } });
  try {
    const Event = z.object({ user: z.string(), n: z.number() });
    const input = t.app.topic('clicks', { schema: Event, partitions: 2 });
    const counts = t.app.table('counts', { value: z.number() });
    const agent = t.app.agent(input, (e) => {
      if (e.value.n < 0) counts.delete(e.value.user);
      else counts.set(e.value.user, (counts.get(e.value.user) ?? 0) + 1);
    }, { tables: [counts] });
    await t.app.createTopics();
    await t.broker.broker.topics.alterConfigs(counts.changelog.name, [{ name: 'segment.bytes', op: 'set', value: '2048' }]);
    const events = Array.from({ length: 1500 }, (_, i) => ({ key: `user-${i % 30}`, value: { user: `user-${i % 30}`, n: i } }));
    events.push({ key: 'user-7', value: { user: 'user-7', n: -1 } });
    await t.produce(input, events);
    await t.app.start();
    await t.waitFor(() => agent.stats.processed >= events.length, 60_000, 'all processed');
    const expected = counts.toObject();
    await t.app.stop();
    assert.equal(Object.keys(expected).length, 29);

    const restore = async () => {
      const table = new Table<number>('cleaner-app', 'counts', { value: z.number() });
      const consumer = createConsumer({ brokers: [t.broker.address], clientId: 'restore' }, { groupId: 'restore-reader' });
      try {
        for (let p = 0; p < 2; p++) await table.restore(consumer, p);
      } finally {
        await consumer.close();
      }
      return table;
    };
    const before = await restore();
    assert.deepEqual(before.toObject(), expected);
    for (const p of t.broker.broker.topics.get(counts.changelog.name)!.partitions) p.log.roll();
    const results = await t.broker.broker.cleaner.cleanNow({ topic: counts.changelog.name });
    assert.ok(results.some((r) => r.cleaned), JSON.stringify(results));
    const after = await restore();
    assert.deepEqual(after.toObject(), expected);
    console.log(`table restore read ${before.restoredRecords} records before cleaning, ${after.restoredRecords} after`);
    assert.ok(after.restoredRecords <= 30, `restored ${after.restoredRecords} records`);
  } finally {
    await t.close();
  }
});
