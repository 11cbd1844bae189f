// One client connection: splits the byte stream into size-prefixed frames,
// hands each to the dispatcher, and writes the answers back in request order.
//
// Requests are started in arrival order and may run concurrently (a long-polling
// Fetch does not hold up the next request's work, and acks=-1 produces from one
// connection share one fsync), but their responses leave strictly in order, as
// Kafka promises. A frame that cannot be parsed closes this connection only.
import type { Socket } from 'node:net';

/** What the dispatcher answers for one frame: the response bytes, or null for none (acks=0). */
export type FrameResult = Buffer[] | null;

export interface FrameHandler {
  (frame: Buffer, conn: Connection): Promise<FrameResult> | FrameResult;
}

export interface ConnectionOptions {
  maxRequestBytes: number;
  /** Requests in flight before the socket stops being read (backpressure). */
  maxInFlight?: number;
  onError?: (conn: Connection, err: unknown) => void;
}

interface Slot {
  done: boolean;
  result: FrameResult;
}

let nextConnectionId = 1;

export class Connection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private readonly queue: Slot[] = [];
  private closed = false;
  private paused = false;
  private readonly maxInFlight: number;

  constructor(
    readonly socket: Socket,
    private readonly handler: FrameHandler,
    private readonly options: ConnectionOptions,
  ) {
    this.remoteAddress = socket.remoteAddress ?? '';
    this.remotePort = socket.remotePort ?? 0;
    this.maxInFlight = options.maxInFlight ?? 256;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection at once, dropping answers not yet written. */
  destroy(err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (err !== undefined) this.options.onError?.(this, err);
    this.chunks = [];
    this.buffered = 0;
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    while (!this.closed && this.buffered >= 4) {
      const size = this.peekSize();
      if (size < 0 || size > this.options.maxRequestBytes) {
        this.destroy(new RangeError(`request frame of ${size} bytes is outside 0..${this.options.maxRequestBytes}`));
        return;
      }
      if (this.buffered < 4 + size) break;
      this.startRequest(this.take(4 + size).subarray(4));
    }
    this.maybePause();
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 4));
    return head.readInt32BE(0);
  }

  /** Removes n bytes from the front of the buffered input (no copy when they lie in one chunk). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0]!;
      const want = n - filled;
      if (c.length <= want) {
        c.copy(out, filled);
        filled += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, filled, 0, want);
        this.chunks[0] = c.subarray(want);
        filled += want;
      }
    }
    return out;
  }

  private startRequest(frame: Buffer): void {
    const slot: Slot = { done: false, result: null };
    this.queue.push(slot);
    let outcome: Promise<FrameResult> | FrameResult;
    try {
      outcome = this.handler(frame, this);
    } catch (err) {
      this.destroy(err);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (result) => this.complete(slot, result),
        (err) => this.destroy(err),
      );
    } else {
      this.complete(slot, outcome);
    }
  }

  private complete(slot: Slot, result: FrameResult): void {
    slot.done = true;
    slot.result = result;
    if (this.closed) return;
    // Write every finished answer at the head of the queue; later ones wait their turn.
    let wrote = false;
    while (this.queue.length > 0 && this.queue[0]!.done) {
      const head = this.queue.shift()!;
      if (head.result) {
        if (!wrote) this.socket.cork();
        wrote = true;
        for (const buf of head.result) this.socket.write(buf);
      }
    }
    if (wrote) this.socket.uncork();
    this.maybeResume();
  }

  private maybePause(): void {
    if (!this.paused && (this.queue.length >= this.maxInFlight || this.socket.writableNeedDrain)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (this.paused && !this.closed && this.queue.length < this.maxInFlight && !this.socket.writableNeedDrain) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
