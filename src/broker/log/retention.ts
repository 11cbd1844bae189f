// Which old segments retention deletes, in Kafka's order: retention.ms (a
// segment's newest timestamp older than now - retention.ms; its file mtime when
// it has no timestamps), then retention.bytes (oldest first while the partition
// stays at or above the limit), then segments wholly below logStartOffset.
// Never the active (last) segment.
import type { LogConfig } from './config.js';
import type { LogSegment } from './segment.js';

/** How many segments, from the oldest, retention deletes now. */
export function expiredSegmentCount(segs: readonly LogSegment[], cfg: Readonly<LogConfig>, totalBytes: number,
  startOffset: number, now: number): number {
  let n = 0;
  const sealedLeft = (): boolean => segs.length - n > 1;
  // cleanup.policy=compact alone keeps everything the cleaner leaves (Kafka's rule).
  const timeAndSize = cfg.cleanupPolicy !== 'compact';
  if (timeAndSize && cfg.retentionMs >= 0) {
    while (sealedLeft()) {
      const seg = segs[n];
      const newest = seg.maxTimestamp >= 0 ? seg.maxTimestamp : seg.lastModifiedMs;
      if (now - newest <= cfg.retentionMs) break;
      totalBytes -= seg.size;
      n++;
    }
  }
  if (timeAndSize && cfg.retentionBytes >= 0) {
    let excess = totalBytes - cfg.retentionBytes;
    while (sealedLeft() && excess - segs[n].size >= 0) {
      excess -= segs[n].size;
      n++;
    }
  }
  const start = Math.max(startOffset, segs[n].baseOffset);
  while (sealedLeft() && segs[n + 1].baseOffset <= start) n++;
  return n;
}
