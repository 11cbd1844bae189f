// ConsumerGroupDescribe (key 69), v0: groups of the consumer group protocol
// (KIP-848) with their state (Empty, Reconciling, Stable), group and
// assignment epochs, assignor and members: epoch, subscription, current
// assignment (what the member holds, including partitions it has not released
// yet) and target assignment. A classic or unknown group id answers
// GROUP_ID_NOT_FOUND, an empty id INVALID_GROUP_ID.
// ACLs: DESCRIBE on each group, else GROUP_AUTHORIZATION_FAILED; authorized
// operations when asked and an authorizer runs (else unknown).
import { ApiKey } from '../protocol/apis.js';
import type { ConsumerGroupDescribeRequest } from '../protocol/messages/consumer-group-describe-request.js';
import type { ConsumerGroupDescribeResponse } from '../protocol/messages/consumer-group-describe-response.js';
import type { TopicAssignment } from '../groups/assignors.js';
import { ErrorCode } from '../protocol/error-codes.js';
import { AclOperation, ResourceType } from '../acl/types.js';
import { authorizedOperations, onGroup } from './authorize.js';
import { OPS_UNKNOWN, type ApiHandler } from './types.js';

export const consumerGroupDescribe: ApiHandler<ConsumerGroupDescribeRequest, ConsumerGroupDescribeResponse> = {
  apiKey: ApiKey.ConsumerGroupDescribe,
  name: 'ConsumerGroupDescribe',
  minVersion: 0,
  maxVersion: 0,
  handle(req, ctx) {
    const { topics } = ctx.broker;
    const wire = (a: TopicAssignment) => ({
      topicPartitions: [...a].flatMap(([name, partitions]) => {
        const topic = topics.get(name);
        return topic ? [{ topicId: topic.id, topicName: name, partitions }] : [];
      }),
    });
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.groups.consumerGroupDescribe(req.groupIds).map((g) => onGroup(ctx, AclOperation.DESCRIBE, g.groupId) ? ({
        errorCode: g.errorCode,
        errorMessage: g.errorMessage,
        groupId: g.groupId,
        groupState: g.state,
        groupEpoch: g.groupEpoch,
        assignmentEpoch: g.assignmentEpoch,
        assignorName: g.assignorName,
        // The member as the group describes it, with its assignments by topic id.
        members: g.members.map((m) => ({ ...m, assignment: wire(m.assignment), targetAssignment: wire(m.targetAssignment) })),
        authorizedOperations: authorizedOperations(ctx, req.includeAuthorizedOperations, ResourceType.GROUP, g.groupId, OPS_UNKNOWN),
      }) : {
        errorCode: ErrorCode.GROUP_AUTHORIZATION_FAILED,
        errorMessage: 'Group authorization failed.',
        groupId: g.groupId,
        groupState: '',
        groupEpoch: -1,
        assignmentEpoch: -1,
        assignorName: '',
        members: [],
        authorizedOperations: OPS_UNKNOWN,
      }),
    };
  },
};
