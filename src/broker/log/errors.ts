// Typed errors of the partition log, each carrying the Kafka error code the
// broker should answer with.

import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';

/** A log operation failed (I/O error, oversized append, closed log...). */
export class LogError extends KafkaError {}

/** Disk/I/O failure: KAFKA_STORAGE_ERROR. */
export class LogStorageError extends LogError {
  constructor(message: string, cause?: unknown) {
    super(ErrorCode.KAFKA_STORAGE_ERROR, message, { cause });
  }
}

/** Offset outside [logStartOffset, logEndOffset]: OFFSET_OUT_OF_RANGE. */
export class OffsetOutOfRangeError extends LogError {
  readonly offset: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  constructor(offset: number, logStartOffset: number, logEndOffset: number) {
    super(ErrorCode.OFFSET_OUT_OF_RANGE,
      `offset ${offset} is outside the log range [${logStartOffset}, ${logEndOffset}]`);
    this.offset = offset;
    this.logStartOffset = logStartOffset;
    this.logEndOffset = logEndOffset;
  }
}

/** A topic config value is invalid: INVALID_CONFIG, naming the key. */
export class LogConfigError extends LogError {
  readonly key: string;
  constructor(key: string, message: string) {
    super(ErrorCode.INVALID_CONFIG, `invalid value for ${key}: ${message}`);
    this.key = key;
  }
}
