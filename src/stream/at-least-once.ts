// At-least-once delivery (the default): each partition's records are processed
// in order, partitions in parallel up to `concurrency`; a batch agent's handler
// takes the records of a partition that wait (up to `perCall`) in one call. What a handler produced
// is acknowledged by the broker (acks=all) before its input offset becomes
// committable; commits go out every `commitIntervalMs` and on a graceful stop.
// A crash re-processes from the last commit, so a record may be handled twice,
// never lost.
import type { ConsumedRecord } from './kafka.js';
import { PartitionQueues } from './partition-queue.js';
import { WriteBatcher } from './write-batcher.js';
import type { RunHost, Runner } from './agent-processor.js';

/**
 * Outputs and changelog updates go out one produce request at a time (what is
 * processed meanwhile shares the next one: a table key updated by many batches
 * costs one record per request). Past this many records waiting for their
 * request, a partition waits for the broker: do not run far ahead of it.
 */
const MAX_PENDING_RECORDS = 5000;

export class AtLeastOnceRunner implements Runner {
  private readonly queues: PartitionQueues;
  private readonly writer: WriteBatcher;
  /** Per "topic:partition": settles when every output of its processed records is acknowledged. */
  private readonly acked = new Map<string, Promise<void>>();
  /** Next offset to commit per "topic:partition" (processed but not yet committed). */
  private readonly toCommit = new Map<string, { topic: string; partition: number; offset: bigint }>();
  private readonly timer: NodeJS.Timeout;
  /** Per "topic:partition": records received and not yet taken by a job. */
  private readonly waiting = new Map<string, ConsumedRecord[]>();

  constructor(
    private readonly run: RunHost,
    concurrency: number,
    commitIntervalMs: number,
    /** Most records per handler call (1: a handler per record). */
    private readonly perCall = 1,
  ) {
    this.queues = new PartitionQueues(concurrency, (err) => run.fail(err));
    this.writer = new WriteBatcher((writes) => run.processor.produce(run.producer, writes), { maxInFlight: 1 });
    this.timer = setInterval(() => {
      if (!run.isStopping()) void this.commit();
    }, commitIntervalMs);
    this.timer.unref();
  }

  push(m: ConsumedRecord): void {
    const key = `${m.topic}:${m.partition}`;
    const waiting = this.waiting.get(key);
    if (waiting) {
      // A job of the partition is queued and will take this record with the others.
      waiting.push(m);
      return;
    }
    this.waiting.set(key, [m]);
    this.queues.push(key, () => this.processWaiting(key));
  }

  /** Takes the partition's waiting records (up to perCall), handles them, and queues a job for the rest. */
  private async processWaiting(key: string): Promise<void> {
    const { run } = this;
    const waiting = this.waiting.get(key) ?? [];
    const records = waiting.splice(0, this.perCall);
    if (waiting.length === 0) this.waiting.delete(key);
    else this.queues.push(key, () => this.processWaiting(key));
    const last = records[records.length - 1];
    try {
      if (run.isStopping() || !last) return;
      await run.processor.restoreTables(run.consumer, last.partition);
      const writes = await run.processor.processBatch(records, () => run.isStopping());
      // The next records of the partition are processed while these writes are
      // on their way; the offset becomes committable once they (and every
      // earlier one of the partition) are acknowledged.
      const sent = this.writer.write(writes);
      const tail = Promise.all([this.acked.get(key), sent]).then(() => {
        if (this.acked.get(key) === tail) this.acked.delete(key);
        if (run.isAssigned(last.partition) || run.isStopping()) {
          this.toCommit.set(key, { topic: last.topic, partition: last.partition, offset: last.offset + 1n });
        }
      });
      this.acked.set(key, tail);
      tail.catch((err) => run.restart(err));
      if (this.writer.pendingRecords > MAX_PENDING_RECORDS) await sent.catch(() => {});
    } finally {
      for (let i = 0; i < records.length; i++) run.release();
    }
  }

  revoke(partition: number): void {
    const key = `${this.run.processor.input.name}:${partition}`;
    this.queues.drop(key);
    this.waiting.delete(key);
    this.toCommit.delete(key);
  }

  async drain(): Promise<void> {
    clearInterval(this.timer);
    await this.queues.idle();
    this.writer.flush();
    await Promise.allSettled([...this.acked.values()]);
    await this.commit();
  }

  discard(): void {
    clearInterval(this.timer);
    this.waiting.clear();
    this.toCommit.clear();
  }

  async commit(): Promise<void> {
    if (this.toCommit.size === 0) return;
    const { processor, consumer } = this.run;
    const offsets = [...this.toCommit.values()].map((o) => ({ ...o, leaderEpoch: -1 }));
    this.toCommit.clear();
    try {
      await consumer.commit({ offsets });
      processor.stats.committed += offsets.length;
    } catch (err) {
      // A rebalance took the partitions away: the new owner re-processes from the last commit.
      processor.log('warn', `agent ${processor.name}: commit failed`, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
