// DescribeConfigs (key 32), v0–4, for TOPIC (2) and BROKER (4) resources.
// Topic configs are reported with their source (topic override, dynamic or
// static broker default, Kafka's default), broker configs with theirs (see
// ../broker-configs.ts); synonyms when asked (v1+), types (v3+), as Kafka does.
// ACLs: DESCRIBE_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED) or, for
// the broker, on the cluster (else CLUSTER_AUTHORIZATION_FAILED).
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { DescribeConfigsRequest } from '../protocol/messages/describe-configs-request.js';
import type {
  DescribeConfigsResponse,
  DescribeConfigsResult,
  DescribeConfigsResourceResult,
} from '../protocol/messages/describe-configs-response.js';
import { configTypeCode, topicConfigDefs } from '../topics/topic-configs.js';
import { ConfigSource } from '../broker-configs.js';
import { AclOperation } from '../acl/types.js';
import { configsDenied } from './authorize.js';
import type { ApiHandler, BrokerServices } from './types.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

export const describeConfigs: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  name: 'DescribeConfigs',
  minVersion: 0,
  maxVersion: 4,
  handle(req, ctx) {
    const results = req.resources.map((r): DescribeConfigsResult => {
      const base = { resourceType: r.resourceType, resourceName: r.resourceName };
      const denied = configsDenied(ctx, AclOperation.DESCRIBE_CONFIGS, r.resourceType, r.resourceName);
      if (denied !== undefined) return { ...base, errorCode: denied, errorMessage: null, configs: [] };
      let entries: DescribeConfigsResourceResult[];
      if (r.resourceType === RESOURCE_TOPIC) {
        const found = topicEntries(ctx.broker, r.resourceName, req.includeSynonyms, ctx.version);
        if (!found) {
          return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `Topic '${r.resourceName}' does not exist.`, configs: [] };
        }
        entries = found;
      } else if (r.resourceType === RESOURCE_BROKER) {
        if (r.resourceName !== '' && r.resourceName !== String(ctx.broker.nodeId)) {
          return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unexpected broker id, expected ${ctx.broker.nodeId} but received ${r.resourceName}`, configs: [] };
        }
        entries = brokerEntries(ctx.broker, req.includeSynonyms, ctx.version);
      } else {
        return { ...base, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Unsupported resource type ${r.resourceType}`, configs: [] };
      }
      const keys = r.configurationKeys;
      const configs = keys === null || keys.length === 0 ? entries : entries.filter((e) => keys.includes(e.name));
      return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
    });
    return { throttleTimeMs: 0, results };
  },
};

function topicEntries(broker: BrokerServices, name: string, withSynonyms: boolean, version: number): DescribeConfigsResourceResult[] | undefined {
  const topic = broker.topics.get(name);
  if (!topic) return undefined;
  const effective = broker.topics.effectiveConfigs(topic);
  return Object.keys(topicConfigDefs)
    .sort()
    .map((key) => {
      const fromBroker = broker.brokerConfigs.topicDefault(key);
      const override = key in topic.configs;
      const source = override ? ConfigSource.DYNAMIC_TOPIC_CONFIG : fromBroker.source;
      // Kafka's order: the topic's override, then each broker name's values by precedence.
      const synonyms = withSynonyms
        ? [...(override ? [{ name: key, value: topic.configs[key]!, source: ConfigSource.DYNAMIC_TOPIC_CONFIG }] : []), ...fromBroker.synonyms]
        : [];
      return entry(key, effective[key]!, source, configTypeCode(key), synonyms, version, false);
    });
}

function brokerEntries(broker: BrokerServices, withSynonyms: boolean, version: number): DescribeConfigsResourceResult[] {
  return broker.brokerConfigs.describe(withSynonyms).map((e) => entry(e.name, e.value, e.source, e.type, e.synonyms, version, e.readOnly));
}

function entry(
  name: string,
  value: string | null,
  configSource: number,
  configType: number,
  synonyms: { name: string; value: string; source: number }[],
  version: number,
  readOnly: boolean,
): DescribeConfigsResourceResult {
  return {
    name,
    value,
    readOnly,
    // v0 has IsDefault; v1+ replaced it with ConfigSource.
    isDefault: version === 0 && configSource === 5,
    configSource,
    isSensitive: false,
    synonyms,
    configType,
    documentation: null,
  };
}
