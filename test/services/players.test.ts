// System 1 end to end: POST /api/soccer_players on a real broker, the records
// read back over TCP with kafkajs, bad input rejected before anything is sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Admin, Kafka } from 'kafkajs';
import { createServices, serviceContext } from '../../src/runtime/system.js';
import { Player, POSITIONS } from '../../src/services/players/schemas.js';
import { playersTopicSettings } from '../../src/services/players/topics.js';
import { kafkajsClient, readAll } from '../helpers/kafkajs.js';
import { api, startTestSystem, type TestSystem } from '../helpers/system.js';

const TOPIC = 'soccer_players';

describe('players', () => {
  let system: TestSystem;
  let kafka: Kafka;
  let admin: Admin;

  const recordCount = async (topic = TOPIC) => (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high), 0);

  before(async () => {
    system = await startTestSystem({ services: ['players'] });
    kafka = kafkajsClient(system.broker.address);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await system?.close();
  });

  test('the topic is created at start with 3 partitions', async () => {
    const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
    assert.equal(meta.topics[0]!.partitions.length, 3);
  });

  test('POST {"count": 5} answers 201 with 5 players, all on the topic keyed by position', async () => {
    const before = await recordCount();
    const res = await api(system.url, 'POST', '/api/soccer_players', { count: 5 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.length, 5);
    for (const p of res.body) {
      Player.parse(p);
      assert.ok(POSITIONS.includes(p.position));
      for (const k of ['speed', 'stamina', 'strength', 'technique']) assert.ok(Number.isInteger(p[k]) && p[k] >= 0 && p[k] <= 10, `${k} = ${p[k]}`);
    }
    assert.equal(new Set(res.body.map((p: Player) => p.id)).size, 5);

    // The answer came after the acks: the records are there now, no waiting.
    assert.equal(await recordCount(), before + 5);
    const records = await readAll(kafka, admin, TOPIC);
    const byId = new Map(records.map((r) => [JSON.parse(r.value!).id as string, r]));
    for (const p of res.body as Player[]) {
      const r = byId.get(p.id);
      assert.ok(r, `player ${p.id} is on the topic`);
      assert.equal(r.key, p.position);
      assert.deepEqual(JSON.parse(r.value!), p);
    }
    // Keyed by position: one position, one partition.
    const partitionOf = new Map<string, number>();
    for (const r of records) {
      const seen = partitionOf.get(r.key!);
      if (seen !== undefined) assert.equal(r.partition, seen, `all ${r.key} records share a partition`);
      partitionOf.set(r.key!, r.partition);
    }
  });

  test('count 10000 works', async () => {
    const before = await recordCount();
    const res = await api(system.url, 'POST', '/api/soccer_players', { count: 10_000 });
    assert.equal(res.status, 201, JSON.stringify(res.body).slice(0, 500));
    assert.equal(res.body.length, 10_000);
    assert.equal(await recordCount(), before + 10_000);
  });

  const bad: { name: string; body: unknown; contentType?: string; status: number; field: string; message: RegExp }[] = [
    { name: 'count 0', body: { count: 0 }, status: 422, field: 'body.count', message: /body\.count: must be at least 1/ },
    { name: 'count 10001', body: { count: 10_001 }, status: 422, field: 'body.count', message: /body\.count: must be at most 10000/ },
    { name: 'count "3"', body: { count: '3' }, status: 422, field: 'body.count', message: /body\.count: must be a number/ },
    { name: 'count missing', body: {}, status: 422, field: 'body.count', message: /body\.count: is required/ },
    { name: 'count 1.5', body: { count: 1.5 }, status: 422, field: 'body.count', message: /body\.count: must be an integer/ },
    { name: 'count null', body: { count: null }, status: 422, field: 'body.count', message: /body\.count: must be a number/ },
    { name: 'invalid JSON', body: '{"count": 5', status: 400, field: 'body', message: /not valid JSON/ },
    { name: 'an array', body: [5], status: 422, field: 'body', message: /body: must be a JSON object like \{"count": 5\}/ },
    { name: 'a number', body: '5', status: 422, field: 'body', message: /body: must be a JSON object like \{"count": 5\}/ },
    { name: 'an empty body', body: '', status: 400, field: 'body', message: /empty/ },
  ];
  for (const c of bad) {
    test(`bad input (${c.name}) is a ${c.status}${c.field ? ` naming ${c.field}` : ''}, and nothing is sent`, async () => {
      const before = await recordCount();
      const res = await api(system.url, 'POST', '/api/soccer_players', c.body, { 'content-type': 'application/json' });
      assert.equal(res.status, c.status, JSON.stringify(res.body));
      if (c.field) assert.equal(res.body.field, c.field, JSON.stringify(res.body));
      assert.match(res.body.message, c.message);
      assert.equal(await recordCount(), before);
    });
  }

  test('a 10 MB body is a 413', async () => {
    const before = await recordCount();
    const body = JSON.stringify({ count: 5, padding: 'x'.repeat(10 * 1024 * 1024) });
    const res = await api(system.url, 'POST', '/api/soccer_players', body);
    assert.equal(res.status, 413);
    assert.equal(await recordCount(), before);
  });

  test('/docs describes the route, its body and its answers', async () => {
    const doc = await api(system.url, 'GET', '/docs/json');
    const op = doc.body.paths['/api/soccer_players'].post;
    assert.deepEqual(op.tags, ['players']);
    const schema = op.requestBody.content['application/json'].schema;
    assert.match(schema.properties.count.description, /1 to 10000/);
    assert.ok(op.responses['201'] && op.responses['422'] && op.responses['413']);
  });

  test('TOPICS_NAME and TOPICS_PARTITIONS choose the topic', async () => {
    const other = await startTestSystem({ services: ['players'], existingBroker: system.broker, env: { TOPICS_NAME: 'players_custom', TOPICS_PARTITIONS: '2' } });
    try {
      const meta = await admin.fetchTopicMetadata({ topics: ['players_custom'] });
      assert.equal(meta.topics[0]!.partitions.length, 2);
      const before = await recordCount(TOPIC);
      const res = await api(other.url, 'POST', '/api/soccer_players', { count: 3 });
      assert.equal(res.status, 201);
      assert.equal(await recordCount('players_custom'), 3);
      assert.equal(await recordCount(TOPIC), before);
    } finally {
      await other.close();
    }
  });
});

describe('players settings', () => {
  test('defaults: soccer_players, 3 partitions, 1 replica', () => {
    assert.deepEqual(playersTopicSettings({}), { name: 'soccer_players', partitions: 3, replicas: 1 });
  });

  for (const [variable, value] of [
    ['TOPICS_PARTITIONS', '0'],
    ['TOPICS_PARTITIONS', 'three'],
    ['TOPICS_PARTITIONS', '2.5'],
    ['TOPICS_REPLICAS', '-1'],
    ['TOPICS_NAME', 'bad name'],
  ] as const) {
    test(`${variable}=${value} fails at start naming ${variable}`, () => {
      const ctx = serviceContext({ kafka: { brokers: ['127.0.0.1:1'], clientId: 't' }, env: { [variable]: value } });
      assert.throws(() => createServices(ctx, ['players']), (err: Error) => err.name === 'KafkaConfigError' && err.message.startsWith(`${variable}: `));
    });
  }
});
