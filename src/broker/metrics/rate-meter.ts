// Events per second over a sliding window of one-second buckets. Recording is
// O(1) (one bucket per second of wall time), so it can sit on the produce path.
// The buckets are made by the first record: every partition has two meters,
// and a broker of 10,000 partitions would otherwise allocate 40,000 typed
// arrays at start for partitions that may never be written.
export class RateMeter {
  private counts: Float64Array | null = null;
  private seconds: Float64Array | null = null;

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {}

  record(amount = 1): void {
    if (this.counts === null || this.seconds === null) {
      this.counts = new Float64Array(this.windowSeconds + 1);
      this.seconds = new Float64Array(this.windowSeconds + 1).fill(-1);
    }
    const second = Math.floor(this.now() / 1000);
    const i = second % this.counts.length;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.counts[i] = 0;
    }
    this.counts[i]! += amount;
  }

  /** The average per second over the last `windowSeconds` whole seconds (the current one excluded). */
  perSecond(): number {
    if (this.counts === null || this.seconds === null) return 0;
    const current = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const s = this.seconds[i]!;
      if (s < current && s >= current - this.windowSeconds) total += this.counts[i]!;
    }
    return total / this.windowSeconds;
  }
}
