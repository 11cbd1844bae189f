// The console's one sampler per server: it takes cluster snapshots
// (snapshot.ts) for every view, so many open pages cost the broker no more
// requests than one, and keeps the bounded history that rates, sparklines and
// lag charts come from. Nothing runs until the console is first used (a
// `tributary start` nobody looks at polls nothing); from then on it samples
// every `activeMs` (2 s) while a console client was seen in the last minute,
// every `idleMs` (15 s) otherwise, and keeps the last hour (at most
// `maxPoints` samples). close() stops it.
import type { KafkaAdmin } from '../../stream/kafka.js';
import type { Series } from './types.js';
import { groupLag, groupPosition, takeSnapshot, topicEnd, type ClusterSnapshot } from './snapshot.js';

export interface SamplerOptions {
  activeMs?: number;
  idleMs?: number;
  /** How long after the last console request the sampler counts as active. */
  activeWindowMs?: number;
  /** How far back the history goes. */
  historyMs?: number;
  /** Most samples kept, whatever their age. */
  maxPoints?: number;
  now?: () => number;
}

/** What one sample keeps: the figures rates and lags are computed from. */
export interface Sample {
  at: number;
  /** topic → sum of end offsets. */
  topicEnds: Map<string, number>;
  /** group → sum of committed offsets. */
  groupPositions: Map<string, number>;
  /** group → total lag. */
  groupLags: Map<string, number>;
  /** group → topic → sum of committed offsets (an agent's consumption rate). */
  groupTopicPositions: Map<string, Map<string, number>>;
}

export class Sampler {
  readonly activeMs: number;
  readonly idleMs: number;
  private readonly activeWindowMs: number;
  private readonly historyMs: number;
  private readonly maxPoints: number;
  private readonly now: () => number;
  private readonly samples: Sample[] = [];
  private latest: ClusterSnapshot | undefined;
  private taking: Promise<ClusterSnapshot> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastTouch = 0;
  private started = false;
  private closed = false;
  /** Samples taken by the timer, for tests. */
  ticks = 0;

  constructor(
    private readonly admin: KafkaAdmin,
    options: SamplerOptions = {},
  ) {
    this.activeMs = options.activeMs ?? 2000;
    this.idleMs = options.idleMs ?? 15_000;
    this.activeWindowMs = options.activeWindowMs ?? 60_000;
    this.historyMs = options.historyMs ?? 3_600_000;
    this.maxPoints = options.maxPoints ?? Math.ceil(this.historyMs / this.activeMs);
    this.now = options.now ?? Date.now;
  }

  get running(): boolean {
    return this.started && !this.closed;
  }

  /** The wait before the next sample: short while a console client was here lately, long otherwise. */
  get pace(): number {
    return this.now() - this.lastTouch < this.activeWindowMs ? this.activeMs : this.idleMs;
  }

  /** A console client is here: start sampling (first use) and sample at the active pace. */
  touch(): void {
    this.lastTouch = this.now();
    if (this.started || this.closed) return;
    this.started = true;
    this.schedule(0);
  }

  /** A snapshot at most `maxAgeMs` old; callers at the same time share one. */
  async current(maxAgeMs = 250): Promise<ClusterSnapshot> {
    const latest = this.latest;
    if (latest && this.now() - latest.at <= maxAgeMs) return latest;
    return this.take();
  }

  /** The next current() takes a new snapshot (after a write the views must show). */
  invalidate(): void {
    this.latest = undefined;
  }

  /** Takes a snapshot now and adds it to the history. */
  async sample(): Promise<ClusterSnapshot> {
    const snapshot = await this.take();
    this.record(snapshot);
    return snapshot;
  }

  /** Adds a snapshot's figures to the history, dropping what is too old or too many. */
  record(snapshot: ClusterSnapshot): void {
    const topicEnds = new Map<string, number>();
    for (const t of snapshot.topics.values()) topicEnds.set(t.name, topicEnd(t));
    const groupPositions = new Map<string, number>();
    const groupLags = new Map<string, number>();
    const groupTopicPositions = new Map<string, Map<string, number>>();
    for (const g of snapshot.groups.values()) {
      groupPositions.set(g.group, groupPosition(g));
      groupLags.set(g.group, groupLag(snapshot, g));
      groupTopicPositions.set(g.group, new Map([...g.committed.keys()].map((t) => [t, groupPosition(g, t)])));
    }
    const last = this.samples[this.samples.length - 1];
    if (last && snapshot.at <= last.at) return; // an older snapshot than the history holds
    this.samples.push({ at: snapshot.at, topicEnds, groupPositions, groupLags, groupTopicPositions });
    const oldest = snapshot.at - this.historyMs;
    while (this.samples.length > this.maxPoints || (this.samples.length > 0 && this.samples[0]!.at < oldest)) this.samples.shift();
  }

  get history(): readonly Sample[] {
    return this.samples;
  }

  /** Records per second appended to a topic over the last sample window (0 before two samples). */
  topicRate(topic: string): number {
    return this.rateOf((s) => s.topicEnds.get(topic));
  }

  topicRateHistory(topic: string): Series {
    return this.rateSeries((s) => s.topicEnds.get(topic));
  }

  /** Records per second a group commits (on one topic, or all). */
  groupRate(group: string, topic?: string): number {
    return this.rateOf((s) => (topic === undefined ? s.groupPositions.get(group) : s.groupTopicPositions.get(group)?.get(topic)));
  }

  lagHistory(group: string): Series {
    const out: Series = [];
    for (const s of this.samples) {
      const lag = s.groupLags.get(group);
      if (lag !== undefined) out.push([s.at, lag]);
    }
    return out;
  }

  /** Records per second appended to all topics (in) and committed by all groups (out). */
  totalIn(): number {
    return this.rateOf((s) => sum(s.topicEnds));
  }

  totalOut(): number {
    return this.rateOf((s) => sum(s.groupPositions));
  }

  inHistory(): Series {
    return this.rateSeries((s) => sum(s.topicEnds));
  }

  outHistory(): Series {
    return this.rateSeries((s) => sum(s.groupPositions));
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private take(): Promise<ClusterSnapshot> {
    this.taking ??= takeSnapshot(this.admin, this.now)
      .then((s) => {
        this.latest = s;
        return s;
      })
      .finally(() => {
        this.taking = undefined;
      });
    return this.taking;
  }

  private schedule(ms: number): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sample()
        .then(() => this.ticks++)
        .catch(() => {}) // the cluster away: try again at the next tick; the views report it
        .finally(() => this.schedule(this.pace));
    }, ms);
    this.timer.unref();
  }

  private rateOf(value: (s: Sample) => number | undefined): number {
    const n = this.samples.length;
    if (n < 2) return 0;
    return rateBetween(this.samples[n - 2]!, this.samples[n - 1]!, value) ?? 0;
  }

  private rateSeries(value: (s: Sample) => number | undefined): Series {
    const out: Series = [];
    for (let i = 1; i < this.samples.length; i++) {
      const r = rateBetween(this.samples[i - 1]!, this.samples[i]!, value);
      if (r !== undefined) out.push([this.samples[i]!.at, r]);
    }
    return out;
  }
}

function rateBetween(a: Sample, b: Sample, value: (s: Sample) => number | undefined): number | undefined {
  const va = value(a);
  const vb = value(b);
  if (va === undefined || vb === undefined || b.at <= a.at) return undefined;
  // Offsets only grow; a drop (a topic deleted and created again, a reset) is no negative rate.
  return Math.round((Math.max(0, vb - va) / ((b.at - a.at) / 1000)) * 100) / 100;
}

function sum(m: Map<string, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}
