// The app's self-description (processing graph, AsyncAPI) and the table HTTP view.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { z } from 'zod';
import { createApp } from '../../src/stream/app.js';
import { createTestApp } from '../../src/stream/testing.js';
import { tableView } from '../../src/stream/table-view.js';
import { protobuf } from '../../src/stream/serde.js';
import { BackendApiActivitySchema } from '../../src/gen/tributary/activity/v1/activity_pb.js';

function sessionsApp(kafka = { brokers: ['127.0.0.1:9092'], clientId: 't' }) {
  const app = createApp({ id: 'sessions', kafka });
  const input = app.topic('input_topic', { schema: z.object({ userId: z.string(), ts: z.number() }), partitions: 3 });
  const output = app.topic('output_topic', { schema: z.object({ userId: z.string(), firstSeen: z.number(), lastSeen: z.number() }), config: { 'cleanup.policy': 'compact' } });
  const activity = app.topic('Users', { serde: protobuf(BackendApiActivitySchema) });
  const table = app.table('summaries', { value: z.object({ firstSeen: z.number(), lastSeen: z.number() }) });
  app.agent(input, () => {}, { name: 'summarize', outputs: [output], tables: [table] });
  return { app, input, output, activity, table };
}

test('the processing graph lists topics, agents, tables and their edges', () => {
  const { app } = sessionsApp();
  const g = app.graph();
  const ids = g.nodes.map((n) => n.id).sort();
  assert.deepEqual(ids, [
    'agent:summarize',
    'table:summaries',
    'topic:Users',
    'topic:input_topic',
    'topic:input_topic.dlq',
    'topic:output_topic',
    'topic:sessions-summaries-changelog',
  ]);
  const edges = g.edges.map((e) => `${e.from} -${e.kind}-> ${e.to}`).sort();
  assert.deepEqual(edges, [
    'agent:summarize -dead-letters-> topic:input_topic.dlq',
    'agent:summarize -updates-> table:summaries',
    'agent:summarize -writes-> topic:output_topic',
    'table:summaries -writes-> topic:sessions-summaries-changelog',
    'topic:input_topic -reads-> agent:summarize',
  ]);
  // The table is partitioned like its agent's input.
  assert.equal(app.tables.get('summaries')!.partitions, 3);
});

test('the AsyncAPI 3.0 document has a channel per topic with schemas and an operation per agent', () => {
  const doc = sessionsApp().app.asyncApi({ title: 'Tributary', version: '1.2.3' }) as any;
  assert.equal(doc.asyncapi, '3.0.0');
  assert.equal(doc.info.title, 'Tributary');
  assert.equal(doc.servers.broker0.host, '127.0.0.1:9092');
  assert.equal(doc.channels.input_topic.address, 'input_topic');
  assert.equal(doc.channels.input_topic.bindings.kafka.partitions, 3);
  assert.deepEqual(doc.channels.output_topic.bindings.kafka.topicConfiguration, { 'cleanup.policy': ['compact'] });
  assert.equal(doc.channels.input_topic_dlq.address, 'input_topic.dlq');
  const payload = doc.components.messages.output_topic.payload;
  assert.deepEqual(payload.required, ['userId', 'firstSeen', 'lastSeen']);
  assert.equal(doc.components.messages.Users.contentType, 'application/x-protobuf');
  assert.equal(doc.operations.summarize_receive.action, 'receive');
  assert.equal(doc.operations.summarize_receive.channel.$ref, '#/channels/input_topic');
  assert.equal(doc.operations.summarize_send_output_topic.action, 'send');
  // Every $ref resolves.
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(refs.length, 7); // 5 channel messages, 2 operations
  for (const ref of refs) {
    const path = ref.split('/');
    let node: any = doc;
    for (const p of path) node = node?.[p];
    assert.ok(node, `${ref} resolves`);
  }
});

test('a table is served over HTTP: the whole table and one key, 404 for an unknown key', async () => {
  const t = await createTestApp();
  const http = Fastify();
  try {
    const visits = t.app.topic('visits', { schema: z.object({ user: z.string() }), partitions: 2 });
    const counts = t.app.table('counts', { value: z.number() });
    const agent = t.app.agent(visits, (e) => counts.set(e.value.user, (counts.get(e.value.user) ?? 0) + 1), { tables: [counts] });
    await t.app.start();
    await t.produce(visits, [{ key: 'ann', value: { user: 'ann' } }, { key: 'bob', value: { user: 'bob' } }, { key: 'ann', value: { user: 'ann' } }]);
    await t.waitFor(() => agent.stats.processed === 3, 10_000, '3 processed');
    await http.register(tableView(counts, { path: '/api/counts', present: (user, n) => ({ user, count: n }), noun: 'user' }));
    const all = await http.inject({ method: 'GET', url: '/api/counts' });
    assert.deepEqual(JSON.parse(all.body).sort((a: any, b: any) => a.user.localeCompare(b.user)), [
      { user: 'ann', count: 2 },
      { user: 'bob', count: 1 },
    ]);
    const one = await http.inject({ method: 'GET', url: '/api/counts/ann' });
    assert.deepEqual(JSON.parse(one.body), { user: 'ann', count: 2 });
    const missing = await http.inject({ method: 'GET', url: '/api/counts/zoe' });
    assert.equal(missing.statusCode, 404);
    assert.match(JSON.parse(missing.body).message, /no user "zoe"/);
  } finally {
    await http.close();
    await t.close();
  }
});
