// One log segment: a `.log` file of record batches starting at `baseOffset`,
// with its sparse offset and time indexes held in memory. A sealed segment's
// indexes are written once, when it is rolled, and trusted on open after a
// cheap tail check. The active (last) segment's indexes are written only by a
// clean close; otherwise they are rebuilt on open by a header walk, checking
// CRCs from the recovery point on.
//
// The descriptor comes from the broker's bounded FdCache: opened on first use,
// closed when other files are used more recently. A new segment's file is
// created on its first write, so creating a partition touches no file.

import { fdatasync, fstatSync, ftruncateSync, readFileSync, unlinkSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import {
  BATCH_LENGTH_POS,
  LAST_OFFSET_DELTA_POS,
  LOG_OVERHEAD,
  readInt64,
  type BatchInfo,
} from '../records/batch.js';
import { CachedFile, type FdCache } from './fd-cache.js';
import { preadFully, pwriteFully } from './io.js';
import { OffsetIndex, TimeIndex } from './sparse-index.js';
import { walkBatches, type WalkResult } from './walk.js';

const EMPTY = Buffer.alloc(0);
/** Relative offsets are int32 in the index, so a segment spans < 2^31 offsets. */
export const MAX_RELATIVE_OFFSET = 2147483647;
/** Active segments smaller than this get no index files at a clean close. */
const CLEAN_INDEX_MIN_BYTES = 1024 * 1024;

export function segmentFileName(baseOffset: number, ext: '.log' | '.index' | '.timeindex'): string {
  return String(baseOffset).padStart(20, '0') + ext;
}

/** Parses `00000000000000000042.log` → 42, or null for other names. */
export function parseSegmentFileName(name: string): { baseOffset: number; ext: string } | null {
  const m = /^(\d{20})(\.log|\.index|\.timeindex)$/.exec(name);
  return m ? { baseOffset: Number(m[1]), ext: m[2] } : null;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function readFileOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** What an open knows about a segment's data from the previous run. */
export interface SegmentRecovery {
  /** Batches from this offset on were maybe not flushed: their CRCs are checked. */
  verifyFromOffset: number;
  /** The previous run closed cleanly: the active segment's index files are trusted. */
  clean: boolean;
  /** The directory listing shows index files for this segment (false saves looking for them). */
  indexFiles?: boolean;
}

export interface SegmentLoadResult {
  segment: LogSegment;
  /** Bytes cut off a torn/corrupt tail (0 when the segment was clean). */
  truncatedBytes: number;
  /** Why the tail was cut, or why indexes were rebuilt. */
  notes: string[];
}

export class LogSegment {
  readonly baseOffset: number;
  readonly logPath: string;
  readonly indexPath: string;
  readonly timeIndexPath: string;
  private readonly indexIntervalBytes: number;
  private readonly cache: FdCache;
  private readonly file: CachedFile;
  /** Writable (active) segments are opened read-write; sealed ones read-only. */
  private writable: boolean;

  /** Bytes of valid batches in the file. */
  size = 0;
  /** Offset after the last batch (baseOffset when empty). */
  nextOffset: number;
  /** Largest batch maxTimestamp in the segment (-1: none) and the baseOffset of that batch. */
  maxTimestamp = -1;
  offsetOfMaxTimestamp = -1;
  /** maxTimestamp of the first batch: segment.ms rolling compares against it, like Kafka. */
  firstBatchTimestamp = -1;
  /** Batches tracked since creation/load (a sealed segment's fast load only counts its tail). */
  private batchCount = 0;
  /** Wall-clock creation (or load) time; segment.ms fallback when batches carry no timestamps. */
  readonly createdMs: number;
  /** Last write time (file mtime after load); retention fallback for timestamp-less segments. */
  lastModifiedMs: number;

  offsetIndex = new OffsetIndex();
  timeIndex = new TimeIndex();
  private lastIndexedPosition = 0;

  /** `suffix` names a segment built aside (the log cleaner's `.cleaned` files). */
  private constructor(dir: string, baseOffset: number, indexIntervalBytes: number, writable: boolean, now: number, cache: FdCache, flags: string,
    suffix = '') {
    this.baseOffset = baseOffset;
    this.nextOffset = baseOffset;
    // One join for the three names (segmentFileName's stem): a broker opens thousands of segments at start.
    const stem = join(dir, String(baseOffset).padStart(20, '0'));
    this.logPath = `${stem}.log${suffix}`;
    this.indexPath = `${stem}.index${suffix}`;
    this.timeIndexPath = `${stem}.timeindex${suffix}`;
    this.indexIntervalBytes = indexIntervalBytes;
    this.writable = writable;
    this.createdMs = now;
    this.lastModifiedMs = now;
    this.cache = cache;
    this.file = new CachedFile(this.logPath, flags);
  }

  /**
   * A new empty active segment. Its file is created (replacing a stale one of
   * that name) on first use; `fresh` says the directory has no stale files.
   * `suffix` names a segment built aside (the log cleaner's `.cleaned` files).
   */
  static create(dir: string, baseOffset: number, indexIntervalBytes: number, now: number, cache: FdCache, fresh = false,
    suffix = ''): LogSegment {
    const seg = new LogSegment(dir, baseOffset, indexIntervalBytes, true, now, cache, 'w+', suffix);
    if (!fresh) {
      unlinkQuiet(seg.indexPath);
      unlinkQuiet(seg.timeIndexPath);
    }
    return seg;
  }

  /**
   * Loads an existing segment.
   * - active (last) segment: every batch is checked (header sanity, offsets
   *   increasing, CRC-32C); the file is truncated at the first bad batch and
   *   the indexes are rebuilt from the scan. Stale index files are removed.
   * - sealed segment: index files are loaded and validated, and the batches
   *   after the last index entry are header-walked to the exact end of file;
   *   any mismatch falls back to the full check + truncation + index rewrite.
   */
  static load(dir: string, baseOffset: number, indexIntervalBytes: number, active: boolean, now: number, cache: FdCache,
    recovery: SegmentRecovery = { verifyFromOffset: 0, clean: false }): SegmentLoadResult {
    const seg = new LogSegment(dir, baseOffset, indexIntervalBytes, active, now, cache, active ? 'r+' : 'r');
    const notes: string[] = [];
    const stat = fstatSync(seg.fd);
    const fileSize = stat.size;
    seg.lastModifiedMs = stat.mtimeMs;
    const { verifyFromOffset } = recovery;
    // Indexes + tail check, when every batch here is below the recovery point
    // (flushed) and, for the active segment, its indexes come from a clean close.
    const indexFiles = recovery.indexFiles ?? true;
    const indexed = (!active || recovery.clean) && indexFiles && seg.loadSealedIndexes(fileSize);
    if (indexed && seg.nextOffset <= verifyFromOffset) {
      if (active) {
        seg.firstBatchTimestamp = seg.size > 0 ? (seg.findBatch(baseOffset)?.maxTimestamp ?? -1) : -1;
        seg.removeIndexFiles(); // appends would make them stale
      } else {
        seg.releaseFd();
      }
      return { segment: seg, truncatedBytes: 0, notes };
    }
    if (!active && !indexed) notes.push(`segment ${baseOffset}: indexes missing or stale, rebuilt`);
    seg.resetIndexes();
    const walkOpts = { verifyCrc: true, verifyFromOffset, minBaseOffset: baseOffset, contiguous: active };
    const walk = walkBatches(seg.fd, 0, fileSize, walkOpts, (info) => {
      if (info.baseOffset + info.lastOffsetDelta - baseOffset > MAX_RELATIVE_OFFSET) return false;
      seg.track(info.position, info.size, info.baseOffset, info.lastOffsetDelta, info.maxTimestamp);
      return true;
    });
    let truncatedBytes = 0;
    const validEnd = seg.size;
    if (validEnd < fileSize) {
      truncatedBytes = fileSize - validEnd;
      notes.push(`segment ${baseOffset}: truncated ${truncatedBytes} bytes at position ${validEnd} (${walk.error ?? 'offset overflow'})`);
      seg.reopenWritable();
      ftruncateSync(seg.fd, validEnd);
    }
    if (active) {
      if (indexFiles) seg.removeIndexFiles();
    } else {
      seg.seal();
      seg.releaseFd();
    }
    return { segment: seg, truncatedBytes, notes };
  }

  /** Sealed-segment fast path; false when the caller must rebuild. */
  private loadSealedIndexes(fileSize: number): boolean {
    const ib = readFileOrNull(this.indexPath);
    const tb = readFileOrNull(this.timeIndexPath);
    if (ib === null || tb === null) return false;
    const oi = OffsetIndex.fromBuffer(ib, Math.max(fileSize, 1));
    const ti = TimeIndex.fromBuffer(tb);
    if (oi === null || ti === null) return false;
    // Adopt the indexes, then walk the unindexed tail to learn nextOffset and
    // check that the last batch ends exactly at the end of the file.
    this.resetIndexes();
    this.offsetIndex = oi;
    this.timeIndex = ti;
    const from = oi.lastPosition;
    this.lastIndexedPosition = from;
    this.size = from;
    this.maxTimestamp = ti.lastTimestamp;
    this.offsetOfMaxTimestamp = ti.length > 0 ? this.baseOffset + ti.lastRelativeOffset : -1;
    const minBase = this.baseOffset + (oi.length > 0 ? oi.lastRelativeOffset : 0);
    const walk: WalkResult = walkBatches(this.fd, from, fileSize, { verifyCrc: false, minBaseOffset: minBase }, (info) => {
      this.track(info.position, info.size, info.baseOffset, info.lastOffsetDelta, info.maxTimestamp);
    });
    if (walk.error !== undefined || this.size !== fileSize) return false;
    if (this.offsetOfMaxTimestamp >= this.nextOffset && this.size > 0) return false;
    return true;
  }

  /**
   * File descriptor from the cache, opened on use. Valid until the next
   * descriptor is asked of the cache: synchronous use only (pin for async).
   */
  get fd(): number {
    const file = this.file;
    if (file.fd >= 0) return this.cache.fd(file);
    const fd = this.cache.fd(file);
    // 'w+' created (and emptied) the new segment's file: reopening must keep it.
    if (file.flags === 'w+') file.flags = 'r+';
    return fd;
  }

  get isOpen(): boolean {
    return this.file.fd >= 0;
  }

  /** True once the file exists on disk (a new segment's file is created by its first write). */
  get fileCreated(): boolean {
    return this.file.flags !== 'w+';
  }

  private reopenWritable(): void {
    if (!this.writable) {
      this.releaseFd();
      this.file.flags = 'r+';
    }
    this.writable = true;
  }

  /**
   * Opens the file and holds this descriptor until the returned function is
   * called: it is neither evicted nor reopened by path meanwhile, so reads
   * keep seeing this file after another one is renamed over its name (the
   * log cleaner's swap). Calling the returned function again does nothing.
   */
  pinFile(): () => void {
    void this.fd; // opens it, with the create-then-keep rule of a new file
    this.cache.pin(this.file);
    let pinned = true;
    return () => {
      if (!pinned) return;
      pinned = false;
      this.cache.unpin(this.file);
    };
  }

  /** Closes the descriptor (once no async operation uses it); it reopens on next use. */
  releaseFd(): void {
    this.cache.release(this.file);
  }

  private resetIndexes(): void {
    this.offsetIndex.clear();
    this.timeIndex.clear();
    this.lastIndexedPosition = 0;
    this.size = 0;
    this.nextOffset = this.baseOffset;
    this.maxTimestamp = -1;
    this.offsetOfMaxTimestamp = -1;
    this.firstBatchTimestamp = -1;
    this.batchCount = 0;
  }

  /**
   * Accounts for a batch now stored at file `position`: end/next offset, max
   * timestamp, and a sparse index entry once indexIntervalBytes have passed
   * since the previous one (so a lookup scans at most ~one interval + one batch).
   */
  private track(position: number, size: number, baseOffset: number, lastOffsetDelta: number, maxTimestamp: number): void {
    if (this.batchCount === 0) this.firstBatchTimestamp = maxTimestamp;
    this.batchCount++;
    if (maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = maxTimestamp;
      this.offsetOfMaxTimestamp = baseOffset;
    }
    if (position - this.lastIndexedPosition >= this.indexIntervalBytes && position > 0) {
      this.offsetIndex.append(baseOffset - this.baseOffset, position);
      this.lastIndexedPosition = position;
      if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    }
    this.nextOffset = baseOffset + lastOffsetDelta + 1;
    this.size = position + size;
  }

  /**
   * Appends already-offset-assigned batches: `buf` holds them back to back
   * starting at buf[0], described by `batches` (positions relative to buf).
   * On a write error the file is cut back so no partial batch stays behind.
   */
  append(buf: Buffer, batches: readonly BatchInfo[], now: number): void {
    const start = this.size;
    try {
      pwriteFully(this.fd, buf, 0, buf.length, start);
    } catch (err) {
      try {
        ftruncateSync(this.fd, start);
      } catch {
        // The next open's scan truncates whatever is left.
      }
      throw err;
    }
    for (const b of batches) this.track(start + b.position, b.size, b.baseOffset, b.lastOffsetDelta, b.maxTimestamp);
    this.lastModifiedMs = now;
  }

  /**
   * Header of the first batch whose last offset is >= `offset`, or null if
   * every batch here ends before it. Starts at the sparse index entry.
   */
  findBatch(offset: number): BatchInfo | null {
    if (this.size === 0) return null;
    const start = offset <= this.baseOffset ? 0 : this.offsetIndex.lookup(offset - this.baseOffset);
    let found: BatchInfo | null = null;
    walkBatches(this.fd, start, this.size, { verifyCrc: false }, (info) => {
      if (info.baseOffset + info.lastOffsetDelta >= offset) {
        found = info;
        return false;
      }
      return true;
    });
    return found;
  }

  /** First batch whose maxTimestamp >= `timestamp` (via the time index), or null. */
  findBatchByTimestamp(timestamp: number, minOffset: number): BatchInfo | null {
    if (this.size === 0) return null;
    const rel = this.timeIndex.lookup(timestamp);
    const start = this.offsetIndex.lookup(Math.max(rel, minOffset - this.baseOffset));
    let found: BatchInfo | null = null;
    walkBatches(this.fd, start, this.size, { verifyCrc: false }, (info) => {
      if (info.maxTimestamp >= timestamp && info.baseOffset + info.lastOffsetDelta >= minOffset) {
        found = info;
        return false;
      }
      return true;
    });
    return found;
  }

  /** Reads the whole batch described by `info` (a header from this segment). */
  readBatch(info: BatchInfo): Buffer {
    const buf = Buffer.allocUnsafe(info.size);
    const n = preadFully(this.fd, buf, 0, info.size, info.position);
    return n === info.size ? buf : buf.subarray(0, n);
  }

  /**
   * Whole batches starting at the one holding `offset`: up to `maxBytes`, but
   * at least one batch when `minOneBatch` (KIP-74), stopping before any batch
   * that reaches `maxOffset` (exclusive). null if no batch here reaches `offset`.
   */
  read(offset: number, maxBytes: number, maxOffset: number, minOneBatch: boolean): Buffer | null {
    const first = this.findBatch(offset);
    if (first === null) return null;
    if (first.baseOffset + first.lastOffsetDelta >= maxOffset) return EMPTY;
    let len = Math.min(maxBytes, this.size - first.position);
    if (len < first.size) {
      if (!minOneBatch) return EMPTY;
      len = first.size;
    }
    const buf = Buffer.allocUnsafe(len);
    const n = preadFully(this.fd, buf, 0, len, first.position);
    // Cut to whole batches below maxOffset; only headers are looked at.
    let p = 0;
    while (p + LOG_OVERHEAD <= n) {
      const size = LOG_OVERHEAD + buf.readInt32BE(p + BATCH_LENGTH_POS);
      if (p + size > n) break;
      if (readInt64(buf, p) + buf.readInt32BE(p + LAST_OFFSET_DELTA_POS) >= maxOffset) break;
      p += size;
    }
    return p === 0 ? EMPTY : buf.subarray(0, p);
  }

  /** Visits batch headers from the first one reaching `fromOffset`; false from `visit` stops. */
  scan(fromOffset: number, visit: (info: BatchInfo) => boolean | void): boolean {
    if (this.size === 0) return true;
    const start = fromOffset <= this.baseOffset ? 0 : this.offsetIndex.lookup(fromOffset - this.baseOffset);
    const res = walkBatches(this.fd, start, this.size, { verifyCrc: false }, (info) => {
      if (info.baseOffset + info.lastOffsetDelta < fromOffset) return true;
      return visit(info);
    });
    return !res.stopped;
  }

  /**
   * Cuts the segment before the batch holding `offset` (a batch is never
   * split, so the new end offset may be below `offset`) and rebuilds the
   * indexes. The segment becomes writable (it is about to be the active one).
   */
  truncateTo(offset: number): void {
    const batch = this.findBatch(offset);
    const position = batch === null ? this.size : batch.position;
    this.reopenWritable();
    unlinkQuiet(this.indexPath);
    unlinkQuiet(this.timeIndexPath);
    ftruncateSync(this.fd, position);
    this.resetIndexes();
    walkBatches(this.fd, 0, position, { verifyCrc: false }, (info) => {
      this.track(info.position, info.size, info.baseOffset, info.lastOffsetDelta, info.maxTimestamp);
    });
  }

  /**
   * Seals the segment when it stops being the active one: records the final
   * max timestamp in the time index (so it survives a reopen) and writes both
   * index files (via a temp file + rename, so a crash never leaves a torn
   * index that happens to validate).
   */
  seal(): void {
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    this.writeIndexFiles();
    // A sealed segment is opened read-only by path: one never written (the
    // cleaner's output when nothing survives) must exist first.
    if (!this.fileCreated) void this.fd;
    this.writable = false;
    this.file.flags = 'r';
  }

  /**
   * Writes the active segment's indexes at a clean close, for the next open's
   * fast path. The time index gets the final max timestamp, as at seal.
   */
  writeIndexesForCleanClose(): void {
    // A small segment's header walk costs less than reading and removing two files.
    if (this.size < CLEAN_INDEX_MIN_BYTES) return;
    if (this.maxTimestamp >= 0) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp - this.baseOffset);
    this.writeIndexFiles();
  }

  private removeIndexFiles(): void {
    unlinkQuiet(this.indexPath);
    unlinkQuiet(this.timeIndexPath);
  }

  private writeIndexFiles(): void {
    writeFileSync(this.indexPath + '.tmp', this.offsetIndex.toBuffer());
    renameSync(this.indexPath + '.tmp', this.indexPath);
    writeFileSync(this.timeIndexPath + '.tmp', this.timeIndex.toBuffer());
    renameSync(this.timeIndexPath + '.tmp', this.timeIndexPath);
  }

  get isWritable(): boolean {
    return this.writable;
  }

  /** fdatasync of the segment file (runs on the libuv thread pool). */
  sync(): Promise<void> {
    // fsync works per file, not per descriptor, so reopening is fine if the
    // descriptor was closed since the write. Pinned while the fsync runs.
    const fd = this.cache.pin(this.file);
    return new Promise((resolve, reject) => fdatasync(fd, (err) => {
      this.cache.unpin(this.file);
      if (err) reject(err);
      else resolve();
    }));
  }

  close(): void {
    this.releaseFd();
  }

  /** Closes and removes the segment's files. */
  deleteFiles(): void {
    this.releaseFd();
    unlinkQuiet(this.logPath);
    unlinkQuiet(this.indexPath);
    unlinkQuiet(this.timeIndexPath);
  }
}
