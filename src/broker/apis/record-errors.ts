// The per-record checks Kafka's log validator makes on a Produce partition's
// batches before anything is stored, and the answer when one fails: the whole
// batch is refused, each failing record named by its index in record_errors
// (Produce v8+).
// - A compacted topic keeps the latest record per key, so a record without a
//   key has no place in it: INVALID_RECORD.
// - message.timestamp.before.max.ms / after.max.ms (CreateTime topics; the
//   deprecated message.timestamp.difference.max.ms where they are unset): a
//   record whose timestamp is that much older / newer than the broker's clock:
//   INVALID_TIMESTAMP.
// Only batches whose records the broker can decode (uncompressed, gzip) are
// checked; other codecs are stored as they came.
import { ErrorCode } from '../protocol/error-codes.js';
import type { BatchIndexAndErrorMessage } from '../protocol/messages/produce-response.js';
import { Compression, type BatchInfo } from '../records/batch.js';
import { decodeRecords, type DecodedRecord } from '../records/records.js';
import type { LogConfig } from '../log/config.js';

/** Kafka shows at most this many record errors in the partition's error_message. */
const SHOWN_ERRORS = 3;

export interface RecordRejection {
  errorCode: number;
  recordErrors: BatchIndexAndErrorMessage[];
  errorMessage: string;
}

type Check = (r: DecodedRecord) => { code: number; message: string } | null;

/** The checks `cfg` asks for, or none. */
function checksFor(cfg: Readonly<LogConfig>, topic: string, partition: number, now: number): Check[] {
  const checks: Check[] = [];
  if (cfg.cleanupPolicy !== 'delete') {
    const message = `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}.`;
    checks.push((r) => (r.key === null ? { code: ErrorCode.INVALID_RECORD, message } : null));
  }
  const before = cfg.messageTimestampBeforeMaxMs;
  const after = cfg.messageTimestampAfterMaxMs;
  // Kafka's default (Long.MAX_VALUE) turns a bound off; it is clamped to MAX_SAFE_INTEGER here.
  if (cfg.messageTimestampType === 'CreateTime' && (before < Number.MAX_SAFE_INTEGER || after < Number.MAX_SAFE_INTEGER)) {
    checks.push((r) => (r.timestamp >= 0 && (now - r.timestamp > before || r.timestamp - now > after)
      ? {
        code: ErrorCode.INVALID_TIMESTAMP,
        message: `Timestamp ${r.timestamp} of message with offset ${r.offset} is out of range. The timestamp should be within [${now - before}, ${now + after}]`,
      }
      : null));
  }
  return checks;
}

/**
 * The records of a Produce partition's batches that `cfg` refuses, or null
 * when it takes them all. batch_index is the record's index among the
 * partition's records (its place in its batch when, as clients send, there is
 * one batch); each record gets its first failing check.
 */
export function rejectedRecords(records: Buffer, batches: readonly BatchInfo[], cfg: Readonly<LogConfig>, topic: string,
  partition: number, now: number): RecordRejection | null {
  const checks = checksFor(cfg, topic, partition, now);
  if (checks.length === 0) return null;
  const recordErrors: BatchIndexAndErrorMessage[] = [];
  let badTimestamp = false;
  let index = 0;
  for (const b of batches) {
    if (b.isControl || (b.compression !== Compression.NONE && b.compression !== Compression.GZIP)) {
      index += b.recordCount;
      continue;
    }
    for (const r of decodeRecords(records, b.position)) {
      for (const check of checks) {
        const failed = check(r);
        if (failed === null) continue;
        recordErrors.push({ batchIndex: index, batchIndexErrorMessage: failed.message });
        if (failed.code === ErrorCode.INVALID_TIMESTAMP) badTimestamp = true;
        break;
      }
      index++;
    }
  }
  if (recordErrors.length === 0) return null;
  // Kafka's wording: any bad timestamp makes the partition's error INVALID_TIMESTAMP.
  if (badTimestamp) {
    return { errorCode: ErrorCode.INVALID_TIMESTAMP, recordErrors, errorMessage: 'One or more records have been rejected due to invalid timestamp' };
  }
  const shown = recordErrors.slice(0, SHOWN_ERRORS).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return {
    errorCode: ErrorCode.INVALID_RECORD,
    recordErrors,
    errorMessage: `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
  };
}
