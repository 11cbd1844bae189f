import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PartitionQueues } from '../../src/stream/partition-queue.js';

test('one partition runs in order, partitions run in parallel up to the concurrency', async () => {
  const q = new PartitionQueues(2, (e) => assert.fail(String(e)));
  const order: string[] = [];
  let active = 0;
  let maxActive = 0;
  const releases: (() => void)[] = [];
  const job = (name: string) => () =>
    new Promise<void>((resolve) => {
      active++;
      maxActive = Math.max(maxActive, active);
      order.push(name);
      releases.push(() => {
        active--;
        resolve();
      });
    });
  for (let i = 0; i < 3; i++) for (const p of ['p0', 'p1', 'p2']) q.push(p, job(`${p}-${i}`));
  // Release jobs one at a time as they start, until all are done.
  while (order.length < 9 || releases.length > 0) {
    await new Promise((r) => setImmediate(r));
    releases.shift()?.();
  }
  await q.idle();
  assert.equal(maxActive, 2);
  for (const p of ['p0', 'p1', 'p2']) {
    assert.deepEqual(order.filter((n) => n.startsWith(p)), [`${p}-0`, `${p}-1`, `${p}-2`]);
  }
});

test('drop removes queued jobs of a revoked partition; idle resolves', async () => {
  const q = new PartitionQueues(1, () => {});
  const ran: number[] = [];
  let release!: () => void;
  q.push('a', () => new Promise<void>((r) => (release = r)).then(() => void ran.push(0)));
  q.push('a', async () => void ran.push(1));
  q.push('b', async () => void ran.push(2));
  assert.equal(q.drop('a'), 1);
  release();
  await q.idle();
  assert.deepEqual(ran, [0, 2]);
  assert.equal(q.size, 0);
});
