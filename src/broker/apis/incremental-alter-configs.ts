// IncrementalAlterConfigs (key 44), v0–1: SET (0), DELETE (1), APPEND (2) and
// SUBTRACT (3) on topic configs. A resource's changes are validated together and
// applied all or nothing; ValidateOnly checks without applying. On a BROKER
// resource ("" for the cluster default, or this broker's id) the settings Kafka
// updates dynamically change (../broker-configs.ts); others are refused with
// INVALID_REQUEST, as Kafka does.
// ACLs (both AlterConfigs): ALTER_CONFIGS on the topic (else
// TOPIC_AUTHORIZATION_FAILED) or, for the broker, on the cluster (else
// CLUSTER_AUTHORIZATION_FAILED).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { IncrementalAlterConfigsRequest } from '../protocol/messages/incremental-alter-configs-request.js';
import type { IncrementalAlterConfigsResponse } from '../protocol/messages/incremental-alter-configs-response.js';
import { errorCodeOf, errorMessageOf, KafkaError } from '../errors.js';
import { RESOURCE_BROKER, RESOURCE_TOPIC } from './describe-configs.js';
import { AclOperation } from '../acl/types.js';
import { configsDenied } from './authorize.js';
import type { ApiHandler, RequestContext } from './types.js';

const OPS = ['set', 'delete', 'append', 'subtract'] as const;

type Change = { name: string; op: (typeof OPS)[number]; value: string | null };

export const incrementalAlterConfigs: ApiHandler<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse> = {
  apiKey: ApiKey.IncrementalAlterConfigs,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const responses = req.resources.map((r) =>
      alterResource(ctx, r.resourceType, r.resourceName, req.validateOnly, () =>
        r.configs.map((c) => {
          const op = OPS[c.configOperation];
          if (!op) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${c.configOperation} for ${c.name}`);
          return { name: c.name, op, value: c.value };
        }),
      ),
    );
    return { throttleTimeMs: 0, responses };
  },
};

/** Applies one resource's changes and answers for it; shared with AlterConfigs (`replace`: the values not named go). */
export function alterResource(ctx: RequestContext, resourceType: number, resourceName: string, validateOnly: boolean, changes: () => Change[], replace = false) {
  const base = { resourceType, resourceName };
  const denied = configsDenied(ctx, AclOperation.ALTER_CONFIGS, resourceType, resourceName);
  if (denied !== undefined) return { ...base, errorCode: denied as number, errorMessage: null as string | null };
  try {
    if (resourceType === RESOURCE_BROKER) {
      ctx.broker.brokerConfigs.alter(resourceName, changes(), validateOnly, replace);
      return { ...base, errorCode: ErrorCode.NONE as number, errorMessage: null as string | null };
    }
    if (resourceType !== RESOURCE_TOPIC) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${resourceType}`);
    }
    ctx.broker.topics.alterConfigs(resourceName, changes(), validateOnly);
    return { ...base, errorCode: ErrorCode.NONE as number, errorMessage: null as string | null };
  } catch (err) {
    return { ...base, errorCode: errorCodeOf(err), errorMessage: errorMessageOf(err) as string | null };
  }
}
