// Keyed timers for the coordinator (session expiry per member, join and sync
// deadlines per group). Scheduling a key again replaces its timer, like
// Kafka's coordinator timer. TimerScheduler uses real, unref'd timeouts;
// ManualScheduler runs on a virtual clock so tests control time exactly.

export interface Scheduler {
  now(): number;
  /** Runs `fn` after `delayMs`, replacing any timer with the same key. */
  schedule(key: string, delayMs: number, fn: () => void): void;
  cancel(key: string): void;
  has(key: string): boolean;
  /** Cancels everything (broker close). */
  cancelAll(): void;
}

/** Node caps timeouts at 2^31-1 ms; a longer one would fire after 1 ms. */
const MAX_DELAY = 2 ** 31 - 1;

export class TimerScheduler implements Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onError: (err: unknown) => void = () => {}) {}

  now(): number {
    return Date.now();
  }

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.cancel(key);
    const timer = setTimeout(() => {
      if (this.timers.get(key) !== timer) return;
      this.timers.delete(key);
      try {
        fn();
      } catch (err) {
        this.onError(err);
      }
    }, Math.min(Math.max(delayMs, 0), MAX_DELAY));
    timer.unref(); // a pending session expiry must not keep the process alive
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
  }

  has(key: string): boolean {
    return this.timers.has(key);
  }

  cancelAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  get size(): number {
    return this.timers.size;
  }
}

interface ManualTask {
  at: number;
  seq: number;
  fn: () => void;
}

/** A virtual clock: nothing fires until advance() moves time past a deadline. */
export class ManualScheduler implements Scheduler {
  private time: number;
  private seq = 0;
  private readonly tasks = new Map<string, ManualTask>();

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(key: string, delayMs: number, fn: () => void): void {
    this.tasks.set(key, { at: this.time + Math.max(delayMs, 0), seq: this.seq++, fn });
  }

  cancel(key: string): void {
    this.tasks.delete(key);
  }

  has(key: string): boolean {
    return this.tasks.has(key);
  }

  cancelAll(): void {
    this.tasks.clear();
  }

  /** Keys of pending timers (for assertions). */
  get keys(): string[] {
    return [...this.tasks.keys()];
  }

  /** The deadline of a pending timer, relative to now. */
  dueIn(key: string): number | undefined {
    const t = this.tasks.get(key);
    return t ? t.at - this.time : undefined;
  }

  /** Moves the clock forward, running due timers in deadline order (including ones they schedule). */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      let nextKey: string | undefined;
      let next: ManualTask | undefined;
      for (const [key, t] of this.tasks) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) {
          next = t;
          nextKey = key;
        }
      }
      if (!next || nextKey === undefined) break;
      this.tasks.delete(nextKey);
      this.time = Math.max(this.time, next.at);
      next.fn();
    }
    this.time = target;
  }
}
