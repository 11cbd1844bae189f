// The baskets panel's stress run: N random baskets posted by this process to
// its own HTTP address (src/services/baskets/stress/run.ts, as `tributary
// stress` does), one run at a time, with live counts (posted, acknowledged,
// stored) and then the result: rate, ack latency percentiles, lost and failed.
// A run still going when the server closes is cut short.
import { HttpError } from '../../http/errors.js';
import type { StressRunView } from './types.js';

export const MAX_STRESS = 100_000;

const idle: StressRunView = { id: 0, running: false, count: 0, posted: 0, acknowledged: 0, stored: 0, result: null, error: null };

export class StressRuns {
  private view: StressRunView = idle;
  private run: Promise<void> | undefined;
  private readonly abort = new AbortController();

  get current(): StressRunView {
    return { ...this.view };
  }

  /** Starts a run against `url` (409 while one is going); answers its first view. */
  start(options: { count: number; concurrency?: number; url: string; apiKey?: string; waitSeconds?: number }): StressRunView {
    if (this.view.running) throw new HttpError(409, `stress run ${this.view.id} is still going (${this.view.posted} of ${this.view.count} posted)`, 'body.count');
    const view: StressRunView = { ...idle, id: this.view.id + 1, running: true, count: options.count };
    this.view = view;
    // The stress client (undici) is loaded by the first run, not at the server's start.
    this.run = import('../../services/baskets/stress/run.js').then(({ runStress }) => runStress({
      requests: options.count,
      concurrency: options.concurrency ?? 16,
      url: options.url,
      ...(options.apiKey ? { apiKey: options.apiKey } : {}),
      waitSeconds: options.waitSeconds ?? 60,
      signal: this.abort.signal,
      onCounts: (counts) => Object.assign(view, counts),
    })).then(
      (r) => {
        Object.assign(view, {
          running: false,
          acknowledged: r.acknowledged,
          stored: r.stored,
          result: { seconds: r.sendSeconds, ratePerSec: Math.round(r.basketsPerSecond * 10) / 10, latencyMs: r.ackLatencyMs, lost: r.lost.length, failed: r.failed },
        });
      },
      (err: unknown) => {
        Object.assign(view, { running: false, error: err instanceof Error ? err.message : String(err) });
      },
    );
    return { ...view };
  }

  /** Cuts a run short and waits for it to end. */
  async close(): Promise<void> {
    this.abort.abort();
    await this.run;
  }
}
