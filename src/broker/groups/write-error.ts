// What a client is told when writing to __consumer_offsets fails.
import { ErrorCode } from '../protocol/error-codes.js';
import { errorCodeOf } from '../errors.js';

/** Kafka's mapping of a failed __consumer_offsets write to what the client is told. */
export function writeErrorCode(err: unknown): number {
  const code = errorCodeOf(err);
  switch (code) {
    case ErrorCode.KAFKA_STORAGE_ERROR:
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
      return ErrorCode.INVALID_COMMIT_OFFSET_SIZE;
    default:
      return code;
  }
}
