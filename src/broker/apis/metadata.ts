// Metadata (key 3), v0–12. One broker leads every partition (replicas = ISR = [self]).
// Unknown topics are auto-created when auto.create.topics.enable is on and the
// request allows it (v4+ AllowAutoTopicCreation; always for v0–3). v10+ may name
// topics by id; v12 answers a topic looked up by an unknown id with a null name.
// Creating a topic touches no partition file and the creations of one request
// share one topics.json write, so hundreds of new names cost one write.
// ACLs: listing every topic shows only those the caller may DESCRIBE; a named
// topic without DESCRIBE gets TOPIC_AUTHORIZATION_FAILED, and an unknown one is
// auto-created only with CREATE on the cluster or the topic (else
// TOPIC_AUTHORIZATION_FAILED, as Kafka answers). Authorized operations (v8+) when
// asked and an authorizer runs.
import { ApiKey } from '../protocol/apis.js';
import { ZERO_UUID } from '../protocol/codec.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { MetadataRequest } from '../protocol/messages/metadata-request.js';
import type { MetadataResponse, MetadataResponseTopic } from '../protocol/messages/metadata-response.js';
import type { Topic } from '../topics/topic-manager.js';
import { errorCodeOf } from '../errors.js';
import { LEADER_EPOCH } from './offset-for-leader-epoch.js';
import { AclOperation, CLUSTER_RESOURCE, ResourceType } from '../acl/types.js';
import { authorizedOperations, canCreateTopic, onTopic } from './authorize.js';
import { OPS_UNKNOWN, type ApiHandler, type RequestContext } from './types.js';

export const metadata: ApiHandler<MetadataRequest, MetadataResponse> = {
  apiKey: ApiKey.Metadata,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  async handle(req, ctx) {
    const { broker, version } = ctx;
    const topics: MetadataResponseTopic[] = [];
    if (req.topics === null || (version === 0 && req.topics.length === 0)) {
      // null (v1+) or empty (v0) means every topic
      for (const t of broker.topics.list()) if (onTopic(ctx, AclOperation.DESCRIBE, t.name)) topics.push(describeTopic(t, broker.nodeId));
    } else {
      const allowAuto = version < 4 || req.allowAutoTopicCreation;
      // All at once: the creations of one request share a single topics.json write.
      topics.push(...(await Promise.all(req.topics.map((wanted) => lookup(wanted.name, wanted.topicId, allowAuto, ctx)))));
    }
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId: broker.nodeId, host: ctx.listener.advertisedHost, port: ctx.listener.advertisedPort, rack: null }],
      clusterId: broker.topics.clusterId,
      controllerId: broker.nodeId,
      topics: topics.map((t) =>
        t.errorCode === ErrorCode.NONE && t.name !== null
          ? { ...t, topicAuthorizedOperations: authorizedOperations(ctx, version >= 8 && req.includeTopicAuthorizedOperations, ResourceType.TOPIC, t.name, OPS_UNKNOWN) }
          : t,
      ),
      clusterAuthorizedOperations: authorizedOperations(ctx, version >= 8 && version <= 10 && req.includeClusterAuthorizedOperations, ResourceType.CLUSTER, CLUSTER_RESOURCE, OPS_UNKNOWN),
    };
  },
};

async function lookup(name: string | null, topicId: string, allowAuto: boolean, ctx: RequestContext): Promise<MetadataResponseTopic> {
  const { broker } = ctx;
  if (name === null) {
    const byId = broker.topics.getById(topicId);
    if (byId && !onTopic(ctx, AclOperation.DESCRIBE, byId.name)) return errorTopic(null, topicId, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    return byId ? describeTopic(byId, broker.nodeId) : errorTopic(null, topicId, ErrorCode.UNKNOWN_TOPIC_ID);
  }
  if (!onTopic(ctx, AclOperation.DESCRIBE, name)) return errorTopic(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  let topic = broker.topics.get(name);
  if (!topic && allowAuto && broker.config.autoCreateTopics && !canCreateTopic(ctx, name)) {
    return errorTopic(name, ZERO_UUID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
  }
  if (!topic && allowAuto) {
    try {
      topic = await broker.autoCreate(name);
    } catch (err) {
      return errorTopic(name, ZERO_UUID, errorCodeOf(err));
    }
    // Kafka answers the creating request with LEADER_NOT_AVAILABLE; clients retry.
    // Here the topic is usable at once, so it is described right away.
  }
  return topic ? describeTopic(topic, broker.nodeId) : errorTopic(name, ZERO_UUID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
}

function errorTopic(name: string | null, topicId: string, errorCode: number): MetadataResponseTopic {
  return { errorCode, name, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPS_UNKNOWN };
}

export function describeTopic(topic: Topic, nodeId: number): MetadataResponseTopic {

  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.id,
    isInternal: topic.internal,
    partitions: topic.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: nodeId,
      leaderEpoch: LEADER_EPOCH,
      replicaNodes: [nodeId],
      isrNodes: [nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: OPS_UNKNOWN,
  };
}
