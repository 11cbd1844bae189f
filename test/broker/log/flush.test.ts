// Durability: group commit (concurrent flush() calls share fsyncs), the
// GroupCommit primitive itself, and the 'interval' flush policy.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../../src/broker/log/group-commit.js';
import { appendBuf, config, harness, makeBatch } from './helpers.js';

test('many concurrent flush() calls share fsyncs', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  appendBuf(log, makeBatch(5));
  await Promise.all(Array.from({ length: 100 }, () => log.flush()));
  assert.equal(log.flushCount, 1);
  // Nothing new written: no fsync at all.
  await log.flush();
  assert.equal(log.flushCount, 1);
});

test('callers arriving during an fsync share the single next one', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config());
  appendBuf(log, makeBatch(1));
  const first = log.flush(); // starts fsync #1
  const waiters: Promise<void>[] = [];
  for (let i = 0; i < 50; i++) {
    appendBuf(log, makeBatch(1)); // not covered by #1
    waiters.push(log.flush());
  }
  await Promise.all([first, ...waiters]);
  assert.equal(log.flushCount, 2);
});

test('sequential flushes each sync; a roll starts a background flush of the sealed segment', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ segmentBytes: 1000 }));
  for (let i = 0; i < 10; i++) {
    appendBuf(log, makeBatch(3, { size: 100 }));
    await log.flush();
  }
  assert.ok(log.segments.length > 2);
  // One fsync per flush() plus the background flush each roll starts.
  assert.equal(log.flushCount, 10 + log.segments.length - 1);
});

test('GroupCommit: coverage, queueing and error propagation', async () => {
  let gen = 0;
  let syncs = 0;
  let fail = false;
  const gates: Array<() => void> = [];
  const gc = new GroupCommit(
    () => new Promise<void>((resolve, reject) => {
      syncs++;
      gates.push(() => (fail ? reject(new Error('disk on fire')) : resolve()));
    }),
    () => gen,
  );
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  gen = 1;
  const a = gc.request();
  await tick();
  assert.equal(syncs, 1);
  const a2 = gc.request(); // same generation: joins the in-flight sync
  gen = 2;
  const b = gc.request();
  gen = 3;
  const c = gc.request(); // b and c share the queued sync
  assert.equal(syncs, 1);
  gates.shift()?.();
  await a;
  await a2;
  await tick();
  assert.equal(syncs, 2);
  gates.shift()?.();
  await Promise.all([b, c]);
  assert.equal(gc.syncCount, 2);
  await gc.request(); // generation 3 is durable
  assert.equal(gc.syncCount, 2);
  // A failed sync rejects its waiters; the next request retries.
  gen = 4;
  fail = true;
  const d = gc.request();
  await tick();
  gates.shift()?.();
  await assert.rejects(d, /disk on fire/);
  fail = false;
  const e = gc.request();
  await tick();
  gates.shift()?.();
  await e;
  assert.equal(gc.syncCount, 4);
  assert.equal(gc.busy, false);
});

test("flushPolicy 'interval' syncs on its own after flush.ms", async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ flushPolicy: 'interval', flushMs: 0 }));
  appendBuf(log, makeBatch(2));
  assert.equal(log.flushCount, 0);
  // The log's flush timer (flush.ms = 0) was armed first, so it fires before
  // this one: timers with equal delays run in FIFO order.
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(log.flushCount, 1);
  await log.flush(); // wait for that fsync to finish
});

test('close() syncs outstanding data; operations after close fail, flush resolves', async (t) => {
  const h = harness(t);
  const log = await h.open(h.dir(), config({ flushPolicy: 'none' }));
  appendBuf(log, makeBatch(2));
  await log.close();
  assert.equal(log.flushCount, 1);
  assert.throws(() => appendBuf(log, makeBatch(1)), (e: unknown) => (e as { code: number }).code === 56);
  await log.flush();
});
