// One topic-partition as the broker sees it: its log, the fetches waiting for
// data on it, and the counters the metrics read.
import { PartitionLog } from '../log/partition-log.js';
import { ProducerStateManager } from '../txn/producer-state.js';
import { RateMeter } from '../metrics/rate-meter.js';

export class Partition {
  private readonly waiters = new Set<() => void>();
  /** Records and bytes appended since the broker started. */
  appendedRecords = 0;
  appendedBytes = 0;
  readonly recordRate = new RateMeter();
  readonly byteRate = new RateMeter();
  /** Idempotent/transactional producer state, rebuilt from the log's batch headers on open. */
  readonly producers: ProducerStateManager;

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
  ) {
    this.producers = ProducerStateManager.fromLog(log);
  }

  /** With a single replica, everything appended is replicated: the high watermark is the log end. */
  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  /** The offset below which no transaction is open: the earliest open transaction's first offset, else the high watermark. */
  get lastStableOffset(): number {
    const first = this.producers.firstUnstableOffset;
    if (first < 0) return this.highWatermark;
    // Retention or DeleteRecords may have removed the transaction's start.
    return Math.min(Math.max(first, this.log.logStartOffset), this.highWatermark);
  }

  /** Aborted transactions overlapping [from, to), for READ_COMMITTED fetches (sorted by first offset). */
  abortedTransactions(from: number, to: number): { producerId: bigint; firstOffset: bigint }[] {
    return this.producers
      .abortedTransactions(from, to, this.log.logStartOffset)
      .map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) }));
  }

  /** Calls `wake` on the next append; returns the function that cancels it. */
  onAppend(wake: () => void): () => void {
    this.waiters.add(wake);
    return () => this.waiters.delete(wake);
  }

  notifyAppend(records: number, bytes: number): void {
    this.appendedRecords += records;
    this.appendedBytes += bytes;
    if (records > 0) {
      this.recordRate.record(records);
      this.byteRate.record(bytes);
    }
    if (this.waiters.size === 0) return;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wake of woken) wake();
  }
}
