// SaslHandshake (key 17), v0–1: the client names its SASL mechanism; the answer
// lists the enabled ones. v1 (KIP-152) is followed by SaslAuthenticate requests;
// v0 by bare size-prefixed SASL tokens (the dispatcher handles those). An
// unsupported mechanism gets UNSUPPORTED_SASL_MECHANISM with the enabled list,
// then the connection is closed, as Kafka does. Sent again on an authenticated
// connection it starts re-authentication (KIP-368). On a listener without SASL
// it answers ILLEGAL_SASL_STATE with no mechanisms (the connection stays open).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { SaslHandshakeRequest } from '../protocol/messages/sasl-handshake-request.js';
import type { SaslHandshakeResponse } from '../protocol/messages/sasl-handshake-response.js';
import { SaslAuthenticationError } from '../sasl/errors.js';
import type { ApiHandler } from './types.js';

export const saslHandshake: ApiHandler<SaslHandshakeRequest, SaslHandshakeResponse> = {
  apiKey: ApiKey.SaslHandshake,
  name: 'SaslHandshake',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const { sasl, connection } = ctx;
    if (!sasl) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    }
    try {
      const { errorCode, mechanisms, close } = sasl.handshake(req.mechanism, ctx.version);
      if (close) connection.closeAfterAnswer();
      return { errorCode, mechanisms };
    } catch (err) {
      if (!(err instanceof SaslAuthenticationError)) throw err;
      // A re-authentication that changes mechanism: refused, then closed.
      connection.closeAfterAnswer();
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [...ctx.broker.credentials.mechanisms] };
    }
  },
};
