// GET /analytics' shared read: callers of one turn share a read, a caller who
// comes while a read runs gets the next one (never an answer older than its
// call), and a failed read fails only the callers who shared it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sharedRead } from '../../src/services/baskets/shared-read.js';

/** A read that answers how many reads had started, when `release` is called. */
function gatedRead() {
  let started = 0;
  const waiting: (() => void)[] = [];
  const read = () =>
    new Promise<number>((resolve, reject) => {
      const n = ++started;
      waiting.push(() => (n === failOn ? reject(new Error(`read ${n} failed`)) : resolve(n)));
    });
  let failOn = 0;
  return {
    read,
    get started() {
      return started;
    },
    failNext: () => (failOn = started + 1),
    release: () => waiting.splice(0).forEach((f) => f()),
  };
}

const turn = () => new Promise((r) => setImmediate(r));

test('callers in one turn share one read, even when the read itself is synchronous', async () => {
  let reads = 0;
  const shared = sharedRead(async () => ++reads);
  const answers = await Promise.all(Array.from({ length: 64 }, () => shared()));
  assert.deepEqual(new Set(answers), new Set([1]));
  assert.equal(reads, 1);
  assert.equal(await shared(), 2, 'a later call reads again');
});

test('a caller who comes while a read runs gets the next read, started after its call', async () => {
  const gate = gatedRead();
  const shared = sharedRead(gate.read);
  const first = shared();
  await turn();
  assert.equal(gate.started, 1);
  const second = shared();
  const third = shared();
  await turn();
  assert.equal(gate.started, 1, 'no second read while the first runs');
  gate.release();
  assert.equal(await first, 1);
  await turn();
  assert.equal(gate.started, 2);
  gate.release();
  assert.deepEqual(await Promise.all([second, third]), [2, 2]);
});

test('a failed read fails its callers only; the next call reads again', async () => {
  const gate = gatedRead();
  const shared = sharedRead(gate.read);
  gate.failNext();
  const failing = [shared(), shared()];
  await turn();
  gate.release();
  for (const p of failing) await assert.rejects(p, /read 1 failed/);
  const after = shared();
  await turn();
  gate.release();
  assert.equal(await after, 2);
});
