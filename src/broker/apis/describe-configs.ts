// DescribeConfigs (key 32), v0–4, for TOPIC (2) and BROKER (4) resources.
// Topic configs are reported with their source (topic override, broker default
// or Kafka's default), synonyms when asked (v1+) and their type (v3+).
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
import { AclOperation } from '../acl/types.js';
import { configsDenied } from './authorize.js';
import type { ApiHandler, BrokerServices } from './types.js';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;

/** Kafka's ConfigSource codes. */
export function configSourceCode(source: 'topic' | 'broker' | 'default'): number {
  return source === 'topic' ? 1 : source === 'broker' ? 4 : 5;
}

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
        entries = brokerEntries(ctx.broker, ctx.version);
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
      const source = broker.topics.configSource(topic, key);
      const synonyms = [];
      if (withSynonyms) {
        if (source === 'topic') synonyms.push({ name: key, value: topic.configs[key]!, source: 1 });
        const brokerName = topicConfigDefs[key]!.brokerName;
        if (brokerName && key in broker.config.topicDefaults) synonyms.push({ name: brokerName, value: broker.config.topicDefaults[key]!, source: 4 });
        synonyms.push({ name: brokerName ?? key, value: topicConfigDefs[key]!.default, source: 5 });
      }
      return entry(key, effective[key]!, configSourceCode(source), configTypeCode(key), synonyms, version);
    });
}

function brokerEntries(broker: BrokerServices, version: number): DescribeConfigsResourceResult[] {
  const c = broker.config;
  const values: [string, string, number][] = [
    ['node.id', String(c.nodeId), 3],
    ['broker.id', String(c.nodeId), 3],
    ['auto.create.topics.enable', String(c.autoCreateTopics), 1],
    ['num.partitions', String(c.defaultPartitions), 3],
    ['default.replication.factor', '1', 3],
    ['socket.request.max.bytes', String(c.maxRequestBytes), 3],
    ['queued.max.request.bytes', String(c.queuedMaxRequestBytes === Infinity ? -1 : c.queuedMaxRequestBytes), 5],
    ['max.partitions.per.request', String(c.maxPartitionsPerRequest), 3],
    ['max.broker.partitions', String(c.maxBrokerPartitions), 3],
    ['fetch.max.bytes', String(c.fetchMaxBytes), 3],
    ['max.partition.fetch.bytes', String(c.fetchMaxPartitionBytes), 3],
    ['max.connections', String(c.maxConnections), 3],
    ['max.connections.per.ip', String(c.maxConnectionsPerIp), 3],
    ['connections.max.idle.ms', String(c.connectionsMaxIdleMs), 5],
    ['log.dirs', c.dataDir, 2],
    ['log.retention.check.interval.ms', String(c.retentionCheckIntervalMs), 4],
  ];
  for (const [key, def] of Object.entries(topicConfigDefs)) {
    if (def.brokerName) values.push([def.brokerName, c.topicDefaults[key] ?? def.default, configTypeCode(key)]);
  }
  return values.map(([name, value, type]) => entry(name, value, 4, type, [], version));
}

function entry(
  name: string,
  value: string,
  configSource: number,
  configType: number,
  synonyms: { name: string; value: string; source: number }[],
  version: number,
): DescribeConfigsResourceResult {
  return {
    name,
    value,
    readOnly: configSource === 4,
    // v0 has IsDefault; v1+ replaced it with ConfigSource.
    isDefault: version === 0 && configSource === 5,
    configSource,
    isSensitive: false,
    synonyms,
    configType,
    documentation: null,
  };
}
