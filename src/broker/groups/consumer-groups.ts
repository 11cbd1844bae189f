// The consumer group protocol (KIP-848) side of the coordinator: every
// ConsumerGroupHeartbeat goes through here. A member joins with epoch 0 (the
// broker names it when it sends no member id), heartbeats with its epoch and
// the partitions it owns, leaves with -1 (a static member with -2, keeping
// its place until its session times out). The broker computes the target
// assignment (uniform or range, group.consumer.assignors) whenever
// membership, subscriptions or the subscribed topics' partition counts
// change, and hands it out one heartbeat at a time (consumer-group.ts).
// Timers: session (group.consumer.session.timeout.ms from each heartbeat)
// and revocation (the member's rebalance timeout); either expiring removes
// the member.
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';
import type { TopicManager } from '../topics/topic-manager.js';
import { ASSIGNORS, type TopicAssignment } from './assignors.js';
import { ConsumerGroup, ConsumerMember, LEAVE_EPOCH, STATIC_LEAVE_EPOCH, toKeys, toTopicAssignment, type PartitionKey, partitionKey } from './consumer-group.js';
import type { Scheduler } from './scheduler.js';
import type { LogFn } from './types.js';
import { describeConsumerGroup, type ConsumerGroupDescription } from './consumer-group-describe.js';

export interface ConsumerGroupConfig {
  /** group.consumer.heartbeat.interval.ms. Default 5000. */
  heartbeatIntervalMs: number;
  /** group.consumer.session.timeout.ms. Default 45000. */
  sessionTimeoutMs: number;
  /** group.consumer.assignors: the first is the default. */
  assignors: readonly string[];
}

export interface ConsumerHeartbeatRequest {
  groupId: string;
  memberId: string;
  memberEpoch: number;
  instanceId: string | null;
  rackId: string | null;
  rebalanceTimeoutMs: number;
  subscribedTopicNames: string[] | null;
  subscribedTopicRegex: string | null;
  serverAssignor: string | null;
  /** Owned partitions by topic name (ids already resolved); null = unchanged. */
  topicPartitions: { topic: string; partitions: number[] }[] | null;
  clientId: string;
  clientHost: string;
}

export interface ConsumerHeartbeatResult {
  errorCode: number;
  errorMessage: string | null;
  memberId: string | null;
  memberEpoch: number;
  heartbeatIntervalMs: number;
  /** Only when it changed since the member was last told. */
  assignment: TopicAssignment | null;
}

/** The classic side of the coordinator, as far as a group id's owner goes. */
export interface ClassicGroups {
  /** 'empty': known but nobody in it (offsets only), which a consumer group may take over. */
  state(groupId: string): 'none' | 'empty' | 'active';
  forget(groupId: string): void;
}


export const heartbeatError = (errorCode: number, errorMessage: string | null = null): ConsumerHeartbeatResult => ({
  errorCode, errorMessage, memberId: null, memberEpoch: -1, heartbeatIntervalMs: 0, assignment: null,
});

/** A subscription regex (Kafka uses RE2/J): whole-name match; undefined when JavaScript cannot compile it. */
function compileRegex(source: string): RegExp | undefined {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch {
    return undefined;
  }
}

export class ConsumerGroups {
  readonly groups = new Map<string, ConsumerGroup>();

  constructor(
    private readonly topics: TopicManager,
    private readonly scheduler: Scheduler,
    private readonly config: ConsumerGroupConfig,
    private readonly classic: ClassicGroups,
    private readonly log: LogFn,
  ) {
    for (const name of config.assignors) if (!ASSIGNORS.has(name)) throw new RangeError(`unknown consumer group assignor "${name}"`);
    if (config.assignors.length === 0) throw new RangeError('group.consumer.assignors must name at least one assignor');
  }

  get sessionTimeoutMs(): number {
    return this.config.sessionTimeoutMs;
  }

  get(groupId: string): ConsumerGroup | undefined {
    return this.groups.get(groupId);
  }

  heartbeat(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    try {
      return this.handle(req);
    } catch (err) {
      if (err instanceof KafkaError) return heartbeatError(err.code, err.message);
      throw err;
    }
  }

  /** Forgets a group and its timers (DeleteGroups of an Empty group, broker close). */
  drop(groupId: string): void {
    const group = this.groups.get(groupId);
    if (!group) return;
    for (const id of group.members.keys()) this.cancelTimers(groupId, id);
    this.groups.delete(groupId);
  }

  /** ConsumerGroupDescribe: classic and unknown ids are GROUP_ID_NOT_FOUND. */
  describe(groupIds: string[], closed: boolean): ConsumerGroupDescription[] {
    return groupIds.map((groupId) => {
      const failed = (errorCode: number, errorMessage: string | null = null): ConsumerGroupDescription => ({ groupId, errorCode, errorMessage, state: '', groupEpoch: -1, assignmentEpoch: -1, assignorName: '', members: [] });
      if (closed) return failed(ErrorCode.COORDINATOR_NOT_AVAILABLE);
      if (groupId === '') return failed(ErrorCode.INVALID_GROUP_ID);
      const group = this.groups.get(groupId);
      if (group) return describeConsumerGroup(group);
      return failed(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${groupId} ${this.classic.state(groupId) === 'none' ? 'not found' : 'is not a consumer group'}.`);
    });
  }

  /** OffsetDelete: a topic some member subscribes to (by name or regex). */
  isSubscribed(group: ConsumerGroup, topic: string): boolean {
    return [...group.members.values()].some((m) => this.subscribedTopics(m).includes(topic) || m.subscribedTopicNames.includes(topic));
  }

  private handle(req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    this.validate(req);
    const classic = this.classic.state(req.groupId);
    // As Kafka without group migration: the id of a classic group with members is not a consumer group.
    if (classic === 'active') throw new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group ${req.groupId} is not a consumer group.`);
    // An empty classic group (offsets only) becomes a consumer group; its offsets stay.
    if (classic === 'empty' && req.memberEpoch === 0) this.classic.forget(req.groupId);
    let group = this.groups.get(req.groupId);
    if (req.memberEpoch === LEAVE_EPOCH || req.memberEpoch === STATIC_LEAVE_EPOCH) return this.leave(group, req);
    if (!group) {
      // A heartbeat for a group this broker does not know (e.g. after a restart): rejoin.
      if (req.memberEpoch !== 0) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `group ${req.groupId} has no member ${req.memberId}`);
      group = new ConsumerGroup(req.groupId, this.config.assignors[0]!);
      this.groups.set(req.groupId, group);
    }
    let member: ConsumerMember;
    let changed = false;
    if (req.memberEpoch === 0) {
      ({ member, changed } = this.join(group, req));
    } else {
      member = this.existingMember(group, req);
    }
    changed = this.updateSubscription(member, req) || changed;
    this.scheduleSession(group, member);
    if (req.topicPartitions !== null) {
      const owned = new Set<PartitionKey>();
      for (const t of req.topicPartitions) for (const p of t.partitions) owned.add(partitionKey(t.topic, p));
      if (group.releaseUnowned(member, owned)) this.scheduler.cancel(this.timerKey(group.groupId, member.memberId, 'revoke'));
    }
    if (changed || this.partitionsChanged(group)) this.bumpAndAssign(group);
    const { revoking } = group.reconcile(member);
    if (revoking) this.scheduleRevocation(group, member);
    const assignment = toTopicAssignment(member.assigned);
    const sent = JSON.stringify([member.memberEpoch, [...assignment]]);
    const tell = sent !== member.lastSent || req.memberEpoch === 0;
    member.lastSent = sent;
    return {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      memberId: member.memberId,
      memberEpoch: member.memberEpoch,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs,
      assignment: tell ? assignment : null,
    };
  }

  private validate(req: ConsumerHeartbeatRequest): void {
    const invalid = (msg: string) => new KafkaError(ErrorCode.INVALID_REQUEST, msg);
    if (req.groupId === '') throw invalid('GroupId can\'t be empty.');
    if (req.memberEpoch < STATIC_LEAVE_EPOCH) throw invalid(`MemberEpoch ${req.memberEpoch} is invalid.`);
    if (req.memberEpoch !== 0 && req.memberId === '') throw invalid('MemberId can\'t be empty.');
    if (req.memberEpoch === STATIC_LEAVE_EPOCH && req.instanceId === null) throw invalid('InstanceId can\'t be null when leaving with MemberEpoch -2.');
    if (req.memberEpoch === 0) {
      if (req.rebalanceTimeoutMs === -1) throw invalid('RebalanceTimeoutMs must be provided in first request.');
      if (req.subscribedTopicNames === null && req.subscribedTopicRegex === null) throw invalid('SubscribedTopicNames or SubscribedTopicRegex must be set in first request.');
    }
    if (req.serverAssignor !== null && !this.config.assignors.includes(req.serverAssignor)) {
      throw new KafkaError(ErrorCode.UNSUPPORTED_ASSIGNOR, `ServerAssignor ${req.serverAssignor} is not supported. Supported assignors: ${this.config.assignors.join(', ')}.`);
    }
    if (req.subscribedTopicRegex !== null && req.subscribedTopicRegex !== '' && !compileRegex(req.subscribedTopicRegex)) {
      throw new KafkaError(ErrorCode.INVALID_REGULAR_EXPRESSION, `SubscribedTopicRegex ${req.subscribedTopicRegex} is not a valid regular expression.`);
    }
  }

  private join(group: ConsumerGroup, req: ConsumerHeartbeatRequest): { member: ConsumerMember; changed: boolean } {
    if (req.instanceId !== null) {
      const previousId = group.staticMembers.get(req.instanceId);
      const previous = previousId === undefined ? undefined : group.members.get(previousId);
      if (previous && !previous.leftTemporarily && previous.memberId !== req.memberId) {
        throw new KafkaError(ErrorCode.UNRELEASED_INSTANCE_ID, `Static member ${req.instanceId} is still in group ${group.groupId} as ${previous.memberId}.`);
      }
      if (previous) {
        // The static member comes back: it takes over its old place, epoch and partitions (no rebalance).
        const target = group.target.get(previous.memberId);
        this.cancelTimers(group.groupId, previous.memberId);
        group.remove(previous.memberId);
        const member = new ConsumerMember(req.memberId || randomUUID(), req.instanceId, req.clientId, req.clientHost);
        Object.assign(member, {
          memberEpoch: previous.previousMemberEpoch, previousMemberEpoch: previous.previousMemberEpoch,
          subscribedTopicNames: previous.subscribedTopicNames, subscribedTopicRegex: previous.subscribedTopicRegex,
          serverAssignor: previous.serverAssignor, assigned: previous.assigned, pendingRevocation: previous.pendingRevocation,
        });
        group.add(member);
        if (target) group.target.set(member.memberId, target);
        return { member, changed: false };
      }
    }
    let changed = true;
    if (req.memberId !== '' && group.members.has(req.memberId)) {
      // Rejoining under its id (after being fenced or losing its state): start over.
      this.cancelTimers(group.groupId, req.memberId);
      group.remove(req.memberId);
    }
    const member = new ConsumerMember(req.memberId || randomUUID(), req.instanceId, req.clientId, req.clientHost);
    group.add(member);
    this.log('info', 'consumer group member joined', { group: group.groupId, member: member.memberId });
    return { member, changed };
  }

  private existingMember(group: ConsumerGroup, req: ConsumerHeartbeatRequest): ConsumerMember {
    const member = group.members.get(req.memberId);
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${group.groupId}.`);
    if (req.instanceId !== null && group.staticMembers.get(req.instanceId) !== member.memberId) {
      throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Instance ${req.instanceId} belongs to another member.`);
    }
    // Kafka's rule: a newer epoch than the broker's is fenced; an older one is only
    // accepted as the previous epoch (its last answer was lost) owning nothing beyond its assignment.
    const fenced = () => new KafkaError(ErrorCode.FENCED_MEMBER_EPOCH, `The consumer group member has a ${req.memberEpoch > member.memberEpoch ? 'greater' : 'smaller'} member epoch (${req.memberEpoch}) than the one known by the group coordinator (${member.memberEpoch}). The member must abandon all its partitions and rejoin.`);
    if (req.memberEpoch > member.memberEpoch) throw fenced();
    if (req.memberEpoch < member.memberEpoch) {
      if (req.memberEpoch !== member.previousMemberEpoch || req.topicPartitions === null) throw fenced();
      const owned = req.topicPartitions.flatMap((t) => t.partitions.map((p) => partitionKey(t.topic, p)));
      if (!owned.every((k) => member.assigned.has(k))) throw fenced();
    }
    return member;
  }

  /** Applies the subscription fields that were sent; true when the target must be recomputed. */
  private updateSubscription(member: ConsumerMember, req: ConsumerHeartbeatRequest): boolean {
    let changed = false;
    if (req.subscribedTopicNames !== null) {
      const names = [...new Set(req.subscribedTopicNames)].sort();
      if (JSON.stringify(names) !== JSON.stringify(member.subscribedTopicNames)) changed = true;
      member.subscribedTopicNames = names;
    }
    if (req.subscribedTopicRegex !== null) {
      const regex = req.subscribedTopicRegex === '' ? null : req.subscribedTopicRegex;
      if (regex !== member.subscribedTopicRegex) changed = true;
      member.subscribedTopicRegex = regex;
    }
    if (req.serverAssignor !== null && req.serverAssignor !== member.serverAssignor) {
      member.serverAssignor = req.serverAssignor;
      changed = true;
    }
    if (req.rebalanceTimeoutMs !== -1) member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    if (req.rackId !== null) member.rackId = req.rackId;
    return changed;
  }

  private leave(group: ConsumerGroup | undefined, req: ConsumerHeartbeatRequest): ConsumerHeartbeatResult {
    const memberId = req.instanceId !== null ? group?.staticMembers.get(req.instanceId) : req.memberId;
    const member = memberId === undefined ? undefined : group?.members.get(memberId);
    if (!group || !member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `Member ${req.memberId} is not a member of group ${req.groupId}.`);
    if (req.instanceId !== null && member.memberId !== req.memberId) {
      throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `Instance ${req.instanceId} belongs to member ${member.memberId}.`);
    }
    if (req.memberEpoch === STATIC_LEAVE_EPOCH) {
      // Keeps its partitions (nobody else gets them) until it rejoins or its session expires.
      if (!member.leftTemporarily) member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = STATIC_LEAVE_EPOCH;
      this.scheduler.cancel(this.timerKey(group.groupId, member.memberId, 'revoke'));
      this.scheduleSession(group, member);
    } else {
      this.removeMember(group, member.memberId, 'left');
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, memberId: member.memberId, memberEpoch: req.memberEpoch, heartbeatIntervalMs: 0, assignment: null };
  }

  private removeMember(group: ConsumerGroup, memberId: string, why: string): void {
    this.cancelTimers(group.groupId, memberId);
    if (!group.remove(memberId)) return;
    this.log('info', 'consumer group member removed', { group: group.groupId, member: memberId, why });
    this.bumpAndAssign(group);
  }

  /** The topics a member subscribes to that exist now (names, then regex matches). */
  private subscribedTopics(member: ConsumerMember): string[] {
    const names = new Set(member.subscribedTopicNames.filter((t) => this.topics.get(t)));
    if (member.subscribedTopicRegex !== null) {
      const re = compileRegex(member.subscribedTopicRegex);
      if (re) for (const t of this.topics.list()) if (!t.internal && re.test(t.name)) names.add(t.name);
    }
    return [...names].sort();
  }

  private currentPartitionCounts(group: ConsumerGroup): Map<string, number> {
    const counts = new Map<string, number>();
    for (const m of group.members.values()) {
      for (const t of this.subscribedTopics(m)) counts.set(t, this.topics.get(t)!.partitions.length);
    }
    return counts;
  }

  private partitionsChanged(group: ConsumerGroup): boolean {
    const now = this.currentPartitionCounts(group);
    if (now.size !== group.subscribedPartitions.size) return true;
    for (const [t, n] of now) if (group.subscribedPartitions.get(t) !== n) return true;
    return false;
  }

  /** Next group epoch and its target assignment (computed at once: the group never stays Assigning). */
  private bumpAndAssign(group: ConsumerGroup): void {
    group.groupEpoch++;
    group.epochSince = this.scheduler.now();
    group.subscribedPartitions = this.currentPartitionCounts(group);
    group.assignorName = this.chooseAssignor(group);
    const assignor = ASSIGNORS.get(group.assignorName)!;
    const members = [...group.members.values()].map((m) => ({ memberId: m.memberId, topics: this.subscribedTopics(m), current: group.target.get(m.memberId) }));
    group.target = assignor.assign(members, group.subscribedPartitions);
    group.assignmentEpoch = group.groupEpoch;
  }

  /** Kafka's choice: the assignor most members ask for, else the first configured. */
  private chooseAssignor(group: ConsumerGroup): string {
    const votes = new Map<string, number>();
    for (const m of group.members.values()) if (m.serverAssignor) votes.set(m.serverAssignor, (votes.get(m.serverAssignor) ?? 0) + 1);
    let best = this.config.assignors[0]!;
    let most = 0;
    for (const [name, n] of votes) if (n > most) [best, most] = [name, n];
    return best;
  }

  private timerKey(groupId: string, memberId: string, kind: 'session' | 'revoke'): string {
    return `consumer-group:${kind}:${groupId}:${memberId}`;
  }

  private scheduleSession(group: ConsumerGroup, member: ConsumerMember): void {
    this.scheduler.schedule(this.timerKey(group.groupId, member.memberId, 'session'), this.config.sessionTimeoutMs, () => {
      if (group.members.get(member.memberId) === member) this.removeMember(group, member.memberId, 'session timeout');
    });
  }

  /** A member that does not release its revoked partitions within its rebalance timeout is removed. */
  private scheduleRevocation(group: ConsumerGroup, member: ConsumerMember): void {
    const key = this.timerKey(group.groupId, member.memberId, 'revoke');
    if (this.scheduler.has(key)) return;
    this.scheduler.schedule(key, member.rebalanceTimeoutMs, () => {
      if (group.members.get(member.memberId) === member && member.pendingRevocation.size > 0) this.removeMember(group, member.memberId, 'revocation timeout');
    });
  }

  private cancelTimers(groupId: string, memberId: string): void {
    this.scheduler.cancel(this.timerKey(groupId, memberId, 'session'));
    this.scheduler.cancel(this.timerKey(groupId, memberId, 'revoke'));
  }

  /**
   * Offset commits from a member of a consumer group: the member must exist
   * and commit with its current epoch (STALE_MEMBER_EPOCH otherwise, v9+;
   * ILLEGAL_GENERATION before). Without member and epoch, only into a group nobody is in.
   */
  validateCommit(group: ConsumerGroup, memberId: string, epoch: number, apiVersion: number): void {
    if (epoch < 0 && memberId === '' && group.members.size === 0) return;
    const member = group.members.get(memberId);
    if (!member) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `unknown member ${memberId} in group ${group.groupId}`);
    if (epoch !== member.memberEpoch) throw new KafkaError(apiVersion >= 9 ? ErrorCode.STALE_MEMBER_EPOCH : ErrorCode.ILLEGAL_GENERATION);
  }

  /** Keys of a member's target, for describing. */
  targetOf(group: ConsumerGroup, memberId: string): TopicAssignment {
    return toTopicAssignment(toKeys(group.target.get(memberId)));
  }
}
