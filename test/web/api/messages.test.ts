// Browsing and producing through the console API on a real embedded broker:
// pages from the end, the start, an offset and a time, on one partition or
// all; the key, text and JSON path filters; decoding (JSON, protobuf of a
// declared topic, text, binary as base64) with headers; producing with key,
// headers and partition; and the 4xx naming the field.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { createApp } from '../../../src/stream/app.js';
import { activitySerde } from '../../../src/services/activity/topics.js';
import type { Service } from '../../../src/services/service.js';
import { clusterTools, startConsoleServer, type ClusterTools, type ConsoleServer } from './console-server.js';

describe('console API: messages', () => {
  let broker: TestBroker;
  let server: ConsoleServer;
  let tools: ClusterTools;
  const base = Date.UTC(2026, 0, 1);
  before(async () => {
    broker = await startTestBroker();
    tools = clusterTools([broker.address]);
    // A declared protobuf topic, as the activity service declares Users.
    const app = createApp({ id: 'console-test', kafka: { brokers: [broker.address], clientId: 't' } });
    app.topic('activity', { serde: activitySerde });
    const service = { name: 'test', description: 'a test system', app, hasWorker: false } satisfies Service;
    server = await startConsoleServer([broker.address], { services: [service] });
    await tools.admin.createTopics({ topics: ['events', 'activity', 'raw'], partitions: 2, replicas: 1 });
    const records = Array.from({ length: 10 }, (_, i) => ({
      key: `user-${i % 3}`,
      value: JSON.stringify({ n: i, customer: { id: `c${i % 2}` }, items: [{ price: i * 10 }] }),
      partition: i % 2,
      timestamp: base + i * 1000,
      headers: { source: i === 4 ? 'special-header' : 'test' },
    }));
    await tools.send('events', records);
    const activity = activitySerde.encode(activitySerde.create({ clientHost: '10.0.0.1', clientPort: '5000', endpoint: '/users', httpMethod: 'GET' }));
    await tools.producer.send({ messages: [{ topic: 'activity', value: activity, partition: 0 }] });
    await tools.producer.send({ messages: [{ topic: 'raw', value: Buffer.from([0, 1, 2, 255]), partition: 0 }, { topic: 'raw', value: Buffer.from('plain text'), partition: 0 }] });
  });
  after(async () => {
    await server?.close();
    await tools?.close();
    await broker?.destroy();
  });

  const get = (q: string) => server.call('GET', `/api/console/topics/events/messages${q}`);

  test('from the end (default): the last `limit` records of every partition, oldest first, decoded, with headers', async () => {
    const res = await get('?limit=4');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [6, 7, 8, 9]);
    const m = res.body.messages[0];
    assert.equal(m.value.format, 'json');
    assert.equal(m.key.value, 'user-0');
    assert.equal(m.timestamp, base + 6000);
    assert.deepEqual(m.headers, { source: 'test' });
    assert.deepEqual(res.body.next, { '0': 5, '1': 5 });
  });

  test('from the start on one partition, then the next page from `next`', async () => {
    const first = await get('?from=start&partition=1&limit=2');
    assert.deepEqual(first.body.messages.map((m: { offset: number }) => m.offset), [0, 1]);
    assert.deepEqual(first.body.next, { '1': 2 });
    const second = await get('?from=offset&partition=1&offset=2&limit=2');
    assert.deepEqual(second.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [5, 7]);
  });

  test('from a time (ISO 8601 or unix ms): the records at or after it', async () => {
    const iso = await get(`?from=time&time=${new Date(base + 7000).toISOString()}`);
    assert.deepEqual(iso.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [7, 8, 9]);
    const ms = await get(`?from=time&time=${base + 8000}`);
    assert.deepEqual(ms.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [8, 9]);
  });

  test('filters: exact key, text in value or headers, a JSON path with or without a value', async () => {
    const byKey = await get('?from=start&key=user-1');
    assert.deepEqual(byKey.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [1, 4, 7]);
    assert.equal(byKey.body.scanned, 10);
    const byHeader = await get('?from=start&text=SPECIAL');
    assert.deepEqual(byHeader.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [4]);
    const byPath = await get('?from=start&jsonPath=customer.id&jsonValue=c1');
    assert.deepEqual(byPath.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [1, 3, 5, 7, 9]);
    const byIndex = await get('?from=start&jsonPath=items[0].price&jsonValue=30');
    assert.deepEqual(byIndex.body.messages.map((m: { value: { value: { n: number } } }) => m.value.value.n), [3]);
    const missing = await get('?from=start&jsonPath=nothing.here');
    assert.deepEqual(missing.body.messages, []);
  });

  test('a declared protobuf topic decodes to its fields; unknown bytes are base64, text is text', async () => {
    const activity = await server.call('GET', '/api/console/topics/activity/messages');
    const v = activity.body.messages[0].value;
    assert.equal(v.format, 'protobuf');
    assert.equal(v.type, 'tributary.activity.v1.BackendApiActivity');
    assert.equal(v.value.endpoint, '/users');
    assert.equal(v.value.clientHost, '10.0.0.1');
    const raw = await server.call('GET', '/api/console/topics/raw/messages?from=start');
    assert.deepEqual(raw.body.messages.map((m: { value: { format: string; value: string } }) => [m.value.format, m.value.value]), [
      ['binary', Buffer.from([0, 1, 2, 255]).toString('base64')],
      ['text', 'plain text'],
    ]);
    assert.equal(raw.body.messages[0].value.size, 4);
  });

  test('bad offset, partition, time or path: 400 naming the field; unknown topic 404', async () => {
    for (const [q, field] of [
      ['?from=offset&offset=abc', 'querystring.offset'],
      ['?from=offset&partition=0&offset=99', 'querystring.offset'],
      ['?from=offset', 'querystring.offset'],
      ['?partition=7', 'querystring.partition'],
      ['?from=time&time=yesterday', 'querystring.time'],
      ['?jsonPath=a..b', 'querystring.jsonPath'],
    ] as const) {
      const res = await get(q);
      assert.equal(res.status, 400, `${q}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.field, field, q);
    }
    const limit = await get('?limit=9999');
    assert.equal(limit.status, 422);
    assert.equal(limit.body.field, 'querystring.limit');
    const unknown = await server.call('GET', '/api/console/topics/nope/messages');
    assert.equal(unknown.status, 404);
  });

  test('POST messages produces with key, headers and partition; the page reads it back', async () => {
    const res = await server.call('POST', '/api/console/topics/events/messages', { key: 'from-page', value: '{"hello":"world"}', headers: { via: 'console' }, partition: 1 });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body, { partition: 1, offset: 5 });
    const back = await get('?from=offset&partition=1&offset=5');
    const m = back.body.messages[0];
    assert.equal(m.key.value, 'from-page');
    assert.deepEqual(m.value.value, { hello: 'world' });
    assert.deepEqual(m.headers, { via: 'console' });
    const tombstone = await server.call('POST', '/api/console/topics/raw/messages', { key: 'k', value: null });
    assert.equal(tombstone.status, 201);
  });

  test('POST messages to a partition the topic lacks is 400 naming body.partition; unknown topic 404', async () => {
    const res = await server.call('POST', '/api/console/topics/events/messages', { value: 'x', partition: 5 });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'body.partition');
    const unknown = await server.call('POST', '/api/console/topics/nope/messages', { value: 'x' });
    assert.equal(unknown.status, 404);
    const noValue = await server.call('POST', '/api/console/topics/events/messages', { key: 'x' });
    assert.equal(noValue.status, 422);
    assert.equal(noValue.body.field, 'body.value');
  });
});
