// CreateTopics (key 19), v0–7. Replication factor must be 1 (or -1, the default,
// v4+); manual assignments are accepted when every partition names this broker
// alone. NumPartitions -1 (v4+) takes num.partitions. v5+ answers with the
// topic's partitions, replication factor and effective configs; v7 with its id.
// Partition caps (PartitionBudget): a request adding more than
// max.partitions.per.request in all fails whole with POLICY_VIOLATION, as
// Kafka's controller answers; a topic that would pass max.broker.partitions fails
// alone with POLICY_VIOLATION. Nothing is created beyond either cap.
// ACLs: CREATE on the cluster or on the topic, else TOPIC_AUTHORIZATION_FAILED.
import { ApiKey } from '../protocol/apis.js';
import { ZERO_UUID } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { CreateTopicsRequest, CreatableTopic } from '../protocol/messages/create-topics-request.js';
import type { CreateTopicsResponse, CreatableTopicResult, CreatableTopicConfigs } from '../protocol/messages/create-topics-response.js';
import { errorCodeOf, errorMessageOf, KafkaError } from '../errors.js';
import type { Topic } from '../topics/topic-manager.js';
import { ConfigSource } from '../broker-configs.js';
import { canCreateTopic } from './authorize.js';
import type { ApiHandler, BrokerServices } from './types.js';

export const createTopics: ApiHandler<CreateTopicsRequest, CreateTopicsResponse> = {
  apiKey: ApiKey.CreateTopics,
  name: 'CreateTopics',
  minVersion: 0,
  maxVersion: 7,
  async handle(req, ctx) {
    const seen = new Set<string>();
    const duplicates = new Set(req.topics.filter((t) => (seen.has(t.name) ? true : (seen.add(t.name), false))).map((t) => t.name));
    const budget = ctx.broker.partitionBudget;
    try {
      budget.checkRequest(requestedPartitions(req, ctx.broker.config.defaultPartitions));
    } catch (err) {
      return { throttleTimeMs: 0, topics: req.topics.map((t) => failed(t.name, errorCodeOf(err), errorMessageOf(err))) };
    }
    const topics = await Promise.all(
      req.topics.map(async (t): Promise<CreatableTopicResult> => {
        if (duplicates.has(t.name)) {
          return failed(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains the topic '${t.name}' more than once.`);
        }
        if (!canCreateTopic(ctx, t.name)) return failed(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.');
        try {
          const { partitions, replicationFactor, configs } = plan(t, ctx.broker);
          if (req.validateOnly) {
            ctx.broker.topics.validateCreate(t.name, partitions, replicationFactor, configs);
            budget.checkBroker(partitions);
            return created(t.name, ZERO_UUID, partitions, replicationFactor, null);
          }
          // Validated first, so a bad topic is answered with its own error rather than a cap's.
          ctx.broker.topics.validateCreate(t.name, partitions, replicationFactor, configs);
          const topic = await budget.within(partitions, () => ctx.broker.topics.create(t.name, partitions, configs, replicationFactor));
          return created(t.name, topic.id, partitions, replicationFactor, describe(topic, ctx.broker));
        } catch (err) {
          return failed(t.name, errorCodeOf(err), errorMessageOf(err));
        }
      }),
    );
    return { throttleTimeMs: 0, topics };
  },
};

/** Partitions the whole request would add, counted as Kafka does (invalid counts as 0). */
function requestedPartitions(req: CreateTopicsRequest, defaultPartitions: number): number {
  let total = 0;
  for (const t of req.topics) {
    if (t.assignments.length > 0) total += t.assignments.length;
    else if (t.numPartitions === -1) total += defaultPartitions;
    else if (t.numPartitions > 0) total += t.numPartitions;
  }
  return total;
}

function plan(t: CreatableTopic, broker: BrokerServices) {
  const configs: Record<string, string> = {};
  for (const c of t.configs) {
    if (c.value !== null) configs[c.name] = c.value;
  }
  if (t.assignments.length > 0) {
    if (t.numPartitions !== -1 || t.replicationFactor !== -1) {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
    }
    for (const a of t.assignments) {
      if (a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId) {
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partition ${a.partitionIndex} must be assigned to broker ${broker.nodeId} alone.`);
      }
    }
    return { partitions: t.assignments.length, replicationFactor: 1, configs };
  }
  return {
    partitions: t.numPartitions === -1 ? broker.config.defaultPartitions : t.numPartitions,
    replicationFactor: t.replicationFactor === -1 ? 1 : t.replicationFactor,
    configs,
  };
}

function describe(topic: Topic, broker: BrokerServices): CreatableTopicConfigs[] {
  return Object.entries(broker.topics.effectiveConfigs(topic)).map(([name, value]) => ({
    name,
    value,
    readOnly: false,
    configSource: name in topic.configs ? ConfigSource.DYNAMIC_TOPIC_CONFIG : broker.brokerConfigs.topicDefault(name).source,
    isSensitive: false,
  }));
}

function created(name: string, topicId: string, partitions: number, replicationFactor: number, configs: CreatableTopicConfigs[] | null): CreatableTopicResult {
  return {
    name,
    topicId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: partitions,
    replicationFactor,
    configs: configs ?? [],
  };
}

function failed(name: string, errorCode: number, errorMessage: string): CreatableTopicResult {
  return {
    name,
    topicId: ZERO_UUID,
    errorCode,
    errorMessage,
    topicConfigErrorCode: ErrorCode.NONE,
    numPartitions: -1,
    replicationFactor: -1,
    configs: null,
  };
}
