// The transaction state machine of one transactional id, as Kafka's coordinator
// runs it. Every `prepare*` method is pure: it checks the request against the
// current metadata and answers an error code, "nothing to do", or the next
// metadata record (which the coordinator persists before `apply`ing it), so the
// rules can be unit-tested without I/O.
//
//   Empty ──AddPartitions/AddOffsets──▶ Ongoing ──EndTxn(commit)──▶ PrepareCommit ──markers──▶ CompleteCommit
//     ▲                                  │  │                                                      │
//     │                                  │  └──EndTxn(abort)──▶ PrepareAbort ──markers──▶ CompleteAbort
//     │                                  └──timeout / InitProducerId──▶ PrepareEpochFence ──▶ PrepareAbort
//     └──────────── InitProducerId (epoch bump) from Empty / CompleteCommit / CompleteAbort ─────────┘
//   Dead: an idle id expired (from Empty / CompleteCommit / CompleteAbort).
//
// PrepareEpochFence is never persisted (as in Kafka): after a crash the
// transaction is still Ongoing and its timeout fences it again.
import { ErrorCode } from '../protocol/error-codes.js';

export const TxnState = {
  Empty: 'Empty',
  Ongoing: 'Ongoing',
  PrepareCommit: 'PrepareCommit',
  PrepareAbort: 'PrepareAbort',
  CompleteCommit: 'CompleteCommit',
  CompleteAbort: 'CompleteAbort',
  PrepareEpochFence: 'PrepareEpochFence',
  Dead: 'Dead',
} as const;
export type TxnStateName = (typeof TxnState)[keyof typeof TxnState];
export const TXN_STATES = Object.values(TxnState) as TxnStateName[];

/** The states each state may be entered from. */
export const VALID_PREVIOUS: { readonly [S in TxnStateName]: readonly TxnStateName[] } = {
  Empty: ['Empty', 'CompleteCommit', 'CompleteAbort'],
  Ongoing: ['Ongoing', 'Empty', 'CompleteCommit', 'CompleteAbort'],
  PrepareCommit: ['Ongoing'],
  PrepareAbort: ['Ongoing', 'PrepareEpochFence'],
  CompleteCommit: ['PrepareCommit'],
  CompleteAbort: ['PrepareAbort'],
  PrepareEpochFence: ['Ongoing'],
  Dead: ['Empty', 'CompleteCommit', 'CompleteAbort'],
};

export const NO_PRODUCER_ID = -1;
export const NO_PRODUCER_EPOCH = -1;
const MAX_EPOCH = 32767;

/** Kafka rotates to a new producer id once the epoch reaches Short.MAX_VALUE - 1. */
export function isEpochExhausted(epoch: number): boolean {
  return epoch >= MAX_EPOCH - 1;
}

/** What is persisted for a transactional id: the full metadata after a transition. */
export interface TxnRecord {
  transactionalId: string;
  producerId: number;
  /** The producer id before the last rotation (epoch exhaustion), or -1. */
  lastProducerId: number;
  producerEpoch: number;
  /** The epoch before the last client-requested bump, so a retried InitProducerId gets the same answer. */
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnStateName;
  /** "topic:partition" keys (':' cannot occur in a topic name). */
  partitions: string[];
  /** Consumer groups whose offsets are part of the transaction (AddOffsetsToTxn). */
  groups: string[];
  /** When the current/last transaction started, or -1. */
  startTimeMs: number;
  lastUpdateMs: number;
}

export type Transit =
  | { kind: 'error'; errorCode: number; message: string }
  | { kind: 'noop' }
  | { kind: 'next'; next: TxnRecord }
  /** InitProducerId found an ongoing transaction: fence the epoch and abort it first. */
  | { kind: 'fence-first' };

export function partitionKey(topic: string, partition: number): string {
  return `${topic}:${partition}`;
}

export function parsePartitionKey(key: string): { topic: string; partition: number } {
  const i = key.lastIndexOf(':');
  return { topic: key.slice(0, i), partition: Number(key.slice(i + 1)) };
}

const NOOP: Transit = { kind: 'noop' };
function error(errorCode: number, message: string): Transit {
  return { kind: 'error', errorCode, message };
}

export class TxnMetadata {
  producerId!: number;
  lastProducerId!: number;
  producerEpoch!: number;
  lastProducerEpoch!: number;
  timeoutMs!: number;
  state!: TxnStateName;
  partitions!: Set<string>;
  groups!: Set<string>;
  startTimeMs!: number;
  lastUpdateMs!: number;
  /** The state a persisted transition in flight is heading to; other requests wait (CONCURRENT_TRANSACTIONS). */
  pending: TxnStateName | null = null;

  constructor(readonly transactionalId: string, r: Omit<TxnRecord, 'transactionalId'>) {
    this.assign(r);
  }

  /** Copies a record's fields (the one place that knows them all). */
  private assign(r: Omit<TxnRecord, 'transactionalId'>): void {
    this.producerId = r.producerId;
    this.lastProducerId = r.lastProducerId;
    this.producerEpoch = r.producerEpoch;
    this.lastProducerEpoch = r.lastProducerEpoch;
    this.timeoutMs = r.timeoutMs;
    this.state = r.state;
    this.partitions = new Set(r.partitions);
    this.groups = new Set(r.groups);
    this.startTimeMs = r.startTimeMs;
    this.lastUpdateMs = r.lastUpdateMs;
  }

  /** A new transactional id: a fresh producer id and no epoch yet (the first InitProducerId makes it 0). */
  static create(transactionalId: string, producerId: number, timeoutMs: number, now: number): TxnMetadata {
    return new TxnMetadata(transactionalId, {
      producerId,
      lastProducerId: NO_PRODUCER_ID,
      producerEpoch: NO_PRODUCER_EPOCH,
      lastProducerEpoch: NO_PRODUCER_EPOCH,
      timeoutMs,
      state: TxnState.Empty,
      partitions: [],
      groups: [],
      startTimeMs: -1,
      lastUpdateMs: now,
    });
  }

  static fromRecord(r: TxnRecord): TxnMetadata {
    return new TxnMetadata(r.transactionalId, r);
  }

  toRecord(): TxnRecord {
    return this.with({});
  }

  /** The current metadata with some fields changed: a candidate next record. */
  private with(changes: Partial<TxnRecord>): TxnRecord {
    return {
      transactionalId: this.transactionalId,
      producerId: this.producerId,
      lastProducerId: this.lastProducerId,
      producerEpoch: this.producerEpoch,
      lastProducerEpoch: this.lastProducerEpoch,
      timeoutMs: this.timeoutMs,
      state: this.state,
      partitions: [...this.partitions],
      groups: [...this.groups],
      startTimeMs: this.startTimeMs,
      lastUpdateMs: this.lastUpdateMs,
      ...changes,
    };
  }

  /** InitProducerId. `expected` is the producer id/epoch the client sent (v3+), null when it sent none. */
  prepareInitProducerId(
    timeoutMs: number,
    expected: { producerId: number; epoch: number } | null,
    now: number,
    newProducerId: () => number,
  ): Transit {
    if (this.pending) return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is moving to ${this.pending}`);
    if (expected && !this.isValidProducerId(expected)) {
      return error(ErrorCode.PRODUCER_FENCED,
        `producer ${expected.producerId} epoch ${expected.epoch} is not the current producer ${this.producerId} epoch ${this.producerEpoch} of ${this.transactionalId}`);
    }
    switch (this.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
      case 'PrepareEpochFence':
      case 'Dead':
        return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is ${this.state}`);
      case 'Ongoing':
        return { kind: 'fence-first' };
      case 'Empty':
      case 'CompleteCommit':
      case 'CompleteAbort': {
        const reset = { state: TxnState.Empty, timeoutMs, partitions: [], groups: [], startTimeMs: -1, lastUpdateMs: now };
        if (isEpochExhausted(this.producerEpoch) && (!expected || expected.epoch === this.producerEpoch)) {
          return {
            kind: 'next',
            next: this.with({
              ...reset,
              producerId: newProducerId(),
              lastProducerId: this.producerId,
              producerEpoch: 0,
              lastProducerEpoch: expected ? this.producerEpoch : NO_PRODUCER_EPOCH,
            }),
          };
        }
        if (!expected) {
          return { kind: 'next', next: this.with({ ...reset, producerEpoch: this.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH }) };
        }
        if (this.producerEpoch === NO_PRODUCER_EPOCH || expected.epoch === this.producerEpoch) {
          return { kind: 'next', next: this.with({ ...reset, producerEpoch: this.producerEpoch + 1, lastProducerEpoch: this.producerEpoch }) };
        }
        if (expected.epoch === this.lastProducerEpoch) {
          // A retry of the bump that already happened: same answer, no second bump.
          return { kind: 'next', next: this.with({ ...reset }) };
        }
        return error(ErrorCode.PRODUCER_FENCED,
          `epoch ${expected.epoch} is neither the current (${this.producerEpoch}) nor the previous (${this.lastProducerEpoch}) epoch of ${this.transactionalId}`);
      }
    }
  }

  /** Kafka's rule for the producer id/epoch an InitProducerId v3+ carries. */
  private isValidProducerId(expected: { producerId: number; epoch: number }): boolean {
    return (
      this.producerEpoch === NO_PRODUCER_EPOCH ||
      expected.producerId === this.producerId ||
      (expected.producerId === this.lastProducerId && isEpochExhausted(expected.epoch))
    );
  }

  /** Checks shared by AddPartitionsToTxn, AddOffsetsToTxn and EndTxn from a client. */
  private checkClient(producerId: number, epoch: number): Transit | null {
    if (this.state === TxnState.Dead || producerId !== this.producerId) {
      return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `producer ${producerId} is not the producer of ${this.transactionalId}`);
    }
    if (epoch !== this.producerEpoch) {
      return error(ErrorCode.PRODUCER_FENCED, `epoch ${epoch} is not the current epoch ${this.producerEpoch} of ${this.transactionalId}`);
    }
    if (this.pending) return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is moving to ${this.pending}`);
    return null;
  }

  /** AddPartitionsToTxn (and AddOffsetsToTxn, whose group counts as one more member). */
  prepareAdd(producerId: number, epoch: number, partitions: string[], groups: string[], now: number): Transit {
    const bad = this.checkClient(producerId, epoch);
    if (bad) return bad;
    switch (this.state) {
      case 'PrepareCommit':
      case 'PrepareAbort':
      case 'PrepareEpochFence':
        return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is ${this.state}`);
      case 'Ongoing':
        if (partitions.every((p) => this.partitions.has(p)) && groups.every((g) => this.groups.has(g))) return NOOP;
        return {
          kind: 'next',
          next: this.with({
            partitions: [...new Set([...this.partitions, ...partitions])],
            groups: [...new Set([...this.groups, ...groups])],
            lastUpdateMs: now,
          }),
        };
      case 'Empty':
      case 'CompleteCommit':
      case 'CompleteAbort':
        return {
          kind: 'next',
          next: this.with({ state: TxnState.Ongoing, partitions: [...new Set(partitions)], groups: [...new Set(groups)], startTimeMs: now, lastUpdateMs: now }),
        };
      case 'Dead':
        return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `${this.transactionalId} has expired`);
    }
  }

  /**
   * EndTxn. From a client the epoch must match exactly; the coordinator's own
   * abort (timeout, fencing) may carry the freshly bumped epoch.
   */
  prepareEnd(producerId: number, epoch: number, commit: boolean, fromClient: boolean, now: number): Transit {
    if (this.state === TxnState.Dead || producerId !== this.producerId) {
      return error(ErrorCode.INVALID_PRODUCER_ID_MAPPING, `producer ${producerId} is not the producer of ${this.transactionalId}`);
    }
    if ((fromClient && epoch !== this.producerEpoch) || epoch < this.producerEpoch) {
      return error(ErrorCode.PRODUCER_FENCED, `epoch ${epoch} is not the current epoch ${this.producerEpoch} of ${this.transactionalId}`);
    }
    if (this.pending) return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is moving to ${this.pending}`);
    const wrong = (): Transit =>
      error(ErrorCode.INVALID_TXN_STATE, `cannot ${commit ? 'commit' : 'abort'} transaction ${this.transactionalId} in state ${this.state}`);
    switch (this.state) {
      case 'Ongoing':
        return { kind: 'next', next: this.with({ state: commit ? TxnState.PrepareCommit : TxnState.PrepareAbort, lastUpdateMs: now }) };
      case 'PrepareEpochFence':
        if (commit || fromClient) return wrong();
        return { kind: 'next', next: this.with({ state: TxnState.PrepareAbort, lastUpdateMs: now }) };
      case 'CompleteCommit':
        return commit ? NOOP : wrong(); // a retried commit
      case 'CompleteAbort':
        return commit ? wrong() : NOOP;
      case 'PrepareCommit':
        return commit ? error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is committing`) : wrong();
      case 'PrepareAbort':
        return commit ? wrong() : error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is aborting`);
      case 'Empty':
        return wrong();
    }
  }

  /** The coordinator fences the producer of an ongoing transaction (timeout, or a new InitProducerId): bump the epoch. */
  prepareFence(now: number): Transit {
    if (this.pending) return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is moving to ${this.pending}`);
    if (this.state !== TxnState.Ongoing) return error(ErrorCode.INVALID_TXN_STATE, `cannot fence ${this.transactionalId} in state ${this.state}`);
    // At the very last epoch the abort goes ahead unbumped; the next InitProducerId rotates the producer id.
    const epoch = this.producerEpoch < MAX_EPOCH ? this.producerEpoch + 1 : this.producerEpoch;
    return { kind: 'next', next: this.with({ state: TxnState.PrepareEpochFence, producerEpoch: epoch, lastProducerEpoch: NO_PRODUCER_EPOCH, lastUpdateMs: now }) };
  }

  /** Markers are written: PrepareCommit → CompleteCommit, PrepareAbort → CompleteAbort. */
  prepareComplete(now: number): Transit {
    if (this.state === TxnState.PrepareCommit) return { kind: 'next', next: this.with({ state: TxnState.CompleteCommit, partitions: [], groups: [], lastUpdateMs: now }) };
    if (this.state === TxnState.PrepareAbort) return { kind: 'next', next: this.with({ state: TxnState.CompleteAbort, partitions: [], groups: [], lastUpdateMs: now }) };
    return error(ErrorCode.INVALID_TXN_STATE, `cannot complete ${this.transactionalId} in state ${this.state}`);
  }

  /** The id was idle longer than transactional.id.expiration.ms. */
  prepareDead(now: number): Transit {
    if (this.pending) return error(ErrorCode.CONCURRENT_TRANSACTIONS, `transaction ${this.transactionalId} is moving to ${this.pending}`);
    if (!VALID_PREVIOUS.Dead.includes(this.state)) return error(ErrorCode.INVALID_TXN_STATE, `cannot expire ${this.transactionalId} in state ${this.state}`);
    return { kind: 'next', next: this.with({ state: TxnState.Dead, partitions: [], groups: [], lastUpdateMs: now }) };
  }

  /** Makes a prepared record current (after it was persisted, where that applies). */
  apply(next: TxnRecord): void {
    if (!VALID_PREVIOUS[next.state].includes(this.state)) {
      throw new Error(`illegal transaction state transition ${this.state} -> ${next.state} for ${this.transactionalId}`);
    }
    this.assign(next);
    this.pending = null;
  }
}

/**
 * PRODUCER_FENCED exists on the wire from a given API version (KIP-588);
 * older versions report the same condition as INVALID_PRODUCER_EPOCH.
 */
export function fencedForVersion(errorCode: number, version: number, fencedSince: number): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && version < fencedSince ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode;
}
