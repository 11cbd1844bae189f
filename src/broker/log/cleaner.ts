// The log cleaner's pass over one partition (cleanup.policy=compact), as
// Kafka's: the sealed segments from the first dirty offset (the checkpoint of
// the previous pass) up to the first uncleanable one (the active segment, the
// first open transaction, segments younger than min.compaction.lag.ms) are the
// dirty section. A map key → latest offset is built over it; then every
// sealed segment up to the end of the map is copied, group by group, keeping
// only records that are the latest for their key. Tombstones and transaction
// markers get a delete horizon (now + delete.retention.ms) on the first pass
// that could drop them and go on a pass after it; records of aborted
// transactions go at once. Each group's result is swapped in atomically
// (cleaner-files.ts), groups in offset order, so a kill at any point leaves a
// prefix of the groups cleaned, which keeps every key's latest value.
//
// All reads are asynchronous and chunked; decoding and writing happen in
// slices with a yield to the event loop between them, so requests keep flowing.
import { open } from 'node:fs/promises';
import { ATTRIBUTES_POS, readBatchHeader, type BatchInfo } from '../records/batch.js';
import { crc32c } from '../records/crc32c.js';
import { decodeRecords, type DecodedRecord } from '../records/records.js';
import { canRewrite, emptyBatch, keyId, rebuildBatch } from './cleaner-batch.js';
import {
  CLEANED, discardCleaned, readCleanerCheckpoint, swapCleaned, writeCleanerCheckpoint, writeRangeFile,
} from './cleaner-files.js';
import { CHUNK_BYTES, CleanerReadError, controlType, readBatches, scanLog, TxnTracker, type FileRange, type LogScan } from './cleaner-scan.js';
import type { PartitionLog } from './partition-log.js';
import { LogSegment, MAX_RELATIVE_OFFSET } from './segment.js';

export interface CleanerSettings {
  /** delete.retention.ms: how long tombstones and removable markers stay after their first pass. */
  deleteRetentionMs: number;
  /** min.cleanable.dirty.ratio: dirty bytes / cleanable bytes needed before a pass runs. */
  minCleanableDirtyRatio: number;
  /** min.compaction.lag.ms: segments holding records younger than this are not cleaned. */
  minCompactionLagMs: number;
  /** max.compaction.lag.ms: a dirty segment older than this is cleaned whatever the ratio. */
  maxCompactionLagMs: number;
}

export const defaultCleanerSettings: Readonly<CleanerSettings> = Object.freeze({
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
});

/** Points of a pass, for logs and for tests that stop a broker at each of them. */
export type CleanPhase = 'mapped' | 'group-written' | 'group-committed' | 'group-swapped' | 'done';

export interface CleanOptions extends CleanerSettings {
  now: number;
  /** Clean even below the dirty ratio. */
  force?: boolean;
  /** Bound of the key → offset map; a pass maps whole dirty segments up to it. Default 1,000,000 keys. */
  maxMapEntries?: number;
  onPhase?: (phase: CleanPhase, info: { dir: string; baseOffset: number }) => void;
  /** Checked between slices: true abandons the pass (broker shutdown). */
  shouldStop?: () => boolean;
  /** How long replaced segments keep their open descriptors for readers still using them. Default 60000 (file.delete.delay.ms). */
  fileDeleteDelayMs?: number;
}

export interface CleanResult {
  cleaned: boolean;
  /** Why no pass ran. */
  skipped?: string;
  dirtyRatio: number;
  firstDirtyOffset: number;
  /** Exclusive end of what this pass cleaned (the next first dirty offset). */
  endOffset: number;
  groups: number;
  bytesBefore: number;
  bytesAfter: number;
  recordsRead: number;
  recordsKept: number;
  /** Earliest delete horizon left in the log after the pass (-1: none). */
  nextDeleteHorizon: number;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

class StopRequested extends Error {}

interface Plan {
  cleanable: LogSegment[];
  /** ends[i]: the offset where cleanable[i]'s range stops (the next segment's base). */
  ends: number[];
  firstDirty: number;
  dirtyRatio: number;
  scan: LogScan;
}

/** One cleaning pass over `log`. Throws on I/O errors or a corrupt batch (nothing is swapped then). */
export async function cleanLog(log: PartitionLog, opts: CleanOptions): Promise<CleanResult> {
  const result: CleanResult = {
    cleaned: false, dirtyRatio: 0, firstDirtyOffset: -1, endOffset: -1, groups: 0,
    bytesBefore: 0, bytesAfter: 0, recordsRead: 0, recordsKept: 0, nextDeleteHorizon: -1,
  };
  const plan = await planPass(log, opts, result);
  if (plan === null) return result;
  const { cleanable, ends, scan } = plan;
  const stop = (): void => {
    if (opts.shouldStop?.()) throw new StopRequested('stopped');
  };

  // The key → latest offset map over the dirty section, whole segments at a time.
  const map = new Map<string, number>();
  let upper = plan.firstDirty;
  const maxEntries = opts.maxMapEntries ?? 1_000_000;
  const mapTracker = new TxnTracker(scan.aborted, plan.firstDirty);
  for (let i = 0; i < cleanable.length; i++) {
    if (ends[i] <= plan.firstDirty) continue;
    if (map.size >= maxEntries && upper > plan.firstDirty) break;
    for await (const { info, bytes } of readBatches(fileOf(cleanable[i]), (b) => b.isControl || canRewrite(b))) {
      if (info.isControl) {
        mapTracker.onMarker(info, bytes ? controlType(bytes) : undefined);
        continue;
      }
      if (mapTracker.onBatch(info) || bytes === null) continue;
      for (const r of decodeRecords(bytes)) if (r.key !== null) map.set(keyId(r.key), r.offset);
      stop();
    }
    upper = ends[i];
    await yieldToEventLoop();
  }
  opts.onPhase?.('mapped', { dir: log.dir, baseOffset: plan.firstDirty });

  // Copy every cleanable segment below `upper`, grouped up to segment.bytes.
  const toClean: LogSegment[] = [];
  for (let i = 0; i < cleanable.length && ends[i] <= upper; i++) toClean.push(cleanable[i]);
  const endOf = (seg: LogSegment): number => ends[cleanable.indexOf(seg)];
  const tracker = new TxnTracker(scan.aborted, toClean.length > 0 ? toClean[0].baseOffset : 0);
  const copier = new Copier(map, scan, tracker, opts.now, opts.deleteRetentionMs, result);
  const groups = groupSegments(toClean, endOf, log.config.segmentBytes);
  try {
    for (const group of groups) {
      const done = await cleanGroup(log, group, endOf(group[group.length - 1]), copier, opts, stop);
      if (!done) break; // the log changed under the pass: the rest waits for the next one
      result.groups++;
    }
  } catch (err) {
    if (err instanceof StopRequested) return result;
    throw err;
  }
  if (groups.length > 0 && result.groups === groups.length) {
    writeCleanerCheckpoint(log.dir, upper);
    result.endOffset = upper;
  }
  result.cleaned = result.groups > 0;
  result.nextDeleteHorizon = copier.nextDeleteHorizon;
  opts.onPhase?.('done', { dir: log.dir, baseOffset: upper });
  return result;
}

function fileOf(seg: LogSegment): FileRange {
  return { path: seg.logPath, size: seg.size, baseOffset: seg.baseOffset };
}

/** Which segments a pass may touch, and whether it is worth running. Null: no pass. */
async function planPass(log: PartitionLog, opts: CleanOptions, result: CleanResult): Promise<Plan | null> {
  const sealed = log.sealedSegments().slice();
  const infos = log.segments;
  const active = infos[infos.length - 1];
  if (sealed.length === 0) {
    result.skipped = 'no sealed segments';
    return null;
  }
  const ends = sealed.map((s, i) => (i + 1 < sealed.length ? sealed[i + 1].baseOffset : active.baseOffset));
  let firstDirty = readCleanerCheckpoint(log.dir);
  if (firstDirty < log.logStartOffset || firstDirty > active.baseOffset) firstDirty = log.logStartOffset;
  result.firstDirtyOffset = firstDirty;
  const scan = await scanLog([...sealed.map(fileOf), { path: active.path, size: active.size, baseOffset: active.baseOffset }]);
  result.nextDeleteHorizon = scan.nextDeleteHorizon;

  let firstUncleanable = active.baseOffset;
  for (let i = 0; i < sealed.length; i++) {
    const s = sealed[i];
    const unstable = scan.firstUnstableOffset >= 0 && scan.firstUnstableOffset < ends[i];
    const tooYoung = opts.minCompactionLagMs > 0 && s.maxTimestamp > opts.now - opts.minCompactionLagMs;
    if (unstable || tooYoung) {
      firstUncleanable = s.baseOffset;
      break;
    }
  }
  const cleanable: LogSegment[] = [];
  let cleanBytes = 0;
  let dirtyBytes = 0;
  let oldestDirty = -1;
  for (let i = 0; i < sealed.length && sealed[i].baseOffset < firstUncleanable; i++) {
    cleanable.push(sealed[i]);
    if (ends[i] <= firstDirty) cleanBytes += sealed[i].size;
    else {
      dirtyBytes += sealed[i].size;
      if (oldestDirty < 0) oldestDirty = sealed[i].firstBatchTimestamp;
    }
  }
  result.dirtyRatio = dirtyBytes + cleanBytes > 0 ? dirtyBytes / (dirtyBytes + cleanBytes) : 0;
  const horizonDue = scan.nextDeleteHorizon >= 0 && scan.nextDeleteHorizon <= opts.now;
  const lagDue = oldestDirty >= 0 && opts.now - oldestDirty > opts.maxCompactionLagMs;
  const ratioDue = dirtyBytes > 0 && result.dirtyRatio >= opts.minCleanableDirtyRatio;
  if (cleanable.length === 0) {
    result.skipped = 'nothing cleanable yet';
    return null;
  }
  if (!opts.force && !ratioDue && !horizonDue && !lagDue) {
    result.skipped = `dirty ratio ${result.dirtyRatio.toFixed(3)} below ${opts.minCleanableDirtyRatio}`;
    return null;
  }
  return { cleanable, ends: ends.slice(0, cleanable.length), firstDirty, dirtyRatio: result.dirtyRatio, scan };
}

/** Consecutive segments whose total size fits one segment and whose offsets fit one index. */
function groupSegments(segs: LogSegment[], endOf: (s: LogSegment) => number, maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let cur: LogSegment[] = [];
  let bytes = 0;
  for (const s of segs) {
    const fits = cur.length > 0 && bytes + s.size <= maxBytes && endOf(s) - 1 - cur[0].baseOffset <= MAX_RELATIVE_OFFSET;
    if (cur.length > 0 && !fits) {
      groups.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(s);
    bytes += s.size;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

/** Decides, batch by batch, what survives (Kafka's retention rules). */
class Copier {
  nextDeleteHorizon = -1;

  constructor(
    private readonly map: Map<string, number>,
    private readonly scan: LogScan,
    private readonly txns: TxnTracker,
    private readonly now: number,
    private readonly deleteRetentionMs: number,
    readonly stats: CleanResult,
  ) {}

  private noteHorizon(h: number): void {
    if (this.nextDeleteHorizon < 0 || h < this.nextDeleteHorizon) this.nextDeleteHorizon = h;
  }

  /** What to write for one stored batch: its bytes, a rewritten batch, or null (dropped). */
  copy(info: BatchInfo, bytes: Buffer): Buffer | null {
    if (crc32c(bytes, ATTRIBUTES_POS, bytes.length) !== info.crc) {
      throw new CleanerReadError(`CRC mismatch in batch at offset ${info.baseOffset}: not cleaning this log`);
    }
    const horizonPassed = info.hasDeleteHorizonMs && info.baseTimestamp <= this.now;
    const retainEmpty = info.producerId >= 0 && !info.isControl && this.scan.retain.has(info.baseOffset);
    if (info.isControl) {
      const removable = this.txns.onMarker(info, controlType(bytes));
      if (removable && horizonPassed) return null;
      if (removable && !info.hasDeleteHorizonMs) return this.withHorizon(info, decodeRecords(bytes));
      if (info.hasDeleteHorizonMs) this.noteHorizon(info.baseTimestamp);
      return Buffer.from(bytes);
    }
    const aborted = this.txns.onBatch(info);
    if (!canRewrite(info) && !aborted) {
      // Records this codec cannot read are kept as they are: never lose what is unknown.
      this.stats.recordsRead += info.recordCount;
      this.stats.recordsKept += info.recordCount;
      return Buffer.from(bytes);
    }
    const records = aborted ? [] : decodeRecords(bytes);
    this.stats.recordsRead += aborted ? info.recordCount : records.length;
    const kept: DecodedRecord[] = [];
    let tombstones = false;
    for (const r of records) {
      if (!this.keep(r, horizonPassed)) continue;
      kept.push(r);
      if (r.value === null) tombstones = true;
    }
    this.stats.recordsKept += kept.length;
    if (kept.length === 0) return retainEmpty ? emptyBatch(info) : null;
    if (tombstones && !info.hasDeleteHorizonMs) return this.withHorizon(info, kept);
    if (info.hasDeleteHorizonMs && tombstones) this.noteHorizon(info.baseTimestamp);
    if (kept.length === records.length) return Buffer.from(bytes);
    return rebuildBatch(info, kept, info.hasDeleteHorizonMs ? info.baseTimestamp : undefined);
  }

  private keep(r: DecodedRecord, horizonPassed: boolean): boolean {
    // The map saw every record below the pass's end, so a key it lacks has no newer record.
    // Records without a key cannot be compacted; they stay rather than vanish.
    if (r.key === null) return true;
    const latest = this.map.get(keyId(r.key));
    if (latest !== undefined && r.offset < latest) return false;
    return r.value !== null || !horizonPassed;
  }

  private withHorizon(info: BatchInfo, records: DecodedRecord[]): Buffer {
    const horizon = this.now + this.deleteRetentionMs;
    this.noteHorizon(horizon);
    return rebuildBatch(info, records, horizon);
  }
}

/**
 * Writes one group's cleaned segment aside, then swaps it in. False when the
 * log no longer holds the group (nothing changed then).
 */
async function cleanGroup(
  log: PartitionLog, group: LogSegment[], end: number, copier: Copier, opts: CleanOptions, stop: () => void,
): Promise<boolean> {
  const base = group[0].baseOffset;
  const dir = log.dir;
  discardCleaned(dir, base);
  const out = LogSegment.create(dir, base, log.config.indexIntervalBytes, opts.now, log.fdCache, false, CLEANED);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flushPending = (): void => {
    if (pending.length === 0) return;
    const buf = pending.length === 1 ? pending[0] : Buffer.concat(pending);
    const batches: BatchInfo[] = [];
    for (let p = 0; p < buf.length; p += batches[batches.length - 1].size) batches.push(readBatchHeader(buf, p));
    out.append(buf, batches, opts.now);
    pending = [];
    pendingBytes = 0;
  };
  try {
    for (const seg of group) {
      copier.stats.bytesBefore += seg.size;
      for await (const { info, bytes } of readBatches(fileOf(seg), () => true)) {
        const kept = copier.copy(info, bytes as Buffer);
        if (kept !== null) {
          pending.push(kept);
          pendingBytes += kept.length;
        }
        if (pendingBytes >= CHUNK_BYTES) {
          flushPending();
          stop();
          await yieldToEventLoop();
        }
      }
    }
    flushPending();
    out.seal();
    await out.sync();
    out.close();
    writeRangeFile(dir, base, end);
    log.createActiveFile();
    await syncDirectory(dir);
    stop();
  } catch (err) {
    out.close();
    discardCleaned(dir, base);
    throw err;
  }
  opts.onPhase?.('group-written', { dir, baseOffset: base });
  // Pinned before the renames: a reader holding an old segment keeps reading
  // the old file through this descriptor, which the cache can neither evict
  // nor reopen by path (that path names the cleaned file after the swap).
  const unpins: (() => void)[] = [];
  const unpinAll = (): void => unpins.forEach((unpin) => unpin());
  const installed = log.replaceSegments(group, () => {
    try {
      for (const s of group) unpins.push(s.pinFile());
      swapCleaned(dir, base, group.map((s) => s.baseOffset), () => opts.onPhase?.('group-committed', { dir, baseOffset: base }));
      // Loaded anew under its final name: `out` tracked the `.cleaned` path and is closed.
      // Just written and fsynced up to `end`, so its indexes are trusted.
      return LogSegment.load(dir, base, log.config.indexIntervalBytes, false, opts.now, log.fdCache, { verifyFromOffset: end, clean: true }).segment;
    } catch (err) {
      unpinAll();
      throw err;
    }
  });
  if (!installed) {
    discardCleaned(dir, base);
    return false;
  }
  copier.stats.bytesAfter += out.size;
  // Readers that picked an old segment just before the swap still read it
  // through the pinned descriptor (the unlinked file stays readable); close them later.
  const release = setTimeout(() => {
    unpinAll();
    group.forEach((s) => s.releaseFd());
  }, opts.fileDeleteDelayMs ?? 60_000);
  release.unref();
  await syncDirectory(dir);
  opts.onPhase?.('group-swapped', { dir, baseOffset: base });
  return true;
}

async function syncDirectory(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
