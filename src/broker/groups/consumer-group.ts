// One group of the consumer group protocol (KIP-848): its members, the group
// epoch (bumped on every change of membership, subscriptions or subscribed
// topics' partitions), the target assignment and its epoch, and each member's
// reconciliation towards its target. A partition goes to its new owner only
// once no other member holds it: a member losing partitions is first told its
// assignment without them (its epoch stays), and only when a heartbeat shows
// it released them does it move to the target epoch; a member gaining
// partitions gets each as soon as nobody holds it any more.
import type { TopicAssignment } from './assignors.js';

/** Partition key inside a group: topic name and partition. */
export type PartitionKey = string;
export const partitionKey = (topic: string, partition: number): PartitionKey => `${partition}:${topic}`;
export function splitKey(key: PartitionKey): [string, number] {
  const i = key.indexOf(':');
  return [key.slice(i + 1), Number(key.slice(0, i))];
}

export function toKeys(a: TopicAssignment | undefined): Set<PartitionKey> {
  const keys = new Set<PartitionKey>();
  for (const [t, parts] of a ?? []) for (const p of parts) keys.add(partitionKey(t, p));
  return keys;
}

export function toTopicAssignment(keys: Iterable<PartitionKey>): TopicAssignment {
  const out: TopicAssignment = new Map();
  for (const k of keys) {
    const [t, p] = splitKey(k);
    const list = out.get(t);
    if (list) list.push(p);
    else out.set(t, [p]);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The epoch a static member leaves with when it means to come back. */
export const STATIC_LEAVE_EPOCH = -2;
export const LEAVE_EPOCH = -1;

export class ConsumerMember {
  memberEpoch = 0;
  previousMemberEpoch = -1;
  subscribedTopicNames: string[] = [];
  subscribedTopicRegex: string | null = null;
  serverAssignor: string | null = null;
  rebalanceTimeoutMs = 300_000;
  rackId: string | null = null;
  /** Partitions the member may use now. */
  assigned = new Set<PartitionKey>();
  /** Partitions being taken away: still held until a heartbeat shows them released. */
  pendingRevocation = new Set<PartitionKey>();
  /** What the last answer told it (epoch and assignment), to answer with an assignment only on change. */
  lastSent: string | null = null;

  constructor(
    readonly memberId: string,
    readonly instanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
  ) {}

  /** Owns = may use or has not released yet. */
  holds(key: PartitionKey): boolean {
    return this.assigned.has(key) || this.pendingRevocation.has(key);
  }

  get leftTemporarily(): boolean {
    return this.memberEpoch === STATIC_LEAVE_EPOCH;
  }
}

export type ConsumerGroupState = 'Empty' | 'Assigning' | 'Reconciling' | 'Stable';

export class ConsumerGroup {
  groupEpoch = 0;
  /** When the group epoch last changed (ms since the epoch; metrics). */
  epochSince = Date.now();
  assignmentEpoch = 0;
  assignorName: string;
  readonly members = new Map<string, ConsumerMember>();
  readonly staticMembers = new Map<string, string>();
  /** memberId -> target partitions. */
  target = new Map<string, TopicAssignment>();
  /** topic -> partition count of the subscribed topics when the target was computed. */
  subscribedPartitions = new Map<string, number>();

  constructor(
    readonly groupId: string,
    defaultAssignor: string,
  ) {
    this.assignorName = defaultAssignor;
  }

  get state(): ConsumerGroupState {
    if (this.members.size === 0) return 'Empty';
    if (this.assignmentEpoch < this.groupEpoch) return 'Assigning';
    for (const m of this.members.values()) {
      if (m.leftTemporarily) continue;
      if (m.memberEpoch !== this.assignmentEpoch || m.pendingRevocation.size > 0) return 'Reconciling';
      const target = toKeys(this.target.get(m.memberId));
      if (target.size !== m.assigned.size) return 'Reconciling';
    }
    return 'Stable';
  }

  add(member: ConsumerMember): void {
    this.members.set(member.memberId, member);
    if (member.instanceId !== null) this.staticMembers.set(member.instanceId, member.memberId);
  }

  remove(memberId: string): ConsumerMember | undefined {
    const member = this.members.get(memberId);
    if (!member) return undefined;
    this.members.delete(memberId);
    this.target.delete(memberId);
    if (member.instanceId !== null && this.staticMembers.get(member.instanceId) === memberId) this.staticMembers.delete(member.instanceId);
    return member;
  }

  /** Who holds a partition, other than `except`. */
  heldByOther(key: PartitionKey, except: string): boolean {
    for (const m of this.members.values()) if (m.memberId !== except && m.holds(key)) return true;
    return false;
  }

  /**
   * One reconciliation step for a member, after its owned partitions were
   * taken into account: revoke what the target no longer gives it, or (once
   * nothing is pending) move it to the target epoch and give it every target
   * partition no other member holds.
   */
  reconcile(member: ConsumerMember): { revoking: boolean } {
    if (member.pendingRevocation.size > 0) return { revoking: true };
    const target = toKeys(this.target.get(member.memberId));
    const revoke = [...member.assigned].filter((k) => !target.has(k));
    if (revoke.length > 0) {
      for (const k of revoke) {
        member.assigned.delete(k);
        member.pendingRevocation.add(k);
      }
      return { revoking: true };
    }
    if (member.memberEpoch !== this.assignmentEpoch) {
      member.previousMemberEpoch = member.memberEpoch;
      member.memberEpoch = this.assignmentEpoch;
    }
    for (const k of target) if (!member.assigned.has(k) && !this.heldByOther(k, member.memberId)) member.assigned.add(k);
    return { revoking: false };
  }

  /** The member released every partition it no longer reports as owned. */
  releaseUnowned(member: ConsumerMember, owned: Set<PartitionKey>): boolean {
    if (member.pendingRevocation.size === 0) return false;
    for (const k of [...member.pendingRevocation]) if (!owned.has(k)) member.pendingRevocation.delete(k);
    return member.pendingRevocation.size === 0;
  }
}
