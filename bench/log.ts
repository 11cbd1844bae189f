// Micro-benchmark of the partition log: append throughput for batches of
// 100-byte records (~16 KiB and ~1 MiB batches), with and without the
// produce-path validation (parseBatches: CRC-32C + record walk), with an
// fsync per append, then sequential and random-offset read throughput.
// Run: npx tsx bench/log.ts [MiB per case, default 256]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PartitionLog } from '../src/broker/log/partition-log.js';
import { defaultLogConfig, type LogConfig } from '../src/broker/log/config.js';
import { buildBatch, parseBatches } from '../src/broker/records/index.js';
import { crc32c } from '../src/broker/records/crc32c.js';

const MIB = 1024 * 1024;
const totalMiB = Number(process.argv[2] ?? 256);
const cfg: LogConfig = { ...defaultLogConfig, segmentBytes: 128 * MIB, flushPolicy: 'none', maxMessageBytes: 2 * MIB };

function batchOf(targetBytes: number): { buf: Buffer; records: number } {
  const value = Buffer.alloc(100, 120);
  const perRecord = 111; // 100-byte value + ~11 bytes of record framing
  const n = Math.max(1, Math.floor((targetBytes - 61) / perRecord));
  const now = Date.now();
  const buf = buildBatch({ records: Array.from({ length: n }, (_, i) => ({ value, timestamp: now + i })) });
  return { buf, records: n };
}

const fmt = (x: number, d = 0): string => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function appendCase(label: string, batchBytes: number, mode: 'append' | 'validate+append' | 'validate+append+fsync'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const log = await PartitionLog.open(dir, cfg);
  const { buf, records } = batchOf(batchBytes);
  const preParsed = parseBatches(buf);
  const budget = mode === 'validate+append+fsync' ? Math.min(totalMiB, 64) : totalMiB;
  const iterations = Math.max(1, Math.floor((budget * MIB) / buf.length));
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    // The same buffer is reused: append only rewrites its header fields.
    const batches = mode === 'append' ? preParsed : parseBatches(buf);
    log.append(buf, batches);
    if (mode === 'validate+append+fsync') await log.flush();
  }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const bytes = iterations * buf.length;
  console.log(
    `${label.padEnd(34)} ${mode.padEnd(22)} ${fmt(bytes / MIB / secs, 0).padStart(7)} MB/s ${fmt((iterations * records) / secs).padStart(12)} records/s ${fmt(iterations / secs).padStart(9)} appends/s`,
  );
  await log.close();
  rmSync(dir, { recursive: true, force: true });
}

async function readCase(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  // Default 1 GiB segments: everything stays in the active segment, so the
  // reopen below measures a full CRC scan of it.
  const readCfg: LogConfig = { ...cfg, segmentBytes: defaultLogConfig.segmentBytes };
  const log = await PartitionLog.open(dir, readCfg);
  const { buf } = batchOf(16 * 1024);
  const iterations = Math.floor((totalMiB * MIB) / buf.length);
  for (let i = 0; i < iterations; i++) log.append(buf, parseBatches(buf));
  const end = log.logEndOffset;

  for (const maxBytes of [MIB, 8 * MIB]) {
    let bytes = 0;
    let reads = 0;
    const t0 = process.hrtime.bigint();
    let next = 0;
    while (next < end) {
      const res = log.read(next, maxBytes);
      const recs = res.records;
      // Advance past the last batch returned (headers only, like a consumer would).
      let p = 0;
      let lastEnd = next;
      while (p < recs.length) {
        const base = recs.readInt32BE(p) * 4294967296 + recs.readUInt32BE(p + 4);
        lastEnd = base + recs.readInt32BE(p + 23) + 1;
        p += 12 + recs.readInt32BE(p + 8);
      }
      next = lastEnd;
      bytes += recs.length;
      reads++;
    }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`sequential read, maxBytes ${String(maxBytes / MIB).padStart(2)} MiB      ${fmt(bytes / MIB / secs).padStart(7)} MB/s ${fmt(reads / secs).padStart(12)} reads/s`);
  }

  // Random offsets, 64 KiB reads: index lookup + header scan + pread.
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  const n = 20000;
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = 0; i < n; i++) bytes += log.read(Math.floor(rnd() * end), 64 * 1024).records.length;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`random-offset read, maxBytes 64 KiB    ${fmt(bytes / MIB / secs).padStart(7)} MB/s ${fmt(n / secs).padStart(12)} reads/s`);

  // Reopen: full CRC scan of the active segment + sealed-segment index loads.
  await log.close();
  const t1 = process.hrtime.bigint();
  const reopened = await PartitionLog.open(dir, readCfg);
  const openSecs = Number(process.hrtime.bigint() - t1) / 1e9;
  console.log(`reopen ${fmt(reopened.size / MIB)} MiB (${reopened.segments.length} segments, last one CRC-scanned): ${fmt(openSecs * 1000, 1)} ms`);
  await reopened.close();
  rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${totalMiB} MiB per append case, data in ${tmpdir()}`);
  const crcBuf = Buffer.alloc(64 * MIB, 7);
  crc32c(crcBuf);
  const t0 = process.hrtime.bigint();
  crc32c(crcBuf);
  console.log(`crc32c: ${fmt((64 * 1e9) / Number(process.hrtime.bigint() - t0))} MB/s`);
  for (const [label, size] of [['~16 KiB batches of 100 B records', 16 * 1024], ['~1 MiB batches of 100 B records', MIB]] as const) {
    await appendCase(label, size, 'append');
    await appendCase(label, size, 'validate+append');
    await appendCase(label, size, 'validate+append+fsync');
  }
  await readCase();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
