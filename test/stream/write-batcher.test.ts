// The write batcher on its own (a fake send that the test acknowledges): what
// is batched with what, and who settles with which send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PendingWrite } from '../../src/stream/context.js';
import { WriteBatcher } from '../../src/stream/write-batcher.js';

const rec = (n: number): PendingWrite => ({ topic: 't', key: Buffer.from(String(n)), value: Buffer.from('v') });

function fakeSend() {
  const sends: { records: number; ack: () => void; fail: (err: Error) => void }[] = [];
  const send = (writes: PendingWrite[]) =>
    new Promise<void>((resolve, reject) => sends.push({ records: writes.length, ack: resolve, fail: reject }));
  return { sends, send };
}

const settle = () => new Promise((r) => setImmediate(r));

test('capped at one in flight: idle, a write goes out at once; under load, the writes that came meanwhile share the next send', async () => {
  const { sends, send } = fakeSend();
  const b = new WriteBatcher(send, { maxInFlight: 1 });
  const first = b.write([rec(1)]);
  await Promise.resolve();
  assert.equal(sends.length, 1, 'sent without waiting for an event-loop turn');
  const later = [b.write([rec(2)]), b.write([rec(3), rec(4)]), b.write([rec(5)])];
  await settle();
  assert.equal(sends.length, 1, 'nothing more while one send is on its way');
  let laterDone = false;
  void Promise.all(later).then(() => (laterDone = true));
  sends[0]!.ack();
  await first;
  assert.equal(sends.length, 2);
  assert.equal(sends[1]!.records, 4, 'the three callers in one send');
  await settle();
  assert.equal(laterDone, false, 'they settle with their own send');
  sends[1]!.ack();
  await Promise.all(later);
  assert.equal(b.sends, 2);
});

test('capped: a failed send fails its callers only; maxRecords splits between whole callers', async () => {
  const { sends, send } = fakeSend();
  const b = new WriteBatcher(send, { maxInFlight: 1, maxRecords: 3 });
  const a = b.write([rec(1)]);
  await Promise.resolve();
  const c = b.write([rec(2), rec(3)]);
  const d = b.write([rec(4), rec(5)]);
  sends[0]!.fail(new Error('broker away'));
  await assert.rejects(a, /broker away/);
  assert.deepEqual(
    sends.map((s) => s.records),
    [1, 2],
    'the next send carries c whole; d would pass maxRecords and waits',
  );
  sends[1]!.ack();
  await c;
  assert.equal(sends.length, 3);
  sends[2]!.ack();
  await d;
});

test('by turn (no cap): the writes of one turn share one send, several sends may be in flight', async () => {
  const { sends, send } = fakeSend();
  const b = new WriteBatcher(send);
  const x = [b.write([rec(1)]), b.write([rec(2)])];
  await settle();
  const y = b.write([rec(3)]);
  await settle();
  assert.deepEqual(
    sends.map((s) => s.records),
    [2, 1],
  );
  for (const s of sends) s.ack();
  await Promise.all([...x, y]);
});

test('capped with lingerMs: an idle write waits for others, and those that come meanwhile share its send', async () => {
  const { sends, send } = fakeSend();
  const b = new WriteBatcher(send, { maxInFlight: 1, lingerMs: 20 });
  const all = [b.write([rec(1)])];
  await settle();
  assert.equal(sends.length, 0, 'not sent at once');
  all.push(b.write([rec(2)]), b.write([rec(3)]));
  while (sends.length === 0) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(
    sends.map((s) => s.records),
    [3],
  );
  sends[0]!.ack();
  await Promise.all(all);
});
