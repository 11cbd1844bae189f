// ConsumerGroupHeartbeat (key 68), v0–1: the consumer group protocol of
// KIP-848 (clients with group.protocol=consumer). Joins (member epoch 0; the
// broker names a member that sends no id, v1 clients name themselves),
// heartbeats, leaves (-1; -2 for a static member coming back). The broker
// assigns (uniform or range) and answers each member its assignment only when
// it changed; partitions move only after their old owner released them.
// Topics travel by id: owned partitions of unknown ids are ignored. v1 adds
// SubscribedTopicRegex (whole-name match of non-internal topics). Errors:
// UNKNOWN_MEMBER_ID, FENCED_MEMBER_EPOCH, UNRELEASED_INSTANCE_ID,
// FENCED_INSTANCE_ID, UNSUPPORTED_ASSIGNOR, INVALID_REGULAR_EXPRESSION,
// INVALID_REQUEST, GROUP_ID_NOT_FOUND (the id belongs to a classic group).
// ACLs: READ on the group (else GROUP_AUTHORIZATION_FAILED) and DESCRIBE on each
// subscribed topic name (else TOPIC_AUTHORIZATION_FAILED), as Kafka 4.0 checks.
import { ApiKey } from '../protocol/apis.js';
import { ErrorCode } from '../protocol/error-codes.js';
import type { ConsumerGroupHeartbeatRequest } from '../protocol/messages/consumer-group-heartbeat-request.js';
import type { ConsumerGroupHeartbeatResponse } from '../protocol/messages/consumer-group-heartbeat-response.js';
import { AclOperation } from '../acl/types.js';
import { onGroup, onTopic } from './authorize.js';
import type { ApiHandler } from './types.js';

export const consumerGroupHeartbeat: ApiHandler<ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse> = {
  apiKey: ApiKey.ConsumerGroupHeartbeat,
  name: 'ConsumerGroupHeartbeat',
  minVersion: 0,
  maxVersion: 1,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const refuse = (errorCode: number, errorMessage: string): ConsumerGroupHeartbeatResponse => ({
      throttleTimeMs: 0,
      errorCode,
      errorMessage,
      memberId: req.memberId === '' ? null : req.memberId,
      memberEpoch: req.memberEpoch,
      heartbeatIntervalMs: 0,
      assignment: null,
    });
    if (!onGroup(ctx, AclOperation.READ, req.groupId)) return refuse(ErrorCode.GROUP_AUTHORIZATION_FAILED, 'Group authorization failed.');
    const unauthorized = (req.subscribedTopicNames ?? []).filter((name) => !onTopic(ctx, AclOperation.DESCRIBE, name));
    if (unauthorized.length > 0) return refuse(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Unauthorized topics: ${unauthorized.join(', ')}`);
    const owned = req.topicPartitions === null ? null : req.topicPartitions.flatMap((tp) => {
      const topic = topics.getById(tp.topicId);
      return topic ? [{ topic: topic.name, partitions: tp.partitions }] : [];
    });
    const res = ctx.broker.groups.consumerGroupHeartbeat({
      groupId: req.groupId,
      memberId: req.memberId,
      memberEpoch: req.memberEpoch,
      instanceId: req.instanceId,
      rackId: req.rackId,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      subscribedTopicNames: req.subscribedTopicNames,
      subscribedTopicRegex: ctx.version >= 1 ? req.subscribedTopicRegex : null,
      serverAssignor: req.serverAssignor,
      topicPartitions: owned,
      clientId: ctx.clientId ?? '',
      clientHost: `/${ctx.connection.remoteAddress}`,
    });
    const assignment = res.assignment === null ? null : {
      topicPartitions: [...res.assignment].flatMap(([name, partitions]) => {
        const topic = topics.get(name);
        return topic ? [{ topicId: topic.id, partitions }] : [];
      }),
    };
    return {
      throttleTimeMs: 0,
      errorCode: res.errorCode,
      errorMessage: res.errorMessage,
      memberId: res.memberId,
      memberEpoch: res.memberEpoch,
      heartbeatIntervalMs: res.heartbeatIntervalMs,
      assignment,
    };
  },
};
