// Opening a partition directory: finishing a cleaner swap a crash cut short,
// removing leftovers, and loading the segments (the last one fully checked and
// cut at the first bad batch, sealed ones by an index and tail check, CRCs
// checked from the recovery point on). What the open of a PartitionLog does
// before it has a log to hand out.
import { readdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { LogConfig } from './config.js';
import { LogStorageError } from './errors.js';
import { LOG_START_OFFSET_FILE, readLogStartOffset } from './checkpoints.js';
import type { FdCache } from './fd-cache.js';
import { LogSegment, parseSegmentFileName, segmentFileName } from './segment.js';
import { CLEANED, SWAP, completeInterruptedSwaps } from './cleaner-files.js';
import type { OpenOptions, RecoveryReport } from './partition-log-types.js';

export interface RecoveredLog {
  segs: LogSegment[];
  startOffset: number;
  recovery: RecoveryReport;
  /** false when the partition was never written: no directory yet. */
  dirExists: boolean;
}

/** Reads `dir` into segments; a missing directory is a partition never written (one empty segment, no file). */
export function recoverSegments(dir: string, config: LogConfig, options: OpenOptions, cache: FdCache, now: number,
  warn: (message: string) => void): RecoveredLog {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new LogStorageError(`cannot open partition log ${dir}: ${(err as Error).message}`, err);
    // Never written: stays without a directory until the first write.
    const recovery: RecoveryReport = { segments: 0, truncatedBytes: 0, notes: [], recoveredFrom: 0 };
    const seg = LogSegment.create(dir, 0, config.indexIntervalBytes, now, cache, true);
    return { segs: [seg], startOffset: 0, recovery, dirExists: false };
  }
  // A cleaner swap cut short by a crash is finished (or undone) before the segments are read.
  let swapNotes: string[] = [];
  if (names.some((n) => n.endsWith(CLEANED) || n.endsWith(SWAP))) {
    swapNotes = completeInterruptedSwaps(dir);
    names = readdirSync(dir);
  }
  const bases = removeLeftovers(dir, names);
  const present = new Set(names);
  // Most partitions never had DeleteRecords: the listing saves a failed open per partition.
  const checkpoint = present.has(LOG_START_OFFSET_FILE) ? readLogStartOffset(dir) : 0;
  const recoveryPoint = options.recoveryPoint ?? 0;
  const recovery: RecoveryReport = { segments: bases.length, truncatedBytes: 0, notes: swapNotes, recoveredFrom: recoveryPoint };
  const segs: LogSegment[] = [];
  try {
    bases.forEach((base, i) => {
      const segRecovery = {
        verifyFromOffset: recoveryPoint,
        clean: options.clean ?? false,
        indexFiles: present.has(segmentFileName(base, '.index')) || present.has(segmentFileName(base, '.timeindex')),
      };
      const res = LogSegment.load(dir, base, config.indexIntervalBytes, i === bases.length - 1, now, cache, segRecovery);
      recovery.truncatedBytes += res.truncatedBytes;
      recovery.notes.push(...res.notes);
      segs.push(res.segment);
    });
    if (segs.length === 0) segs.push(LogSegment.create(dir, Math.max(checkpoint, 0), config.indexIntervalBytes, now, cache));
  } catch (err) {
    for (const s of segs) s.close();
    throw new LogStorageError(`cannot open partition log ${dir}: ${(err as Error).message}`, err);
  }
  for (const note of recovery.notes) warn(`${dir}: ${note}`);
  const end = segs[segs.length - 1].nextOffset;
  const startOffset = Math.min(Math.max(checkpoint, segs[0].baseOffset), end);
  return { segs, startOffset, recovery, dirExists: true };
}

/**
 * Deletes temp files and index files whose segment is gone (a crash in the
 * middle of a segment deletion); returns the base offsets of the `.log` files,
 * ascending.
 */
function removeLeftovers(dir: string, names: readonly string[]): number[] {
  const logBases = new Set<number>();
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (parsed?.ext === '.log') logBases.add(parsed.baseOffset);
  }
  for (const name of names) {
    const parsed = parseSegmentFileName(name);
    if (name.endsWith('.tmp') || (parsed !== null && parsed.ext !== '.log' && !logBases.has(parsed.baseOffset))) {
      unlinkSync(join(dir, name));
    }
  }
  return [...logBases].sort((a, b) => a - b);
}
