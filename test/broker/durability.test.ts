// Restart and crash recovery with a real client: acknowledged data survives a
// restart with offsets continuing, and a torn tail is cut at the last whole batch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startTestBroker, tempDir } from '../helpers/broker.js';
import { kafkajsClient, readAll } from '../helpers/kafkajs.js';

async function produce(address: string, topic: string, from: number, count: number, perSend: number): Promise<void> {
  const kafka = kafkajsClient(address);
  const producer = kafka.producer();
  await producer.connect();
  for (let i = from; i < from + count; i += perSend) {
    const messages = Array.from({ length: Math.min(perSend, from + count - i) }, (_, j) => ({ key: `k${(i + j) % 10}`, value: `m${i + j}` }));
    await producer.send({ topic, messages, acks: -1 });
  }
  await producer.disconnect();
}

async function readValues(address: string, topic: string) {
  const kafka = kafkajsClient(address);
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await readAll(kafka, admin, topic);
  } finally {
    await admin.disconnect();
  }
}

test('acks=-1 data survives a restart and offsets continue', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  await broker.broker.topics.create('durable', 3);
  await produce(broker.address, 'durable', 0, 3000, 100);
  const before = await readValues(broker.address, 'durable');
  assert.equal(before.length, 3000);
  await broker.close();

  broker = await startTestBroker({ dataDir });
  try {
    const after = await readValues(broker.address, 'durable');
    assert.deepEqual(after, before);
    const ends = broker.broker.topics.get('durable')!.partitions.map((p) => p.highWatermark);
    await produce(broker.address, 'durable', 3000, 300, 100);
    const more = await readValues(broker.address, 'durable');
    assert.equal(more.length, 3300);
    // New messages got the offsets after the old ones, per partition.
    for (const m of more.filter((m) => Number(m.value!.slice(1)) >= 3000)) {
      assert.ok(Number(m.offset) >= ends[m.partition]!, `new message at offset ${m.offset} below end ${ends[m.partition]}`);
    }
    assert.equal(new Set(more.map((m) => `${m.partition}:${m.offset}`)).size, 3300);
  } finally {
    await broker.destroy();
  }
});

/** Batch start positions in a segment file, walked through their length fields. */
function batchPositions(file: string): number[] {
  const buf = fs.readFileSync(file);
  const positions: number[] = [];
  for (let pos = 0; pos + 12 <= buf.length; pos += 12 + buf.readInt32BE(pos + 8)) positions.push(pos);
  return positions;
}

test('a segment truncated mid-batch recovers to the last whole batch', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  await broker.broker.topics.create('torn', 1);
  await produce(broker.address, 'torn', 0, 1000, 100); // 10 batches of 100
  await broker.close();

  const dir = path.join(dataDir, 'torn-0');
  const segment = fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!;
  const file = path.join(dir, segment);
  const positions = batchPositions(file);
  assert.equal(positions.length, 10);
  const size = fs.statSync(file).size;
  const last = positions.at(-1)!;
  fs.truncateSync(file, last + Math.floor((size - last) / 2)); // cut the last batch in half

  broker = await startTestBroker({ dataDir });
  try {
    const messages = await readValues(broker.address, 'torn');
    assert.equal(messages.length, 900);
    assert.deepEqual(messages.map((m) => m.value), Array.from({ length: 900 }, (_, i) => `m${i}`));
    assert.equal(broker.broker.topics.partition('torn', 0)!.highWatermark, 900);
    // The next append continues right after the last whole batch.
    await produce(broker.address, 'torn', 900, 100, 100);
    const again = await readValues(broker.address, 'torn');
    assert.equal(again.length, 1000);
    assert.equal(again.at(-1)!.offset, '999');
  } finally {
    await broker.destroy();
  }
});

test('a corrupt byte in the last batch is cut off on restart', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  await broker.broker.topics.create('flipped', 1);
  await produce(broker.address, 'flipped', 0, 500, 100);
  await broker.close();
  const dir = path.join(dataDir, 'flipped-0');
  const file = path.join(dir, fs.readdirSync(dir).filter((f) => f.endsWith('.log')).sort().at(-1)!);
  const buf = fs.readFileSync(file);
  buf[buf.length - 5] ^= 0x55;
  fs.writeFileSync(file, buf);
  // As after a crash before any checkpoint: no clean-shutdown marker and no
  // recovery point, so every batch is checked (flushed data below a recovery
  // point is trusted, as Kafka does).
  fs.rmSync(path.join(dataDir, '.kafka_cleanshutdown'));
  fs.rmSync(path.join(dataDir, 'recovery-point-offset-checkpoint'));
  broker = await startTestBroker({ dataDir });
  try {
    const messages = await readValues(broker.address, 'flipped');
    assert.equal(messages.length, 400);
  } finally {
    await broker.destroy();
  }
});
