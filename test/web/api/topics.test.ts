// The console's cluster views and topic operations, on a real embedded broker
// through inject(): the overview, the topic list with the groups reading each
// topic, one topic's partitions and configs, creating, configuring, deleting
// records and deleting topics, and their 4xx.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { clusterTools, startConsoleServer, type ClusterTools, type ConsoleServer } from './console-server.js';

describe('console API: overview and topics', () => {
  let broker: TestBroker;
  let server: ConsoleServer;
  let tools: ClusterTools;
  before(async () => {
    broker = await startTestBroker();
    server = await startConsoleServer([broker.address], { database: async () => 'ok (test)' });
    tools = clusterTools([broker.address]);
    await tools.admin.createTopics({ topics: ['orders'], partitions: 3, replicas: 1 });
    await tools.send('orders', [
      { key: 'a', value: '{"n":1}', partition: 0 },
      { key: 'b', value: '{"n":2}', partition: 1 },
      { key: 'c', value: '{"n":3}', partition: 1 },
    ]);
  });
  after(async () => {
    await server?.close();
    await tools?.close();
    await broker?.destroy();
  });

  test('GET overview: the broker, the counts, the health of broker and database', async () => {
    const res = await server.call('GET', '/api/console/overview');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.brokers.length, 1);
    assert.equal(res.body.brokers[0].controller, true);
    assert.ok(res.body.topics >= 1);
    assert.ok(res.body.partitions >= 3);
    assert.deepEqual(res.body.health.broker, { ok: true, text: 'ok (1 broker)' });
    assert.deepEqual(res.body.health.database, { ok: true, text: 'ok (test)' });
    assert.equal(res.body.authRequired, false);
    assert.deepEqual(res.body.systems, []);
  });

  test('GET topics: each topic with partitions, offsets and record count', async () => {
    const res = await server.call('GET', '/api/console/topics');
    assert.equal(res.status, 200);
    const orders = res.body.find((t: { name: string }) => t.name === 'orders');
    assert.ok(orders, JSON.stringify(res.body));
    assert.equal(orders.partitions, 3);
    assert.equal(orders.replicas, 1);
    assert.equal(orders.endOffset, 3);
    assert.equal(orders.records, 3);
    assert.equal(orders.internal, false);
    assert.ok(orders.sizeBytes === null || orders.sizeBytes > 0);
  });

  test('GET topics/:topic: partitions with their offsets, and the configs', async () => {
    const res = await server.call('GET', '/api/console/topics/orders');
    assert.equal(res.status, 200);
    assert.deepEqual(
      res.body.partitionInfo.map((p: { partition: number; endOffset: number }) => [p.partition, p.endOffset]),
      [[0, 1], [1, 2], [2, 0]],
    );
    assert.ok(res.body.configs.some((c: { name: string }) => c.name === 'cleanup.policy'), JSON.stringify(res.body.configs.map((c: { name: string }) => c.name)));
  });

  test('GET topics/:topic of an unknown topic is 404 naming it', async () => {
    const res = await server.call('GET', '/api/console/topics/nope');
    assert.equal(res.status, 404);
    assert.equal(res.body.field, 'params.topic');
    assert.match(res.body.message, /nope/);
  });

  test('a group that committed on a topic shows in its row with its lag', async () => {
    await tools.admin.createTopics({ topics: ['lagging'], partitions: 1, replicas: 1 });
    await tools.send('lagging', [{ value: '1' }, { value: '2' }, { value: '3' }, { value: '4' }]);
    await tools.admin.alterConsumerGroupOffsets({ groupId: 'reader', topics: [{ name: 'lagging', partitionOffsets: [{ partition: 0, offset: 1n }] }] });
    server.console.sampler.invalidate();
    const res = await server.call('GET', '/api/console/topics');
    const row = res.body.find((t: { name: string }) => t.name === 'lagging');
    assert.deepEqual(row.groups, [{ group: 'reader', lag: 3 }]);
  });

  test('POST topics creates one (201, its detail); again is 409', async () => {
    const res = await server.call('POST', '/api/console/topics', { name: 'created', partitions: 2, configs: { 'retention.ms': '3600000' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal(res.body.name, 'created');
    assert.equal(res.body.partitions, 2);
    assert.equal(res.body.configs.find((c: { name: string }) => c.name === 'retention.ms').value, '3600000');
    const again = await server.call('POST', '/api/console/topics', { name: 'created', partitions: 2 });
    assert.equal(again.status, 409);
    assert.match(again.body.message, /TOPIC_ALREADY_EXISTS/);
  });

  test('POST topics with a bad name is 422 naming body.name', async () => {
    const res = await server.call('POST', '/api/console/topics', { name: 'no spaces', partitions: 1 });
    assert.equal(res.status, 422);
    assert.equal(res.body.field, 'body.name');
  });

  test('PUT topics/:topic/configs sets a value and sets one back to its default', async () => {
    const set = await server.call('PUT', '/api/console/topics/created/configs', { configs: { 'retention.ms': '7200000' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const entry = set.body.configs.find((c: { name: string }) => c.name === 'retention.ms');
    assert.equal(entry.value, '7200000');
    assert.equal(entry.isDefault, false);
    const reset = await server.call('PUT', '/api/console/topics/created/configs', { configs: { 'retention.ms': null } });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.configs.find((c: { name: string }) => c.name === 'retention.ms').isDefault, true);
  });

  test('POST delete-records moves the start offset; a partition it lacks is 400 naming it', async () => {
    const res = await server.call('POST', '/api/console/topics/orders/delete-records', { partitions: [{ partition: 1, offset: 1 }] });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.partitions, [{ partition: 1, startOffset: 1 }]);
    const detail = await server.call('GET', '/api/console/topics/orders');
    assert.equal(detail.body.partitionInfo[1].startOffset, 1);
    const bad = await server.call('POST', '/api/console/topics/orders/delete-records', { partitions: [{ partition: 9, offset: 0 }] });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'body.partitions.0.partition');
  });

  test('DELETE topics/:topic deletes it (204); then it is 404', async () => {
    const res = await server.call('DELETE', '/api/console/topics/created');
    assert.equal(res.status, 204);
    const gone = await server.call('GET', '/api/console/topics/created');
    assert.equal(gone.status, 404);
    const again = await server.call('DELETE', '/api/console/topics/created');
    assert.equal(again.status, 404);
  });

  test('the routes are documented at /docs under the console tag', async () => {
    const doc = await server.call('GET', '/docs/json');
    const paths = Object.keys(doc.body.paths);
    assert.ok(paths.includes('/api/console/overview'), paths.join(' '));
    assert.ok(paths.includes('/api/console/live/topics/{topic}/messages'), paths.join(' '));
    assert.deepEqual(doc.body.paths['/api/console/topics'].get.tags, ['console']);
  });
});

describe('console API: a cluster that does not answer', () => {
  test('the overview says so in its broker health; a view is 503 naming the cause', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const server = await startConsoleServer(['127.0.0.1:1']);
    try {
      const overview = await server.call('GET', '/api/console/overview');
      assert.equal(overview.status, 200);
      assert.equal(overview.body.health.broker.ok, false);
      assert.match(overview.body.health.broker.text, /^unreachable/);
      assert.equal(overview.body.health.database, null);
      const topics = await server.call('GET', '/api/console/topics');
      assert.equal(topics.status, 503);
      assert.match(topics.body.message, /did not answer/);
    } finally {
      await server.close();
    }
  });
});

