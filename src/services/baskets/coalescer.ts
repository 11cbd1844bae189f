// Turns many concurrent single-item writes into few batch writes: items queued
// while a batch is on its way go out together in the next one. The baskets
// worker uses it so its agents (one per partition, each awaiting its own
// basket) share one multi-row upsert per database round trip instead of one
// round trip per basket. Each caller's promise settles with its own item: when
// a batch fails, its items are retried one by one, so one bad item does not
// fail the others.

export type WriteBatch<T> = (items: T[]) => Promise<void>;

export interface CoalescerOptions {
  /** Most items per batch. Default 500. */
  maxBatch?: number;
  /** Batches on their way at once (1 for a single-connection database). Default 1. */
  maxInFlight?: number;
}

interface Entry<T> {
  item: T;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class Coalescer<T> {
  private queue: Entry<T>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  /** Batches written and items carried, for stats. */
  readonly stats = { batches: 0, items: 0 };

  constructor(
    private readonly writeBatch: WriteBatch<T>,
    options: CoalescerOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 1;
    if (!(this.maxBatch >= 1 && this.maxInFlight >= 1)) throw new RangeError('maxBatch and maxInFlight must be at least 1');
  }

  write(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      // Wait for the rest of this event-loop turn: the other agents' items join the batch.
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async run(batch: Entry<T>[]): Promise<void> {
    try {
      await this.writeBatch(batch.map((e) => e.item));
      this.stats.batches++;
      this.stats.items += batch.length;
      for (const e of batch) e.resolve();
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // Which item failed is unknown: try each alone, so each caller gets its own answer.
      for (const e of batch) {
        try {
          await this.writeBatch([e.item]);
          this.stats.batches++;
          this.stats.items++;
          e.resolve();
        } catch (one) {
          e.reject(one);
        }
      }
    }
  }
}
