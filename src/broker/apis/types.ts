// The shape every API handler file exports, and what a handler gets to work with.
import type { Broker } from '../broker.js';
import type { Connection } from '../server/connection.js';

export interface RequestContext {
  /** The request's API version (already checked against the handler's range). */
  version: number;
  apiKey: number;
  correlationId: number;
  clientId: string | null;
  broker: Broker;
  connection: Connection;
}

export interface ApiHandler<Req = any, Res = any> {
  apiKey: number;
  name: string;
  /** Versions this broker serves; advertised by ApiVersions. */
  minVersion: number;
  maxVersion: number;
  /** The response, or null when the client expects none (Produce with acks=0). */
  handle(request: Req, ctx: RequestContext): Promise<Res | null> | Res | null;
}
