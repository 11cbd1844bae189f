// Agents through the real embedded broker: ordering, commits, dead letters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createTestApp } from '../../src/stream/testing.js';
import { DLQ_HEADERS, dlqTopic } from '../../src/stream/dlq.js';
import { Topic } from '../../src/stream/topic.js';
import { bytes } from '../../src/stream/serde.js';

const Event = z.object({ user: z.string(), seq: z.number().int() });

test('10,000 keyed messages on 6 partitions, concurrency 4: order per key holds, all committed', async () => {
  const t = await createTestApp();
  try {
    const input = t.app.topic('events', { schema: Event, partitions: 6 });
    const output = t.app.topic('events-out', { schema: Event.extend({ doubled: z.number() }), partitions: 6 });
    const seen = new Map<string, number>();
    let outOfOrder = 0;
    let active = 0;
    let maxActive = 0;
    const agent = t.app.agent(
      input,
      async (e, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const last = seen.get(e.value.user) ?? -1;
        if (e.value.seq <= last) outOfOrder++;
        seen.set(e.value.user, e.value.seq);
        await new Promise((r) => setImmediate(r)); // let other partitions interleave
        ctx.send(output, { ...e.value, doubled: e.value.seq * 2 }, { key: e.key });
        active--;
      },
      { concurrency: 4, outputs: [output] },
    );
    await t.app.start();
    const total = 10_000;
    const messages = Array.from({ length: total }, (_, i) => ({ key: `user-${i % 50}`, value: { user: `user-${i % 50}`, seq: i } }));
    for (let i = 0; i < total; i += 1000) await t.produce(input, messages.slice(i, i + 1000));
    const out = await t.waitForRecords(output, total);
    assert.equal(out.length, total);
    assert.equal(outOfOrder, 0);
    assert.ok(maxActive > 1 && maxActive <= 4, `parallel across partitions, at most 4 at once (saw ${maxActive})`);
    assert.equal(new Set(out.map((r) => r.value.seq)).size, total);
    await t.app.stop();
    assert.equal(agent.stats.processed, total);
    // Everything was committed: the group's offsets equal the log end offsets.
    const committed = t.broker.broker.groups.committedOffsets(agent.group, 'events');
    const ends = t.broker.broker.topics.get('events')!.partitions.map((p) => p.highWatermark);
    assert.deepEqual(committed, ends);
  } finally {
    await t.close();
  }
});

test('poison messages go to the DLQ with the documented headers; later messages are processed', async () => {
  const t = await createTestApp();
  try {
    const input = t.app.topic('orders', { schema: Event, partitions: 1 });
    const done: number[] = [];
    t.app.agent(
      input,
      (e) => {
        if (e.value.seq === 3) throw new Error('cannot handle seq 3');
        done.push(e.value.seq);
      },
      { retries: 2, backoffMs: 1 },
    );
    await t.app.start();
    await t.produce(input, [{ value: { user: 'a', seq: 1 } }]);
    // Bad JSON and a schema violation, written as raw bytes past the typed topic's validation.
    const rawOrders = new Topic('orders', { serde: bytes() });
    await t.app.send(rawOrders, [{ value: Buffer.from('{"user": "b", "seq":') }]);
    await t.app.send(rawOrders, [{ value: Buffer.from(JSON.stringify({ user: 'c', seq: 'two' })) }]);
    await t.produce(input, [{ value: { user: 'd', seq: 3 } }, { value: { user: 'e', seq: 4 } }]);
    const dlq = await t.waitForRecords(dlqTopic(input), 3);
    await t.waitFor(() => done.includes(4), 10_000, 'message 4 processed');
    assert.deepEqual(done, [1, 4]);
    const [badJson, badSchema, failed] = dlq;
    assert.equal(badJson!.headers[DLQ_HEADERS.errorType], 'DeserializationError');
    assert.equal(badJson!.headers[DLQ_HEADERS.attempts], '0');
    assert.equal(badJson!.headers[DLQ_HEADERS.offset], '1');
    assert.equal(badSchema!.headers[DLQ_HEADERS.errorType], 'ValidationError');
    assert.match(badSchema!.headers[DLQ_HEADERS.error]!, /seq/);
    assert.equal(failed!.headers[DLQ_HEADERS.error], 'cannot handle seq 3');
    assert.equal(failed!.headers[DLQ_HEADERS.attempts], '3');
    assert.equal(failed!.headers[DLQ_HEADERS.topic], 'orders');
    assert.equal(failed!.headers[DLQ_HEADERS.partition], '0');
    assert.equal(failed!.headers[DLQ_HEADERS.offset], '3');
    assert.deepEqual(JSON.parse((failed!.value as Buffer).toString()), { user: 'd', seq: 3 });
  } finally {
    await t.close();
  }
});
