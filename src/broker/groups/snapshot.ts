// Plain-data view of a group for metrics and the dashboard: state, protocol,
// generation, members with their decoded assignments (consumer protocol) or
// raw bytes, and committed offsets with lag against the partition's log end.
import type { TopicManager } from '../topics/topic-manager.js';
import type { ClassicGroup } from './group.js';
import { decodeAssignment, decodeSubscription, tryDecode, type TopicPartitions } from './consumer-protocol.js';
import type { OffsetStore } from './offset-store.js';
import { toTopicAssignment, type ConsumerGroup } from './consumer-group.js';

export interface MemberSnapshot {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  isLeader: boolean;
  /** Topics in the member's subscription (consumer protocol), else null. */
  subscription: string[] | null;
  /** Decoded assignment (consumer protocol), else null. */
  assignment: TopicPartitions[] | null;
  /** The assignment bytes as the leader sent them. */
  assignmentBytes: Buffer;
}

export interface OffsetSnapshot {
  topic: string;
  partition: number;
  committedOffset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestamp: number;
  /** null when the partition no longer exists. */
  logEndOffset: number | null;
  /** logEndOffset − committedOffset (never negative); null when unknown. */
  lag: number | null;
}

export interface GroupSnapshot {
  groupId: string;
  state: string;
  /** When the group entered its state (ms since the epoch). */
  stateSince: number;
  protocolType: string | null;
  protocolName: string | null;
  generationId: number;
  leaderId: string | null;
  members: MemberSnapshot[];
  offsets: OffsetSnapshot[];
  /** Sum of the known per-partition lags. */
  totalLag: number;
  /** Transactional offsets waiting for their transaction's outcome. */
  pendingTxnOffsets: number;
}

export function snapshotGroup(group: ClassicGroup, store: OffsetStore, topics: TopicManager): GroupSnapshot {
  const consumer = group.usesConsumerProtocol;
  const members = group.allMembers().map((m): MemberSnapshot => ({
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs: m.sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    isLeader: group.isLeader(m.memberId),
    subscription: consumer && group.protocolName !== null ? (tryDecode(decodeSubscription, m.metadata(group.protocolName))?.topics ?? null) : null,
    assignment: consumer ? (tryDecode(decodeAssignment, m.assignment)?.assignedPartitions ?? null) : null,
    assignmentBytes: m.assignment,
  }));
  return {
    groupId: group.groupId,
    state: group.state,
    stateSince: group.fsm.stateTimestamp,
    protocolType: group.protocolType,
    protocolName: group.protocolName,
    generationId: group.generationId,
    leaderId: group.leaderId,
    members,
    ...offsetsOf(group.groupId, store, topics),
  };
}

/**
 * A group of the consumer group protocol (KIP-848): protocol type "consumer",
 * the assignor as protocol, the group epoch as generation, no leader; each
 * member's assignment is what it holds now.
 */
export function snapshotConsumerGroup(group: ConsumerGroup, store: OffsetStore, topics: TopicManager, sessionTimeoutMs: number): GroupSnapshot {
  const members = [...group.members.values()].map((m): MemberSnapshot => ({
    memberId: m.memberId,
    groupInstanceId: m.instanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    sessionTimeoutMs,
    rebalanceTimeoutMs: m.rebalanceTimeoutMs,
    isLeader: false,
    subscription: m.subscribedTopicNames,
    assignment: [...toTopicAssignment([...m.assigned, ...m.pendingRevocation])].map(([topic, partitions]) => ({ topic, partitions })),
    assignmentBytes: Buffer.alloc(0),
  }));
  return {
    groupId: group.groupId,
    state: group.state,
    stateSince: group.epochSince,
    protocolType: 'consumer',
    protocolName: group.assignorName,
    generationId: group.groupEpoch,
    leaderId: null,
    members,
    ...offsetsOf(group.groupId, store, topics),
  };
}

function offsetsOf(groupId: string, store: OffsetStore, topics: TopicManager): Pick<GroupSnapshot, 'offsets' | 'totalLag' | 'pendingTxnOffsets'> {
  const offsets: OffsetSnapshot[] = [];
  let totalLag = 0;
  for (const [topic, parts] of [...store.groupOffsets(groupId)].sort(([a], [b]) => a.localeCompare(b))) {
    for (const [partition, v] of [...parts].sort(([a], [b]) => a - b)) {
      const p = topics.partition(topic, partition);
      const logEndOffset = p ? p.highWatermark : null;
      const lag = logEndOffset === null ? null : Math.max(logEndOffset - v.offset, 0);
      if (lag !== null) totalLag += lag;
      offsets.push({ topic, partition, committedOffset: v.offset, leaderEpoch: v.leaderEpoch, metadata: v.metadata, commitTimestamp: v.commitTimestamp, logEndOffset, lag });
    }
  }
  return { offsets, totalLag, pendingTxnOffsets: store.pendingCount(groupId) };
}
