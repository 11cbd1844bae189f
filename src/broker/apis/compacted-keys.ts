// A compacted topic keeps the latest record per key, so a record without a key
// has no place in it: Kafka rejects the whole batch with INVALID_RECORD and
// names each keyless record in the partition's record_errors (Produce v8+).
// Only batches whose records the broker can decode (uncompressed, gzip) are
// checked; other codecs are stored as they came.
import type { BatchIndexAndErrorMessage } from '../protocol/messages/produce-response.js';
import { Compression, type BatchInfo } from '../records/batch.js';
import { decodeRecords } from '../records/records.js';

/** Kafka shows at most this many record errors in the partition's error_message. */
const SHOWN_ERRORS = 3;

export interface KeylessRejection {
  recordErrors: BatchIndexAndErrorMessage[];
  errorMessage: string;
}

/**
 * The keyless records of a Produce partition's batches, or null when every
 * record has a key. batch_index is the record's index among the partition's
 * records (its place in its batch when, as clients send, there is one batch).
 */
export function keylessRecords(records: Buffer, batches: readonly BatchInfo[], topic: string, partition: number): KeylessRejection | null {
  const recordErrors: BatchIndexAndErrorMessage[] = [];
  const message = `Compacted topic cannot accept message without key in topic partition ${topic}-${partition}.`;
  let index = 0;
  for (const b of batches) {
    if (b.isControl || (b.compression !== Compression.NONE && b.compression !== Compression.GZIP)) {
      index += b.recordCount;
      continue;
    }
    for (const r of decodeRecords(records, b.position)) {
      if (r.key === null) recordErrors.push({ batchIndex: index, batchIndexErrorMessage: message });
      index++;
    }
  }
  if (recordErrors.length === 0) return null;
  const shown = recordErrors.slice(0, SHOWN_ERRORS).map((e) => `RecordError(batchIndex=${e.batchIndex}, message='${e.batchIndexErrorMessage}')`);
  return {
    recordErrors,
    errorMessage: `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: [${shown.join(', ')}]`,
  };
}
