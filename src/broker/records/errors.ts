// The typed error thrown for a bad record batch. Its code is the wire error
// code, so the broker can put `err.code` straight into a response.
import { KafkaError } from '../errors.js';

/**
 * Why a batch was rejected. Lets the broker pick a response code or log
 * precisely without parsing the message text.
 * - legacy-magic: magic 0/1 message set (pre-0.11 clients) → UNSUPPORTED_FOR_MESSAGE_FORMAT
 * - bad-magic: magic > 2 → CORRUPT_MESSAGE
 * - truncated: fewer bytes than the header or batchLength says → CORRUPT_MESSAGE
 * - bad-length: batchLength too small to hold a v2 header → CORRUPT_MESSAGE
 * - bad-crc: CRC-32C mismatch → CORRUPT_MESSAGE
 * - bad-compression: compression id 5..7 → CORRUPT_MESSAGE
 * - bad-count: recordCount / lastOffsetDelta inconsistent → INVALID_RECORD
 * - bad-record: an uncompressed record does not parse → INVALID_RECORD
 * - unsupported-compression: asked to decode records we cannot decompress
 */
export type RecordBatchErrorReason =
  | 'legacy-magic'
  | 'bad-magic'
  | 'truncated'
  | 'bad-length'
  | 'bad-crc'
  | 'bad-compression'
  | 'bad-count'
  | 'bad-record'
  | 'unsupported-compression';

export class RecordBatchError extends KafkaError {
  readonly reason: RecordBatchErrorReason;
  /** Byte position of the offending batch in the parsed buffer. */
  readonly position: number;
  constructor(code: number, reason: RecordBatchErrorReason, position: number, message: string) {
    super(code, message);
    this.reason = reason;
    this.position = position;
  }
}
