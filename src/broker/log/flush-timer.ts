// The flush.ms timer of a log with flush policy 'interval': at most one
// background flush pending, and it never keeps the process alive.

/** Node caps timers at 2^31-1 ms and turns larger delays into 1 ms. */
const MAX_TIMER_MS = 2147483647;

export class FlushTimer {
  private timer: NodeJS.Timeout | null = null;
  private readonly run: () => void;

  constructor(run: () => void) {
    this.run = run;
  }

  /** Arms the timer unless it is armed; a delay above the timer cap (Kafka's default flush.ms is Long.MAX_VALUE) means "never". */
  schedule(delayMs: number): void {
    if (this.timer !== null || delayMs > MAX_TIMER_MS) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run();
    }, delayMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
