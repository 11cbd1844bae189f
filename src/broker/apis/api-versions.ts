// ApiVersions (key 18), v0–4. Lists every API this broker serves with its version
// range. v3+ requests carry the client's software name/version (not needed here);
// v3+ responses carry the feature levels of ../features.ts (tagged fields).
// A request of a version above 4 never reaches this handler: the dispatcher answers
// it with UNSUPPORTED_VERSION in the v0 layout, as KIP-511 asks.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ApiVersionsRequest } from '../protocol/messages/api-versions-request.js';
import type { ApiVersionsResponse } from '../protocol/messages/api-versions-response.js';
import { FEATURES, FINALIZED_FEATURES_EPOCH } from '../features.js';
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

/**
 * The body of an ApiVersions response: every API served with its version range.
 * The dispatcher sends it too, with UNSUPPORTED_VERSION, for a version it cannot read.
 */
export function apiVersionsBody(handlers: ReadonlyMap<number, ApiHandler>) {
  const apiKeys = [...handlers.values()]
    .sort((a, b) => a.apiKey - b.apiKey)
    .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }));
  return {
    errorCode: ErrorCode.NONE as number,
    apiKeys,
    throttleTimeMs: 0,
    supportedFeatures: FEATURES.map((f) => ({ name: f.name, minVersion: f.minVersion, maxVersion: f.maxVersion })),
    finalizedFeaturesEpoch: FINALIZED_FEATURES_EPOCH,
    finalizedFeatures: FEATURES.filter((f) => f.finalized > 0).map((f) => ({ name: f.name, maxVersionLevel: f.finalized, minVersionLevel: f.finalized })),
    zkMigrationReady: false,
  };
}
