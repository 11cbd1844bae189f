// Events per second over a sliding window of one-second buckets. Recording is
// O(1) (one bucket per second of wall time), so it can sit on the produce path.
export class RateMeter {
  private readonly counts: Float64Array;
  private readonly seconds: Float64Array;

  constructor(
    private readonly windowSeconds = 10,
    private readonly now: () => number = Date.now,
  ) {
    this.counts = new Float64Array(windowSeconds + 1);
    this.seconds = new Float64Array(windowSeconds + 1).fill(-1);
  }

  record(amount = 1): void {
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
    const current = Math.floor(this.now() / 1000);
    let total = 0;
    for (let i = 0; i < this.counts.length; i++) {
      const s = this.seconds[i]!;
      if (s < current && s >= current - this.windowSeconds) total += this.counts[i]!;
    }
    return total / this.windowSeconds;
  }
}
