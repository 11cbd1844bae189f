// Finding things in a partition's list of segments (oldest first): their
// description, the segment holding an offset, whole batches read across
// segments, and the ListOffsets answers by timestamp. Pure reads over the
// segments a PartitionLog holds.
import { Compression, type BatchInfo } from '../records/batch.js';
import { decodeRecords } from '../records/records.js';
import type { LogSegment } from './segment.js';
import { endIfOnlyEmptyBatches } from './cleaner-batch.js';
import type { SegmentInfo, TimestampOffset } from './partition-log-types.js';

/** What the log shows of its segments (the last one is the active one). */
export function describeSegments(segs: readonly LogSegment[]): SegmentInfo[] {
  return segs.map((s, i) => ({
    baseOffset: s.baseOffset,
    nextOffset: s.nextOffset,
    size: s.size,
    maxTimestamp: s.maxTimestamp,
    active: i === segs.length - 1,
    path: s.logPath,
  }));
}

/** Index of the last segment with baseOffset <= offset (0 if none). */
export function segmentIndexFor(segs: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segs.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (segs[mid].baseOffset <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Whole batches from `fetchOffset` below `limit`, up to `maxBytes` (at least one batch when `minOne`); empty when none. */
export function readSegments(segs: readonly LogSegment[], fetchOffset: number, maxBytes: number, limit: number,
  minOne: boolean): Buffer {
  let out: Buffer = Buffer.alloc(0);
  let from = fetchOffset;
  for (let i = segmentIndexFor(segs, fetchOffset); i < segs.length; i++) {
    const records = segs[i].read(from, Math.max(maxBytes - out.length, 0), limit, minOne);
    if (records === null) continue;
    out = out.length === 0 ? records : Buffer.concat([out, records]);
    // A compacted segment can end in batches emptied by the cleaner (kept for
    // their producer's sequence). Clients read a response holding only those
    // as "no more data", so the next segment's batches are added to it.
    const next = records.length > 0 ? endIfOnlyEmptyBatches(records) : -1;
    if (next < 0) break;
    from = next;
  }
  return out;
}

/** The first offset >= startOffset whose record timestamp is >= `timestamp`, or null. */
export function offsetForTimestamp(segs: readonly LogSegment[], startOffset: number, timestamp: number): TimestampOffset | null {
  for (const seg of segs) {
    if (seg.maxTimestamp < timestamp || seg.nextOffset <= startOffset) continue;
    const batch = seg.findBatchByTimestamp(timestamp, startOffset);
    if (batch === null) continue;
    const exact = refine(seg, batch, (ts, offset) => ts >= timestamp && offset >= startOffset);
    return exact ?? { offset: Math.max(batch.baseOffset, startOffset), timestamp: batch.maxTimestamp };
  }
  return null;
}

/** The record with the largest timestamp; {-1,-1} if none. */
export function maxTimestampOffset(segs: readonly LogSegment[]): TimestampOffset {
  let best: LogSegment | null = null;
  for (const seg of segs) {
    if (seg.maxTimestamp >= 0 && (best === null || seg.maxTimestamp > best.maxTimestamp)) best = seg;
  }
  if (best === null) return { offset: -1, timestamp: -1 };
  const maxTs = best.maxTimestamp;
  const batch = best.findBatch(best.offsetOfMaxTimestamp);
  if (batch === null) return { offset: best.offsetOfMaxTimestamp, timestamp: maxTs };
  return refine(best, batch, (ts) => ts === maxTs) ?? { offset: batch.baseOffset, timestamp: maxTs };
}

/** First record of `batch` matching `pred`, when its records can be decoded. */
function refine(seg: LogSegment, batch: BatchInfo, pred: (ts: number, offset: number) => boolean): TimestampOffset | null {
  if (batch.timestampType === 1) return null; // LogAppendTime: all records carry maxTimestamp
  if (batch.compression !== Compression.NONE && batch.compression !== Compression.GZIP) return null;
  try {
    for (const r of decodeRecords(seg.readBatch(batch))) {
      if (pred(r.timestamp, r.offset)) return { offset: r.offset, timestamp: r.timestamp };
    }
  } catch {
    // Undecodable records: fall back to batch granularity.
  }
  return null;
}
