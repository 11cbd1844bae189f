// The shapes a partition log takes and returns: open options, append and read
// results, segment descriptions and the recovery and retention reports.
import type { FdCache } from './fd-cache.js';

export interface OpenOptions {
  /** Clock for segment bookkeeping (tests inject it). */
  now?: number;
  /** Recovery notes and background flush failures. */
  onWarning?: (message: string, error?: unknown) => void;
  /** Where descriptors come from (default: one cache shared by the process). */
  fdCache?: FdCache;
  /** Offset below which everything was flushed (the log dir's checkpoint); batches from here on get their CRC checked. Default 0. */
  recoveryPoint?: number;
  /** The previous run closed cleanly: the active segment's index files, written by that close, are trusted. */
  clean?: boolean;
}

export interface AppendOptions {
  now?: number;
  /** Written into each batch's partitionLeaderEpoch; defaults to `log.leaderEpoch`. */
  leaderEpoch?: number;
}

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The append time for LogAppendTime topics, else -1. */
  logAppendTime: number;
  logStartOffset: number;
}

export interface ReadOptions {
  /** Return at least one whole batch even above maxBytes (KIP-74). Default true. */
  minOneBatch?: boolean;
}

export interface ReadResult {
  /** ErrorCode.NONE or ErrorCode.OFFSET_OUT_OF_RANGE (then `records` is empty). */
  errorCode: number;
  /** Whole batches, straight from the segment file. */
  records: Buffer;
  logStartOffset: number;
  /** Single replica: the high watermark is the log end offset. */
  highWatermark: number;
  logEndOffset: number;
}

export interface SegmentInfo {
  baseOffset: number;
  nextOffset: number;
  size: number;
  maxTimestamp: number;
  active: boolean;
  path: string;
}

export interface RecoveryReport {
  segments: number;
  /** Bytes cut from torn/corrupt tails. */
  truncatedBytes: number;
  notes: string[];
  /** The recovery point the open started from: CRCs were checked from this offset on. */
  recoveredFrom: number;
}

export interface RetentionResult {
  deletedSegments: number;
  deletedBytes: number;
  logStartOffset: number;
}

export interface TimestampOffset {
  offset: number;
  timestamp: number;
}
