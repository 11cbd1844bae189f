// The stress run of system 5 (`tributary stress`): posts
// random baskets to POST /data from `concurrency` connections, then asks the
// API until the database holds every acknowledged basket, checking each one's
// total and categories against what the worker must compute. Measures
// baskets/s acknowledged, ack latency and end-to-end latency (received →
// stored, from the database's own timestamps), and names the ids that were
// lost or stored wrong. Used by `tributary stress`, the console's baskets panel
// and bench/baskets.ts.
import { randomBytes } from 'node:crypto';
import type { EnrichedBasket } from '../catalog.js';
import { randomBasket } from './baskets.js';
import { jsonClient, type JsonClient } from './http-client.js';
import { MAX_LOOKUP, type Arrival, type LookupResponse } from '../schemas.js';

export interface StressOptions {
  requests: number;
  concurrency: number;
  url: string;
  /** Sent as `Authorization: Bearer <key>` (an API with API_KEYS). */
  apiKey?: string;
  /** Seconds to wait for the database to hold every acknowledged basket. */
  waitSeconds: number;
  /** false: only post and measure (an endpoint with no database behind it, as a bench's baseline). Default true. */
  verify?: boolean;
  /** Shows progress (the CLI passes a progress bar on stderr); none by default. */
  progress?: (label: string, total: number) => Progress;
  /** Ends the run early: no more posts, no more waiting (the console's server closing). */
  signal?: AbortSignal;
  /** Called as the counts move (the console shows them live). */
  onCounts?: (counts: StressCounts) => void;
}

export interface StressCounts {
  /** Baskets posted (answered or failed) / acknowledged (200) / found stored so far. */
  posted: number;
  acknowledged: number;
  stored: number;
}

export interface Progress {
  update(done: number, status?: string): void;
  stop(): void;
}

const noProgress: Progress = { update() {}, stop() {} };

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface StressResult {
  url: string;
  runId: string;
  requests: number;
  concurrency: number;
  acknowledged: number;
  failed: number;
  /** Failed requests grouped by what went wrong. */
  failures: { reason: string; count: number }[];
  sendSeconds: number;
  basketsPerSecond: number;
  ackLatencyMs: Percentiles;
  stored: number;
  /** Acknowledged ids the database did not hold after --wait. */
  lost: string[];
  /** Stored ids whose total or categories are not what the worker must compute. */
  wrong: { id: string; problem: string }[];
  endToEndMs: Percentiles | null;
  /** Database's own clock: first received_at to last processed_at. */
  storedWithinSeconds: number | null;
  /** Baskets stored per second on the database's clock: stored / (first processed_at → last processed_at). */
  storedPerSecond: number | null;
  /** Client's clock: from the last acknowledgement until the database held them all. */
  drainSeconds: number | null;
  ok: boolean;
}

/** Posts the baskets, waits for the database, and measures; never throws for failed requests (they are counted). */
export async function runStress(options: StressOptions): Promise<StressResult> {
  const client = jsonClient(options.url, { apiKey: options.apiKey });
  try {
    const runId = `stress-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const sent = await sendAll(client, runId, options);
    const waited = options.verify === false ? unverified : await waitForStored(client, runId, sent.acked, options);
    const ack = percentiles(sent.latencies);
    const e2e = waited.arrivals.map((a) => (a.processed_at ? Date.parse(a.processed_at) - Date.parse(a.received_at) : Number.NaN)).filter(Number.isFinite);
    const received = waited.arrivals.map((a) => Date.parse(a.received_at));
    const processed = waited.arrivals.flatMap((a) => (a.processed_at ? [Date.parse(a.processed_at)] : []));
    const failures = [...sent.failures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
    const failed = options.requests - sent.acked.size;
    return {
      url: options.url,
      runId,
      requests: options.requests,
      concurrency: options.concurrency,
      acknowledged: sent.acked.size,
      failed,
      failures,
      sendSeconds: sent.seconds,
      basketsPerSecond: sent.seconds > 0 ? sent.acked.size / sent.seconds : 0,
      ackLatencyMs: ack,
      stored: waited.arrivals.length,
      lost: waited.lost,
      wrong: waited.wrong,
      endToEndMs: e2e.length > 0 ? percentiles(e2e) : null,
      storedWithinSeconds: received.length > 0 && processed.length > 0 ? (processed.reduce((a, b) => Math.max(a, b)) - received.reduce((a, b) => Math.min(a, b))) / 1000 : null,
      storedPerSecond: storedRate(processed),
      drainSeconds: waited.lost.length === 0 ? waited.drainSeconds : null,
      ok: failed === 0 && waited.lost.length === 0 && waited.wrong.length === 0,
    };
  } finally {
    await client.close();
  }
}

interface Sent {
  /** Acknowledged id → what the worker must store for it. */
  acked: Map<string, EnrichedBasket>;
  latencies: number[];
  failures: Map<string, number>;
  seconds: number;
}

async function sendAll(client: JsonClient, runId: string, options: StressOptions): Promise<Sent> {
  const acked = new Map<string, EnrichedBasket>();
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  const bar = options.progress?.('posting baskets', options.requests) ?? noProgress;
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= options.requests || options.signal?.aborted) return;
      const { basket, expected } = randomBasket(`${runId}-${i}`);
      const t0 = performance.now();
      let reason: string | undefined;
      try {
        const res = await client.request('POST', '/data', basket);
        if (res.status !== 200) reason = `HTTP ${res.status}: ${describeBody(res.body)}`;
      } catch (err) {
        reason = `request failed: ${(err as Error).message}`;
      }
      latencies.push(performance.now() - t0);
      if (reason) failures.set(reason, (failures.get(reason) ?? 0) + 1);
      else acked.set(String(basket.id), expected);
      done++;
      options.onCounts?.({ posted: done, acknowledged: acked.size, stored: 0 });
      bar.update(done, `${Math.round(done / ((performance.now() - started) / 1000))}/s`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, options.requests) }, worker));
  const seconds = (performance.now() - started) / 1000;
  bar.stop();
  return { acked, latencies, failures, seconds };
}

interface Waited {
  arrivals: Arrival[];
  lost: string[];
  wrong: { id: string; problem: string }[];
  drainSeconds: number;
}

const unverified: Waited = { arrivals: [], lost: [], wrong: [], drainSeconds: 0 };

/**
 * Waits until the database holds every acknowledged basket or `--wait` is over:
 * a cheap count of this run's ids while they arrive, then an exact lookup of
 * each id (repeated for the ones still missing, if any, until the deadline).
 */
async function waitForStored(client: JsonClient, runId: string, acked: Map<string, EnrichedBasket>, options: StressOptions): Promise<Waited> {
  const started = performance.now();
  const deadline = started + options.waitSeconds * 1000;
  const missing = new Set(acked.keys());
  const arrivals: Arrival[] = [];
  const wrong: { id: string; problem: string }[] = [];
  const bar = options.progress?.('waiting for the database', acked.size) ?? noProgress;
  const pause = () => new Promise((r) => setTimeout(r, 100));
  while (missing.size > 0) {
    // Counting is one index scan; looking up thousands of ids on every poll would slow the worker it waits for.
    for (;;) {
      // A failed count (the API restarting, say) is tried again until the deadline; the lookup below is what decides.
      const count = await countStored(client, `${runId}-`).catch(() => 0);
      bar.update(Math.min(count, acked.size));
      options.onCounts?.({ posted: options.requests, acknowledged: acked.size, stored: Math.min(count, acked.size) });
      if (count >= acked.size || performance.now() >= deadline || options.signal?.aborted) break;
      await pause();
    }
    const ids = [...missing];
    for (let i = 0; i < ids.length; i += MAX_LOOKUP) {
      for (const found of await lookup(client, ids.slice(i, i + MAX_LOOKUP))) {
        if (!missing.delete(found.id)) continue;
        arrivals.push(found);
        const problem = checkStored(found, acked.get(found.id)!);
        if (problem) wrong.push({ id: found.id, problem });
      }
    }
    if (missing.size === 0 || performance.now() >= deadline || options.signal?.aborted) break;
    await pause();
  }
  options.onCounts?.({ posted: options.requests, acknowledged: acked.size, stored: arrivals.length });
  bar.stop();
  return { arrivals, lost: [...missing].sort(), wrong, drainSeconds: (performance.now() - started) / 1000 };
}

async function countStored(client: JsonClient, prefix: string): Promise<number> {
  const res = await client.request('GET', `/baskets/count?prefix=${encodeURIComponent(prefix)}`);
  if (res.status !== 200) throw new Error(`GET /baskets/count answered HTTP ${res.status}: ${describeBody(res.body)}`);
  return (res.body as { count: number }).count;
}

async function lookup(client: JsonClient, ids: string[]): Promise<Arrival[]> {
  const res = await client.request('POST', '/baskets/lookup', { ids });
  if (res.status !== 200) throw new Error(`POST /baskets/lookup answered HTTP ${res.status}: ${describeBody(res.body)}`);
  return (res.body as LookupResponse).found;
}

function checkStored(found: Arrival, expected: EnrichedBasket): string | undefined {
  if (found.total_price !== expected.total_price) return `total_price ${found.total_price}, expected ${expected.total_price}`;
  const want = expected.products.map((p) => p.category);
  if (found.categories.join(',') !== want.join(',')) return `categories ${found.categories.join(',')}, expected ${want.join(',')}`;
  return undefined;
}

function storedRate(processed: number[]): number | null {
  if (processed.length < 2) return null;
  const span = (processed.reduce((a, b) => Math.max(a, b)) - processed.reduce((a, b) => Math.min(a, b))) / 1000;
  return span > 0 ? processed.length / span : null;
}

/** Nearest-rank percentiles of a list of milliseconds. */
export function percentiles(values: number[]): Percentiles {
  if (values.length === 0) return { p50: 0, p95: 0, p99: 0, max: 0 };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  const r = (n: number) => Math.round(n * 100) / 100;
  return { p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(sorted[sorted.length - 1]!) };
}

function describeBody(body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body) return String((body as { message: unknown }).message).slice(0, 200);
  return String(typeof body === 'string' ? body : JSON.stringify(body)).slice(0, 200);
}

