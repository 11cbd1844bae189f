// Waiting for a condition in tests, the one way: the condition is checked now,
// again whenever something it depends on announces a change (`wake`: an append,
// a client event, an IPC message), and, only when `interval` is given, every
// `interval` ms for state that announces nothing (another process, a database
// row). The timeout turns a hang into an error naming what was awaited.

export interface WaitOptions {
  /** What is awaited, for the timeout's error ("group g to be stable"). */
  what: string | (() => string);
  /** Default 30 s. */
  timeout?: number;
  /** Subscribes `check` to the changes the condition depends on; returns the unsubscribe. */
  wake?: (check: () => void) => () => void;
  /** Also re-check every `interval` ms (for state no event announces). */
  interval?: number;
  /**
   * A check that throws is retried (its last error goes in the timeout's message)
   * instead of failing the wait: for checks against a server still starting.
   */
  retryErrors?: boolean;
}

/** What `check` answers: a falsy value is "not yet"; anything else ends the wait and is its result. */
export type Check<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

export function waitFor<T>(check: Check<T>, options: WaitOptions): Promise<T> {
  const timeout = options.timeout ?? 30_000;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let running = false;
    let again = false;
    let lastError: unknown;
    const cleanups: (() => void)[] = [];
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      for (const c of cleanups.splice(0)) c();
      fn();
    };
    const run = async (): Promise<void> => {
      // One check at a time (an async one may take a while); a wake-up meanwhile runs it again after.
      if (settled) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          try {
            const result = await check();
            if (result) return finish(() => resolve(result));
          } catch (err) {
            if (!options.retryErrors) return finish(() => reject(err));
            lastError = err;
          }
        } while (again && !settled);
      } finally {
        running = false;
      }
    };
    const poke = () => void run();
    const timer = setTimeout(() => {
      const what = typeof options.what === 'function' ? options.what() : options.what;
      const last = lastError === undefined ? '' : ` (last error: ${lastError instanceof Error ? lastError.message : String(lastError)})`;
      finish(() => reject(new Error(`timed out after ${timeout} ms waiting for ${what}${last}`)));
    }, timeout);
    cleanups.push(() => clearTimeout(timer));
    if (options.interval !== undefined) {
      const poll = setInterval(poke, options.interval);
      cleanups.push(() => clearInterval(poll));
    }
    if (options.wake) cleanups.push(options.wake(poke));
    poke();
  });
}

/** A change announced by hand (a client event, an IPC message): waits woken by it re-check. */
export class Signal {
  private readonly listeners = new Set<() => void>();

  /** Something changed: re-check every pending wait. */
  notify = (): void => {
    for (const l of [...this.listeners]) l();
  };

  /** For WaitOptions.wake. */
  wake = (check: () => void): (() => void) => {
    this.listeners.add(check);
    return () => this.listeners.delete(check);
  };

  /** Resolves once `cond()` holds, checking now and after every notify(). */
  until(cond: () => boolean, what: string | (() => string), timeout?: number): Promise<void> {
    return waitFor(() => cond() || undefined, { what, timeout, wake: this.wake }).then(() => {});
  }
}
