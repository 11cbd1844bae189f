// Asynchronous reads for the log cleaner: batches of a segment file read in
// bounded chunks on the libuv pool (the request path never waits for them),
// and the pre-scan that learns a partition's transactions and producers.
import { open } from 'node:fs/promises';
import {
  BATCH_HEADER_SIZE,
  BATCH_LENGTH_POS,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  MAGIC_POS,
  readBatchHeader,
  type BatchInfo,
} from '../records/batch.js';
import { decodeRecords } from '../records/records.js';
import { parseControlRecord } from '../records/control.js';
import { BATCHES_TO_RETAIN } from '../txn/producer-state.js';

/** Read granularity: small enough that decoding one chunk stays a few milliseconds. */
export const CHUNK_BYTES = 256 * 1024;

export interface FileRange {
  path: string;
  /** Bytes of valid batches (reads stop there). */
  size: number;
  baseOffset: number;
}

export interface ReadBatch {
  /** Header; `position` is the position in the file. */
  info: BatchInfo;
  /** The whole batch (a view valid until the next iteration), when asked for. */
  bytes: Buffer | null;
}

export class CleanerReadError extends Error {}

/**
 * Batches of `file` in order. `wantBytes(info)` says whether the whole batch
 * is needed (else only the header is read). Stops at the end of `size`, or
 * quietly at a short read (a file cut by a concurrent truncation).
 */
export async function* readBatches(file: FileRange, wantBytes: (info: BatchInfo) => boolean): AsyncGenerator<ReadBatch> {
  // An empty active segment's file may not exist yet (files are created by their first write).
  if (file.size < BATCH_HEADER_SIZE) return;
  const fh = await open(file.path, 'r');
  try {
    let buf = Buffer.allocUnsafe(CHUNK_BYTES);
    let bufStart = 0;
    let bufLen = 0;
    const ensure = async (p: number, need: number): Promise<boolean> => {
      if (p >= bufStart && p + need <= bufStart + bufLen) return true;
      const want = Math.min(Math.max(CHUNK_BYTES, need), file.size - p);
      if (want > buf.length) buf = Buffer.allocUnsafe(want);
      bufStart = p;
      bufLen = 0;
      while (bufLen < want) {
        const { bytesRead } = await fh.read(buf, bufLen, want - bufLen, p + bufLen);
        if (bytesRead === 0) break;
        bufLen += bytesRead;
      }
      return bufLen >= need;
    };
    let pos = 0;
    while (pos + BATCH_HEADER_SIZE <= file.size) {
      if (!(await ensure(pos, BATCH_HEADER_SIZE))) return;
      let o = pos - bufStart;
      if (buf.readInt8(o + MAGIC_POS) !== CURRENT_MAGIC) throw new CleanerReadError(`${file.path}: bad magic at position ${pos}`);
      const size = LOG_OVERHEAD + buf.readInt32BE(o + BATCH_LENGTH_POS);
      if (size < BATCH_HEADER_SIZE || pos + size > file.size) throw new CleanerReadError(`${file.path}: bad batch length at position ${pos}`);
      const info = readBatchHeader(buf, o);
      info.position = pos;
      let bytes: Buffer | null = null;
      if (wantBytes(info)) {
        if (!(await ensure(pos, size))) return;
        o = pos - bufStart;
        bytes = buf.subarray(o, o + size);
      }
      yield { info, bytes };
      pos += size;
    }
  } finally {
    await fh.close();
  }
}

/** The type of a control batch's marker ('commit' | 'abort'), or undefined. */
export function controlType(bytes: Buffer): string | number | undefined {
  try {
    const rec = decodeRecords(bytes)[0];
    return rec ? parseControlRecord(rec.key, rec.value).type : undefined;
  } catch {
    return undefined;
  }
}

export interface AbortedRange {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

export interface LogScan {
  /** Aborted transactions, by first offset. */
  aborted: AbortedRange[];
  /** First offset of the earliest transaction with no marker yet, or -1. */
  firstUnstableOffset: number;
  /**
   * Base offsets of each producer's last data batches: kept (emptied if need
   * be) so the producer state rebuilt from the log on open still knows the
   * producer's epoch, last sequences and recent batches for duplicate detection.
   */
  retain: Set<number>;
  /** Earliest delete horizon carried by a batch, or -1. */
  nextDeleteHorizon: number;
}

/** One pass over the batch headers of `files` (oldest first), reading only control batches whole. */
export async function scanLog(files: FileRange[]): Promise<LogScan> {
  const open = new Map<number, number>(); // producer id → first offset of its open transaction
  const lastBatches = new Map<number, number[]>();
  const aborted: AbortedRange[] = [];
  let nextDeleteHorizon = -1;
  for (const file of files) {
    for await (const { info, bytes } of readBatches(file, (b) => b.isControl)) {
      if (info.hasDeleteHorizonMs && (nextDeleteHorizon < 0 || info.baseTimestamp < nextDeleteHorizon)) nextDeleteHorizon = info.baseTimestamp;
      if (info.producerId < 0) continue;
      if (info.isControl) {
        const type = bytes ? controlType(bytes) : undefined;
        const first = open.get(info.producerId);
        open.delete(info.producerId);
        if (type === 'abort' && first !== undefined) aborted.push({ producerId: info.producerId, firstOffset: first, lastOffset: info.baseOffset });
        continue;
      }
      if (info.isTransactional && !open.has(info.producerId)) open.set(info.producerId, info.baseOffset);
      let last = lastBatches.get(info.producerId);
      if (!last) lastBatches.set(info.producerId, (last = []));
      last.push(info.baseOffset);
      if (last.length > BATCHES_TO_RETAIN) last.shift();
    }
  }
  let firstUnstableOffset = -1;
  for (const first of open.values()) if (firstUnstableOffset < 0 || first < firstUnstableOffset) firstUnstableOffset = first;
  aborted.sort((a, b) => a.firstOffset - b.firstOffset);
  const retain = new Set<number>();
  for (const list of lastBatches.values()) for (const b of list) retain.add(b);
  return { aborted, firstUnstableOffset, retain, nextDeleteHorizon };
}

/**
 * Which transactional batches are aborted, and which markers are no longer
 * needed, as a pass meets them in offset order (the role of Kafka's
 * CleanedTransactionMetadata).
 */
export class TxnTracker {
  private next = 0;
  private readonly aborted: AbortedRange[];
  /** Producers inside an aborted transaction → whether this pass met one of its batches. */
  private readonly ongoingAborted = new Map<number, boolean>();
  private readonly ongoingCommitted = new Set<number>();

  /** `aborted` restricted to transactions whose marker is at or after `from`. */
  constructor(aborted: AbortedRange[], from: number) {
    this.aborted = aborted.filter((a) => a.lastOffset >= from);
  }

  private consumeUpTo(offset: number): void {
    while (this.next < this.aborted.length && this.aborted[this.next].firstOffset <= offset) {
      this.ongoingAborted.set(this.aborted[this.next].producerId, false);
      this.next++;
    }
  }

  /** True when the data batch belongs to an aborted transaction. */
  onBatch(b: BatchInfo): boolean {
    if (!b.isTransactional) return false;
    this.consumeUpTo(b.baseOffset + b.lastOffsetDelta);
    if (this.ongoingAborted.has(b.producerId)) {
      this.ongoingAborted.set(b.producerId, true);
      return true;
    }
    this.ongoingCommitted.add(b.producerId);
    return false;
  }

  /**
   * True when the marker may go: an abort marker once a pass met none of its
   * transaction's batches (they are all gone), a commit marker likewise.
   */
  onMarker(b: BatchInfo, type: string | number | undefined): boolean {
    this.consumeUpTo(b.baseOffset + b.lastOffsetDelta);
    if (type === 'abort') {
      const metBatches = this.ongoingAborted.get(b.producerId) === true;
      this.ongoingAborted.delete(b.producerId);
      return !metBatches;
    }
    if (type === 'commit') return !this.ongoingCommitted.delete(b.producerId);
    return false;
  }
}
