// Finding 2 of the abuse review: connections holding most of an unfinished large
// frame made the broker's memory grow with everything they sent, and it was not
// given back after they closed. Now a frame's size is reserved from the shared
// queued.max.request.bytes budget before its body is read; frames that do not fit
// leave their connections paused. The assertions are on bytes the broker holds
// (deterministic once the budget forces pausing), not on time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';
import { RawClient, freshApiVersions } from '../../helpers/raw-client.js';
import { eventually } from '../../helpers/system.js';
import { kafkajsClient } from '../../helpers/kafkajs.js';
import { SMALL_FRAME_BYTES } from '../../../src/broker/server/request-memory.js';

const MiB = 1024 * 1024;
const FRAME = 2 * MiB;
const SENT = Math.floor(FRAME * 0.95);
const BUDGET = 8 * MiB;
const CONNECTIONS = 10;
// Large frames may use the budget less its headroom for small ones (a quarter here): 6 MiB, three frames.
const GRANTED = 3;

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ maxRequestBytes: 4 * MiB, queuedMaxRequestBytes: BUDGET });
});

after(async () => {
  await broker.destroy();
});

const mem = () => {
  const m = process.memoryUsage();
  return `rss ${(m.rss / MiB).toFixed(0)} MiB, heap ${(m.heapUsed / MiB).toFixed(0)} MiB, external+buffers ${((m.external + m.arrayBuffers) / MiB).toFixed(0)} MiB`;
};

/** Opens a connection and sends 95% of a FRAME-byte frame (the size prefix says FRAME). */
async function halfSend(): Promise<RawClient> {
  const client = await RawClient.connect(broker.port);
  const head = Buffer.alloc(4);
  head.writeInt32BE(FRAME);
  client.socket.write(head);
  client.socket.write(Buffer.alloc(SENT, 7));
  return client;
}

test('ten connections each holding 95% of a large frame stay within queued.max.request.bytes, and closing them frees it', async () => {
  console.log(`before: ${mem()}`);
  const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => halfSend()));
  // Wait until the granted frames are read up to what was sent and every other connection waits.
  const held = await eventually(() => {
    const s = broker.broker.serverStats();
    return s.requestMemory.waiting === CONNECTIONS - GRANTED && s.partialFrameBytes >= GRANTED * SENT ? s : undefined;
  }, 'granted frames read and the rest waiting');
  console.log(`during: ${mem()}; broker holds ${held.partialFrameBytes} bytes of half frames, reserved ${held.requestMemory.used}`);
  assert.equal(held.requestMemory.used, GRANTED * FRAME);
  assert.ok(held.requestMemory.peak <= BUDGET, `peak ${held.requestMemory.peak}`);
  // What the paused connections hold is at most the chunk that carried their size prefix.
  assert.ok(held.partialFrameBytes <= GRANTED * SENT + (CONNECTIONS - GRANTED) * SMALL_FRAME_BYTES, `${held.partialFrameBytes} bytes held`);
  const during = await freshApiVersions(broker.port);

  // Closing a granted connection lets a waiting one in.
  const stats0 = broker.broker.serverStats();
  clients[0]!.close();
  const moved = await eventually(() => {
    const s = broker.broker.serverStats();
    return s.requestMemory.waiting === CONNECTIONS - GRANTED - 1 && s.partialFrameBytes >= GRANTED * SENT ? s : undefined;
  }, 'a waiting connection granted after a close');
  assert.equal(moved.requestMemory.used, GRANTED * FRAME);
  assert.ok(moved.requestMemory.peak <= BUDGET);
  assert.ok(stats0.requestMemory.waits >= CONNECTIONS - GRANTED);

  for (const c of clients) c.close();
  const freed = await eventually(() => {
    const s = broker.broker.serverStats();
    return s.connections === 0 ? s : undefined;
  }, 'every connection closed');
  assert.equal(freed.partialFrameBytes, 0);
  assert.equal(freed.requestMemory.used, 0);
  assert.equal(freed.requestMemory.waiting, 0);
  console.log(`after close: ${mem()}`);
  const afterMs = await freshApiVersions(broker.port);
  console.log(`fresh ApiVersions during the abuse: ${during.toFixed(1)} ms, after: ${afterMs.toFixed(1)} ms`);
});

test('a real producer works through the budget after the abuse (kafkajs, 512 KiB record)', async () => {
  const kafka = kafkajsClient(broker.address);
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic: 'after-abuse', messages: [{ key: 'k', value: Buffer.alloc(MiB / 2, 1) }] });
  } finally {
    await producer.disconnect();
  }
  assert.equal(broker.broker.topics.partition('after-abuse', 0)!.highWatermark, 1);
  assert.equal(broker.broker.serverStats().requestMemory.used, 0);
});

test('a frame above socket.request.max.bytes closes the connection before its body is read', async () => {
  const client = await RawClient.connect(broker.port);
  const head = Buffer.alloc(4);
  head.writeInt32BE(4 * MiB + 1);
  client.socket.write(head);
  assert.equal(await client.nextFrame(), null);
  assert.equal(broker.broker.serverStats().requestMemory.used, 0);
  console.log(`fresh ApiVersions after: ${(await freshApiVersions(broker.port)).toFixed(1)} ms`);
});
