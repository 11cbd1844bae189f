// One topic-partition as the broker sees it: its log, the fetches waiting for
// data on it, and the counters the metrics read.
//
// The log (and the producer state rebuilt from it) is opened on first use, so
// a broker with thousands of partitions starts without reading them all, and
// each one recovers just before it is first read or written.
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
  private openLog: PartitionLog | null = null;
  private producerState: ProducerStateManager | null = null;

  /**
   * @param opener opens (recovering) the log; called once, on first use
   * @param onOpen runs once the log and producer state are there (the log may be written from it)
   */
  constructor(
    readonly topic: string,
    readonly index: number,
    private readonly opener: () => PartitionLog,
    private readonly onOpen?: (partition: Partition) => void,
  ) {}

  /** A partition over a log opened already (tests, tools). */
  static of(topic: string, index: number, log: PartitionLog): Partition {
    return new Partition(topic, index, () => log);
  }

  get log(): PartitionLog {
    return this.openLog ?? this.open().log;
  }

  /** Idempotent/transactional producer state, rebuilt from the log's batch headers on open. */
  get producers(): ProducerStateManager {
    return this.producerState ?? this.open().producers;
  }

  /** Whether the log has been opened (and recovered) in this run. */
  get isOpen(): boolean {
    return this.producerState !== null;
  }

  private open(): { log: PartitionLog; producers: ProducerStateManager } {
    const log = this.openLog ?? (this.openLog = this.opener());
    const producers = ProducerStateManager.fromLog(log);
    this.producerState = producers;
    this.onOpen?.(this);
    return { log, producers };
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
