// The sampler's history: bounded by age and by count, rates from consecutive
// samples (never negative), lag history per group; and on a real broker, a
// sample sees what was produced and committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker } from '../../helpers/broker.js';
import { createAdmin } from '../../../src/stream/kafka.js';
import { Sampler } from '../../../src/web/api/sampler.js';
import type { ClusterSnapshot } from '../../../src/web/api/snapshot.js';
import { clusterTools } from './console-server.js';

/** A cluster with one topic of one partition at `end`, and one group committed at `committed`. */
function snapshot(at: number, end: number, committed: number): ClusterSnapshot {
  return {
    at,
    clusterId: 'c',
    controllerId: 1,
    brokers: [{ nodeId: 1, host: 'h', port: 1 }],
    topics: new Map([['t', { name: 't', id: 'x', internal: false, partitions: [{ partition: 0, leader: 1, replicas: [1], isr: [1], start: 0, end, size: null }] }]]),
    groups: new Map([['g', { group: 'g', state: 'Empty', protocolType: 'consumer', protocol: '', members: [], committed: new Map([['t', new Map([[0, committed]])]]) }]]),
  };
}

test('the history keeps at most maxPoints samples and none older than historyMs; rates come from the last two', async () => {
  // An admin that is never asked anything: record() takes the snapshots given.
  const admin = createAdmin({ brokers: ['127.0.0.1:1'], clientId: 'unused' });
  const sampler = new Sampler(admin, { historyMs: 10_000, maxPoints: 5 });
  try {
    for (let i = 0; i < 20; i++) sampler.record(snapshot(1_000_000 + i * 1000, i * 100, i * 50));
    assert.equal(sampler.history.length, 5);
    assert.equal(sampler.history[0]!.at, 1_015_000);
    assert.equal(sampler.topicRate('t'), 100);
    assert.equal(sampler.groupRate('g'), 50);
    assert.equal(sampler.groupRate('g', 't'), 50);
    assert.equal(sampler.totalIn(), 100);
    assert.equal(sampler.topicRateHistory('t').length, 4);
    assert.deepEqual(sampler.lagHistory('g').at(-1), [1_019_000, 1900 - 950]);

    // By age: a sample 11 s after the last drops every one older than 10 s before it.
    sampler.record(snapshot(1_030_000, 2000, 1000));
    assert.deepEqual(sampler.history.map((s) => s.at), [1_030_000]);
    assert.equal(sampler.topicRate('t'), 0, 'one sample: no rate yet');

    // Offsets that go back (a topic recreated) give no negative rate; an older snapshot is not recorded.
    sampler.record(snapshot(1_031_000, 5, 1));
    assert.equal(sampler.topicRate('t'), 0);
    sampler.record(snapshot(1_000_000, 0, 0));
    assert.equal(sampler.history.length, 2);
  } finally {
    sampler.close();
    await admin.close();
  }
});

test('a sample of a real cluster sees the records produced and the offsets committed', async () => {
  const broker = await startTestBroker();
  const tools = clusterTools([broker.address]);
  const admin = createAdmin({ brokers: [broker.address], clientId: 'sampler-test' });
  const sampler = new Sampler(admin);
  try {
    await tools.admin.createTopics({ topics: ['s'], partitions: 2, replicas: 1 });
    await tools.send('s', [{ value: 'a', partition: 0 }, { value: 'b', partition: 1 }, { value: 'c', partition: 1 }]);
    await tools.admin.alterConsumerGroupOffsets({ groupId: 'sg', topics: [{ name: 's', partitionOffsets: [{ partition: 1, offset: 1n }] }] });
    assert.equal(sampler.running, false);
    const snap = await sampler.sample();
    assert.deepEqual(snap.topics.get('s')!.partitions.map((p) => p.end), [1, 2]);
    assert.equal(sampler.history.at(-1)!.topicEnds.get('s'), 3);
    assert.equal(sampler.history.at(-1)!.groupLags.get('sg'), 1);
    assert.equal(sampler.running, false, 'sampling on demand starts no timer');
  } finally {
    sampler.close();
    await admin.close();
    await tools.close();
    await broker.destroy();
  }
});

test('the pace: every activeMs while a console client was seen within the last minute, every idleMs after', async () => {
  const admin = createAdmin({ brokers: ['127.0.0.1:1'], clientId: 'unused' });
  let now = 5_000_000;
  const sampler = new Sampler(admin, { activeMs: 2000, idleMs: 15_000, activeWindowMs: 60_000, now: () => now });
  try {
    assert.equal(sampler.running, false);
    sampler.touch();
    assert.equal(sampler.running, true);
    assert.equal(sampler.pace, 2000);
    now += 59_000;
    assert.equal(sampler.pace, 2000);
    now += 2000;
    assert.equal(sampler.pace, 15_000);
    sampler.touch();
    assert.equal(sampler.pace, 2000);
  } finally {
    sampler.close();
    await admin.close();
  }
  assert.equal(sampler.running, false);
});
