// Per-partition producer state: what idempotence and transactions need to know
// about each producer that wrote to one partition.
//
// - Sequence checks (O(1) per batch): the producer's epoch, and the metadata of
//   its last 5 batches (Kafka keeps the same number) so a retried batch is
//   recognised and answered with its original offsets instead of being stored twice.
// - Open transactions: producer id -> offset of its first transactional batch.
//   A Map iterates in insertion order and a transaction is inserted when it
//   starts, so the first entry is always the earliest open one: that is the
//   first unstable offset, which bounds the last stable offset (LSO).
// - Aborted transactions: (producerId, firstOffset, lastOffset=marker offset),
//   in marker order, for the aborted-transactions list of READ_COMMITTED fetches.
//
// Everything is rebuilt from batch headers when a partition opens (control
// batches need their one record read to tell commit from abort).
import { ErrorCode } from '../protocol/error-codes.js';
import type { BatchInfo } from '../records/batch.js';
import { decodeRecords } from '../records/records.js';
import { parseControlRecord } from '../records/control.js';
import type { PartitionLog } from '../log/partition-log.js';

/** Kafka keeps this many batches per producer for duplicate detection. */
export const BATCHES_TO_RETAIN = 5;
const MAX_SEQUENCE = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
}

export interface ProducerEntry {
  producerId: number;
  epoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  /** First offset of the producer's open transaction in this partition, or -1. */
  txnFirstOffset: number;
  coordinatorEpoch: number;
  /** Wall-clock ms of the last write (batch max timestamp when rebuilt from the log). */
  lastTimestamp: number;
}

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  /** Offset of the abort marker. */
  lastOffset: number;
}

/** The outcome of checking a Produce request's batches against the producer state. */
export type ProduceCheck =
  | { kind: 'ok' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/**
 * Called for a transactional batch that opens a transaction on this partition:
 * answers ErrorCode.NONE when the coordinator has the partition in that
 * producer's ongoing transaction (KIP-890 style verification, which stops a
 * late or zombie write from leaving a transaction open forever).
 */
export type TxnVerifier = (producerId: number, producerEpoch: number) => number;

const OK: ProduceCheck = { kind: 'ok' };

export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  // Sequences wrap from Integer.MAX_VALUE to 0.
  return baseSequence > MAX_SEQUENCE - lastOffsetDelta ? lastOffsetDelta - (MAX_SEQUENCE - baseSequence) - 1 : baseSequence + lastOffsetDelta;
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === MAX_SEQUENCE);
}

function fail(errorCode: number, message: string): ProduceCheck {
  return { kind: 'error', errorCode, message };
}

/** What a multi-batch request has already claimed for a producer, before anything is stored. */
interface Pending {
  epoch: number;
  lastSeq: number;
  txnOpen: boolean;
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  private readonly open = new Map<number, number>();
  private aborted: AbortedTxn[] = [];
  /** Set once producer state may have been dropped (expiry): unknown producers are then accepted mid-sequence. */
  private historyLost = false;

  /** Rebuilds the state from the log's batch headers (logStartOffset to the end). */
  static fromLog(log: PartitionLog): ProducerStateManager {
    const state = new ProducerStateManager();
    log.scanBatches(log.logStartOffset, (b) => {
      if (b.producerId < 0) return;
      if (b.isControl) {
        const type = readControlType(log, b);
        if (type === 'commit' || type === 'abort') {
          state.onMarker(b.producerId, b.producerEpoch, type === 'commit', b.baseOffset, 0, b.maxTimestamp);
        }
        return;
      }
      state.record(b, b.maxTimestamp);
    });
    return state;
  }

  get size(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId);
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values();
  }

  /** Offset of the earliest open transaction's first batch, or -1. */
  get firstUnstableOffset(): number {
    for (const offset of this.open.values()) return offset;
    return -1;
  }

  get openTransactions(): number {
    return this.open.size;
  }

  /** Producer ids with a transaction open here, earliest first. */
  openProducerIds(): number[] {
    return [...this.open.keys()];
  }

  hasOpenTxn(producerId: number): boolean {
    return this.open.has(producerId);
  }

  /**
   * Checks a Produce request's batches before they are appended (nothing is
   * changed): control batches from clients, epochs, sequence gaps, duplicates,
   * and transactional writes the coordinator does not know about.
   */
  check(batches: BatchInfo[], logStartOffset: number, verify?: TxnVerifier): ProduceCheck {
    // Batches of several producers in one request are rare; only then is a pending map needed.
    let pending: Map<number, Pending> | undefined;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i];
      if (b.isControl) return fail(ErrorCode.INVALID_RECORD, 'clients may not write control batches');
      if (b.producerId < 0) {
        if (b.isTransactional) return fail(ErrorCode.INVALID_RECORD, 'a transactional batch needs a producer id');
        continue;
      }
      if (b.producerEpoch < 0 || b.baseSequence < 0) {
        return fail(ErrorCode.INVALID_RECORD, `batch of producer ${b.producerId} has epoch ${b.producerEpoch} and base sequence ${b.baseSequence}`);
      }
      const entry = this.producers.get(b.producerId);
      const lastSeq = lastSequenceOf(b.baseSequence, b.lastOffsetDelta);
      // A retry of an acknowledged batch: answer with where it was stored.
      if (entry && entry.epoch === b.producerEpoch) {
        for (const m of entry.batches) {
          if (m.firstSeq === b.baseSequence && m.lastSeq === lastSeq) {
            return { kind: 'duplicate', firstOffset: m.firstOffset, lastOffset: m.lastOffset };
          }
        }
      }
      const p = pending?.get(b.producerId);
      const currentEpoch = p ? p.epoch : entry ? entry.epoch : -1;
      if (b.producerEpoch < currentEpoch) {
        return fail(ErrorCode.INVALID_PRODUCER_EPOCH,
          `producer ${b.producerId} epoch ${b.producerEpoch} is older than the current epoch ${currentEpoch}`);
      }
      if (b.producerEpoch !== currentEpoch) {
        // A new epoch starts its sequences at 0 (an unknown producer is handled below).
        if (b.baseSequence !== 0 && currentEpoch !== -1) {
          return fail(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `producer ${b.producerId} starts epoch ${b.producerEpoch} at sequence ${b.baseSequence}, expected 0`);
        }
        if (b.baseSequence !== 0 && currentEpoch === -1 && !this.historyLost && logStartOffset === 0) {
          // Nothing (retention, DeleteRecords, expiry) could have removed this
          // producer's earlier batches, so it never wrote any here. Once
          // something could have, any sequence is accepted, as Kafka 2.5+ does.
          return fail(ErrorCode.UNKNOWN_PRODUCER_ID,
            `no record of producer ${b.producerId} on this partition, yet its first batch has sequence ${b.baseSequence}`);
        }
      } else {
        const currentLast = p ? p.lastSeq : entry!.batches.length > 0 ? entry!.batches[entry!.batches.length - 1].lastSeq : -1;
        if (!inSequence(currentLast, b.baseSequence)) {
          return fail(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
            `producer ${b.producerId} sent sequence ${b.baseSequence}, expected ${currentLast === MAX_SEQUENCE ? 0 : currentLast + 1}`);
        }
      }
      const txnOpen = p ? p.txnOpen : entry !== undefined && entry.txnFirstOffset >= 0;
      if (b.isTransactional) {
        if (!txnOpen && verify) {
          const code = verify(b.producerId, b.producerEpoch);
          if (code !== ErrorCode.NONE) {
            return fail(code, `producer ${b.producerId} epoch ${b.producerEpoch} has no ongoing transaction with this partition`);
          }
        }
      } else if (txnOpen) {
        return fail(ErrorCode.INVALID_TXN_STATE, `producer ${b.producerId} has an open transaction but sent a non-transactional batch`);
      }
      if (batches.length > 1) {
        pending ??= new Map();
        pending.set(b.producerId, { epoch: b.producerEpoch, lastSeq, txnOpen: txnOpen || b.isTransactional });
      }
    }
    return OK;
  }

  /** Records appended batches (their baseOffset now assigned). */
  onAppend(batches: BatchInfo[], now: number = Date.now()): void {
    for (let i = 0; i < batches.length; i++) {
      if (batches[i].producerId >= 0) this.record(batches[i], now);
    }
  }

  private record(b: BatchInfo, now: number): void {
    const entry = this.getOrCreate(b.producerId);
    if (b.producerEpoch !== entry.epoch) {
      entry.epoch = b.producerEpoch;
      entry.batches = [];
    }
    const firstOffset = b.baseOffset;
    entry.batches.push({
      firstSeq: b.baseSequence,
      lastSeq: lastSequenceOf(b.baseSequence, b.lastOffsetDelta),
      firstOffset,
      lastOffset: firstOffset + b.lastOffsetDelta,
    });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestamp = now;
    if (b.isTransactional && entry.txnFirstOffset < 0) {
      entry.txnFirstOffset = firstOffset;
      this.open.set(b.producerId, firstOffset);
    }
  }

  /**
   * A commit/abort marker was written at `offset`: the producer's transaction
   * here is over. A marker with a newer epoch fences older writers.
   */
  onMarker(producerId: number, epoch: number, commit: boolean, offset: number, coordinatorEpoch: number, now: number = Date.now()): void {
    const entry = this.getOrCreate(producerId);
    if (epoch > entry.epoch) {
      entry.epoch = epoch;
      entry.batches = [];
    }
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestamp = now;
    const first = entry.txnFirstOffset;
    entry.txnFirstOffset = -1;
    this.open.delete(producerId);
    // A partition added to a transaction but never written to has nothing to hide.
    if (!commit && first >= 0) this.aborted.push({ producerId, firstOffset: first, lastOffset: offset });
  }

  /**
   * Aborted transactions overlapping [from, to), sorted by first offset (kafkajs
   * relies on that order). Entries wholly below `logStartOffset` are dropped.
   */
  abortedTransactions(from: number, to: number, logStartOffset = 0): AbortedTxn[] {
    const list = this.aborted;
    if (list.length > 0 && list[0].lastOffset < logStartOffset) this.pruneBelow(logStartOffset);
    // First entry whose marker is at or after `from` (markers are in offset order).
    let lo = 0;
    let hi = this.aborted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.aborted[mid].lastOffset < from) lo = mid + 1;
      else hi = mid;
    }
    const out: AbortedTxn[] = [];
    for (let i = lo; i < this.aborted.length; i++) {
      if (this.aborted[i].firstOffset < to) out.push(this.aborted[i]);
    }
    if (out.length > 1) out.sort((a, b) => a.firstOffset - b.firstOffset);
    return out;
  }

  /** Forgets producers idle since before `cutoff` that have no open transaction. */
  expire(cutoff: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (e.lastTimestamp < cutoff && e.txnFirstOffset < 0) {
        this.producers.delete(id);
        removed++;
      }
    }
    if (removed > 0) this.historyLost = true;
    return removed;
  }

  private pruneBelow(logStartOffset: number): void {
    let n = 0;
    while (n < this.aborted.length && this.aborted[n].lastOffset < logStartOffset) n++;
    this.aborted = this.aborted.slice(n);
  }

  private getOrCreate(producerId: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = { producerId, epoch: -1, batches: [], txnFirstOffset: -1, coordinatorEpoch: -1, lastTimestamp: -1 };
      this.producers.set(producerId, entry);
    }
    return entry;
  }
}

/** Reads the single record of a control batch found by a header scan. */
function readControlType(log: PartitionLog, b: BatchInfo): string | number | undefined {
  try {
    const { records } = log.read(b.baseOffset, b.size, b.baseOffset + b.lastOffsetDelta + 1);
    if (records.length === 0) return undefined;
    const rec = decodeRecords(records)[0];
    return rec ? parseControlRecord(rec.key, rec.value).type : undefined;
  } catch {
    return undefined; // an unreadable marker is skipped, as a consumer would
  }
}
