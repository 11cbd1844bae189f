// The group coordinator: the broker's single entry point for consumer groups.
// It owns the groups (membership logic in membership.ts), the committed
// offsets (durable in __consumer_offsets, offset-store.ts) and the group
// admin APIs, and answers the metrics snapshot (snapshot.ts).
//
// On start, groups are rebuilt from __consumer_offsets: each group with
// committed offsets or a generation record comes back Empty, with its last
// generation and protocol type. Membership is not persisted: after a broker
// restart consumers get UNKNOWN_MEMBER_ID on their next heartbeat or commit
// and rejoin, then resume from their committed offsets.
//
// Every offsets.retention.check.interval.ms, committed offsets expire as in
// Kafka (offset-expiry.ts), and groups left with no member and no
// offsets are deleted, so groups that clients abandon do not pile up.
import { ErrorCode } from '../protocol/error-codes.js';
import { errorCodeOf, KafkaError } from '../errors.js';
import { writeErrorCode } from './write-error.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { ClassicGroup, joinError } from './group.js';
import { GroupState } from './group-state.js';
import { Membership, type MembershipConfig } from './membership.js';
import { OffsetStore } from './offset-store.js';
import { TimerScheduler, type Scheduler } from './scheduler.js';
import { snapshotConsumerGroup, snapshotGroup, type GroupSnapshot } from './snapshot.js';
import { DEFAULT_ASSIGNORS } from './assignors.js';
import { OffsetExpiry } from './offset-expiry.js';
import { writeOffsets, type CommitChecks } from './offset-writes.js';
import { ConsumerGroups, heartbeatError, type ConsumerGroupConfig, type ConsumerHeartbeatRequest, type ConsumerHeartbeatResult } from './consumer-groups.js';
import { describeAsClassic, type ConsumerGroupDescription } from './consumer-group-describe.js';
import type {
  CommitIdentity,
  DescribedGroup,
  FetchedOffset,
  GroupOverview,
  HeartbeatRequest,
  JoinRequest,
  JoinResult,
  LeaveMember,
  LeaveResult,
  LogFn,
  OffsetCommitEntry,
  OffsetFetchResult,
  PartitionError,
  SyncRequest,
  SyncResult,
} from './types.js';


export interface GroupCoordinatorOptions extends Partial<MembershipConfig> {
  /** offset.metadata.max.bytes: longer commit metadata is refused. Default 4096. */
  maxMetadataBytes?: number;
  /** Timers; tests pass a ManualScheduler. */
  scheduler?: Scheduler;
  /** See OffsetStoreOptions.compactMinRecords. */
  compactMinRecords?: number;
  /** The consumer group protocol (KIP-848): group.consumer.* settings. */
  consumer?: Partial<ConsumerGroupConfig>;
  /** offsets.retention.minutes, in ms: how long committed offsets outlive their group's members. Default 7 days. */
  offsetsRetentionMs?: number;
  /** offsets.retention.check.interval.ms: how often offsets expire and empty groups go. Default 600000. */
  offsetsRetentionCheckIntervalMs?: number;
  log?: LogFn;
}


const DEFAULTS: MembershipConfig = {
  initialRebalanceDelayMs: 3000,
  minSessionTimeoutMs: 6000,
  maxSessionTimeoutMs: 1_800_000,
  newMemberJoinTimeoutMs: 5 * 60 * 1000,
};

/** Group types (ListGroups v5 TypesFilter). */
const CLASSIC = 'classic';
const CONSUMER = 'consumer';

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>();
  private readonly membership: Membership;
  /** Groups of the consumer group protocol (KIP-848); a group id is in one map or the other. */
  private readonly consumer: ConsumerGroups;
  private readonly scheduler: Scheduler;
  private readonly maxMetadataBytes: number;
  private readonly expiry: OffsetExpiry;
  private readonly log: LogFn;
  private closed = false;

  private constructor(
    private readonly topics: TopicManager,
    private readonly store: OffsetStore,
    options: GroupCoordinatorOptions,
  ) {
    this.log = options.log ?? (() => {});
    this.scheduler = options.scheduler ?? new TimerScheduler((err) => this.log('error', 'group timer failed', { error: String(err) }));
    this.maxMetadataBytes = options.maxMetadataBytes ?? 4096;
    const config: MembershipConfig = {
      initialRebalanceDelayMs: options.initialRebalanceDelayMs ?? DEFAULTS.initialRebalanceDelayMs,
      minSessionTimeoutMs: options.minSessionTimeoutMs ?? DEFAULTS.minSessionTimeoutMs,
      maxSessionTimeoutMs: options.maxSessionTimeoutMs ?? DEFAULTS.maxSessionTimeoutMs,
      newMemberJoinTimeoutMs: options.newMemberJoinTimeoutMs ?? DEFAULTS.newMemberJoinTimeoutMs,
    };
    this.membership = new Membership(this.groups, this.scheduler, config, {
      onNewGeneration: (group) => this.persistGeneration(group),
      onAbandoned: (group) => this.forgetIfUnused(group),
      log: this.log,
    });
    this.consumer = new ConsumerGroups(topics, this.scheduler, {
      heartbeatIntervalMs: options.consumer?.heartbeatIntervalMs ?? 5000,
      sessionTimeoutMs: options.consumer?.sessionTimeoutMs ?? 45_000,
      assignors: options.consumer?.assignors ?? DEFAULT_ASSIGNORS,
    }, {
      state: (id) => {
        const g = this.groups.get(id);
        return !g || g.is(GroupState.Dead) ? 'none' : g.is(GroupState.Empty) && g.size === 0 ? 'empty' : 'active';
      },
      forget: (id) => this.groups.delete(id),
    }, this.log);
    for (const groupId of store.knownGroups()) {
      const meta = store.groupMetadata(groupId);
      // Empty since the state timestamp it was stored with (Kafka's base for expiring its offsets).
      const group = new ClassicGroup(groupId, meta && meta.stateTimestamp > 0 ? meta.stateTimestamp : this.scheduler.now());
      if (meta) {
        group.generationId = meta.generation;
        group.protocolType = meta.protocolType === '' ? null : meta.protocolType;
      }
      this.groups.set(groupId, group);
    }
    this.expiry = new OffsetExpiry(
      { groups: this.groups, consumer: this.consumer, store, scheduler: this.scheduler, membership: this.membership, log: this.log, isClosed: () => this.closed },
      options.offsetsRetentionMs ?? 7 * 24 * 3600_000,
      options.offsetsRetentionCheckIntervalMs ?? 600_000,
    );
    this.expiry.schedule();
  }

  /** Opens (creating if needed) and replays __consumer_offsets. */
  static async open(topics: TopicManager, options: GroupCoordinatorOptions = {}): Promise<GroupCoordinator> {
    const store = await OffsetStore.open(topics, { compactMinRecords: options.compactMinRecords, log: options.log });
    return new GroupCoordinator(topics, store, options);
  }

  /** The live group object (tests and diagnostics; treat as read-only). */
  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  // ---- Membership (JoinGroup, SyncGroup, Heartbeat, LeaveGroup) ----

  joinGroup(req: JoinRequest): Promise<JoinResult> {
    if (this.closed) return Promise.resolve({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId: req.memberId, skipAssignment: false, members: [] });
    // As Kafka without group migration: a classic member cannot join a consumer group that has members.
    if ((this.consumer.get(req.groupId)?.members.size ?? 0) > 0) return Promise.resolve(joinError(req.memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    this.consumer.drop(req.groupId);
    return this.membership.join(req);
  }

  syncGroup(req: SyncRequest): Promise<SyncResult> {
    if (this.closed) return Promise.resolve({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    return this.membership.sync(req);
  }

  heartbeat(req: HeartbeatRequest): number {
    if (this.closed) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    return this.membership.heartbeat(req);
  }

  leaveGroup(groupId: string, members: LeaveMember[]): LeaveResult {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    return this.membership.leave(groupId, members);
  }

  // ---- The consumer group protocol (ConsumerGroupHeartbeat, ConsumerGroupDescribe) ----

  consumerGroupHeartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    return this.closed ? heartbeatError(ErrorCode.COORDINATOR_NOT_AVAILABLE) : this.consumer.heartbeat(req);
  }

  consumerGroupDescribe(groupIds: string[]): ConsumerGroupDescription[] {
    return this.consumer.describe(groupIds, this.closed);
  }

  // ---- Group admin (DescribeGroups, ListGroups, DeleteGroups) ----

  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId): DescribedGroup => {
      const dead: DescribedGroup = { errorCode: ErrorCode.NONE, groupId, state: GroupState.Dead, protocolType: '', protocolName: '', members: [] };
      if (this.closed) return { ...dead, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, state: '' };
      if (groupId === '') return { ...dead, errorCode: ErrorCode.INVALID_GROUP_ID, state: '' };
      const consumerGroup = this.consumer.get(groupId);
      if (consumerGroup) return describeAsClassic(consumerGroup);
      const group = this.groups.get(groupId);
      if (!group || group.is(GroupState.Dead)) return dead;
      // Metadata and assignments are only meaningful for a Stable group (Kafka's rule).
      const stable = group.is(GroupState.Stable);
      return {
        errorCode: ErrorCode.NONE,
        groupId,
        state: group.state,
        protocolType: group.protocolType ?? '',
        protocolName: stable ? (group.protocolName ?? '') : '',
        members: group.allMembers().map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: stable ? m.metadata(group.protocolName) : Buffer.alloc(0),
          assignment: stable ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  }

  /** Every live group; states match case-insensitively (ListGroups v4+), types ("classic", "consumer") too (v5+). */
  listGroups(statesFilter: string[] = [], typesFilter: string[] = []): GroupOverview[] {
    const states = new Set(statesFilter.map((s) => s.trim().toLowerCase()));
    const types = new Set(typesFilter.map((t) => t.trim().toLowerCase()));
    const all: GroupOverview[] = [
      ...[...this.groups.values()].filter((g) => !g.is(GroupState.Dead))
        .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType ?? '', state: g.state as string, groupType: CLASSIC })),
      ...[...this.consumer.groups.values()].map((g) => ({ groupId: g.groupId, protocolType: CONSUMER, state: g.state as string, groupType: CONSUMER })),
    ];
    return all.filter((g) => (types.size === 0 || types.has(g.groupType)) && (states.size === 0 || states.has(g.state.toLowerCase())));
  }

  /** Only Empty groups can be deleted; their offsets go with them. */
  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    const results: { groupId: string; errorCode: number }[] = [];
    for (const groupId of groupIds) {
      if (this.closed) {
        results.push({ groupId, errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE });
        continue;
      }
      const consumerGroup = this.consumer.get(groupId);
      if (consumerGroup) {
        if (consumerGroup.members.size > 0) {
          results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
          continue;
        }
        this.consumer.drop(groupId);
        results.push({ groupId, errorCode: await this.store.deleteGroup(groupId).then(() => ErrorCode.NONE, writeErrorCode) });
        continue;
      }
      const group = this.groups.get(groupId);
      if (!group || group.is(GroupState.Dead)) {
        results.push({ groupId, errorCode: ErrorCode.GROUP_ID_NOT_FOUND });
        continue;
      }
      if (!group.is(GroupState.Empty)) {
        results.push({ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP });
        continue;
      }
      group.transitionTo(GroupState.Dead, this.scheduler.now());
      this.membership.unload(group, ErrorCode.COORDINATOR_NOT_AVAILABLE);
      this.groups.delete(groupId);
      try {
        await this.store.deleteGroup(groupId);
        results.push({ groupId, errorCode: ErrorCode.NONE });
      } catch (err) {
        results.push({ groupId, errorCode: writeErrorCode(err) });
      }
    }
    return results;
  }

  // ---- Offsets (OffsetCommit, OffsetFetch, OffsetDelete) ----

  /**
   * OffsetCommit. Group errors (unknown member, stale generation, rebalance
   * in progress...) apply to every partition; then each partition is
   * checked (metadata size, partition exists) and the accepted ones are
   * written and flushed before this resolves.
   */
  async commitOffsets(groupId: string, identity: CommitIdentity, entries: OffsetCommitEntry[], apiVersion = 9): Promise<PartitionError[]> {
    let group: ClassicGroup;
    try {
      const consumerGroup = this.consumer.get(groupId);
      if (consumerGroup) {
        // OffsetCommit v9+: generationIdOrMemberEpoch is the member epoch.
        if (this.closed) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        this.consumer.validateCommit(consumerGroup, identity.memberId ?? '', identity.generationId ?? -1, apiVersion);
        return writeOffsets(this.commitChecks(), entries, (writes) => this.store.commit(groupId, writes));
      }
      group = this.validateCommit(groupId, identity, false, apiVersion);
    } catch (err) {
      const code = errorCodeOf(err);
      return entries.map((e) => ({ topic: e.topic, partition: e.partition, errorCode: code }));
    }
    // A commit from a member keeps its session alive, as a heartbeat would.
    const member = identity.memberId ? group.member(identity.memberId) : undefined;
    if (member && (group.is(GroupState.Stable) || group.is(GroupState.PreparingRebalance))) this.membership.rescheduleHeartbeat(group, member);
    return writeOffsets(this.commitChecks(), entries, (writes) => this.store.commit(groupId, writes));
  }

  /**
   * OffsetFetch for one group. `topics` null = every committed offset.
   * Partitions without a committed offset answer -1. With `requireStable`,
   * partitions with a pending transactional offset answer UNSTABLE_OFFSET_COMMIT.
   */
  fetchOffsets(groupId: string, topics: { topic: string; partitions: number[] }[] | null, requireStable = false): OffsetFetchResult {
    if (this.closed) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, offsets: [] };
    const group = this.groups.get(groupId);
    const dead = (!group || group.is(GroupState.Dead)) && !this.consumer.get(groupId);
    const answer = (topic: string, partition: number): FetchedOffset => {
      if (requireStable && this.store.hasPending(groupId, topic, partition)) {
        return { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };
      }
      const stored = dead ? undefined : this.store.get(groupId, topic, partition);
      if (!stored) return { topic, partition, offset: -1, leaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
      return { topic, partition, offset: stored.offset, leaderEpoch: stored.leaderEpoch, metadata: stored.metadata, errorCode: ErrorCode.NONE };
    };
    const offsets: FetchedOffset[] = [];
    if (topics === null) {
      if (!dead) {
        for (const [topic, parts] of this.store.groupOffsets(groupId)) {
          for (const partition of [...parts.keys()].sort((a, b) => a - b)) offsets.push(answer(topic, partition));
        }
      }
    } else {
      for (const t of topics) for (const p of t.partitions) offsets.push(answer(t.topic, p));
    }
    return { errorCode: ErrorCode.NONE, offsets };
  }

  /**
   * OffsetDelete: the group must exist; a non-empty group must use the
   * consumer protocol and not be subscribed to the topic
   * (GROUP_SUBSCRIBED_TO_TOPIC); other groups answer NON_EMPTY_GROUP.
   */
  async deleteOffsets(groupId: string, topics: { topic: string; partitions: number[] }[]): Promise<{ errorCode: number; partitions: PartitionError[] }> {
    const fail = (errorCode: number) => ({ errorCode, partitions: [] });
    if (this.closed) return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (groupId === '') return fail(ErrorCode.INVALID_GROUP_ID);
    const consumerGroup = this.consumer.get(groupId);
    const group = this.groups.get(groupId);
    if (!consumerGroup && (!group || group.is(GroupState.Dead))) return fail(ErrorCode.GROUP_ID_NOT_FOUND);
    const empty = consumerGroup ? consumerGroup.members.size === 0 : group!.is(GroupState.Empty);
    if (!empty && !consumerGroup && !group!.usesConsumerProtocol) return fail(ErrorCode.NON_EMPTY_GROUP);
    const subscribed = (topic: string) => (consumerGroup ? this.consumer.isSubscribed(consumerGroup, topic) : group!.isSubscribedToTopic(topic));
    const partitions: PartitionError[] = [];
    const doomed: { topic: string; partition: number }[] = [];
    for (const t of topics) {
      const known = this.topics.get(t.topic);
      for (const partition of t.partitions) {
        let errorCode: number = ErrorCode.NONE;
        if (!known || !known.partitions[partition]) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (!empty && subscribed(t.topic)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else doomed.push({ topic: t.topic, partition });
        partitions.push({ topic: t.topic, partition, errorCode });
      }
    }
    try {
      await this.store.deleteOffsets(groupId, doomed);
    } catch (err) {
      return fail(writeErrorCode(err));
    }
    return { errorCode: ErrorCode.NONE, partitions };
  }

  // ---- Transactional offsets (for TxnOffsetCommit and EndTxn) ----

  /**
   * TxnOffsetCommit: validates like an offset commit (member and generation
   * only when the request names them; no rebalance check), then stores the
   * offsets as pending for the producer: durable, invisible to OffsetFetch
   * (UNSTABLE_OFFSET_COMMIT with requireStable) until completeTxnOffsets.
   */
  async prepareTxnOffsets(groupId: string, producerId: number, producerEpoch: number, offsets: OffsetCommitEntry[],
    identity: CommitIdentity = {}): Promise<PartitionError[]> {
    try {
      if (groupId === '') throw new KafkaError(ErrorCode.INVALID_GROUP_ID);
      const consumerGroup = this.consumer.get(groupId);
      if (consumerGroup) {
        if (identity.memberId || (identity.generationId ?? -1) >= 0) this.consumer.validateCommit(consumerGroup, identity.memberId ?? '', identity.generationId ?? -1, 9);
      } else {
        this.validateCommit(groupId, identity, true, 0);
      }
    } catch (err) {
      const code = errorCodeOf(err);
      return offsets.map((e) => ({ topic: e.topic, partition: e.partition, errorCode: code }));
    }
    return writeOffsets(this.commitChecks(), offsets, (writes) => this.store.prepareTxn(groupId, producerId, producerEpoch, writes));
  }

  /** EndTxn: the producer's pending offsets become committed (written, flushed, visible) or are dropped. */
  completeTxnOffsets(producerId: number, commit: boolean): Promise<void> {
    return this.store.completeTxn(producerId, commit);
  }

  /**
   * Forgets every group's offsets for deleted topics (Kafka does this when a
   * topic goes, so a topic re-created under the same name starts clean).
   * For DeleteTopics to call once the topic is gone.
   */
  async deleteOffsetsForTopics(topics: string[]): Promise<void> {
    const names = new Set(topics);
    for (const groupId of this.store.knownGroups()) {
      const doomed: { topic: string; partition: number }[] = [];
      for (const [topic, parts] of this.store.groupOffsets(groupId)) {
        if (names.has(topic)) for (const partition of parts.keys()) doomed.push({ topic, partition });
      }
      if (doomed.length > 0) await this.store.deleteOffsets(groupId, doomed);
    }
  }

  /** A group's committed offsets for one topic, indexed by partition (-1 where none). */
  committedOffsets(groupId: string, topic: string): number[] {
    const count = this.topics.get(topic)?.partitions.length ?? 0;
    const parts = this.store.groupOffsets(groupId).get(topic);
    return Array.from({ length: count }, (_, p) => parts?.get(p)?.offset ?? -1);
  }

  // ---- Metrics ----

  /** Plain-data snapshot of every group for the metrics and the dashboard. */
  describeAll(): GroupSnapshot[] {
    return [
      ...[...this.groups.values()].filter((g) => !g.is(GroupState.Dead)).map((g) => snapshotGroup(g, this.store, this.topics)),
      ...[...this.consumer.groups.values()].map((g) => snapshotConsumerGroup(g, this.store, this.topics, this.consumer.sessionTimeoutMs)),
    ].sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  // ---- Expiry ----

  /** Kafka's offsets cleanup, as offset-expiry.ts runs it on its timer; public for tests. */
  expireOffsets(): Promise<{ offsets: number; groups: string[] }> {
    return this.expiry.run();
  }

  // ---- Lifecycle ----

  /** Answers parked requests, cancels every timer, waits for a running offsets compaction. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const group of this.groups.values()) this.membership.unload(group, ErrorCode.NOT_COORDINATOR);
    this.scheduler.cancelAll();
    await this.store.close();
  }

  // ---- Internals ----

  /** Kafka's offset-commit validation; returns the group (creating a simple one for generation -1). */
  private validateCommit(groupId: string, identity: CommitIdentity, isTransactional: boolean, apiVersion: number): ClassicGroup {
    if (this.closed) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const generationId = identity.generationId ?? -1;
    const memberId = identity.memberId ?? '';
    const instanceId = identity.groupInstanceId ?? null;
    let group = this.groups.get(groupId);
    if (!group) {
      if (generationId >= 0) {
        // OffsetCommit v9+ says so; older versions (and TxnOffsetCommit) answer ILLEGAL_GENERATION.
        throw new KafkaError(!isTransactional && apiVersion >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION);
      }
      // Not using group management: a "simple" group that only stores offsets.
      group = new ClassicGroup(groupId, this.scheduler.now());
      this.groups.set(groupId, group);
    }
    if (group.is(GroupState.Dead)) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE);
    if (generationId < 0 && group.is(GroupState.Empty)) return group;
    if (generationId >= 0 || memberId !== '' || instanceId !== null) {
      group.validateMember(memberId, instanceId);
      if (generationId !== group.generationId) throw new KafkaError(ErrorCode.ILLEGAL_GENERATION);
    } else if (!isTransactional && !group.is(GroupState.Empty)) {
      // No member, no generation (OffsetCommit v0): only for groups nobody is in.
      throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID);
    }
    // Members that have not synced yet must not commit (their assignment may change).
    if (!isTransactional && group.is(GroupState.CompletingRebalance)) throw new KafkaError(ErrorCode.REBALANCE_IN_PROGRESS);
    return group;
  }

  private commitChecks(): CommitChecks {
    return { now: this.scheduler.now(), maxMetadataBytes: this.maxMetadataBytes, topics: this.topics, log: this.log };
  }

  private persistGeneration(group: ClassicGroup): void {
    this.store
      .storeGroupMetadata(group.groupId, {
        protocolType: group.protocolType ?? '',
        generation: group.generationId,
        protocol: group.protocolName,
        leader: group.leaderId,
        stateTimestamp: group.fsm.stateTimestamp,
      })
      .catch((err) => this.log('warn', 'could not persist group generation', { group: group.groupId, error: String(err) }));
  }

  /** Drops a group created by a join that failed before anything happened in it. */
  private forgetIfUnused(group: ClassicGroup): void {
    const id = group.groupId;
    if (this.groups.get(id) !== group || group.generationId !== 0) return;
    if (this.store.hasOffsets(id) || this.store.groupMetadata(id) || this.store.pendingCount(id) > 0) return;
    group.transitionTo(GroupState.Dead, this.scheduler.now());
    this.groups.delete(id);
  }
}
