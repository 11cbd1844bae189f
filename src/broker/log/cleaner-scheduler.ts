// The background log cleaner: every log.cleaner.backoff.ms it looks at the
// compacted partitions and cleans those due, one pass at a
// time, so at most one partition's pass uses the disk and CPU at once. Tests
// call cleanNow() instead of waiting for the timer.
import { cleanLog, defaultCleanerSettings, type CleanOptions, type CleanPhase, type CleanResult, type CleanerSettings } from './cleaner.js';
import type { PartitionLog } from './partition-log.js';

export interface CleanablePartition {
  /** topic-partition, for logs. */
  name: string;
  log: PartitionLog;
  /** The topic's effective configs (cleanup.policy, delete.retention.ms, ...). */
  configs: Record<string, string | undefined>;
}

export interface LogCleanerOptions {
  /** log.cleaner.backoff.ms: the pause between rounds. Default 15000. */
  backoffMs?: number;
  clock?: () => number;
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
  onPhase?: CleanOptions['onPhase'];
  fileDeleteDelayMs?: number;
}

export interface CleanRoundResult extends CleanResult {
  partition: string;
}

function num(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  return Number.isFinite(n) ? Math.min(n, Number.MAX_SAFE_INTEGER) : fallback;
}

/** The cleaner's settings from a topic's configs; null when the topic is not compacted. */
export function cleanerSettingsFrom(configs: Record<string, string | undefined>): CleanerSettings | null {
  const policy = (configs['cleanup.policy'] ?? 'delete').split(',').map((p) => p.trim());
  if (!policy.includes('compact')) return null;
  const d = defaultCleanerSettings;
  return {
    deleteRetentionMs: num(configs['delete.retention.ms'], d.deleteRetentionMs),
    minCleanableDirtyRatio: num(configs['min.cleanable.dirty.ratio'], d.minCleanableDirtyRatio),
    minCompactionLagMs: num(configs['min.compaction.lag.ms'], d.minCompactionLagMs),
    maxCompactionLagMs: num(configs['max.compaction.lag.ms'], d.maxCompactionLagMs),
  };
}

export class LogCleaner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<CleanRoundResult[]> | undefined;
  private stopped = false;
  private readonly backoffMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly partitions: () => Iterable<CleanablePartition>,
    private readonly options: LogCleanerOptions = {},
  ) {
    this.backoffMs = options.backoffMs ?? 15_000;
    this.clock = options.clock ?? Date.now;
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.cleanNow().finally(() => this.schedule());
    }, this.backoffMs);
    this.timer.unref();
  }

  /**
   * One round: every compacted partition that is due gets a pass, in turn.
   * `force` cleans even below min.cleanable.dirty.ratio; `now` stands
   * in for the clock (delete horizons, compaction lags). Waits for a round
   * already running, then runs its own.
   */
  async cleanNow(opts: { force?: boolean; now?: number; topic?: string } = {}): Promise<CleanRoundResult[]> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.round(opts);
    try {
      return await this.running;
    } finally {
      this.running = undefined;
    }
  }

  private async round(opts: { force?: boolean; now?: number; topic?: string }): Promise<CleanRoundResult[]> {
    const results: CleanRoundResult[] = [];
    const todo: { p: CleanablePartition; settings: CleanerSettings }[] = [];
    for (const p of this.partitions()) {
      if (opts.topic !== undefined && !p.name.startsWith(`${opts.topic}-`)) continue;
      const settings = cleanerSettingsFrom(p.configs);
      if (settings) todo.push({ p, settings });
    }
    for (const { p, settings } of todo) {
      if (this.stopped) break;
      const now = opts.now ?? this.clock();
      try {
        const r = await cleanLog(p.log, {
          ...settings,
          now,
          force: opts.force,
          onPhase: this.options.onPhase,
          shouldStop: () => this.stopped,
          fileDeleteDelayMs: this.options.fileDeleteDelayMs,
        });
        results.push({ partition: p.name, ...r });
        if (r.cleaned) {
          this.options.log?.('info', 'log cleaner pass', {
            partition: p.name, groups: r.groups, bytesBefore: r.bytesBefore, bytesAfter: r.bytesAfter,
            recordsRead: r.recordsRead, recordsKept: r.recordsKept, endOffset: r.endOffset,
          });
        }
      } catch (err) {
        // A closed or deleted partition, or a damaged segment: that partition waits for the next round.
        this.options.log?.('warn', 'log cleaner pass failed', { partition: p.name, error: err instanceof Error ? err.message : String(err) });
      }
    }
    return results;
  }

  /** Stops the timer and waits for a running pass to give up at its next slice. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }
}

export type { CleanPhase };
