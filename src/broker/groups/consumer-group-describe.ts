// What ConsumerGroupDescribe and DescribeGroups say about a group of the
// consumer group protocol: plain data, topic names (handlers add topic ids).
import { ErrorCode } from '../protocol/error-codes.js';
import type { TopicAssignment } from './assignors.js';
import { toKeys, toTopicAssignment, type ConsumerGroup } from './consumer-group.js';
import type { DescribedGroup } from './types.js';

export interface ConsumerMemberDescription {
  memberId: string;
  instanceId: string | null;
  rackId: string | null;
  memberEpoch: number;
  clientId: string;
  clientHost: string;
  subscribedTopicNames: string[];
  subscribedTopicRegex: string | null;
  assignment: TopicAssignment;
  targetAssignment: TopicAssignment;
}

export interface ConsumerGroupDescription {
  groupId: string;
  errorCode: number;
  errorMessage: string | null;
  state: string;
  groupEpoch: number;
  assignmentEpoch: number;
  assignorName: string;
  members: ConsumerMemberDescription[];
}

export function describeConsumerGroup(group: ConsumerGroup): ConsumerGroupDescription {
  return {
    groupId: group.groupId,
    errorCode: ErrorCode.NONE,
    errorMessage: null,
    state: group.state,
    groupEpoch: group.groupEpoch,
    assignmentEpoch: group.assignmentEpoch,
    assignorName: group.assignorName,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      instanceId: m.instanceId,
      rackId: m.rackId,
      memberEpoch: m.memberEpoch,
      clientId: m.clientId,
      clientHost: m.clientHost,
      subscribedTopicNames: m.subscribedTopicNames,
      subscribedTopicRegex: m.subscribedTopicRegex,
      // Kafka reports what the member holds: usable partitions and those not yet released.
      assignment: toTopicAssignment([...m.assigned, ...m.pendingRevocation]),
      targetAssignment: toTopicAssignment(toKeys(group.target.get(m.memberId))),
    })),
  };
}

/**
 * DescribeGroups of a consumer group: its state, protocol type "consumer",
 * the assignor as protocol, and the members without classic metadata or
 * assignment bytes (they have none).
 */
export function describeAsClassic(group: ConsumerGroup): DescribedGroup {
  return {
    errorCode: ErrorCode.NONE,
    groupId: group.groupId,
    state: group.state,
    protocolType: 'consumer',
    protocolName: group.assignorName,
    members: [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.instanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      metadata: Buffer.alloc(0),
      assignment: Buffer.alloc(0),
    })),
  };
}
