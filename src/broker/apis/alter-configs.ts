// AlterConfigs (key 33), v0–2: the older, non-incremental form. The configs given
// for a topic replace all of its overrides; those not named go back to their
// defaults (a null value does the same); on a BROKER resource the dynamic
// values given replace that resource's. Validated and applied all or nothing.
// ACLs: as IncrementalAlterConfigs (alterResource).
import { ApiKey } from '../protocol/apis.js';
import type { AlterConfigsRequest } from '../protocol/messages/alter-configs-request.js';
import type { AlterConfigsResponse } from '../protocol/messages/alter-configs-response.js';
import { alterResource } from './incremental-alter-configs.js';
import { RESOURCE_TOPIC } from './describe-configs.js';
import type { ApiHandler } from './types.js';

export const alterConfigs: ApiHandler<AlterConfigsRequest, AlterConfigsResponse> = {
  apiKey: ApiKey.AlterConfigs,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  handle(req, ctx) {
    const responses = req.resources.map((r) =>
      alterResource(ctx, r.resourceType, r.resourceName, req.validateOnly, () => {
        const named = new Set(r.configs.map((c) => c.name));
        const current = r.resourceType === RESOURCE_TOPIC ? Object.keys(ctx.broker.topics.get(r.resourceName)?.configs ?? {}) : [];
        return [
          ...current.filter((name) => !named.has(name)).map((name) => ({ name, op: 'delete' as const, value: null })),
          ...r.configs.map((c) => ({ name: c.name, op: c.value === null ? ('delete' as const) : ('set' as const), value: c.value })),
        ];
      }, true),
    );
    return { throttleTimeMs: 0, responses };
  },
};
