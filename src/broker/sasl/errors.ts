// The SASL failures a client is told about, as typed Kafka errors.
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';

/** Wrong credentials or a malformed exchange: answered with SASL_AUTHENTICATION_FAILED, then the connection closes. */
export class SaslAuthenticationError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.SASL_AUTHENTICATION_FAILED, message);
  }
}

/** A request the SASL state does not allow: the connection is closed (Kafka's IllegalSaslStateException). */
export class IllegalSaslStateError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.ILLEGAL_SASL_STATE, message);
  }
}
