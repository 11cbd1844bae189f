// queued.max.request.bytes: one budget of request bytes shared by every
// connection. A connection reserves a frame's whole size as soon as it has read
// the size prefix, before reading the body, and gives it back once the request
// is answered (or the connection closes). A frame that does not fit leaves its
// connection unread (paused) until enough is given back, so memory held by
// requests never exceeds the budget, however many clients send half frames.
//
// Large frames may only use the budget minus a headroom kept for small ones, so
// a few huge half-sent frames cannot keep ApiVersions, Metadata or heartbeats
// of other clients from being read.

/** Frames up to this size are "small": they may use the headroom. */
export const SMALL_FRAME_BYTES = 64 * 1024;

export interface RequestMemoryStats {
  capacity: number;
  used: number;
  /** The most ever reserved at once. */
  peak: number;
  /** Connections waiting for memory right now. */
  waiting: number;
  /** Times a connection had to wait. */
  waits: number;
}

export class RequestMemory {
  private used = 0;
  private usedLarge = 0;
  private peak = 0;
  private waits = 0;
  private readonly waiters = new Set<() => boolean>();
  private draining = false;
  private releasedWhileDraining = false;
  private readonly largeLimit: number;

  constructor(readonly capacity: number) {
    this.largeLimit = capacity - Math.min(capacity / 4, 32 * 1024 * 1024);
  }

  /** Reserves `bytes` if they fit now; false otherwise (then wait with `whenFree`). */
  tryReserve(bytes: number): boolean {
    if (bytes > SMALL_FRAME_BYTES) {
      // A large frame fits under the large limit, or alone when no other large frame is held
      // (so a frame of up to the whole budget is never refused for ever).
      const fits = this.used + bytes <= this.largeLimit || (this.usedLarge === 0 && this.used + bytes <= this.capacity);
      if (!fits) return false;
      this.usedLarge += bytes;
    } else if (this.used + bytes > this.capacity) {
      return false;
    }
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
    return true;
  }

  release(bytes: number): void {
    if (bytes <= 0) return;
    this.used -= bytes;
    if (bytes > SMALL_FRAME_BYTES) this.usedLarge -= bytes;
    // Oldest waiter first; each retries its own reservation and stays queued if it
    // still does not fit. A release from inside a retry is seen by the loop already running.
    if (this.draining) {
      this.releasedWhileDraining = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.releasedWhileDraining = false;
        for (const retry of this.waiters) {
          if (retry()) this.waiters.delete(retry);
        }
      } while (this.releasedWhileDraining && this.waiters.size > 0);
    } finally {
      this.draining = false;
    }
  }

  /**
   * Calls `retry` after each release until it returns true (it reserved what it
   * needed); the returned function stops waiting (connection closed).
   */
  whenFree(retry: () => boolean): () => void {
    this.waits++;
    this.waiters.add(retry);
    return () => this.waiters.delete(retry);
  }

  stats(): RequestMemoryStats {
    return { capacity: this.capacity, used: this.used, peak: this.peak, waiting: this.waiters.size, waits: this.waits };
  }
}
