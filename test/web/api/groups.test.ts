// Consumer groups through the console API on a real embedded broker: the list,
// one group's lag per partition in records and in time (the age of the record
// at the committed offset), the reset of an Empty group to the earliest, the
// latest or a time, 409 naming the state for a group with members, 404 for an
// unknown one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { closeForce, createConsumer, subscribe } from '../../../src/stream/kafka.js';
import { eventually } from '../../helpers/system.js';
import { clusterTools, startConsoleServer, type ClusterTools, type ConsoleServer } from './console-server.js';

describe('console API: groups', () => {
  let broker: TestBroker;
  let server: ConsoleServer;
  let tools: ClusterTools;
  const old = Date.now() - 60_000;
  before(async () => {
    broker = await startTestBroker({ groupInitialRebalanceDelayMs: 0, groupMinSessionTimeoutMs: 1000 });
    tools = clusterTools([broker.address]);
    server = await startConsoleServer([broker.address]);
    await tools.admin.createTopics({ topics: ['jobs'], partitions: 2, replicas: 1 });
    await tools.send('jobs', [0, 1, 2, 3, 4, 5].map((i) => ({ value: `job-${i}`, partition: i % 2, timestamp: old + i * 1000 })));
    // partition 0 holds jobs 0, 2, 4 (offsets 0..2), partition 1 jobs 1, 3, 5.
    await tools.admin.alterConsumerGroupOffsets({
      groupId: 'workers',
      topics: [{ name: 'jobs', partitionOffsets: [{ partition: 0, offset: 1n }, { partition: 1, offset: 3n }] }],
    });
  });
  after(async () => {
    await server?.close();
    await tools?.close();
    await broker?.destroy();
  });

  test('GET groups: the group with its state, topics and lag', async () => {
    const res = await server.call('GET', '/api/console/groups');
    assert.equal(res.status, 200);
    const g = res.body.find((x: { group: string }) => x.group === 'workers');
    assert.ok(g, JSON.stringify(res.body));
    assert.equal(g.state, 'Empty');
    assert.deepEqual(g.topics, ['jobs']);
    assert.equal(g.lag, 2);
    assert.equal(g.members, 0);
  });

  test('GET groups/:group: lag per partition in records and in time (the age of the oldest unconsumed record)', async () => {
    const res = await server.call('GET', '/api/console/groups/workers');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const [p0, p1] = res.body.offsets;
    assert.deepEqual([p0.partition, p0.committed, p0.endOffset, p0.lag], [0, 1, 3, 2]);
    assert.deepEqual([p1.partition, p1.committed, p1.lag, p1.lagMs], [1, 3, 0, 0]);
    // The oldest unconsumed record of partition 0 is job 2, produced at old + 2 s.
    const expectedAge = res.body.offsets.length && Date.now() - (old + 2000);
    assert.ok(p0.lagMs > 0 && p0.lagMs <= expectedAge, `lagMs ${p0.lagMs}, at most ${expectedAge}`);
    assert.ok(p0.lagMs >= 55_000, `lagMs ${p0.lagMs}`);
    assert.equal(res.body.maxLagMs, p0.lagMs);
    assert.ok(Array.isArray(res.body.lagHistory));
  });

  test('an unknown group is 404 naming it', async () => {
    const res = await server.call('GET', '/api/console/groups/nobody');
    assert.equal(res.status, 404);
    assert.equal(res.body.field, 'params.group');
  });

  test('reset to earliest, to latest and to a time moves every partition of an Empty group', async () => {
    const earliest = await server.call('POST', '/api/console/groups/workers/reset', { to: 'earliest' });
    assert.equal(earliest.status, 200, JSON.stringify(earliest.body));
    assert.deepEqual(earliest.body.offsets.map((o: { committed: number }) => o.committed), [0, 0]);
    assert.equal(earliest.body.lag, 6);
    const latest = await server.call('POST', '/api/console/groups/workers/reset', { to: 'latest' });
    assert.deepEqual(latest.body.offsets.map((o: { committed: number }) => o.committed), [3, 3]);
    assert.equal(latest.body.lag, 0);
    // At old + 3 s: job 3 (partition 1, offset 1) and job 4 (partition 0, offset 2) are the first at or after it.
    const time = await server.call('POST', '/api/console/groups/workers/reset', { to: 'time', time: new Date(old + 3000).toISOString() });
    assert.deepEqual(time.body.offsets.map((o: { committed: number }) => o.committed), [2, 1]);
    const bad = await server.call('POST', '/api/console/groups/workers/reset', { to: 'time' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'body.time');
  });

  test('reset of a group with a member is 409 naming its state', async () => {
    const consumer = createConsumer({ brokers: [broker.address], clientId: 'console-test' }, { groupId: 'busy', autocommit: false, sessionTimeout: 6000, heartbeatInterval: 500 });
    try {
      const stream = await subscribe(consumer, { topics: ['jobs'], mode: 'earliest', autocommit: false });
      stream.on('data', () => {});
      await eventually(async () => (await server.call('GET', '/api/console/groups/busy')).body?.state === 'Stable', 'group busy to be Stable');
      const res = await server.call('POST', '/api/console/groups/busy/reset', { to: 'earliest', topic: 'jobs' });
      assert.equal(res.status, 409);
      assert.match(res.body.message, /Stable/);
      const detail = await server.call('GET', '/api/console/groups/busy');
      assert.equal(detail.body.membersInfo.length, 1);
      assert.deepEqual(detail.body.membersInfo[0].assignment, [{ topic: 'jobs', partitions: [0, 1] }]);
      await stream.close();
    } finally {
      await closeForce(consumer);
    }
  });
});
