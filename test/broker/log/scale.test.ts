// The log at scale: creating partitions touches no file, descriptors stay
// under the cache's capacity, a clean close is trusted on the next start and a
// crash is recovered from the checkpointed recovery point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { TopicManager } from '../../../src/broker/topics/topic-manager.js';
import { CLEAN_SHUTDOWN_FILE, RECOVERY_POINT_FILE, readRecoveryPoints } from '../../../src/broker/log/checkpoints.js';
import { startTestBroker, tempDir } from '../../helpers/broker.js';
import { kafkajsClient, readAll } from '../../helpers/kafkajs.js';
import { appendBuf, makeBatch, offsetsIn } from './helpers.js';

function withDir(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir('tributary-scale-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('creating topics touches no partition file; the first write makes the directory', async (t) => {
  const dataDir = withDir(t);
  const tm = await TopicManager.open(dataDir, { openInBackground: false });
  const before = new Set(fs.readdirSync(dataDir));
  await Promise.all(Array.from({ length: 200 }, (_, i) => tm.create(`lazy-${i}`, 5)));
  assert.equal(tm.list().length, 200);
  // Only topics.json changed: no directory, no segment file, no descriptor for 1,000 partitions.
  assert.deepEqual(fs.readdirSync(dataDir).filter((n) => !before.has(n)), []);
  assert.equal(tm.fdCache.stats().opens, 0);
  const meta = JSON.parse(fs.readFileSync(path.join(dataDir, 'topics.json'), 'utf8'));
  assert.equal(meta.topics.length, 200);

  const p = tm.partition('lazy-7', 3)!;
  assert.equal(p.log.logEndOffset, 0);
  assert.equal(fs.existsSync(path.join(dataDir, 'lazy-7-3')), false, 'reading an empty partition creates nothing');
  appendBuf(p.log, makeBatch(4));
  await p.log.flush();
  assert.ok(fs.readdirSync(path.join(dataDir, 'lazy-7-3')).some((n) => n.endsWith('.log')));
  assert.equal(fs.readdirSync(dataDir).filter((n) => !before.has(n)).length, 1);
  await tm.close();
});

test('a broker with a small descriptor cache serves more partitions than the cache holds', async () => {
  const broker = await startTestBroker({ logMaxOpenFiles: 8 });
  const fdsOpen = () => fs.readdirSync('/proc/self/fd').length;
  try {
    await broker.broker.topics.create('many', 40);
    const baseline = fdsOpen();
    const kafka = kafkajsClient(broker.address);
    const producer = kafka.producer();
    await producer.connect();
    for (let round = 0; round < 3; round++) {
      const messages = Array.from({ length: 40 }, (_, p) => ({ partition: p, value: `r${round}-p${p}` }));
      await producer.send({ topic: 'many', messages, acks: -1 });
    }
    await producer.disconnect();
    const cache = broker.broker.topics.fdCache.stats();
    assert.ok(cache.open <= 8, `${cache.open} descriptors open, the cap is 8`);
    assert.ok(cache.evictions > 0, 'the cache closed descriptors to stay under its cap');
    // 40 active segment files were written, yet the process holds at most the cap more (plus client sockets).
    assert.ok(fdsOpen() - baseline < 40, `${fdsOpen() - baseline} more descriptors open than before the writes`);
    const admin = kafka.admin();
    await admin.connect();
    const read = await readAll(kafka, admin, 'many');
    await admin.disconnect();
    assert.equal(read.length, 120);
    for (let p = 0; p < 40; p++) {
      assert.deepEqual(read.filter((m) => m.partition === p).map((m) => m.value), [`r0-p${p}`, `r1-p${p}`, `r2-p${p}`]);
    }
    assert.ok(broker.broker.topics.fdCache.stats().open <= 8);
  } finally {
    await broker.destroy();
  }
});

test('a clean close leaves the marker and the recovery points; the next start trusts them and removes the marker', async (t) => {
  const dataDir = withDir(t);
  let tm = await TopicManager.open(dataDir, { openInBackground: false });
  await tm.create('clean', 2);
  for (let i = 0; i < 5; i++) appendBuf(tm.partition('clean', 0)!.log, makeBatch(10, { tag: `b${i}` }));
  await tm.close();
  assert.ok(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE)));
  assert.deepEqual([...readRecoveryPoints(dataDir)], [['clean-0', 50]]);

  tm = await TopicManager.open(dataDir, { openInBackground: false });
  assert.deepEqual(tm.startInfo, { clean: true, checkpointed: 1 });
  assert.equal(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE)), false, 'a crash in this run must not look clean');
  const log = tm.partition('clean', 0)!.log;
  assert.equal(log.recovery.recoveredFrom, 50, 'nothing to check: all was flushed');
  assert.deepEqual(log.recovery.notes, []);
  assert.equal(log.logEndOffset, 50);
  assert.deepEqual(offsetsIn(log.read(0, 1 << 20).records), Array.from({ length: 50 }, (_, i) => i));
  appendBuf(log, makeBatch(3));
  assert.equal(log.logEndOffset, 53);
  await tm.close();
});

test('a clean close writes a large active segment\'s indexes; the next clean start uses them and removes them', async (t) => {
  const dataDir = withDir(t);
  let tm = await TopicManager.open(dataDir, { openInBackground: false });
  await tm.create('big', 1);
  for (let i = 0; i < 40; i++) appendBuf(tm.partition('big', 0)!.log, makeBatch(10, { size: 4000, tag: `b${i}` }));
  await tm.close();
  const dir = path.join(dataDir, 'big-0');
  assert.deepEqual(fs.readdirSync(dir).sort(), ['00000000000000000000.index', '00000000000000000000.log', '00000000000000000000.timeindex']);

  tm = await TopicManager.open(dataDir, { openInBackground: false });
  const log = tm.partition('big', 0)!.log;
  assert.deepEqual(fs.readdirSync(dir), ['00000000000000000000.log'], 'appends would make them stale');
  assert.equal(log.logEndOffset, 400);
  assert.deepEqual(log.recovery.notes, []);
  assert.deepEqual(offsetsIn(log.read(200, 1 << 22).records).slice(0, 3), [200, 201, 202]);
  const ts = log.offsetForTimestamp(1_700_000_000_005);
  assert.equal(ts?.offset, 5);
  await tm.close();
});

test('after a crash only what follows the checkpointed recovery point is checked, and a torn tail is cut', async (t) => {
  const dataDir = withDir(t);
  const tm = await TopicManager.open(dataDir, { openInBackground: false, flushPolicy: 'none' });
  await tm.create('crashy', 1);
  const log = tm.partition('crashy', 0)!.log;
  for (let i = 0; i < 4; i++) appendBuf(log, makeBatch(10, { tag: `flushed${i}` }));
  await log.flush();
  await tm.checkpoint();
  for (let i = 0; i < 2; i++) appendBuf(log, makeBatch(10, { tag: `late${i}` }));
  // The crash: no close (no marker, no new checkpoint), and half a batch at the end of the file.
  const file = log.segments.at(-1)!.path;
  fs.appendFileSync(file, makeBatch(10).subarray(0, 37));
  assert.equal(fs.existsSync(path.join(dataDir, CLEAN_SHUTDOWN_FILE)), false);

  const again = await TopicManager.open(dataDir, { openInBackground: false });
  assert.deepEqual(again.startInfo, { clean: false, checkpointed: 1 });
  const recovered = again.partition('crashy', 0)!.log;
  assert.equal(recovered.recovery.recoveredFrom, 40, 'CRCs checked from the recovery point on');
  assert.equal(recovered.recovery.truncatedBytes, 37);
  assert.equal(recovered.logEndOffset, 60, 'the intact batches after the recovery point are kept');
  assert.deepEqual(offsetsIn(recovered.read(0, 1 << 20).records), Array.from({ length: 60 }, (_, i) => i));
  await again.close();
  assert.deepEqual([...readRecoveryPoints(dataDir)], [['crashy-0', 60]]);
  assert.ok(fs.existsSync(path.join(dataDir, RECOVERY_POINT_FILE)));
});

test('a damaged batch below a stale recovery point is still caught: CRCs are checked from the checkpoint, not the log end', async (t) => {
  const dataDir = withDir(t);
  const tm = await TopicManager.open(dataDir, { openInBackground: false, flushPolicy: 'none' });
  await tm.create('stale', 1);
  const log = tm.partition('stale', 0)!.log;
  appendBuf(log, makeBatch(10, { tag: 'a' }));
  await log.flush();
  await tm.checkpoint(); // recovery point 10
  appendBuf(log, makeBatch(10, { tag: 'b' }));
  appendBuf(log, makeBatch(10, { tag: 'c' }));
  const file = log.segments.at(-1)!.path;
  const buf = fs.readFileSync(file);
  const second = log.read(10, 1).records.length; // size of the batch at offset 10
  buf[log.read(0, 1).records.length + second - 3] ^= 0xff; // inside batch b, after the recovery point
  fs.writeFileSync(file, buf);

  const again = await TopicManager.open(dataDir, { openInBackground: false });
  const recovered = again.partition('stale', 0)!.log;
  assert.equal(recovered.logEndOffset, 10, 'cut at the first bad batch after the recovery point');
  assert.match(recovered.recovery.notes.join('\n'), /CRC mismatch/);
  await again.close();
});

test('the background sweep opens every partition after start, and requests are served while creations are written', async (t) => {
  const dataDir = withDir(t);
  let tm = await TopicManager.open(dataDir, { openInBackground: false });
  await Promise.all(Array.from({ length: 50 }, (_, i) => tm.create(`sweep-${i}`, 4)));
  await tm.close();
  tm = await TopicManager.open(dataDir);
  await tm.allOpened();
  assert.ok(tm.list().every((topic) => topic.partitions.every((p) => p.isOpen)));

  // Event order: a callback queued right after 500 creations start runs before
  // any of them is done (they wait on one asynchronous topics.json write).
  const events: string[] = [];
  const creations = Promise.all(Array.from({ length: 500 }, (_, i) => tm.create(`burst-${i}`, 1).then(() => events.push('created'))));
  setImmediate(() => events.push('other work'));
  await creations;
  assert.equal(events[0], 'other work');
  assert.equal(events.length, 501);
  await tm.close();
});
