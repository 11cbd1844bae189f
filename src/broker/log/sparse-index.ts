// The two sparse per-segment indexes, kept in memory (they hold one entry per
// index.interval.bytes, so ~256 K entries for a 1 GiB segment) and persisted
// when a segment is sealed. File formats (big-endian, like Kafka's):
//   .index      entries of [relativeOffset int32, position int32]   (8 bytes)
//   .timeindex  entries of [timestamp int64, relativeOffset int32] (12 bytes)
// Offset entries point at the start of the batch whose baseOffset is
// segmentBase + relativeOffset (Kafka uses the batch's last offset; base is
// tighter for lookups). Time entries record the segment's max timestamp so
// far and the batch where it was reached.

import { readInt64, writeInt64 } from '../records/batch.js';

const OFFSET_ENTRY = 8;
const TIME_ENTRY = 12;
// Empty until the first entry: most segments of a broker with thousands of
// partitions are small, and typed arrays are costly to allocate by the thousand.
const NO_I32 = new Int32Array(0);
const NO_F64 = new Float64Array(0);

export class OffsetIndex {
  private rel = NO_I32;
  private pos = NO_I32;
  length = 0;

  /** Adds an entry; relative offsets and positions must both increase. */
  append(relativeOffset: number, position: number): void {
    const n = this.length;
    if (n > 0 && (relativeOffset <= this.rel[n - 1] || position <= this.pos[n - 1])) return;
    if (n === this.rel.length) {
      const rel = new Int32Array(Math.max(64, n * 2));
      rel.set(this.rel);
      this.rel = rel;
      const pos = new Int32Array(rel.length);
      pos.set(this.pos);
      this.pos = pos;
    }
    this.rel[n] = relativeOffset;
    this.pos[n] = position;
    this.length = n + 1;
  }

  /** File position to start scanning for `relativeOffset`: the largest entry <= it, else 0. */
  lookup(relativeOffset: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.rel[mid] <= relativeOffset) {
        found = this.pos[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Position of the last entry (0 when empty). */
  get lastPosition(): number {
    return this.length > 0 ? this.pos[this.length - 1] : 0;
  }

  /** Relative offset of the last entry (0 when empty). */
  get lastRelativeOffset(): number {
    return this.length > 0 ? this.rel[this.length - 1] : 0;
  }

  clear(): void {
    this.length = 0;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.length * OFFSET_ENTRY);
    for (let i = 0; i < this.length; i++) {
      buf.writeInt32BE(this.rel[i], i * OFFSET_ENTRY);
      buf.writeInt32BE(this.pos[i], i * OFFSET_ENTRY + 4);
    }
    return buf;
  }

  /** Parses an .index file; null if it is inconsistent with a segment of `segmentSize` bytes. */
  static fromBuffer(buf: Buffer, segmentSize: number): OffsetIndex | null {
    if (buf.length % OFFSET_ENTRY !== 0) return null;
    const idx = new OffsetIndex();
    for (let o = 0; o < buf.length; o += OFFSET_ENTRY) {
      const rel = buf.readInt32BE(o);
      const pos = buf.readInt32BE(o + 4);
      const n = idx.length;
      if (rel < 0 || pos < 0 || pos >= segmentSize) return null;
      if (n > 0 && (rel <= idx.rel[n - 1] || pos <= idx.pos[n - 1])) return null;
      idx.append(rel, pos);
    }
    return idx;
  }
}

export class TimeIndex {
  private ts = NO_F64;
  private rel = NO_I32;
  length = 0;

  /** Adds an entry if `timestamp` is larger than the last one (the index only grows). */
  maybeAppend(timestamp: number, relativeOffset: number): void {
    const n = this.length;
    if (n > 0 && timestamp <= this.ts[n - 1]) return;
    if (n === this.ts.length) {
      const ts = new Float64Array(Math.max(32, n * 2));
      ts.set(this.ts);
      this.ts = ts;
      const rel = new Int32Array(ts.length);
      rel.set(this.rel);
      this.rel = rel;
    }
    this.ts[n] = timestamp;
    this.rel[n] = relativeOffset;
    this.length = n + 1;
  }

  /**
   * Relative offset of a batch from which a forward scan finds the first batch
   * with maxTimestamp >= target: the entry with the largest timestamp < target
   * (every batch before that entry's index point is older), else 0.
   */
  lookup(target: number): number {
    let lo = 0;
    let hi = this.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] < target) {
        found = this.rel[mid];
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  get lastTimestamp(): number {
    return this.length > 0 ? this.ts[this.length - 1] : -1;
  }

  get lastRelativeOffset(): number {
    return this.length > 0 ? this.rel[this.length - 1] : -1;
  }

  clear(): void {
    this.length = 0;
  }

  toBuffer(): Buffer {
    const buf = Buffer.allocUnsafe(this.length * TIME_ENTRY);
    for (let i = 0; i < this.length; i++) {
      writeInt64(buf, i * TIME_ENTRY, this.ts[i]);
      buf.writeInt32BE(this.rel[i], i * TIME_ENTRY + 8);
    }
    return buf;
  }

  /** Parses a .timeindex file; null if inconsistent. */
  static fromBuffer(buf: Buffer): TimeIndex | null {
    if (buf.length % TIME_ENTRY !== 0) return null;
    const idx = new TimeIndex();
    for (let o = 0; o < buf.length; o += TIME_ENTRY) {
      const ts = readInt64(buf, o);
      const rel = buf.readInt32BE(o + 8);
      const n = idx.length;
      if (rel < 0) return null;
      if (n > 0 && (ts <= idx.ts[n - 1] || rel < idx.rel[n - 1])) return null;
      idx.maybeAppend(ts, rel);
    }
    return idx;
  }
}
