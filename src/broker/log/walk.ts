// Sequential walk over the batches stored in a segment file, reading headers
// (and, for recovery, whole batches to verify their CRC) through a chunk
// buffer so small batches cost one read per chunk, not one per batch.

import {
  ATTRIBUTES_POS,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  CURRENT_MAGIC,
  Compression,
  LOG_OVERHEAD,
  MAGIC_POS,
  readBatchHeader,
  readInt64,
  type BatchInfo,
} from '../records/batch.js';
import { crc32c } from '../records/crc32c.js';
import { preadFully } from './io.js';

export interface WalkOptions {
  /** Read whole batches and check CRC-32C (recovery). Otherwise headers only. */
  verifyCrc: boolean;
  /**
   * With verifyCrc, only batches whose baseOffset is at or above this are
   * checked; the ones below (already flushed: under the recovery point) are
   * header-walked. Default: every batch.
   */
  verifyFromOffset?: number;
  /** Read granularity; defaults to 4 MiB when verifying, 8 KiB for header walks. */
  chunkSize?: number;
  /** The first batch's baseOffset must be >= this; later ones must follow the previous batch. */
  minBaseOffset?: number;
  /**
   * Require each baseOffset to be exactly the expected one (minBaseOffset,
   * then previous last offset + 1). baseOffset is not covered by the CRC, so
   * this is what catches a damaged offset field; only valid for segments
   * written without gaps (everything this log writes; compacted ones would not be).
   */
  contiguous?: boolean;
}

export interface WalkResult {
  /** File position just after the last batch that passed the checks. */
  end: number;
  /** Set when the walk hit a bad or partial batch before reaching `to`. */
  error?: string;
  /** The visitor returned false. */
  stopped: boolean;
}

/**
 * The header walk's chunk buffer, shared: walks are synchronous, so one at a
 * time uses it (a walk started from a visitor gets its own). Opening 10,000
 * partitions walks each one twice, and a fresh 8 KiB buffer per walk is what
 * the garbage collector then spends its time on.
 */
let scratch: Buffer | null = Buffer.allocUnsafe(8 * 1024);

/**
 * Visits the batches in file range [from, to). `info.position` is the file
 * position. Stops at the first batch that fails the sanity checks (magic,
 * length, offsets monotonic, CRC when verifying) and reports why, so recovery
 * can truncate there. A visitor returning false stops the walk.
 */
export function walkBatches(
  fd: number,
  from: number,
  to: number,
  opts: WalkOptions,
  visit: (info: BatchInfo) => boolean | void,
): WalkResult {
  const bigChunk = opts.chunkSize ?? 4 * 1024 * 1024;
  const smallChunk = opts.chunkSize ?? 8 * 1024;
  const verifyFrom = opts.verifyCrc ? (opts.verifyFromOffset ?? -Infinity) : Infinity;
  let chunk = smallChunk;
  const minSize = Math.max(smallChunk, BATCH_HEADER_SIZE);
  const shared = scratch !== null && scratch.length >= minSize ? scratch : null;
  if (shared !== null) scratch = null;
  let buf = shared ?? Buffer.allocUnsafe(minSize);
  let bufStart = 0;
  let bufLen = 0;
  // Makes file bytes [p, p+need) available in buf; false on a short read.
  const ensure = (p: number, need: number): boolean => {
    if (p >= bufStart && p + need <= bufStart + bufLen) return true;
    const want = Math.min(Math.max(chunk, need), to - p);
    if (want > buf.length) buf = Buffer.allocUnsafe(want);
    bufStart = p;
    bufLen = preadFully(fd, buf, 0, want, p);
    return bufLen >= need;
  };
  try {
    let pos = from;
    let minBase = opts.minBaseOffset ?? -Infinity;
    const fail = (error: string): WalkResult => ({ end: pos, error, stopped: false });
    while (pos < to) {
      if (to - pos < BATCH_HEADER_SIZE) return fail(`partial batch header (${to - pos} bytes) at position ${pos}`);
      if (!ensure(pos, BATCH_HEADER_SIZE)) return fail(`short read at position ${pos}`);
      let o = pos - bufStart;
      const magic = buf.readInt8(o + MAGIC_POS);
      if (magic !== CURRENT_MAGIC) return fail(`bad magic ${magic} at position ${pos}`);
      const batchLength = buf.readInt32BE(o + BATCH_LENGTH_POS);
      if (batchLength < BATCH_HEADER_SIZE - LOG_OVERHEAD) return fail(`bad batchLength ${batchLength} at position ${pos}`);
      const size = LOG_OVERHEAD + batchLength;
      if (size > to - pos) return fail(`batch at position ${pos} needs ${size} bytes, ${to - pos} remain (torn write)`);
      // baseOffset is the first header field, so whether this batch is verified is known before reading it whole.
      const verify = readInt64(buf, o) >= verifyFrom;
      if (verify) {
        chunk = bigChunk;
        if (!ensure(pos, size)) return fail(`short read at position ${pos}`);
        o = pos - bufStart;
      }
      const info = readBatchHeader(buf, o);
      if (verify && crc32c(buf, o + ATTRIBUTES_POS, o + size) !== info.crc) return fail(`CRC mismatch in batch at position ${pos}`);
      if (info.lastOffsetDelta < 0 || info.recordCount < 0) return fail(`bad record count in batch at position ${pos}`);
      if (info.compression > Compression.ZSTD) return fail(`bad compression in batch at position ${pos}`);
      if (info.baseOffset < minBase || (opts.contiguous === true && info.baseOffset !== minBase)) {
        return fail(`batch at position ${pos} has baseOffset ${info.baseOffset}, expected ${opts.contiguous === true ? '' : '>= '}${minBase}`);
      }
      info.position = pos;
      if (visit(info) === false) return { end: pos + size, stopped: true };
      minBase = info.baseOffset + info.lastOffsetDelta + 1;
      pos += size;
    }
    return { end: pos, stopped: false };
  } finally {
    if (shared !== null) scratch = shared;
  }
}
