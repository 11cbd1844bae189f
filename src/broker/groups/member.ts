// One member of a classic group: who it is, what it supports, what it was
// assigned, and the JoinGroup/SyncGroup answer it is waiting for (a parked
// request is a resolver here; answering it resolves the handler's promise).
import type { JoinResult, Protocol, SyncResult } from './types.js';

const EMPTY = Buffer.alloc(0);

export class GroupMember {
  protocols: Protocol[];
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  assignment: Buffer = EMPTY;
  /** Set while the member's JoinGroup is parked. */
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  /** Set while the member's SyncGroup is parked. */
  awaitingSync: ((result: SyncResult) => void) | null = null;
  /**
   * A member added in the current rebalance. Its expiry is not excused by a
   * parked JoinGroup: a client that gave up on a long rebalance must not stay
   * in the group forever (Kafka's new-member join timeout).
   */
  isNew = false;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    rebalanceTimeoutMs: number,
    sessionTimeoutMs: number,
    readonly protocolType: string,
    protocols: Protocol[],
    assignment: Buffer = EMPTY,
  ) {
    this.rebalanceTimeoutMs = rebalanceTimeoutMs;
    this.sessionTimeoutMs = sessionTimeoutMs;
    this.protocols = protocols;
    this.assignment = assignment;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /** A member parked in JoinGroup/SyncGroup counts as alive (unless new). */
  get hasSatisfiedHeartbeat(): boolean {
    return !this.isNew && (this.isAwaitingJoin || this.isAwaitingSync);
  }

  /** Same protocols, same order, same metadata bytes. */
  matches(protocols: Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's most preferred protocol among the candidates (its list is in preference order). */
  vote(candidates: Set<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of ${[...candidates].join(', ')}`);
    return choice.name;
  }

  metadata(protocolName: string | null): Buffer {
    if (protocolName === null) return EMPTY;
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY;
  }
}
