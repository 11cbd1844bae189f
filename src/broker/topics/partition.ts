// One topic-partition as the broker sees it: its log, the fetches waiting for
// data on it, and the counters the metrics read.
import { PartitionLog } from '../log/partition-log.js';
import { RateMeter } from '../metrics/rate-meter.js';

export class Partition {
  private readonly waiters = new Set<() => void>();
  /** Records and bytes appended since the broker started. */
  appendedRecords = 0;
  appendedBytes = 0;
  readonly recordRate = new RateMeter();
  readonly byteRate = new RateMeter();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
  ) {}

  /** With a single replica, everything appended is replicated: the high watermark is the log end. */
  get highWatermark(): number {
    return this.log.logEndOffset;
  }

  /** The offset below which no transaction is open; equal to the high watermark until transactions land. */
  get lastStableOffset(): number {
    return this.highWatermark;
  }

  /** Aborted transactions overlapping [from, to), for READ_COMMITTED fetches. */
  abortedTransactions(_from: number, _to: number): { producerId: bigint; firstOffset: bigint }[] {
    return [];
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
