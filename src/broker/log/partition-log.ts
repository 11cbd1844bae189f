// The log of one partition: a directory of segments, offset assignment,
// reads by offset/timestamp, retention, recovery on open and group-commit
// durability.
//
// I/O model: appends and reads are synchronous (fs.writeSync / fs.readSync on
// open descriptors). The broker runs the log on its own thread, a page-cache
// write of a batch takes microseconds, and being synchronous makes ordering
// trivial: offsets are assigned and bytes land in the file in one step, no
// per-partition queue is needed, and a read always sees a consistent end.
// Only fsync (which can take milliseconds) is asynchronous, on the libuv pool,
// and concurrent flush() callers share one fsync (group commit).
//
// Creating a partition touches no file: its directory and first segment file
// are made by the first write, so a request creating thousands of partitions
// does no disk work. Descriptors come from a bounded cache shared by all logs.
// The recovery point (offset below which every batch was flushed) lets an
// open after a crash check CRCs only from there.
//
// Offsets and timestamps are JS numbers (exact below 2^53). The log's state
// and its changes live here; opening a directory (recover.ts), lookups across
// segments (lookup.ts), stamping appended batches (append-batches.ts), the
// flush.ms timer (flush-timer.ts) and choosing what retention deletes
// (retention.ts) are helpers beside it.

import { mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BatchInfo } from '../records/batch.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { defaultLogConfig, validateLogConfig, type LogConfig } from './config.js';
import { LogError, LogStorageError, OffsetOutOfRangeError } from './errors.js';
import { syncDir, writeLogStartOffset } from './checkpoints.js';
import { sharedFdCache, type FdCache } from './fd-cache.js';
import { GroupCommit } from './group-commit.js';
import { FlushTimer } from './flush-timer.js';
import { LogSegment } from './segment.js';
import { recoverSegments } from './recover.js';
import { describeSegments, maxTimestampOffset, offsetForTimestamp, readSegments, segmentIndexFor } from './lookup.js';
import { checkBatches, rollNeeded, stampBatches } from './append-batches.js';
import { expiredSegmentCount } from './retention.js';
import type { OpenOptions, AppendOptions, AppendResult, ReadOptions, ReadResult, SegmentInfo, RecoveryReport, RetentionResult, TimestampOffset } from './partition-log-types.js';

export type { OpenOptions, AppendOptions, AppendResult, ReadOptions, ReadResult, SegmentInfo, RecoveryReport, RetentionResult, TimestampOffset } from './partition-log-types.js';

const EMPTY = Buffer.alloc(0);

export class PartitionLog {
  readonly dir: string;
  private cfg: LogConfig;
  private segs: LogSegment[];
  private startOffset: number;
  private totalBytes: number;
  private readonly warn: (message: string, error?: unknown) => void;
  private closed = false;
  /** Leader epoch stamped into appended batches unless the append says otherwise. */
  leaderEpoch = 0;
  readonly recovery: RecoveryReport;

  // Durability bookkeeping: `generation` counts writes; group commit syncs the
  // active segment, segments rolled since the last sync, and the directory
  // when segment files were created.
  private generation = 0;
  private unsyncedSealed: LogSegment[] = [];
  private dirDirty = false;
  /** The directory is made by the first write; then its entry in the parent needs an fsync too. */
  private dirExists: boolean;
  private parentDirty = false;
  private readonly group: GroupCommit;
  private readonly flushTimer = new FlushTimer(() => {
    this.flush().catch((err) => this.warn(`${this.dir}: background flush failed`, err));
  });
  /** Where this log's segments get their descriptors (the log cleaner builds its segments on it too). */
  readonly fdCache: FdCache;
  private flushedOffset: number;
  /** Bumped by truncateTo, so a sync running across one does not move the recovery point. */
  private truncations = 0;

  private constructor(dir: string, cfg: LogConfig, segs: LogSegment[], startOffset: number, recovery: RecoveryReport,
    warn: (message: string, error?: unknown) => void, fdCache: FdCache, dirExists: boolean) {
    this.dir = dir;
    this.fdCache = fdCache;
    this.dirExists = dirExists;
    const end = segs[segs.length - 1].nextOffset;
    this.flushedOffset = Math.min(recovery.recoveredFrom, end);
    // Recovered data above the recovery point is valid but maybe not on disk yet: the next flush covers it.
    if (this.flushedOffset < end) this.generation = 1;
    this.cfg = { ...cfg };
    this.segs = segs;
    this.startOffset = startOffset;
    this.totalBytes = segs.reduce((n, s) => n + s.size, 0);
    this.recovery = recovery;
    this.warn = warn;
    this.group = new GroupCommit(() => this.syncNow(), () => this.generation);
  }

  /**
   * Opens (creating if needed) the partition directory and recovers it: the
   * last segment is fully validated (header sanity, offsets, CRC) and cut at
   * the first bad batch; sealed segments get an index + tail check and are
   * only rescanned when that fails. Always succeeds on a damaged tail.
   */
  static async open(dir: string, config: LogConfig = defaultLogConfig, options: OpenOptions = {}): Promise<PartitionLog> {
    return PartitionLog.openSync(dir, config, options);
  }

  /** open(), synchronously: the broker opens a partition's log on its first use. */
  static openSync(dir: string, config: LogConfig = defaultLogConfig, options: OpenOptions = {}): PartitionLog {
    validateLogConfig(config);
    const now = options.now ?? Date.now();
    const warn = options.onWarning ?? (() => undefined);
    const cache = options.fdCache ?? sharedFdCache;
    const { segs, startOffset, recovery, dirExists } = recoverSegments(dir, config, options, cache, now, warn);
    return new PartitionLog(dir, config, segs, startOffset, recovery, warn, cache, dirExists);
  }

  // ---- State ----

  get config(): Readonly<LogConfig> {
    return this.cfg;
  }

  /** Applies new topic configs (segment/retention/flush settings take effect on the next operation). */
  updateConfig(config: LogConfig): void {
    validateLogConfig(config);
    this.cfg = { ...config };
    if (config.flushPolicy !== 'interval') this.flushTimer.stop();
  }

  get logStartOffset(): number {
    return this.startOffset;
  }

  /** Offset the next appended record gets. */
  get logEndOffset(): number {
    return this.active.nextOffset;
  }

  /** One replica: everything written is replicated, so HW = LEO. */
  get highWatermark(): number {
    return this.active.nextOffset;
  }

  /** Bytes on disk in all segments. */
  get size(): number {
    return this.totalBytes;
  }

  get segments(): SegmentInfo[] {
    return describeSegments(this.segs);
  }

  /** Offset below which every batch is known to be on disk (the recovery point to checkpoint). */
  get recoveryPoint(): number {
    return this.flushedOffset;
  }

  /** Number of fsync rounds actually run (group commit makes this < flush() calls). */
  get flushCount(): number {
    return this.group.syncCount;
  }

  private get active(): LogSegment {
    return this.segs[this.segs.length - 1];
  }

  private ensureOpen(): void {
    if (this.closed) throw new LogError(ErrorCode.KAFKA_STORAGE_ERROR, `partition log ${this.dir} is closed`);
  }

  // ---- Append ----

  /**
   * Appends a Produce request's validated batches (from parseBatches on the
   * same buffer: back to back from byte 0). Assigns offsets from the log end,
   * rewrites baseOffset and partitionLeaderEpoch in place (and, for
   * LogAppendTime topics, the timestamp type + maxTimestamp, recomputing the
   * CRC), writes the bytes, and updates the `batches` entries to match what
   * was stored. Rolls the segment first when needed. Synchronous.
   */
  append(records: Buffer, batches: BatchInfo[], opts: AppendOptions = {}): AppendResult {
    this.ensureOpen();
    checkBatches(records, batches, this.cfg);
    const now = opts.now ?? Date.now();
    const epoch = opts.leaderEpoch ?? this.leaderEpoch;
    const logAppendTime = this.cfg.messageTimestampType === 'LogAppendTime' ? now : -1;
    const baseOffset = this.logEndOffset;
    const { lastOffset, maxTimestamp: incomingMaxTs } = stampBatches(records, batches, baseOffset, epoch, logAppendTime);

    if (rollNeeded(this.active, this.cfg, records.length, lastOffset, incomingMaxTs, now)) this.roll(now);
    try {
      if (!this.dirExists) this.createDir();
      this.active.append(records, batches, now);
    } catch (err) {
      throw new LogStorageError(`write to ${this.active.logPath} failed: ${(err as Error).message}`, err);
    }
    this.totalBytes += records.length;
    this.generation++;
    if (this.cfg.flushPolicy === 'interval') this.flushTimer.schedule(this.cfg.flushMs);
    return { baseOffset, lastOffset, logAppendTime, logStartOffset: this.startOffset };
  }

  /** Makes the directory on the first write; the next sync makes it durable (it and its parent entry). */
  private createDir(): void {
    mkdirSync(this.dir, { recursive: true });
    this.dirExists = true;
    this.dirDirty = true;
    this.parentDirty = true;
  }

  /** Seals the active segment and starts a new one at the log end (no-op when the active one is empty). */
  roll(now: number = Date.now()): void {
    this.ensureOpen();
    const old = this.active;
    if (old.size === 0) return;
    old.seal();
    this.segs.push(LogSegment.create(this.dir, old.nextOffset, this.cfg.indexIntervalBytes, now, this.fdCache));
    if (this.cfg.flushPolicy === 'none') {
      old.releaseFd(); // nothing will ever sync it: do not keep its descriptor around
      return;
    }
    // Like Kafka, flush a segment in the background when it is rolled, so the
    // list of unsynced sealed segments (and their descriptors) stays short
    // even when nobody calls flush().
    this.unsyncedSealed.push(old);
    this.dirDirty = true;
    this.generation++;
    this.flush().catch((err) => this.warn(`${this.dir}: flush after roll failed`, err));
  }

  // ---- Durability ----

  /**
   * Makes every append made before the call durable (fdatasync). Concurrent
   * callers share fsyncs: one runs at a time and all callers arriving during
   * it share the next one.
   */
  flush(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.group.request();
  }

  private async syncNow(): Promise<void> {
    const sealed = this.unsyncedSealed;
    this.unsyncedSealed = [];
    const dirDirty = this.dirDirty;
    this.dirDirty = false;
    const parentDirty = this.parentDirty;
    this.parentDirty = false;
    const end = this.logEndOffset;
    const truncations = this.truncations;
    const active = this.active;
    try {
      // A segment whose file was never written has nothing to sync (and no file yet).
      await Promise.all([...sealed.map((s) => s.sync()), active.fileCreated ? active.sync() : undefined]);
      if (dirDirty) await syncDir(this.dir);
      if (parentDirty) await syncDir(dirname(this.dir));
      if (truncations === this.truncations && end > this.flushedOffset) this.flushedOffset = end;
    } catch (err) {
      this.unsyncedSealed.unshift(...sealed.filter((s) => this.segs.includes(s)));
      if (dirDirty) this.dirDirty = true;
      if (parentDirty) this.parentDirty = true;
      throw new LogStorageError(`fsync of ${this.dir} failed: ${(err as Error).message}`, err);
    } finally {
      // Sealed segments only needed their descriptor for this sync.
      for (const s of sealed) if (!s.isWritable && !this.unsyncedSealed.includes(s)) s.releaseFd();
    }
  }

  // ---- Read ----

  /**
   * Reads whole batches starting with the one containing `fetchOffset`, up to
   * `maxBytes` (but at least one batch unless opts.minOneBatch is false), from
   * a single segment, excluding batches that reach `maxOffset` (exclusive:
   * high watermark or last stable offset). Out of [logStartOffset,
   * logEndOffset] → errorCode OFFSET_OUT_OF_RANGE.
   */
  read(fetchOffset: number, maxBytes: number, maxOffset?: number, opts: ReadOptions = {}): ReadResult {
    this.ensureOpen();
    const end = this.logEndOffset;
    const result: ReadResult = {
      errorCode: ErrorCode.NONE,
      records: EMPTY,
      logStartOffset: this.startOffset,
      highWatermark: end,
      logEndOffset: end,
    };
    if (fetchOffset < this.startOffset || fetchOffset > end) {
      result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
      return result;
    }
    const limit = Math.min(maxOffset ?? end, end);
    if (fetchOffset >= limit) return result;
    result.records = readSegments(this.segs, fetchOffset, maxBytes, limit, opts.minOneBatch ?? true);
    return result;
  }

  /**
   * Visits batch headers (info.position is the position in its segment file)
   * from the batch containing `fromOffset` to the log end; return false to
   * stop. For rebuilding producer/transaction state from the log.
   */
  scanBatches(fromOffset: number, visit: (info: BatchInfo) => boolean | void): void {
    this.ensureOpen();
    for (let i = segmentIndexFor(this.segs, fromOffset); i < this.segs.length; i++) {
      if (!this.segs[i].scan(fromOffset, visit)) return;
    }
  }

  // ---- Timestamps ----

  /**
   * ListOffsets by timestamp: the first offset (>= logStartOffset) whose
   * record timestamp is >= `timestamp`, found via the segments' max
   * timestamps, the time index, then batch headers. Uncompressed and gzip
   * batches are refined to the exact record; other codecs answer the batch's
   * first offset and max timestamp. null when no record is that recent.
   */
  offsetForTimestamp(timestamp: number): TimestampOffset | null {
    this.ensureOpen();
    return offsetForTimestamp(this.segs, this.startOffset, timestamp);
  }

  /** ListOffsets MAX_TIMESTAMP (-3): the record with the largest timestamp; {-1,-1} if none. */
  maxTimestampOffset(): TimestampOffset {
    this.ensureOpen();
    return maxTimestampOffset(this.segs);
  }

  // ---- Deletion ----

  /**
   * DeleteRecords: moves logStartOffset up to `offset` (persisted in the
   * `log-start-offset` checkpoint) and deletes sealed segments entirely below
   * it. Returns the new log start offset. offset > high watermark → OffsetOutOfRangeError.
   */
  deleteRecordsBefore(offset: number): number {
    this.ensureOpen();
    if (offset > this.logEndOffset || offset < 0) throw new OffsetOutOfRangeError(offset, this.startOffset, this.logEndOffset);
    if (offset <= this.startOffset) return this.startOffset;
    this.startOffset = offset;
    if (!this.dirExists) this.createDir();
    writeLogStartOffset(this.dir, offset);
    while (this.segs.length > 1 && this.segs[1].baseOffset <= this.startOffset) this.deleteSegment(this.segs[0]);
    return this.startOffset;
  }

  /**
   * Deletes old sealed segments (never the active one), in Kafka's order:
   * retention.ms (segment's newest timestamp older than now - retention.ms;
   * file mtime when it has no timestamps), then retention.bytes (oldest first
   * while the partition stays at or above the limit), then segments below
   * logStartOffset. Advances logStartOffset to the first kept segment.
   */
  enforceRetention(now: number = Date.now()): RetentionResult {
    this.ensureOpen();
    const result: RetentionResult = { deletedSegments: 0, deletedBytes: 0, logStartOffset: this.startOffset };
    const expired = this.segs.slice(0, expiredSegmentCount(this.segs, this.cfg, this.totalBytes, this.startOffset, now));
    for (const seg of expired) {
      result.deletedSegments++;
      result.deletedBytes += seg.size;
      this.deleteSegment(seg);
    }
    if (this.segs[0].baseOffset > this.startOffset) this.startOffset = this.segs[0].baseOffset;
    result.logStartOffset = this.startOffset;
    return result;
  }

  // ---- Log cleaner hooks ----

  /** The sealed segments, oldest first (never the active one): what the log cleaner may rewrite. */
  sealedSegments(): readonly LogSegment[] {
    return this.segs.slice(0, -1);
  }

  /**
   * Creates the active segment's file if no write has yet. Recovery takes the
   * last file for the active segment and checks its offsets are contiguous, so
   * a cleaned (gapped) segment must never be the last file on disk: the
   * cleaner calls this before it syncs the directory ahead of a swap.
   */
  createActiveFile(): void {
    this.ensureOpen();
    if (!this.dirExists) this.createDir();
    if (!this.active.fileCreated) {
      void this.active.fd;
      this.dirDirty = true;
    }
  }

  /**
   * Swaps the consecutive sealed segments `old` for the segment `install()`
   * returns (it renames the cleaned files over theirs and loads the result).
   * Synchronous, so every read sees either the old segments or the new one.
   * Returns false, without calling `install`, when `old` is no longer a run of
   * sealed segments (retention or truncation got there first). The old
   * segments keep their open descriptors for the caller to release.
   */
  replaceSegments(old: readonly LogSegment[], install: () => LogSegment): boolean {
    this.ensureOpen();
    const i = this.segs.indexOf(old[0]);
    if (old.length === 0 || i < 0 || i + old.length > this.segs.length - 1 || old.some((s, j) => this.segs[i + j] !== s)) return false;
    const seg = install();
    this.segs.splice(i, old.length, seg);
    this.unsyncedSealed = this.unsyncedSealed.filter((s) => !old.includes(s));
    this.totalBytes += seg.size - old.reduce((n, s) => n + s.size, 0);
    this.dirDirty = true;
    this.generation++;
    return true;
  }

  private deleteSegment(seg: LogSegment): void {
    const i = this.segs.indexOf(seg);
    if (i < 0 || i === this.segs.length - 1) return;
    this.segs.splice(i, 1);
    this.discard(seg);
    if (this.segs[0].baseOffset > this.startOffset) this.startOffset = this.segs[0].baseOffset;
  }

  /** Forgets a segment that is no longer in `segs` and removes its files (a running fsync keeps its descriptor until done: the cache pins it). */
  private discard(seg: LogSegment): void {
    this.unsyncedSealed = this.unsyncedSealed.filter((s) => s !== seg);
    this.totalBytes -= seg.size;
    seg.deleteFiles();
  }

  /**
   * Removes every record at or after `offset`. A batch is never split: the
   * batch containing `offset` goes entirely, so the new log end may be lower
   * than `offset`. Below the first segment the log restarts empty at `offset`.
   */
  truncateTo(offset: number): void {
    this.ensureOpen();
    if (offset < 0) throw new OffsetOutOfRangeError(offset, this.startOffset, this.logEndOffset);
    if (offset >= this.logEndOffset) return;
    const now = Date.now();
    this.truncations++;
    while (this.segs.length > 0 && this.segs[this.segs.length - 1].baseOffset >= offset) {
      this.discard(this.segs.pop() as LogSegment);
    }
    if (this.segs.length === 0) {
      this.segs.push(LogSegment.create(this.dir, offset, this.cfg.indexIntervalBytes, now, this.fdCache));
      this.dirDirty = true;
    } else {
      const seg = this.active;
      this.unsyncedSealed = this.unsyncedSealed.filter((s) => s !== seg);
      const before = seg.size;
      seg.truncateTo(offset);
      this.totalBytes -= before - seg.size;
    }
    this.generation++;
    const end = this.logEndOffset;
    if (this.flushedOffset > end) this.flushedOffset = end;
    if (this.startOffset > end || this.segs[0].baseOffset > this.startOffset) {
      this.startOffset = Math.min(Math.max(this.startOffset, this.segs[0].baseOffset), end);
      writeLogStartOffset(this.dir, this.startOffset);
    }
  }

  // ---- Lifecycle ----

  /**
   * Syncs outstanding data and closes the files. Further calls throw (flush
   * resolves). A clean close also writes the active segment's indexes, which
   * the next open trusts when the log dir's clean-shutdown marker says so.
   */
  async close(options: { clean?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true; // appends/reads now fail; the final sync below still runs
    this.flushTimer.stop();
    try {
      await this.group.request();
      await this.group.idle();
      if (options.clean === true && this.dirExists) this.active.writeIndexesForCleanClose();
    } finally {
      for (const s of this.segs) s.close();
    }
  }

  /** Closes the log and removes its directory. */
  async delete(): Promise<void> {
    if (!this.closed) {
      this.flushTimer.stop();
      await this.group.idle();
      this.closed = true;
      for (const s of this.segs) s.close();
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
