// Shared helpers for the log tests: temp dirs and batch builders.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBatch, decodeRecords, parseBatches, type BatchInfo } from '../../../src/broker/records/index.js';
import { defaultLogConfig, type LogConfig } from '../../../src/broker/log/config.js';
import { PartitionLog, type AppendOptions, type AppendResult, type OpenOptions } from '../../../src/broker/log/partition-log.js';

interface TestContextLike {
  after: (fn: () => void | Promise<void>) => void;
}

/**
 * Per-test temp dirs and logs, cleaned up in the right order: logs are closed
 * before their directories are removed.
 */
export function harness(t: TestContextLike): {
  dir: () => string;
  open: (dir: string, cfg: LogConfig, opts?: OpenOptions) => Promise<PartitionLog>;
} {
  const logs: PartitionLog[] = [];
  const dirs: string[] = [];
  t.after(async () => {
    for (const log of logs) await log.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return {
    dir: () => {
      const d = mkdtempSync(join(tmpdir(), 'tributary-log-'));
      dirs.push(d);
      return d;
    },
    open: async (dir, cfg, opts) => {
      const log = await PartitionLog.open(dir, cfg, opts);
      logs.push(log);
      return log;
    },
  };
}

export function config(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...defaultLogConfig, ...overrides };
}

/** A batch of `count` records whose values are `size` bytes; timestamps default to ts, ts+1, ... */
export function makeBatch(count: number, opts: { size?: number; timestamp?: number; tag?: string } = {}): Buffer {
  const ts = opts.timestamp ?? 1_700_000_000_000;
  const size = opts.size ?? 20;
  return buildBatch({
    records: Array.from({ length: count }, (_, i) => ({
      key: `${opts.tag ?? 'k'}-${i}`,
      value: Buffer.alloc(size, 97 + (i % 26)),
      timestamp: ts + i,
    })),
  });
}

export function appendBuf(log: PartitionLog, buf: Buffer, opts?: AppendOptions): AppendResult {
  return log.append(buf, parseBatches(buf), opts);
}

/** Offsets of all records in a read result, checking batch integrity on the way. */
export function offsetsIn(records: Buffer): number[] {
  const out: number[] = [];
  for (const b of parseBatches(records, { strict: true })) {
    for (const r of decodeRecords(records, b.position)) out.push(r.offset);
  }
  return out;
}

export function batchesIn(records: Buffer): BatchInfo[] {
  return parseBatches(records);
}

/** Deterministic pseudo-random sizes. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}
