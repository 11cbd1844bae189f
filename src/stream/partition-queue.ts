// Work queues per partition: items of one partition run one at a time, in
// order; different partitions run in parallel up to `concurrency`. This is the
// ordering an agent promises (per-partition order, concurrency across partitions).

export type Job = () => Promise<void>;

export class PartitionQueues {
  private readonly queues = new Map<string, Job[]>();
  private readonly running = new Set<string>();
  private readonly ready: string[] = [];
  private idleWaiters: (() => void)[] = [];
  private pending = 0;

  constructor(
    private readonly concurrency: number,
    private readonly onError: (err: unknown) => void,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency must be a positive integer, got ${concurrency}`);
  }

  /** Jobs queued or running. */
  get size(): number {
    return this.pending;
  }

  push(partitionKey: string, job: Job): void {
    let q = this.queues.get(partitionKey);
    if (!q) {
      q = [];
      this.queues.set(partitionKey, q);
    }
    q.push(job);
    this.pending++;
    if (q.length === 1 && !this.running.has(partitionKey)) this.ready.push(partitionKey);
    this.pump();
  }

  /** Drops the queued (not running) jobs of a partition, e.g. when it is revoked. */
  drop(partitionKey: string): number {
    const q = this.queues.get(partitionKey);
    if (!q) return 0;
    const dropped = q.length;
    this.pending -= dropped;
    q.length = 0;
    const i = this.ready.indexOf(partitionKey);
    if (i >= 0) this.ready.splice(i, 1);
    this.maybeIdle();
    return dropped;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const job = this.queues.get(key)!.shift()!;
      this.running.add(key);
      job()
        .catch(this.onError)
        .finally(() => {
          this.running.delete(key);
          this.pending--;
          if (this.queues.get(key)!.length > 0) this.ready.push(key);
          this.pump();
          this.maybeIdle();
        });
    }
  }

  private maybeIdle(): void {
    if (this.pending !== 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
