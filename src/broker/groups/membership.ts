// The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and
// LeaveGroup, session expiry and the join/sync deadlines, following Kafka's
// classic group coordinator rule for rule (error codes, which state answers
// what, when a rebalance starts and when the join phase completes).
//
// A parked JoinGroup/SyncGroup is a promise whose resolver sits on the
// member; the request's connection keeps answering in order behind it, as
// Kafka's muted channel does.
//
// Timers (all keyed, see scheduler.ts): one session timer per member (and per
// pending member), one join deadline and one sync deadline per group.
import { ErrorCode } from '../protocol/error-codes.js';
import { errorCodeOf } from '../errors.js';
import { ClassicGroup, joinError } from './group.js';
import { GroupState } from './group-state.js';
import { GroupMember } from './member.js';
import type { Scheduler } from './scheduler.js';
import type { HeartbeatRequest, JoinRequest, JoinResult, LeaveMember, LeaveResult, LogFn, SyncRequest, SyncResult } from './types.js';

export interface MembershipConfig {
  /** group.initial.rebalance.delay.ms */
  initialRebalanceDelayMs: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** How long a new member's parked JoinGroup may keep it in the group (Kafka: 5 minutes). */
  newMemberJoinTimeoutMs: number;
}

export interface MembershipHooks {
  /** The group moved to a new generation (persist it). */
  onNewGeneration(group: ClassicGroup): void;
  /** A brand-new group ended up with nothing in it (forget it). */
  onAbandoned(group: ClassicGroup): void;
  log: LogFn;
}

const EMPTY = Buffer.alloc(0);

const heartbeatKey = (groupId: string, memberId: string) => `heartbeat\u0000${groupId}\u0000${memberId}`;
const joinKey = (groupId: string) => `join\u0000${groupId}`;
const syncKey = (groupId: string) => `sync\u0000${groupId}`;

const syncError = (errorCode: number): SyncResult => ({ errorCode, protocolType: null, protocolName: null, assignment: EMPTY });

export class Membership {
  constructor(
    private readonly groups: Map<string, ClassicGroup>,
    private readonly scheduler: Scheduler,
    private readonly config: MembershipConfig,
    private readonly hooks: MembershipHooks,
  ) {}

  // ---- JoinGroup ----

  join(req: JoinRequest): Promise<JoinResult> {
    return new Promise((answer) => {
      if (req.groupId === '') return answer(joinError(req.memberId, ErrorCode.INVALID_GROUP_ID));
      if (req.sessionTimeoutMs < this.config.minSessionTimeoutMs || req.sessionTimeoutMs > this.config.maxSessionTimeoutMs) {
        return answer(joinError(req.memberId, ErrorCode.INVALID_SESSION_TIMEOUT));
      }
      const isUnknownMember = req.memberId === '';
      let group = this.groups.get(req.groupId);
      let created = false;
      if (!group) {
        // A known member id for a group that does not exist: the client must start over.
        if (!isUnknownMember) return answer(joinError(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
        group = new ClassicGroup(req.groupId, this.scheduler.now());
        this.groups.set(req.groupId, group);
        created = true;
      }
      if (isUnknownMember) this.joinNewMember(group, req, answer);
      else this.joinExistingMember(group, req, answer);
      if (created && group.is(GroupState.Empty) && group.size === 0 && group.pendingMemberCount === 0) this.hooks.onAbandoned(group);
    });
  }

  private joinNewMember(group: ClassicGroup, req: JoinRequest, answer: (r: JoinResult) => void): void {
    if (group.is(GroupState.Dead)) return answer(joinError('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return answer(joinError('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = group.generateMemberId(req.clientId, req.groupInstanceId);
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId);
      if (existing !== undefined) return this.replaceStaticMember(group, req, existing, newMemberId, answer);
      return this.addMemberThenRebalance(group, req, newMemberId, answer);
    }
    if (req.requireKnownMemberId) {
      // JoinGroup v4+: hand out the id first; the member is only added when it rejoins with it.
      group.addPendingMember(newMemberId);
      this.scheduler.schedule(heartbeatKey(group.groupId, newMemberId), req.sessionTimeoutMs, () => this.expireHeartbeat(group, newMemberId));
      return answer(joinError(newMemberId, ErrorCode.MEMBER_ID_REQUIRED));
    }
    this.addMemberThenRebalance(group, req, newMemberId, answer);
  }

  private joinExistingMember(group: ClassicGroup, req: JoinRequest, answer: (r: JoinResult) => void): void {
    const { memberId } = req;
    if (group.is(GroupState.Dead)) return answer(joinError(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, req.protocols.map((p) => p.name))) {
      return answer(joinError(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.isPendingMember(memberId)) {
      // Pending members are always dynamic; a static one claiming a pending id is unknown.
      if (req.groupInstanceId !== null) return answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return this.addMemberThenRebalance(group, req, memberId, answer);
    }
    try {
      group.validateMember(memberId, req.groupInstanceId);
    } catch (err) {
      return answer(joinError(memberId, errorCodeOf(err)));
    }
    const member = group.member(memberId)!;
    switch (group.state) {
      case GroupState.PreparingRebalance:
        return this.updateMemberThenRebalance(group, member, req, answer, `member ${memberId} rejoins during ${group.state}`);
      case GroupState.CompletingRebalance:
        // Same metadata: it probably lost our JoinGroup answer; repeat it.
        if (member.matches(req.protocols)) return answer(this.joinAnswer(group, member, group.isLeader(memberId)));
        return this.updateMemberThenRebalance(group, member, req, answer, `member ${memberId} changed its metadata`);
      case GroupState.Stable:
        // The leader rejoining forces a rebalance (that is how it reacts to topic changes).
        if (group.isLeader(memberId) || !member.matches(req.protocols)) {
          return this.updateMemberThenRebalance(group, member, req, answer, `member ${memberId} rejoins a stable group`);
        }
        return answer(this.joinAnswer(group, member, false));
      default:
        return answer(joinError(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  /** The answer for a member of the current generation (the leader also gets everyone's metadata). */
  private joinAnswer(group: ClassicGroup, member: GroupMember, withMembers: boolean, skipAssignment = false): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      skipAssignment,
      members: withMembers ? group.currentMemberMetadata() : [],
    };
  }

  private addMemberThenRebalance(group: ClassicGroup, req: JoinRequest, memberId: string, answer: (r: JoinResult) => void): void {
    const member = new GroupMember(memberId, req.groupInstanceId, req.clientId, req.clientHost, req.rebalanceTimeoutMs,
      req.sessionTimeoutMs, req.protocolType, req.protocols);
    member.isNew = true;
    if (group.is(GroupState.PreparingRebalance) && group.fsm.previousState === GroupState.Empty) group.newMemberAdded = true;
    group.add(member, answer);
    // A parked JoinGroup does not keep a new member alive forever.
    this.rescheduleHeartbeat(group, member, this.config.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(group, `adding member ${memberId}`);
  }

  private updateMemberThenRebalance(group: ClassicGroup, member: GroupMember, req: JoinRequest,
    answer: (r: JoinResult) => void, reason: string): void {
    // A JoinGroup superseded by a newer one from the same member is told to rejoin.
    group.completeJoin(member, joinError(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, answer);
    this.maybePrepareRebalanceOrCompleteJoin(group, reason);
  }

  /** A static member rejoining with an unknown member id takes over its instance under a new id. */
  private replaceStaticMember(group: ClassicGroup, req: JoinRequest, oldMemberId: string, newMemberId: string,
    answer: (r: JoinResult) => void): void {
    const oldLeader = group.leaderId ?? '';
    const unchanged = group.member(oldMemberId)!.matches(req.protocols);
    this.scheduler.cancel(heartbeatKey(group.groupId, oldMemberId));
    const member = group.replaceStaticMember(req.groupInstanceId!, oldMemberId, newMemberId);
    this.rescheduleHeartbeat(group, member);
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, answer);
    switch (group.state) {
      case GroupState.Stable:
        // Same metadata and the same protocol would win: no rebalance, the member keeps its assignment.
        if (unchanged && group.protocolName === group.selectProtocol()) {
          this.hooks.log('info', 'static member rejoined without a rebalance', { group: group.groupId, instance: req.groupInstanceId, member: newMemberId });
          if (req.supportsSkipAssignment) {
            const isLeader = group.isLeader(newMemberId);
            group.completeJoin(member, this.joinAnswer(group, member, isLeader, isLeader));
          } else {
            // The old leader id, so a static leader does not think it must (re)assign.
            group.completeJoin(member, { ...this.joinAnswer(group, member, false), leader: oldLeader });
          }
          return;
        }
        return this.maybePrepareRebalanceOrCompleteJoin(group, `static member ${req.groupInstanceId} rejoined with new metadata`);
      case GroupState.CompletingRebalance:
        // The leader may already be assigning to the old id: start over.
        return this.prepareRebalance(group, `static member ${req.groupInstanceId} rejoined during ${group.state}`);
      case GroupState.PreparingRebalance:
        return this.maybeCompleteJoinPhase(group);
      default:
        group.completeJoin(member, joinError(newMemberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  // ---- Rebalance ----

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.fsm.canRebalance) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  /** Completes the join phase once everyone rejoined, except during the initial delay of a new group. */
  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is(GroupState.PreparingRebalance)) return;
    if (group.fsm.previousState === GroupState.Empty) return;
    if (group.hasAllMembersJoined()) this.completeJoin(group);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    // Members waiting for assignments must rejoin instead.
    if (group.is(GroupState.CompletingRebalance)) this.resetAndPropagateAssignment(group, ErrorCode.REBALANCE_IN_PROGRESS);
    group.clearPendingSyncMembers();
    this.scheduler.cancel(syncKey(group.groupId));
    const initial = group.is(GroupState.Empty);
    if (initial) {
      // A new group waits group.initial.rebalance.delay.ms (extended while members keep arriving).
      const delay = this.config.initialRebalanceDelayMs;
      const remaining = Math.max(group.rebalanceTimeoutMs - delay, 0);
      this.scheduler.schedule(joinKey(group.groupId), delay, () => this.initialDelayElapsed(group, delay, remaining));
    }
    group.transitionTo(GroupState.PreparingRebalance, this.scheduler.now());
    this.hooks.log('info', 'preparing to rebalance group', { group: group.groupId, generation: group.generationId, reason });
    if (initial) return;
    if (group.hasAllMembersJoined()) return this.completeJoin(group);
    this.scheduler.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs, () => this.joinDeadline(group));
  }

  private initialDelayElapsed(group: ClassicGroup, delay: number, remaining: number): void {
    if (!this.isCurrent(group)) return;
    if (group.newMemberAdded && remaining !== 0) {
      group.newMemberAdded = false;
      const nextDelay = Math.min(this.config.initialRebalanceDelayMs, remaining);
      const nextRemaining = Math.max(remaining - delay, 0);
      this.scheduler.schedule(joinKey(group.groupId), nextDelay, () => this.initialDelayElapsed(group, nextDelay, nextRemaining));
      return;
    }
    this.completeJoin(group);
  }

  private joinDeadline(group: ClassicGroup): void {
    if (this.isCurrent(group)) this.completeJoin(group);
  }

  /**
   * Ends the join phase: members that did not rejoin (dynamic ones) are
   * removed, the generation advances, and every parked JoinGroup is answered
   * (the leader's with all members' metadata).
   */
  private completeJoin(group: ClassicGroup): void {
    if (!group.is(GroupState.PreparingRebalance)) return;
    this.scheduler.cancel(joinKey(group.groupId));
    for (const m of group.notYetRejoinedMembers()) {
      if (m.isStatic) continue;
      group.completeSync(m, syncError(ErrorCode.REBALANCE_IN_PROGRESS));
      group.remove(m.memberId);
      this.scheduler.cancel(heartbeatKey(group.groupId, m.memberId));
    }
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members remain and none rejoined: wait for them (or their expiry).
      this.hooks.log('warn', 'no member rejoined the group', { group: group.groupId });
      this.scheduler.schedule(joinKey(group.groupId), group.rebalanceTimeoutMs, () => this.joinDeadline(group));
      return;
    }
    group.initNextGeneration(this.scheduler.now());
    this.hooks.onNewGeneration(group);
    if (group.is(GroupState.Empty)) {
      this.hooks.log('info', 'group is now empty', { group: group.groupId, generation: group.generationId });
      return;
    }
    this.hooks.log('info', 'group stabilized', { group: group.groupId, generation: group.generationId, members: group.size, protocol: group.protocolName });
    for (const m of group.allMembers()) {
      group.completeJoin(m, this.joinAnswer(group, m, group.isLeader(m.memberId)));
      this.rescheduleHeartbeat(group, m);
      m.isNew = false;
      group.addPendingSyncMember(m.memberId);
    }
    const generation = group.generationId;
    this.scheduler.schedule(syncKey(group.groupId), syncTimeoutMs(group), () => this.syncDeadline(group, generation));
  }

  /**
   * Members that never sent SyncGroup in time are removed and the group
   * rebalances. "In time" is the rebalance timeout, but never less than the
   * members' session timeout: a member just told its generation (JoinGroup
   * answered) is alive for a session, as Kafka keeps it, so a rebalance
   * timeout of 0 (kafkajs's broker-level joinGroup sends that) does not expire
   * it before its SyncGroup arrives.
   */
  private syncDeadline(group: ClassicGroup, generation: number): void {
    if (!this.isCurrent(group) || group.generationId !== generation) return;
    if (!group.is(GroupState.CompletingRebalance) && !group.is(GroupState.Stable)) return;
    const late = group.pendingSyncMemberIds;
    if (late.length === 0) return;
    for (const id of late) {
      group.remove(id);
      this.scheduler.cancel(heartbeatKey(group.groupId, id));
    }
    this.prepareRebalance(group, `members ${late.join(', ')} did not sync in time`);
  }

  private resetAndPropagateAssignment(group: ClassicGroup, errorCode: number): void {
    for (const m of group.allMembers()) m.assignment = EMPTY;
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.allMembers()) {
      const answered = group.completeSync(m, {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      });
      // A member that waited in SyncGroup gets a fresh session from now.
      if (answered) this.rescheduleHeartbeat(group, m);
    }
  }

  // ---- SyncGroup ----

  sync(req: SyncRequest): Promise<SyncResult> {
    return new Promise((answer) => {
      if (req.groupId === '') return answer(syncError(ErrorCode.INVALID_GROUP_ID));
      const group = this.groups.get(req.groupId);
      if (!group || group.is(GroupState.Empty)) return answer(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      if (group.is(GroupState.Dead)) return answer(syncError(ErrorCode.COORDINATOR_NOT_AVAILABLE));
      try {
        group.validateMember(req.memberId, req.groupInstanceId);
      } catch (err) {
        return answer(syncError(errorCodeOf(err)));
      }
      if (req.generationId !== group.generationId) return answer(syncError(ErrorCode.ILLEGAL_GENERATION));
      if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
        return answer(syncError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
      }
      const member = group.member(req.memberId)!;
      switch (group.state) {
        case GroupState.PreparingRebalance:
          return answer(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
        case GroupState.CompletingRebalance: {
          group.completeSync(member, syncError(ErrorCode.REBALANCE_IN_PROGRESS)); // superseded
          member.awaitingSync = answer;
          this.removePendingSyncMember(group, req.memberId);
          if (group.isLeader(req.memberId)) {
            this.hooks.log('info', 'assignment received from the leader', { group: group.groupId, generation: group.generationId });
            const assignment = new Map(req.assignments.map((a) => [a.memberId, a.assignment]));
            for (const m of group.allMembers()) m.assignment = assignment.get(m.memberId) ?? EMPTY;
            this.propagateAssignment(group, ErrorCode.NONE);
            group.transitionTo(GroupState.Stable, this.scheduler.now());
          }
          return;
        }
        case GroupState.Stable:
          this.removePendingSyncMember(group, req.memberId);
          return answer({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
        default:
          return answer(syncError(ErrorCode.UNKNOWN_MEMBER_ID));
      }
    });
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    if (group.pendingSyncMemberIds.length === 0) this.scheduler.cancel(syncKey(group.groupId));
  }

  // ---- Heartbeat ----

  heartbeat(req: HeartbeatRequest): number {
    if (req.groupId === '') return ErrorCode.INVALID_GROUP_ID;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is(GroupState.Dead)) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    try {
      group.validateMember(req.memberId, req.groupInstanceId);
    } catch (err) {
      return errorCodeOf(err);
    }
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.member(req.memberId)!;
    switch (group.state) {
      case GroupState.PreparingRebalance:
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case GroupState.CompletingRebalance:
      case GroupState.Stable:
        // Heartbeats may start right after the JoinGroup answer, before SyncGroup.
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** Restarts a member's session (heartbeats, and offset commits of a Stable/PreparingRebalance group). */
  rescheduleHeartbeat(group: ClassicGroup, member: GroupMember, timeoutMs = member.sessionTimeoutMs): void {
    this.scheduler.schedule(heartbeatKey(group.groupId, member.memberId), timeoutMs, () => this.expireHeartbeat(group, member.memberId));
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    if (!this.isCurrent(group) || group.is(GroupState.Dead)) return;
    if (group.isPendingMember(memberId)) {
      this.hooks.log('info', 'pending member expired', { group: group.groupId, member: memberId });
      group.remove(memberId);
      if (group.is(GroupState.PreparingRebalance) && group.hasAllMembersJoined()) this.completeJoin(group);
      else if (group.is(GroupState.Empty) && group.size === 0 && group.pendingMemberCount === 0 && group.generationId === 0) this.hooks.onAbandoned(group);
      return;
    }
    const member = group.member(memberId);
    if (!member || member.hasSatisfiedHeartbeat) return;
    this.hooks.log('info', 'member session expired', { group: group.groupId, member: memberId });
    this.removeMember(group, member);
    if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) {
      this.maybePrepareRebalanceOrCompleteJoin(group, `member ${memberId} expired`);
    } else if (group.is(GroupState.PreparingRebalance) && group.hasAllMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Answers whatever the member waits for with UNKNOWN_MEMBER_ID (so it rejoins if alive) and removes it. */
  private removeMember(group: ClassicGroup, member: GroupMember): void {
    this.scheduler.cancel(heartbeatKey(group.groupId, member.memberId));
    group.completeJoin(member, joinError('', ErrorCode.UNKNOWN_MEMBER_ID));
    group.completeSync(member, syncError(ErrorCode.UNKNOWN_MEMBER_ID));
    group.remove(member.memberId);
  }

  // ---- LeaveGroup ----

  leave(groupId: string, members: LeaveMember[]): LeaveResult {
    if (groupId === '') return { errorCode: ErrorCode.INVALID_GROUP_ID, members: [] };
    const group = this.groups.get(groupId);
    const answer = (m: LeaveMember, errorCode: number) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode });
    if (!group) return { errorCode: ErrorCode.NONE, members: members.map((m) => answer(m, ErrorCode.UNKNOWN_MEMBER_ID)) };
    if (group.is(GroupState.Dead)) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const results = members.map((m) => {
      if (m.memberId === '') {
        // Removal by group.instance.id alone (admin tools).
        const id = m.groupInstanceId === null ? undefined : group.staticMemberId(m.groupInstanceId);
        if (id === undefined) return answer(m, ErrorCode.UNKNOWN_MEMBER_ID);
        this.removeMember(group, group.member(id)!);
        return answer(m, ErrorCode.NONE);
      }
      if (group.isPendingMember(m.memberId)) {
        group.remove(m.memberId);
        this.scheduler.cancel(heartbeatKey(groupId, m.memberId));
        return answer(m, ErrorCode.NONE);
      }
      try {
        group.validateMember(m.memberId, m.groupInstanceId);
      } catch (err) {
        return answer(m, errorCodeOf(err));
      }
      this.removeMember(group, group.member(m.memberId)!);
      return answer(m, ErrorCode.NONE);
    });
    if (results.some((r) => r.errorCode === ErrorCode.NONE)) {
      this.hooks.log('info', 'members left the group', { group: groupId, members: results.filter((r) => r.errorCode === ErrorCode.NONE).map((r) => r.memberId) });
      if (group.is(GroupState.Stable) || group.is(GroupState.CompletingRebalance)) this.maybePrepareRebalanceOrCompleteJoin(group, 'members left');
      else if (group.is(GroupState.PreparingRebalance)) this.maybeCompleteJoinPhase(group);
    }
    return { errorCode: ErrorCode.NONE, members: results };
  }

  // ---- Lifecycle ----

  /** Answers every parked request of a group that is going away (deleted, or the broker closing). */
  unload(group: ClassicGroup, errorCode: number): void {
    this.scheduler.cancel(joinKey(group.groupId));
    this.scheduler.cancel(syncKey(group.groupId));
    for (const m of group.allMembers()) {
      this.scheduler.cancel(heartbeatKey(group.groupId, m.memberId));
      group.completeJoin(m, joinError(m.memberId, errorCode));
      group.completeSync(m, syncError(errorCode));
    }
  }

  private isCurrent(group: ClassicGroup): boolean {
    return this.groups.get(group.groupId) === group;
  }
}

/** SyncGroup v5+: a protocol type/name that disagrees with the group's (both known) is refused. */
function inconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}

/** How long members of a new generation have to send SyncGroup (see syncDeadline). */
function syncTimeoutMs(group: ClassicGroup): number {
  let session = 0;
  for (const m of group.allMembers()) session = Math.max(session, m.sessionTimeoutMs);
  return Math.max(group.rebalanceTimeoutMs, session);
}
