// Tumbling and hopping windows on event time, with a grace period for late
// events. Each window's final aggregate is emitted exactly once, when stream
// time (the largest event time seen) passes the window's end plus the grace
// period. Only open windows are held in memory.
//
// A window covers [start, start + size). Hopping windows advance by `advance`
// (< size) so an event belongs to size/advance windows; tumbling windows are
// the case advance = size. An event whose every window has closed is late:
// it is dropped and counted in `droppedLate`.

export interface WindowSpec {
  /** Window length in ms. */
  size: number;
  /** Distance between window starts in ms; defaults to `size` (tumbling). */
  advance?: number;
  /** How long after its end a window still accepts events, in ms. Default 0. */
  grace?: number;
}

export interface WindowBounds {
  start: number;
  end: number;
}

export interface ClosedWindow<K, A> extends WindowBounds {
  key: K;
  value: A;
}

export interface WindowAggregatorOptions<K, V, A> {
  initial: () => A;
  add: (aggregate: A, value: V, key: K) => A;
  /** Called once per window and key when the window closes, in window-end order. */
  onWindowClose?: (closed: ClosedWindow<K, A>) => void;
}

export function tumbling(size: number, grace = 0): Required<WindowSpec> {
  return checkSpec({ size, advance: size, grace });
}

export function hopping(size: number, advance: number, grace = 0): Required<WindowSpec> {
  return checkSpec({ size, advance, grace });
}

function checkSpec(spec: WindowSpec): Required<WindowSpec> {
  const size = spec.size;
  const advance = spec.advance ?? size;
  const grace = spec.grace ?? 0;
  if (!(Number.isInteger(size) && size > 0)) throw new RangeError(`window size must be a positive integer of ms, got ${size}`);
  if (!(Number.isInteger(advance) && advance > 0 && advance <= size)) {
    throw new RangeError(`window advance must be a positive integer of ms no larger than the size, got ${advance}`);
  }
  if (!(Number.isInteger(grace) && grace >= 0)) throw new RangeError(`window grace must be a non-negative integer of ms, got ${grace}`);
  return { size, advance, grace };
}

/** The windows an event time falls into, oldest first. */
export function windowsFor(time: number, spec: Required<WindowSpec>): WindowBounds[] {
  const { size, advance } = spec;
  const lastStart = Math.floor(time / advance) * advance;
  const out: WindowBounds[] = [];
  for (let start = lastStart - size + advance; start <= lastStart; start += advance) {
    if (start + size > time) out.push({ start, end: start + size });
  }
  return out;
}

export class WindowAggregator<K, V, A> {
  readonly spec: Required<WindowSpec>;
  /** Open windows by start time, each holding one aggregate per key. */
  private readonly open = new Map<number, Map<K, A>>();
  private streamTime = -Infinity;
  /** Events dropped because all their windows had closed. */
  droppedLate = 0;
  /** Events accepted after stream time had passed their own time (late but within grace). */
  acceptedLate = 0;

  constructor(
    spec: WindowSpec,
    private readonly options: WindowAggregatorOptions<K, V, A>,
  ) {
    this.spec = checkSpec(spec);
  }

  /** The largest event time seen so far. */
  get time(): number {
    return this.streamTime;
  }

  get openWindows(): number {
    return this.open.size;
  }

  /** Adds an event; returns false when it was too late for every window it belongs to. */
  add(key: K, value: V, eventTime: number): boolean {
    let accepted = false;
    for (const w of windowsFor(eventTime, this.spec)) {
      if (this.isClosed(w)) continue;
      let byKey = this.open.get(w.start);
      if (!byKey) {
        byKey = new Map();
        this.open.set(w.start, byKey);
      }
      byKey.set(key, this.options.add(byKey.has(key) ? byKey.get(key)! : this.options.initial(), value, key));
      accepted = true;
    }
    if (!accepted) {
      this.droppedLate++;
      return false;
    }
    if (eventTime < this.streamTime) this.acceptedLate++;
    this.advanceTo(eventTime);
    return true;
  }

  /** Moves stream time forward (e.g. on a punctuation) and closes what has expired. */
  advanceTo(time: number): ClosedWindow<K, A>[] {
    if (time > this.streamTime) this.streamTime = time;
    const closed: ClosedWindow<K, A>[] = [];
    const starts = [...this.open.keys()].sort((a, b) => a - b);
    for (const start of starts) {
      const w = { start, end: start + this.spec.size };
      if (!this.isClosed(w)) break;
      for (const [key, value] of this.open.get(start)!) {
        const c = { ...w, key, value };
        closed.push(c);
        this.options.onWindowClose?.(c);
      }
      this.open.delete(start);
    }
    return closed;
  }

  /** The current aggregate of an open window (for interactive queries). */
  peek(key: K, windowStart: number): A | undefined {
    return this.open.get(windowStart)?.get(key);
  }

  private isClosed(w: WindowBounds): boolean {
    return this.streamTime >= w.end + this.spec.grace;
  }
}
