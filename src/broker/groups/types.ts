// Plain request/result shapes between the API handlers and the coordinator.
// Handlers map them to each API version's wire layout.

/** How the group coordinator and its parts log. */
export type LogFn = (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;

export interface Protocol {
  name: string;
  metadata: Buffer;
}

export interface JoinRequest {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: Protocol[];
  sessionTimeoutMs: number;
  /** JoinGroup v0 has none: the session timeout is used. */
  rebalanceTimeoutMs: number;
  clientId: string;
  clientHost: string;
  /** JoinGroup v4+: an unknown member first gets an id and MEMBER_ID_REQUIRED. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader may be told to skip the assignment. */
  supportsSkipAssignment: boolean;
  reason?: string | null;
}

export interface JoinMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

export interface JoinResult {
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  skipAssignment: boolean;
  /** Filled for the leader only. */
  members: JoinMember[];
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** SyncGroup v5+; null when the client does not say. */
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveMember {
  memberId: string;
  groupInstanceId: string | null;
  reason?: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface GroupOverview {
  groupId: string;
  protocolType: string;
  state: string;
  /** "classic" or "consumer" (ListGroups v5). */
  groupType: string;
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  state: string;
  protocolType: string;
  protocolName: string;
  members: DescribedMember[];
}

/** One offset to commit (OffsetCommit, TxnOffsetCommit). */
export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  offset: number;
  /** -1 when unknown. */
  leaderEpoch?: number;
  metadata?: string | null;
}

export interface PartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

/** What OffsetCommit/TxnOffsetCommit say about the committing member (all optional). */
export interface CommitIdentity {
  memberId?: string;
  groupInstanceId?: string | null;
  /** -1 (the default) = not using group management. */
  generationId?: number;
}

export interface FetchedOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface OffsetFetchResult {
  errorCode: number;
  offsets: FetchedOffset[];
}
