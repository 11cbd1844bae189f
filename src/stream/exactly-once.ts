// Exactly-once delivery (`exactlyOnce: true`), for agents that only write to
// topics and tables: records are processed in batches of up to `maxBatch`, and
// each batch's outputs, table updates and input offsets are committed in one
// transaction (consume-transform-produce). The consumer reads committed records
// only. A failed transaction is aborted and the agent restarts from the
// committed offsets, its new producer fencing the old one.
import { beginTransaction, type ConsumedRecord } from './kafka.js';
import type { PendingWrite } from './context.js';
import type { RunHost, Runner } from './agent-processor.js';

export class ExactlyOnceRunner implements Runner {
  private batch: ConsumedRecord[] = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly run: RunHost,
    private readonly maxBatch: number,
    /** Called after each committed transaction (the agent resets its restart backoff). */
    private readonly onCommitted: () => void,
  ) {}

  push(record: ConsumedRecord): void {
    this.batch.push(record);
    this.runBatches();
  }

  /** Nothing to forget: a revoked partition's records are either in a transaction or not yet read. */
  revoke(): void {}

  async drain(): Promise<void> {
    await this.running;
  }

  discard(): void {
    this.batch = [];
  }

  /** Offsets are committed by each transaction. */
  async commit(): Promise<void> {}

  private runBatches(): void {
    if (this.running) return;
    const { run } = this;
    this.running = (async () => {
      while (!run.isStopping() && this.batch.length > 0) {
        const batch = this.batch.splice(0, this.maxBatch);
        try {
          await this.transact(batch);
          this.onCommitted();
        } catch (err) {
          for (let i = 0; i < batch.length; i++) run.release();
          run.restart(err);
          return;
        }
        for (let i = 0; i < batch.length; i++) run.release();
      }
    })().finally(() => {
      this.running = undefined;
      if (!run.isStopping() && this.batch.length > 0) this.runBatches();
    });
  }

  private async transact(batch: ConsumedRecord[]): Promise<void> {
    const { processor, producer, consumer } = this.run;
    const tx = await beginTransaction(producer);
    try {
      const writes: PendingWrite[] = [];
      for (const m of batch) {
        await processor.restoreTables(consumer, m.partition);
        writes.push(...(await processor.process(m, () => false)));
      }
      await processor.produce(tx, writes);
      const last = new Map<number, ConsumedRecord>();
      for (const m of batch) last.set(m.partition, m);
      await tx.addOffsets(consumer, last.values());
      await tx.commit();
      processor.stats.transactions++;
      processor.stats.committed += last.size;
    } catch (err) {
      await tx.abort().catch(() => {});
      throw err;
    }
  }
}
