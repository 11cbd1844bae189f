// Group commit: coalesces concurrent durability requests into as few fsyncs
// as possible. Callers ask for "everything written so far is durable"; if a
// sync that already covers their writes is running they share it, otherwise
// they share the single next sync, queued behind the running one, which
// covers all writes made until it starts.

export class GroupCommit {
  private readonly sync: () => Promise<void>;
  private readonly generation: () => number;
  private durable = 0;
  private inflight: Promise<void> | null = null;
  private inflightCovers = 0;
  private queued: Promise<void> | null = null;
  /** Number of sync operations actually started. */
  syncCount = 0;

  /**
   * @param sync makes everything written so far durable
   * @param generation a counter the owner bumps on every write
   */
  constructor(sync: () => Promise<void>, generation: () => number) {
    this.sync = sync;
    this.generation = generation;
  }

  /** Resolves once every write made before this call is durable. */
  request(): Promise<void> {
    const target = this.generation();
    if (target <= this.durable) return Promise.resolve();
    if (this.inflight !== null && this.inflightCovers >= target) return this.inflight;
    if (this.queued !== null) return this.queued;
    if (this.inflight === null) return this.start();
    const settle = (): Promise<void> => {
      this.queued = null;
      return this.start();
    };
    this.queued = this.inflight.then(settle, settle);
    return this.queued;
  }

  /** True while a sync is running or queued. */
  get busy(): boolean {
    return this.inflight !== null || this.queued !== null;
  }

  /** Resolves when no sync is running or queued (errors ignored). */
  async idle(): Promise<void> {
    while (this.busy) {
      await (this.queued ?? this.inflight)?.catch(() => undefined);
    }
  }

  private start(): Promise<void> {
    const covers = this.generation();
    if (covers <= this.durable) return Promise.resolve();
    this.syncCount++;
    // Deferred by a microtask so `run` is assigned before `finally` can see it,
    // even if sync() throws synchronously.
    const run: Promise<void> = Promise.resolve()
      .then(() => this.sync())
      .then(() => {
        if (covers > this.durable) this.durable = covers;
      })
      .finally(() => {
        if (this.inflight === run) this.inflight = null;
      });
    this.inflight = run;
    this.inflightCovers = covers;
    return run;
  }
}
