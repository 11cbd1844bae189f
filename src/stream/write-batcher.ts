// Collects the records that many handler runs produce and sends them as one
// produce call per event-loop turn (or every `maxRecords`), instead of one round
// trip per input message. Each caller's promise settles with the send that
// carried its records.
import type { PendingWrite } from './context.js';

export type SendBatch = (writes: PendingWrite[]) => Promise<void>;

export class WriteBatcher {
  private pending: PendingWrite[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private scheduled = false;
  /** Sends started and not yet acknowledged. */
  inFlight = 0;

  constructor(
    private readonly sendBatch: SendBatch,
    private readonly maxRecords = 1000,
  ) {}

  write(writes: PendingWrite[]): Promise<void> {
    if (writes.length === 0) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.pending.push(...writes);
    if (this.pending.length >= this.maxRecords) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  /** Resolves when every send started so far has settled. */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.pending.length > 0) {
      this.flush();
      await new Promise<void>((resolve) => (this.idleWaiters ??= []).push(resolve));
    }
  }

  private idleWaiters: (() => void)[] | undefined;

  private settled(): void {
    this.inFlight--;
    if (this.inFlight === 0 && this.idleWaiters) for (const w of this.idleWaiters.splice(0)) w();
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    this.inFlight++;
    this.sendBatch(batch).then(
      () => {
        this.settled();
        for (const w of waiters) w.resolve();
      },
      (err) => {
        this.settled();
        for (const w of waiters) w.reject(err);
      },
    );
  }
}
