// A live twin (/api/console/live/<path>): a Server-Sent Events stream read with
// fetch() rather than EventSource, so it can carry the Authorization header.
// Each event's `data:` is parsed as JSON: a plain event is the resource (handed
// to onData), an `error` event the project's error body (handed to onError; a
// 404 ends the stream, as the server does: what is gone will not come back). A
// dropped stream is reopened with a growing delay (reset by the next event);
// close() ends it for good (a view calls it when it unmounts).
import { authHeaders, keyAnswer, keyNeeded, onKeyChange } from './key.ts';
import { ApiError, CONSOLE_API, errorOf } from './http.ts';

export interface LiveOptions {
  /** The server answered an error (as the stream's status, or as an `error` event). */
  onError?: (err: ApiError) => void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export function liveUrl(path: string): string {
  return `${CONSOLE_API}live/${path.replace(/^\//, '')}`;
}

export interface SseEvent {
  /** The `event:` field; "message" when there is none. */
  event: string;
  /** The `data:` lines joined by newlines. */
  data: string;
}

/** Splits an SSE text stream into events. */
export class SseParser {
  private buffer = '';
  private data: string[] = [];
  private event = '';

  /** Feeds text; answers each event it completes. */
  push(text: string): SseEvent[] {
    this.buffer += text;
    const out: SseEvent[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (width === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      if (line === '') {
        if (this.data.length > 0) out.push({ event: this.event || 'message', data: this.data.join('\n') });
        this.data = [];
        this.event = '';
        continue;
      }
      const colon = line.indexOf(':');
      if (colon === 0) continue; // a comment: the server's keep-alive ping
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
      if (field === 'data') this.data.push(value);
      else if (field === 'event') this.event = value;
      // id: and retry: the page does not need (it reconnects on its own schedule).
    }
    return out;
  }
}

export function openLive<T>(path: string, onData: (value: T) => void, options: LiveOptions = {}): () => void {
  const controller = new AbortController();
  let closed = false;
  let delay = FIRST_DELAY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let waitingForKey: (() => void) | undefined;
  /** The resource is gone (a 404 event): no reconnecting. */
  let gone = false;

  const retry = () => {
    if (closed || gone) return;
    timer = setTimeout(run, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  };

  async function run(): Promise<void> {
    if (closed) return;
    try {
      const res = await fetch(liveUrl(path), { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal, cache: 'no-store' });
      if (keyAnswer(res.status)) {
        keyNeeded();
        // Try again once a key is entered, not in a loop.
        waitingForKey = onKeyChange(() => {
          waitingForKey?.();
          waitingForKey = undefined;
          delay = FIRST_DELAY_MS;
          void run();
        });
        return;
      }
      if (!res.ok || !res.body) {
        const err = await errorOf(res);
        options.onError?.(err);
        if (res.status !== 404) retry();
        return;
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const e of parser.push(value)) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(e.data);
          } catch {
            continue; // not JSON: nothing this page can draw
          }
          if (e.event === 'error') {
            const body = (parsed ?? {}) as { statusCode?: number; message?: string; field?: string };
            const status = body.statusCode ?? 502;
            options.onError?.(new ApiError(status, body.message ?? `error ${status}`, body.field));
            if (status === 404) {
              gone = true;
              return void controller.abort();
            }
            continue;
          }
          if (e.event !== 'message') continue;
          delay = FIRST_DELAY_MS;
          onData(parsed as T);
        }
      }
      retry();
    } catch {
      // Aborted by close(), or the network dropped.
      retry();
    }
  }

  void run();
  return () => {
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    waitingForKey?.();
    controller.abort();
  };
}
