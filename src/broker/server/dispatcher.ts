// Turns one request frame into one response frame: reads the request header,
// finds the API handler, decodes the body with the generated codec, runs the
// handler and encodes its answer with the right response header version.
//
// Kafka's rules kept here: an unknown API key or an undecodable request closes
// the connection (the client gets no answer it could misread); an ApiVersions
// request of a version we don't know is answered with UNSUPPORTED_VERSION in the
// v0 layout so the client can retry with a version we do speak.
import { Reader, Writer } from '../protocol/codec.js';
import { apis, ApiKey, requestHeaderVersion, responseHeaderVersion } from '../protocol/apis.js';
import { readRequestHeader } from '../protocol/messages/request-header.js';
import { writeResponseHeader } from '../protocol/messages/response-header.js';
import { writeApiVersionsResponse } from '../protocol/messages/api-versions-response.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ApiHandler, BrokerServices, ListenerAddress, RequestContext } from '../apis/types.js';
import type { SaslSession } from '../sasl/session.js';
import { apiVersionsBody } from '../apis/api-versions.js';
import type { Connection, FrameResult } from './connection.js';
import { KafkaError } from '../errors.js';

export class InvalidRequestError extends KafkaError {
  constructor(message: string) {
    super(ErrorCode.INVALID_REQUEST, message);
    this.name = 'InvalidRequestError';
  }
}

/** What a connection brings to each of its requests: its listener, and its SASL state on a SASL listener. */
export interface ConnectionScope {
  listener: ListenerAddress;
  sasl: SaslSession | undefined;
}

export function createDispatcher(broker: BrokerServices, handlers: ReadonlyMap<number, ApiHandler>) {
  return function dispatch(frame: Buffer, connection: Connection, scope: ConnectionScope): Promise<FrameResult> | FrameResult {
    const { sasl } = scope;
    if (sasl?.expectsRawToken) return rawSaslToken(sasl, frame);
    if (frame.length < 8) throw new InvalidRequestError(`request of ${frame.length} bytes is shorter than a request header`);
    const apiKey = frame.readInt16BE(0);
    const version = frame.readInt16BE(2);
    const correlationId = frame.readInt32BE(4);
    const handler = handlers.get(apiKey);
    const api = apis[apiKey];
    if (!handler || !api) throw new InvalidRequestError(`unsupported api key ${apiKey}`);
    // Before authentication only ApiVersions and the SASL APIs; anything else closes the connection.
    sasl?.check(apiKey, handler.name);

    if (version < handler.minVersion || version > handler.maxVersion) {
      if (apiKey === ApiKey.ApiVersions) return unsupportedApiVersions(correlationId, handlers);
      throw new InvalidRequestError(`${handler.name} v${version} is outside the supported ${handler.minVersion}-${handler.maxVersion}`);
    }

    const reader = new Reader(frame);
    const header = readRequestHeader(reader, requestHeaderVersion(apiKey, version));
    const request = api.readRequest(reader, version);
    const ctx: RequestContext = { version, apiKey, correlationId, clientId: header.clientId, broker, connection, listener: scope.listener, sasl };
    const result = handler.handle(request, ctx);
    if (result instanceof Promise) return result.then((res) => encode(apiKey, version, correlationId, res));
    return encode(apiKey, version, correlationId, result);
  };
}

function encode(apiKey: number, version: number, correlationId: number, response: unknown): FrameResult {
  if (response === null) return null;
  const w = new Writer();
  writeResponseHeader(w, responseHeaderVersion(apiKey, version), { correlationId });
  apis[apiKey]!.writeResponse(w, version, response);
  return frameOf(w);
}

/**
 * After SaslHandshake v0 the client sends SASL tokens as bare size-prefixed frames
 * and gets the server's tokens the same way; a failure just closes the connection.
 */
function rawSaslToken(sasl: SaslSession, frame: Buffer): FrameResult {
  const { token } = sasl.authenticate(frame);
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(token.length, 0);
  return [size, token];
}

function frameOf(w: Writer): Buffer[] {
  const size = Buffer.allocUnsafe(4);
  size.writeInt32BE(w.length, 0);
  return [size, ...w.toChunks()];
}

/** UNSUPPORTED_VERSION in the ApiVersions v0 layout, listing what we do support. */
function unsupportedApiVersions(correlationId: number, handlers: ReadonlyMap<number, ApiHandler>): FrameResult {
  const w = new Writer();
  writeResponseHeader(w, 0, { correlationId });
  writeApiVersionsResponse(w, 0, {
    ...apiVersionsBody(handlers),
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
  });
  return frameOf(w);
}
