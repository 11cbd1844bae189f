// The live twin of every GET resource: a Server-Sent Events stream of the same
// JSON, polled at most LIVE_MAX_PER_SECOND times a second and sent only when it
// changed (or, for a tail, when there is something new), with a `: ping`
// comment every 15 s so proxies keep the connection. Each event's id is the
// server's clock (unix ms) when it was sent: consecutive ids are never closer
// than 1000 / LIVE_MAX_PER_SECOND ms. Polling stops when the client goes; the
// hub ends every stream when the server closes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import { errorBody, HttpError } from '../../http/errors.js';
import type { Metrics } from '../../http/metrics.js';
import { LIVE_MAX_PER_SECOND } from './types.js';

/** One poll: the value to send, or undefined for nothing new. */
export type Poll = () => Promise<unknown>;

export const PING_MS = 15_000;

export interface LiveStats {
  /** Streams open now. */
  open: number;
  /** Events sent by every stream since the server started. */
  sent: number;
  /** Polls run by every stream since the server started. */
  polls: number;
}

export class LiveHub {
  private readonly streams = new Set<() => void>();
  readonly stats: LiveStats = { open: 0, sent: 0, polls: 0 };

  constructor(
    private readonly onPoll: () => void = () => {},
    private readonly pingMs = PING_MS,
    private readonly minIntervalMs = 1000 / LIVE_MAX_PER_SECOND,
    private readonly now: () => number = Date.now,
  ) {}

  /** Answers `request` with an event stream of `poll`'s results until the client or the server goes. */
  serve(request: FastifyRequest, reply: FastifyReply, poll: Poll): void {
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      // One stream per connection: when it ends, so does the connection (a closing server need not wait for it).
      connection: 'close',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 2000\n\n`);
    let open = true;
    let timer: NodeJS.Timeout | undefined;
    let last: string | undefined;
    let lastSentAt = -Infinity;
    const ping = setInterval(() => raw.write(': ping\n\n'), this.pingMs);
    ping.unref();
    const stop = () => {
      if (!open) return;
      open = false;
      this.stats.open--;
      this.streams.delete(stop);
      clearInterval(ping);
      if (timer) clearTimeout(timer);
      // The connection goes with the stream: a closing server would otherwise wait for the client to drop it.
      const socket = request.raw.socket;
      if (!raw.writableEnded) raw.end(() => socket?.destroy());
      else socket?.destroy();
    };
    this.streams.add(stop);
    this.stats.open++;
    request.raw.on('close', stop);
    raw.on('close', stop);
    raw.on('error', stop);

    const send = (data: string, event?: string) => {
      // The throttle, on the clock the ids carry: never two events closer than the interval.
      const at = Math.max(this.now(), lastSentAt + this.minIntervalMs);
      lastSentAt = at;
      raw.write(`id: ${at}\n${event ? `event: ${event}\n` : ''}data: ${data}\n\n`);
      this.stats.sent++;
    };
    const wait = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));

    const loop = async () => {
      while (open) {
        const started = this.now();
        this.stats.polls++;
        this.onPoll();
        try {
          const value = await poll();
          if (!open) return;
          if (value !== undefined) {
            const json = JSON.stringify(value);
            if (json !== last) {
              const due = lastSentAt + this.minIntervalMs - this.now();
              if (due > 0) await wait(due);
              if (!open) return;
              send(json);
              last = json;
            }
          }
        } catch (err) {
          if (!open) return;
          const status = err instanceof HttpError ? err.statusCode : 502;
          const body = errorBody(status, err instanceof Error ? err.message : String(err), err instanceof HttpError && err.field ? { field: err.field } : {});
          const text = JSON.stringify(body);
          if (text !== last) {
            send(text, 'error');
            last = text;
          }
          // What is not there (a deleted topic) will not come back by polling.
          if (status === 404) return stop();
        }
        const elapsed = this.now() - started;
        await wait(Math.max(this.minIntervalMs - elapsed, 0));
      }
    };
    void loop();
  }

  /** Ends every stream (the server is closing: it would otherwise wait for them). */
  closeAll(): void {
    for (const stop of [...this.streams]) stop();
  }
}

/** The hub's figures at /metrics: open streams, and events sent (their rate per stream is what a page costs). */
export function liveMetrics(metrics: Metrics, hub: LiveHub): void {
  // A server built again on the same metrics (a restart in one process) reports its own hub.
  for (const name of ['tributary_console_live_streams', 'tributary_console_live_events_total']) metrics.registry.removeSingleMetric(name);
  new Gauge({
    name: 'tributary_console_live_streams',
    help: 'Console live streams (Server-Sent Events) open now',
    registers: [metrics.registry],
    collect() {
      this.set(hub.stats.open);
    },
  });
  new Counter({
    name: 'tributary_console_live_events_total',
    help: 'Events sent on console live streams',
    registers: [metrics.registry],
    collect() {
      this.reset();
      this.inc(hub.stats.sent);
    },
  });
}
