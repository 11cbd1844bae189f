// One client connection: splits the byte stream into size-prefixed frames,
// hands each to the dispatcher, and writes the answers back in request order.
//
// Requests are started in arrival order and may run concurrently (a long-polling
// Fetch does not hold up the next request's work, and acks=-1 produces from one
// connection share one fsync), but their responses leave strictly in order, as
// Kafka promises. A frame that cannot be parsed closes this connection only.
//
// Memory: a frame's whole size is reserved in the shared RequestMemory budget
// (queued.max.request.bytes) once its size prefix is read, before its body; a
// frame that does not fit pauses this socket until memory is given back. A large
// frame's body is copied into one buffer of exactly its size as it arrives, so
// a half-sent frame costs what was sent, once; closing drops it and its reservation.
import type { Socket } from 'node:net';
import { SMALL_FRAME_BYTES, type RequestMemory } from './request-memory.js';

/** What the dispatcher answers for one frame: the response bytes, or null for none (acks=0). */
export type FrameResult = Buffer[] | null;

export interface FrameHandler {
  (frame: Buffer, conn: Connection): Promise<FrameResult> | FrameResult;
}

export interface ConnectionOptions {
  maxRequestBytes: number;
  /** The budget shared by all connections (queued.max.request.bytes); none: unbounded. */
  memory?: RequestMemory;
  /** connections.max.idle.ms: closed after this long with no traffic and nothing in progress. */
  idleMs?: number;
  /** Requests in flight before the socket stops being read (backpressure). */
  maxInFlight?: number;
  onError?: (conn: Connection, err: unknown) => void;
  onIdle?: (conn: Connection) => void;
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
  /** Bytes read but not yet part of a frame (at most a chunk or two while a frame waits for memory). */
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Size of the frame being read, once its prefix is consumed; -1 between frames. */
  private frameSize = -1;
  /** Bytes reserved in `memory` for the frame being read. */
  private reserved = 0;
  private hasReservation = false;
  /** The body of a large frame being read, filled up to `bodyFilled`. */
  private body: Buffer | null = null;
  private bodyFilled = 0;
  private waitingForMemory = false;
  private stopWaiting: (() => void) | null = null;
  private readonly queue: Slot[] = [];
  private readonly closeListeners = new Set<() => void>();
  private closed = false;
  /** Set by closeAfterAnswer: nothing more is read, and the socket ends once the queue is written. */
  private ending = false;
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
    socket.on('drain', () => this.updateFlow());
    socket.on('error', () => this.destroy());
    socket.on('close', () => {
      this.closed = true;
      this.dropInput();
      for (const l of this.closeListeners) l();
      this.closeListeners.clear();
    });
    if (options.idleMs !== undefined) {
      socket.setTimeout(options.idleMs);
      socket.on('timeout', () => {
        // A request still being worked on (a long poll) is not idleness.
        if (this.queue.length > 0 || this.closed) return;
        options.onIdle?.(this);
        this.destroy();
      });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Calls `listener` once the socket has closed (at once if it has); returns the function that stops it. */
  onClose(listener: () => void): () => void {
    if (this.closed) {
      listener();
      return () => {};
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /** Bytes of the frame being read that are held in memory (the part received so far). */
  get partialFrameBytes(): number {
    return (this.body ? this.bodyFilled : 0) + this.buffered;
  }

  /** Closes the connection at once, dropping answers not yet written. */
  destroy(err?: unknown): void {
    if (this.closed) return;
    this.closed = true;
    if (err !== undefined) this.options.onError?.(this, err);
    this.dropInput();
    this.socket.destroy();
  }

  /**
   * Reads nothing more, writes the answers in flight, then closes: what Kafka does
   * after a failed authentication (the client gets the error, then the connection ends).
   */
  closeAfterAnswer(): void {
    if (this.closed || this.ending) return;
    this.ending = true;
    this.dropInput();
    this.endIfDone();
  }

  private endIfDone(): void {
    if (this.ending && !this.closed && this.queue.length === 0) this.socket.end();
  }

  /** Forgets everything read but not yet handed to a request, and gives back its memory. */
  private dropInput(): void {
    this.chunks = [];
    this.buffered = 0;
    this.body = null;
    this.bodyFilled = 0;
    this.frameSize = -1;
    this.stopWaiting?.();
    this.stopWaiting = null;
    this.waitingForMemory = false;
    if (this.hasReservation) this.options.memory?.release(this.reserved);
    this.reserved = 0;
    this.hasReservation = false;
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.ending) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    this.readFrames();
  }

  private readFrames(): void {
    while (!this.closed && !this.ending) {
      if (this.frameSize < 0) {
        if (this.buffered < 4) break;
        const size = this.peekSize();
        if (size < 0 || size > this.options.maxRequestBytes) {
          this.destroy(new RangeError(`request frame of ${size} bytes is outside 0..${this.options.maxRequestBytes}`));
          return;
        }
        if (!this.reserve(size)) break;
        this.take(4);
        this.frameSize = size;
      }
      const size = this.frameSize;
      if (this.body === null) {
        if (this.buffered >= size) {
          this.startRequest(this.take(size));
          continue;
        }
        // A small frame is assembled from the chunks once complete; a large one gets its own buffer now.
        if (size <= SMALL_FRAME_BYTES) break;
        this.body = Buffer.allocUnsafeSlow(size);
        this.bodyFilled = 0;
      }
      this.fillBody();
      if (this.bodyFilled < size) break;
      const frame = this.body;
      this.body = null;
      this.startRequest(frame);
    }
    this.updateFlow();
  }

  /** Reserves the next frame's size; false when it has to wait (the socket is then paused). */
  private reserve(size: number): boolean {
    const memory = this.options.memory;
    if (!memory || this.hasReservation) return true;
    if (this.waitingForMemory) return false;
    const grant = (): boolean => {
      if (!memory.tryReserve(size)) return false;
      this.reserved = size;
      this.hasReservation = true;
      return true;
    };
    if (grant()) return true;
    this.waitingForMemory = true;
    this.stopWaiting = memory.whenFree(() => {
      if (this.closed) return true;
      if (!grant()) return false;
      this.waitingForMemory = false;
      this.stopWaiting = null;
      // Not from inside the release that woke us: read on the next tick.
      process.nextTick(() => this.readFrames());
      return true;
    });
    return false;
  }

  /** Moves buffered bytes into the large frame's body buffer. */
  private fillBody(): void {
    const body = this.body!;
    while (this.bodyFilled < body.length && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      const n = Math.min(c.length, body.length - this.bodyFilled);
      c.copy(body, this.bodyFilled, 0, n);
      this.bodyFilled += n;
      this.buffered -= n;
      if (n === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(n);
    }
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.concat(this.chunks, Math.min(this.buffered, 4));
    return head.readInt32BE(0);
  }

  /** Removes n bytes from the front of the buffered input (no copy when they lie in one chunk). */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
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
    this.frameSize = -1;
    const reservation = this.reserved;
    const held = this.hasReservation;
    this.reserved = 0;
    this.hasReservation = false;
    const release = () => {
      if (held) this.options.memory?.release(reservation);
    };
    const slot: Slot = { done: false, result: null };
    this.queue.push(slot);
    let outcome: Promise<FrameResult> | FrameResult;
    try {
      outcome = this.handler(frame, this);
    } catch (err) {
      release();
      this.destroy(err);
      return;
    }
    if (outcome instanceof Promise) {
      outcome.then(
        (result) => {
          release();
          this.complete(slot, result);
        },
        (err) => {
          release();
          this.destroy(err);
        },
      );
    } else {
      release();
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
    this.endIfDone();
    this.updateFlow();
  }

  /** Reads the socket only while memory is granted, in-flight requests are few and answers drain. */
  private updateFlow(): void {
    if (this.closed) return;
    const stop = this.waitingForMemory || this.queue.length >= this.maxInFlight || this.socket.writableNeedDrain;
    if (stop && !this.paused) {
      this.paused = true;
      this.socket.pause();
    } else if (!stop && this.paused) {
      this.paused = false;
      this.socket.resume();
    }
  }
}
