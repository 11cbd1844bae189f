// ApiVersions (key 18), v0–4. Lists every API this broker serves with its version
// range. v3+ requests carry the client's software name/version (not needed here).
// A request of a version above 4 never reaches this handler: the dispatcher answers
// it with UNSUPPORTED_VERSION in the v0 layout, as KIP-511 asks.
import { ApiKey } from '../protocol/apis.js';
import type { ApiVersionsRequest } from '../protocol/messages/api-versions-request.js';
import type { ApiVersionsResponse } from '../protocol/messages/api-versions-response.js';
import { apiVersionsBody } from '../server/dispatcher.js';
import type { ApiHandler } from './types.js';

export const apiVersions: ApiHandler<ApiVersionsRequest, ApiVersionsResponse> = {
  apiKey: ApiKey.ApiVersions,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  handle(_req, ctx) {
    return apiVersionsBody(ctx.broker.handlers);
  },
};
