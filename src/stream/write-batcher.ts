// Collects the records that many callers produce and sends them in few produce
// calls, instead of one round trip per caller. Each caller's promise settles
// with the send that carried its records. Two ways to batch:
// - by event-loop turn (the default, for agents): one send per turn, or every
//   `maxRecords`;
// - by sends in flight (`maxInFlight`, for app.send()): while fewer sends than
//   that are on their way, what is written goes out at once (at the end of the
//   current microtask run, no timer: linger 0 when idle); otherwise it waits
//   for one of them to be acknowledged and then goes out with everything that
//   came meanwhile, so batches grow with the load instead of the round trips.
import type { PendingWrite } from './context.js';

export type SendBatch = (writes: PendingWrite[]) => Promise<void>;

export interface WriteBatcherOptions {
  /** Most records per send. Default 1000. */
  maxRecords?: number;
  /** Sends on their way at once; unset: one send per event-loop turn, however many are in flight. */
  maxInFlight?: number;
  /**
   * With maxInFlight: how long a write may wait for others before its send
   * starts, ms (default 0: at once), so sends start at most once per lingerMs.
   * For records nobody waits for (a request's activity event).
   */
  lingerMs?: number;
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
  /** How many records this caller wrote (they travel in one send). */
  records: number;
}

export class WriteBatcher {
  private pending: PendingWrite[] = [];
  private waiters: Waiter[] = [];
  private scheduled = false;
  /** Sends started and not yet acknowledged. */
  inFlight = 0;
  /** Sends made, for tests and metrics. */
  sends = 0;

  /** Records written and not yet sent. */
  get pendingRecords(): number {
    return this.pending.length;
  }
  private readonly maxRecords: number;
  private readonly maxInFlight: number | undefined;
  private readonly lingerMs: number;

  constructor(
    private readonly sendBatch: SendBatch,
    options: WriteBatcherOptions | number = {},
  ) {
    const o = typeof options === 'number' ? { maxRecords: options } : options;
    this.maxRecords = o.maxRecords ?? 1000;
    this.maxInFlight = o.maxInFlight;
    this.lingerMs = o.lingerMs ?? 0;
    if (!(this.maxRecords >= 1) || (this.maxInFlight !== undefined && !(this.maxInFlight >= 1))) {
      throw new RangeError('maxRecords and maxInFlight must be at least 1');
    }
  }

  write(writes: PendingWrite[]): Promise<void> {
    if (writes.length === 0) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject, records: writes.length }));
    for (const w of writes) this.pending.push(w);
    if (this.maxInFlight !== undefined) {
      if (this.inFlight < this.maxInFlight) this.schedule();
    } else if (this.pending.length >= this.maxRecords) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return p;
  }

  /** Capped: a flush at the end of this microtask run, or after lingerMs. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    if (this.lingerMs > 0) setTimeout(() => this.flush(), this.lingerMs).unref();
    else queueMicrotask(() => this.flush());
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
    // Capped: what waited for this send's place goes now (or after the linger).
    if (this.maxInFlight !== undefined && this.pending.length > 0) {
      if (this.lingerMs === 0) this.flush();
      else this.schedule();
    }
    if (this.inFlight === 0 && this.idleWaiters) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Sends what is pending (up to maxRecords a send; capped: as many sends as there is room for). */
  flush(): void {
    this.scheduled = false;
    do {
      if (this.pending.length === 0) return;
      this.sendOne();
    } while (this.pending.length > 0 && (this.maxInFlight === undefined || this.inFlight < this.maxInFlight));
  }

  /** Sends the first callers' records: whole callers, up to maxRecords (or one caller, however many it wrote). */
  private sendOne(): void {
    let take = 0;
    let callers = 0;
    while (callers < this.waiters.length && (callers === 0 || take + this.waiters[callers]!.records <= this.maxRecords)) {
      take += this.waiters[callers]!.records;
      callers++;
    }
    const batch = take === this.pending.length ? this.pending : this.pending.slice(0, take);
    this.pending = take === this.pending.length ? [] : this.pending.slice(take);
    const waiters = this.waiters.splice(0, callers);
    this.inFlight++;
    this.sends++;
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
