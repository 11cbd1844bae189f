// What an append does to a Produce request's batches before they are written:
// checks they tile the buffer and fit the topic's limits, then stamps each with
// its offsets, leader epoch and (LogAppendTime topics) the append time, in place;
// and whether the active segment must roll first.
import { setBaseOffset, setLogAppendTime, setPartitionLeaderEpoch, type BatchInfo } from '../records/batch.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { LogConfig } from './config.js';
import { LogError } from './errors.js';
import { MAX_RELATIVE_OFFSET, type LogSegment } from './segment.js';

/** Throws a LogError with the Kafka code when the batches do not cover `records` back to back or break a size limit. */
export function checkBatches(records: Buffer, batches: readonly BatchInfo[], cfg: Readonly<LogConfig>): void {
  if (batches.length === 0) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'append needs at least one batch');
  let expectPos = 0;
  for (const b of batches) {
    if (b.position !== expectPos) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'batches must cover the records buffer back to back');
    if (b.size > cfg.maxMessageBytes) {
      throw new LogError(ErrorCode.MESSAGE_TOO_LARGE,
        `record batch of ${b.size} bytes exceeds max.message.bytes ${cfg.maxMessageBytes}`);
    }
    expectPos += b.size;
  }
  if (expectPos !== records.length) throw new LogError(ErrorCode.CORRUPT_MESSAGE, 'batches must cover the records buffer exactly');
  if (records.length > cfg.segmentBytes) {
    throw new LogError(ErrorCode.RECORD_LIST_TOO_LARGE,
      `${records.length} bytes of records exceed segment.bytes ${cfg.segmentBytes}`);
  }
}

export interface Stamped {
  lastOffset: number;
  /** The largest maxTimestamp among the batches as stored (-1 if none), for segment.ms. */
  maxTimestamp: number;
}

/**
 * Rewrites baseOffset and partitionLeaderEpoch in `records` from `baseOffset`
 * on (and, when logAppendTime >= 0, the timestamp type + maxTimestamp,
 * recomputing the CRC), and updates the `batches` entries to match.
 */
export function stampBatches(records: Buffer, batches: BatchInfo[], baseOffset: number, epoch: number, logAppendTime: number): Stamped {
  let next = baseOffset;
  let maxTimestamp = -1;
  for (const b of batches) {
    setBaseOffset(records, b.position, next);
    setPartitionLeaderEpoch(records, b.position, epoch);
    b.baseOffset = next;
    b.partitionLeaderEpoch = epoch;
    if (logAppendTime >= 0) {
      b.crc = setLogAppendTime(records, b.position, logAppendTime);
      b.attributes |= 0x08;
      b.timestampType = 1;
      b.maxTimestamp = logAppendTime;
    }
    if (b.maxTimestamp > maxTimestamp) maxTimestamp = b.maxTimestamp;
    next += b.lastOffsetDelta + 1;
  }
  return { lastOffset: next - 1, maxTimestamp };
}

/** Kafka's roll rules: size, relative-offset overflow, and segment.ms measured on record timestamps. */
export function rollNeeded(active: LogSegment, cfg: Readonly<LogConfig>, bytes: number, lastOffset: number,
  incomingMaxTs: number, now: number): boolean {
  if (active.size === 0) return false;
  if (active.size + bytes > cfg.segmentBytes) return true;
  if (lastOffset - active.baseOffset > MAX_RELATIVE_OFFSET) return true;
  const waited = active.firstBatchTimestamp >= 0 && incomingMaxTs >= 0
    ? incomingMaxTs - active.firstBatchTimestamp
    : now - active.createdMs;
  return waited > cfg.segmentMs;
}
