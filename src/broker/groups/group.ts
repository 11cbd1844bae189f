// A classic group's membership bookkeeping: members (dynamic and static),
// members that were given an id but have not joined yet, the protocols all
// members support, the leader, the generation, and the state machine. No
// timers and no I/O: the Membership module drives it.
import crypto from 'node:crypto';
import { ErrorCode } from '../protocol/error-codes.js';
import { KafkaError } from '../errors.js';
import { GroupState, GroupStateMachine } from './group-state.js';
import { GroupMember } from './member.js';
import { CONSUMER_PROTOCOL_TYPE, decodeSubscription } from './consumer-protocol.js';
import type { JoinMember, JoinResult, Protocol, SyncResult } from './types.js';

export class ClassicGroup {
  readonly fsm: GroupStateMachine;
  generationId = 0;
  /** Set by the first member; null for a group only used to store offsets. */
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Set during an initial rebalance when a member joins, to extend the join delay. */
  newMemberAdded = false;
  /** Topics the members subscribe to (consumer protocol); null = unknown. */
  subscribedTopics: Set<string> | null = null;

  private readonly members = new Map<string, GroupMember>();
  private readonly staticMembers = new Map<string, string>();
  private readonly pendingJoinMembers = new Set<string>();
  private readonly pendingSyncMembers = new Set<string>();
  /** Protocol name → number of members supporting it. */
  private readonly supportedProtocols = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(
    readonly groupId: string,
    now: number = Date.now(),
  ) {
    this.fsm = new GroupStateMachine(groupId, now);
  }

  get state(): GroupState {
    return this.fsm.state;
  }

  is(state: GroupState): boolean {
    return this.fsm.is(state);
  }

  transitionTo(state: GroupState, now: number = Date.now()): void {
    this.fsm.transitionTo(state, now);
  }

  // ---- Members ----

  get size(): number {
    return this.members.size;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): GroupMember | undefined {
    return this.members.get(memberId);
  }

  allMembers(): GroupMember[] {
    return [...this.members.values()];
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  hasStaticMember(instanceId: string | null): boolean {
    return instanceId !== null && this.staticMembers.has(instanceId);
  }

  staticMemberId(instanceId: string): string | undefined {
    return this.staticMembers.get(instanceId);
  }

  generateMemberId(clientId: string, instanceId: string | null): string {
    return `${instanceId ?? clientId}-${crypto.randomUUID()}`;
  }

  add(member: GroupMember, onJoin: ((r: JoinResult) => void) | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) throw new Error(`static member ${member.groupInstanceId} is already in ${this.groupId}`);
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.protocolType !== member.protocolType) throw new Error('member and group protocol types differ');
    this.leaderId ??= member.memberId;
    this.members.set(member.memberId, member);
    this.countProtocols(member, +1);
    member.awaitingJoin = onJoin;
    if (onJoin) this.awaitingJoinCount++;
    this.pendingJoinMembers.delete(member.memberId);
  }

  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.members.delete(memberId);
      this.countProtocols(member, -1);
      if (member.isAwaitingJoin) this.awaitingJoinCount--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
    }
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null;
    this.pendingJoinMembers.delete(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** New protocols/timeouts for a rejoining member; `onJoin` parks its JoinGroup (null: not parked). */
  updateMember(member: GroupMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number,
    onJoin: ((r: JoinResult) => void) | null): void {
    this.countProtocols(member, -1);
    member.protocols = protocols;
    this.countProtocols(member, +1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (onJoin && !member.isAwaitingJoin) this.awaitingJoinCount++;
    else if (!onJoin && member.isAwaitingJoin) this.awaitingJoinCount--;
    member.awaitingJoin = onJoin;
  }

  /**
   * A static member rejoining with an unknown member id takes over its
   * instance under a new id. Whoever still waits under the old id is fenced.
   */
  replaceStaticMember(instanceId: string, oldMemberId: string, newMemberId: string): GroupMember {
    const old = this.members.get(oldMemberId);
    if (!old) throw new Error(`cannot replace unknown member ${oldMemberId}`);
    // Answer while still a member, so the parked-join count stays right.
    this.completeJoin(old, joinError(oldMemberId, ErrorCode.FENCED_INSTANCE_ID));
    this.completeSync(old, { errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: Buffer.alloc(0) });
    this.members.delete(oldMemberId);
    const replacement = new GroupMember(newMemberId, old.groupInstanceId, old.clientId, old.clientHost,
      old.rebalanceTimeoutMs, old.sessionTimeoutMs, old.protocolType, old.protocols, old.assignment);
    this.members.set(newMemberId, replacement);
    if (this.leaderId === oldMemberId) this.leaderId = newMemberId;
    this.staticMembers.set(instanceId, newMemberId);
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    return replacement;
  }

  /**
   * Kafka's validateMember: a static member's instance id must map to this
   * member id (else FENCED_INSTANCE_ID, or UNKNOWN_MEMBER_ID when the
   * instance is unknown), and the member must exist.
   */
  validateMember(memberId: string, instanceId: string | null): void {
    if (instanceId !== null) {
      const existing = this.staticMembers.get(instanceId);
      if (existing === undefined) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `unknown group instance id ${instanceId}`);
      if (existing !== memberId) throw new KafkaError(ErrorCode.FENCED_INSTANCE_ID, `instance ${instanceId} is now member ${existing}`);
    }
    if (!this.members.has(memberId)) throw new KafkaError(ErrorCode.UNKNOWN_MEMBER_ID, `unknown member ${memberId} in group ${this.groupId}`);
  }

  // ---- Pending members (given an id, not joined yet) and pending syncs ----

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  addPendingMember(memberId: string): void {
    this.pendingJoinMembers.add(memberId);
  }

  removePendingMember(memberId: string): void {
    this.pendingJoinMembers.delete(memberId);
  }

  get pendingMemberCount(): number {
    return this.pendingJoinMembers.size;
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  get pendingSyncMemberIds(): string[] {
    return [...this.pendingSyncMembers];
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  // ---- Rebalance bookkeeping ----

  get awaitingJoinMembers(): number {
    return this.awaitingJoinCount;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingJoinMembers.size === 0;
  }

  notYetRejoinedMembers(): GroupMember[] {
    return this.allMembers().filter((m) => !m.isAwaitingJoin);
  }

  /** The largest rebalance timeout among the members. */
  get rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  /**
   * Makes sure the leader is a member that rejoined; false when nobody did
   * (the join phase must then wait for session expiries).
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    if (this.members.get(this.leaderId)?.isAwaitingJoin) return true;
    const joined = this.allMembers().find((m) => m.isAwaitingJoin);
    if (!joined) return false;
    this.leaderId = joined.memberId;
    return true;
  }

  // ---- Protocols ----

  private countProtocols(member: GroupMember, delta: number): void {
    for (const p of member.protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
  }

  /**
   * Whether a member with these protocols may join: an Empty group takes any
   * non-empty type and protocol list; otherwise the type must match and one
   * of the protocols must be supported by every current member.
   */
  supportsProtocols(protocolType: string, protocolNames: string[]): boolean {
    if (this.is(GroupState.Empty)) return protocolType !== '' && protocolNames.length > 0;
    return this.protocolType === protocolType && protocolNames.some((n) => (this.supportedProtocols.get(n) ?? 0) === this.members.size);
  }

  /** Kafka's vote: each member votes for its most preferred protocol supported by all; most votes wins. */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    const candidates = new Set([...this.supportedProtocols].filter(([, n]) => n === this.members.size).map(([name]) => name));
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best = '';
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    return best;
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** OffsetDelete refuses topics the group consumes; unknown subscriptions count as "all" for consumer groups. */
  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics ? this.subscribedTopics.has(topic) : this.usesConsumerProtocol;
  }

  private computeSubscribedTopics(): Set<string> | null {
    if (!this.usesConsumerProtocol) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    try {
      const topics = new Set<string>();
      for (const m of this.members.values()) for (const t of decodeSubscription(m.metadata(this.protocolName)).topics) topics.add(t);
      return topics;
    } catch {
      return null;
    }
  }

  /** Ends the join phase: next generation, protocol chosen, CompletingRebalance (or Empty when nobody is left). */
  initNextGeneration(now: number = Date.now()): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.CompletingRebalance, now);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo(GroupState.Empty, now);
    }
    this.pendingSyncMembers.clear();
  }

  /** What the leader gets in its JoinGroup answer. */
  currentMemberMetadata(): JoinMember[] {
    return this.allMembers().map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName) }));
  }

  // ---- Parked requests ----

  completeJoin(member: GroupMember, result: JoinResult): boolean {
    const resolve = member.awaitingJoin;
    if (!resolve) return false;
    member.awaitingJoin = null;
    if (this.members.get(member.memberId) === member) this.awaitingJoinCount--;
    resolve(result);
    return true;
  }

  completeSync(member: GroupMember, result: SyncResult): boolean {
    const resolve = member.awaitingSync;
    if (!resolve) return false;
    member.awaitingSync = null;
    resolve(result);
    return true;
  }
}

export function joinError(memberId: string, errorCode: number): JoinResult {
  return { errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, skipAssignment: false, members: [] };
}
