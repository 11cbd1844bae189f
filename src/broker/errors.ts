// Typed broker errors. Every error that reaches a client carries a Kafka error
// code (see protocol/error-codes.ts), so handlers can turn it into the wire answer.
import { ErrorCode, errorName } from './protocol/error-codes.js';

export class KafkaError extends Error {
  readonly code: number;
  constructor(code: number, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorName(code), options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The Kafka error code for anything thrown by a handler or the log. */
export function errorCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    return (err as { code: number }).code;
  }
  return ErrorCode.UNKNOWN_SERVER_ERROR;
}

export function errorMessageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
