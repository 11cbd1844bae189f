// `npm run bench` (compaction): a compacted topic with 1,000 keys updated
// 1,000,000 times through a real client (@platformatic/kafka), then:
// - records stored before and after one log cleaner round (target: ~1,000);
// - the cleaning time (wall and broker-process CPU);
// - a stream table (src/stream/table.ts) restored from the topic through the
//   same client, before and after cleaning: restore time should follow the
//   number of keys, not the number of updates.
// The broker runs in this process; the active segment is rolled before the
// round, as segment.ms would on a quiet topic. Figures are noisy on a shared machine.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker } from '../src/broker/index.js';
import { decodeRecords, parseBatches } from '../src/broker/records/index.js';
import { createConsumer, createProducer } from '../src/stream/kafka.js';
import { Table } from '../src/stream/table.js';

const quick = process.argv.includes('--quick');
const KEYS = 1_000;
const UPDATES = quick ? 100_000 : 1_000_000;
const TOPIC = 'bench-compacted-table-changelog';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tributary-bench-compaction-'));
const broker = await startBroker({ port: 0, dataDir, logCleanerEnable: false });
const kafka = { brokers: [broker.address], clientId: 'bench-compaction' };

function storedRecords(): number {
  const log = broker.broker.topics.partition(TOPIC, 0)!.log;
  let n = 0;
  let offset = log.logStartOffset;
  while (offset < log.logEndOffset) {
    const { records } = log.read(offset, 8 << 20);
    if (records.length === 0) break;
    for (const b of parseBatches(records, { strict: false })) {
      n += decodeRecords(records, b.position).length;
      offset = b.baseOffset + b.lastOffsetDelta + 1;
    }
  }
  return n;
}

async function restore(): Promise<{ seconds: number; records: number; keys: number }> {
  // The table's changelog is `<app>-<table>-changelog`: this is the topic written above.
  const table = new Table<{ n: number }>('bench-compacted', 'table', {});
  const consumer = createConsumer(kafka, { groupId: 'bench-restore' });
  const started = process.hrtime.bigint();
  try {
    await table.restore(consumer, 0);
  } finally {
    await consumer.close();
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, records: table.restoredRecords, keys: table.size };
}

try {
  await broker.broker.topics.create(TOPIC, 1, { 'cleanup.policy': 'compact', 'segment.bytes': String(4 << 20) });
  const producer = createProducer(kafka);
  const produceStart = process.hrtime.bigint();
  const perSend = 5_000;
  for (let i = 0; i < UPDATES; i += perSend) {
    const messages = Array.from({ length: Math.min(perSend, UPDATES - i) }, (_, j) => ({
      topic: TOPIC,
      partition: 0,
      key: Buffer.from(`key-${(i + j) % KEYS}`),
      value: Buffer.from(JSON.stringify({ n: i + j })),
    }));
    await producer.send({ messages });
  }
  await producer.close();
  const produceSeconds = Number(process.hrtime.bigint() - produceStart) / 1e9;
  const log = broker.broker.topics.partition(TOPIC, 0)!.log;
  const before = { records: storedRecords(), bytes: log.size, segments: log.segments.length };
  const restoreBefore = await restore();

  log.roll();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const [result] = await broker.broker.cleaner.cleanNow({ topic: TOPIC });
  const cleanSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  const after = { records: storedRecords(), bytes: log.size, segments: log.segments.length };
  const restoreAfter = await restore();
  if (restoreAfter.keys !== KEYS || restoreBefore.keys !== KEYS) throw new Error(`restored ${restoreBefore.keys} / ${restoreAfter.keys} keys, expected ${KEYS}`);

  const f = (n: number) => n.toLocaleString('en-US');
  console.log(`\nlog compaction: ${f(KEYS)} keys updated ${f(UPDATES)} times (produced in ${produceSeconds.toFixed(1)} s)`);
  console.log(`  before cleaning   ${f(before.records)} records, ${(before.bytes / 1e6).toFixed(1)} MB, ${before.segments} segments`);
  console.log(`  after cleaning    ${f(after.records)} records (target ~${f(KEYS)}: ${(after.records / KEYS).toFixed(2)}x keys), ${(after.bytes / 1e6).toFixed(3)} MB, ${after.segments} segments`);
  console.log(`  cleaning          ${cleanSeconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (${f(result.recordsRead)} records read, ${result.groups} groups)`);
  console.log(`  table restore     before: ${restoreBefore.seconds.toFixed(3)} s for ${f(restoreBefore.records)} records; after: ${restoreAfter.seconds.toFixed(3)} s for ${f(restoreAfter.records)} records`);
  console.log(`  restore speed-up  ${(restoreBefore.seconds / restoreAfter.seconds).toFixed(1)}x (records ratio ${(restoreBefore.records / restoreAfter.records).toFixed(0)}x); per key after: ${((restoreAfter.seconds / KEYS) * 1e6).toFixed(0)} µs`);
} finally {
  await broker.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
