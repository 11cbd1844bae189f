// followTopic / viewTopic on a real broker, with kafkajs as the outside
// producer: a follower joins no consumer group (nothing is left on the broker
// when it stops), every follower sees every record, caughtUp settles even when
// a partition ends in a transaction marker, and stop() ends a fetch waiting at
// the broker without reporting an error.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { Admin, Kafka } from 'kafkajs';
import { followTopic, viewTopic } from '../../src/stream/follower.js';
import { Topic } from '../../src/stream/topic.js';
import { Signal } from '../../src/stream/wait.js';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kafkajsClient } from '../helpers/kafkajs.js';

describe('topic followers', () => {
  let broker: TestBroker;
  let kafka: Kafka;
  let admin: Admin;
  const config = () => ({ brokers: [broker.address], clientId: 'follower-test' });
  const value = z.object({ n: z.number() });

  const produce = async (topic: string, records: { key: string; n: number }[], transactional = false) => {
    const producer = transactional
      ? kafka.producer({ transactionalId: `tx-${topic}`, idempotent: true, maxInFlightRequests: 1 })
      : kafka.producer();
    await producer.connect();
    try {
      const messages = records.map((r) => ({ key: r.key, value: JSON.stringify({ n: r.n }) }));
      if (!transactional) await producer.send({ topic, acks: -1, messages });
      else {
        const tx = await producer.transaction();
        await tx.send({ topic, acks: -1, messages });
        await tx.commit();
      }
    } finally {
      await producer.disconnect();
    }
  };

  before(async () => {
    broker = await startTestBroker();
    kafka = kafkajsClient(broker.address);
    admin = kafka.admin();
    await admin.connect();
  });
  after(async () => {
    await admin?.disconnect();
    await broker?.destroy();
  });

  test('two followers each see every record, and neither leaves a consumer group', async () => {
    await admin.createTopics({ topics: [{ topic: 'follow-a', numPartitions: 3 }] });
    const topic = new Topic('follow-a', { schema: value });
    await produce('follow-a', [{ key: 'x', n: 1 }, { key: 'y', n: 2 }, { key: 'z', n: 3 }]);
    const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId);
    const seen: number[][] = [[], []];
    const received = new Signal();
    const followers = await Promise.all(seen.map((s) => followTopic(config(), topic, { onRecord: (r) => (s.push(r.value!.n), received.notify()) })));
    try {
      await Promise.all(followers.map((f) => f.caughtUp));
      for (const s of seen) assert.deepEqual([...s].sort(), [1, 2, 3]);
      await produce('follow-a', [{ key: 'x', n: 4 }, { key: 'w', n: 5 }]);
      await received.until(() => seen.every((s) => s.length === 5), 'both followers to see the 2 new records');
      assert.deepEqual((await admin.listGroups()).groups.map((g) => g.groupId), groupsBefore, 'no group while following');
    } finally {
      await Promise.all(followers.map((f) => f.stop()));
    }
    assert.deepEqual((await admin.listGroups()).groups.map((g) => g.groupId), groupsBefore, 'no group after stopping');
  });

  test('caughtUp settles when the partition ends in a transaction marker', async () => {
    await admin.createTopics({ topics: [{ topic: 'follow-tx', numPartitions: 1 }] });
    await produce('follow-tx', [{ key: 'k', n: 1 }], true);
    const topic = new Topic('follow-tx', { schema: value });
    // The record is at offset 0 and the commit marker at 1: the end (2) is past the last record.
    const view = await viewTopic(config(), topic);
    try {
      assert.deepEqual([...view.entries], [['k', { n: 1 }]]);
    } finally {
      await view.stop();
    }
  });

  test('stop() ends a follower whose fetch is waiting at the broker, without an error', async () => {
    await admin.createTopics({ topics: [{ topic: 'follow-idle', numPartitions: 2 }] });
    const topic = new Topic('follow-idle', { schema: value });
    const errors: unknown[] = [];
    const follower = await followTopic(config(), topic, { onRecord: () => {}, onError: (e) => errors.push(e) });
    await follower.caughtUp; // an empty topic: at once; the fetches now wait for records
    await follower.stop();
    await follower.stop(); // twice is fine
    assert.deepEqual(errors, [], 'stopping is not an error');
  });
});
