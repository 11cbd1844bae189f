// Batch agents (App.batchAgent) through the real embedded broker: the records of
// a partition that wait go to one handler call, in order; a failing call is
// undone and retried record by record, so only the bad record dead-letters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createTestApp } from '../../src/stream/testing.js';
import { dlqTopic } from '../../src/stream/dlq.js';

const Event = z.object({ user: z.string(), seq: z.number().int() });

test('a batch agent takes the waiting records of a partition in one call, in order, each once, at most maxBatch', async () => {
  const t = await createTestApp();
  try {
    const input = t.app.topic('clicks', { schema: Event, partitions: 3 });
    const total = 3_000;
    const sizes: number[] = [];
    const last = new Map<string, number>();
    let outOfOrder = 0;
    let handled = 0;
    const agent = t.app.batchAgent(
      input,
      async (events) => {
        sizes.push(events.length);
        for (const e of events) {
          if (e.value.seq <= (last.get(e.value.user) ?? -1)) outOfOrder++;
          last.set(e.value.user, e.value.seq);
        }
        handled += events.length;
        assert.ok(events.every((e) => e.partition === events[0]!.partition), 'one partition per call');
        await new Promise((r) => setImmediate(r));
      },
      { concurrency: 3, maxBatch: 100 },
    );
    // On the topic before the agent starts: fetches bring many records at once.
    await t.app.createTopics();
    const messages = Array.from({ length: total }, (_, i) => ({ key: `user-${i % 30}`, value: { user: `user-${i % 30}`, seq: i } }));
    for (let i = 0; i < total; i += 1000) await t.produce(input, messages.slice(i, i + 1000));
    await t.app.start();
    await t.waitFor(() => handled >= total, 30_000, 'every record handled');
    await t.app.stop();
    assert.equal(handled, total);
    assert.equal(outOfOrder, 0);
    assert.equal(agent.stats.processed, total);
    assert.ok(Math.max(...sizes) > 1, `records that wait share a call (sizes seen: ${[...new Set(sizes)].join(', ')})`);
    assert.ok(Math.max(...sizes) <= 100, 'never more than maxBatch per call');
    assert.ok(sizes.length < total / 2, `fewer calls than records (${sizes.length} calls)`);
    const committed = t.broker.broker.groups.committedOffsets(agent.group, 'clicks');
    const ends = t.broker.broker.topics.get('clicks')!.partitions.map((p) => p.highWatermark);
    assert.deepEqual(committed, ends);
  } finally {
    await t.close();
  }
});

test('a batch whose call fails is undone and handled record by record: only the bad record dead-letters, the table counts the rest once', async () => {
  const t = await createTestApp();
  try {
    const input = t.app.topic('visits', { schema: Event, partitions: 1 });
    const count = t.app.table('visits-per-user', { value: z.number().int() });
    const total = 200;
    const sizes: number[] = [];
    t.app.batchAgent(
      input,
      (events) => {
        sizes.push(events.length);
        // The updates come first: a throw after them must leave no trace.
        for (const e of events) count.set(e.value.user, (count.get(e.value.user) ?? 0) + 1);
        if (events.some((e) => e.value.seq === 57)) throw new Error('seq 57 cannot be counted');
      },
      { tables: [count], retries: 1, backoffMs: 1 },
    );
    await t.app.createTopics();
    await t.produce(
      input,
      Array.from({ length: total }, (_, i) => ({ key: `u${i % 4}`, value: { user: `u${i % 4}`, seq: i } })),
    );
    await t.app.start();
    const dlq = await t.waitForRecords(dlqTopic(input), 1);
    assert.equal((dlq[0]!.value as unknown as Buffer).toString().includes('"seq":57'), true);
    await t.waitFor(() => ['u0', 'u1', 'u2', 'u3'].reduce((n, u) => n + (count.get(u) ?? 0), 0) === total - 1, 10_000, 'the other records counted');
    // Read before stop(), which drops the partition's entries.
    assert.deepEqual(
      ['u0', 'u1', 'u2', 'u3'].map((u) => count.get(u)),
      [50, 49, 50, 50],
    );
    await t.app.stop();
    assert.ok(sizes.some((n) => n > 1), 'the records shared calls before the failure');
  } finally {
    await t.close();
  }
});
