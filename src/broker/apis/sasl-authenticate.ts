// SaslAuthenticate (key 36), v0–2: carries one SASL token each way (KIP-152).
// PLAIN takes one round, SCRAM two. A failure is answered with
// SASL_AUTHENTICATION_FAILED and a message naming it, then the connection is
// closed, as Kafka does. v1+ (KIP-368) answers session_lifetime_ms when
// connections.max.reauth.ms is set; the client re-authenticates before it ends.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { SaslAuthenticateRequest } from '../protocol/messages/sasl-authenticate-request.js';
import type { SaslAuthenticateResponse } from '../protocol/messages/sasl-authenticate-response.js';
import { SaslAuthenticationError } from '../sasl/errors.js';
import type { ApiHandler } from './types.js';

const EMPTY = Buffer.alloc(0);

export const saslAuthenticate: ApiHandler<SaslAuthenticateRequest, SaslAuthenticateResponse> = {
  apiKey: ApiKey.SaslAuthenticate,
  name: 'SaslAuthenticate',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const { sasl, connection } = ctx;
    if (!sasl) {
      return fail(ErrorCode.ILLEGAL_SASL_STATE, 'SASL is not enabled on this listener');
    }
    try {
      const { token, sessionLifetimeMs } = sasl.authenticate(req.authBytes);
      return { errorCode: ErrorCode.NONE, errorMessage: null, authBytes: token, sessionLifetimeMs: BigInt(sessionLifetimeMs) };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      connection.closeAfterAnswer();
      return fail(err.code, err.message);
    }
  },
};

function fail(errorCode: number, errorMessage: string): SaslAuthenticateResponse {
  return { errorCode, errorMessage, authBytes: EMPTY, sessionLifetimeMs: 0n };
}
