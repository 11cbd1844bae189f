// A live twin (/api/console/live/<path>): a Server-Sent Events stream read with
// fetch() rather than EventSource, so it can carry the Authorization header.
// Each `data:` event is parsed as JSON and handed on; a dropped stream is
// reopened with a growing delay (reset by the next event); close() ends it for
// good (a view calls it when it unmounts).
import { authHeaders, keyNeeded, onKeyChange } from './key.ts';
import { CONSOLE_API } from './http.ts';

export interface LiveOptions {
  /** The server has no such stream (404): the caller may fall back to polling. */
  onUnavailable?: () => void;
  /** The stream opened (or reopened). */
  onOpen?: () => void;
}

const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

export function liveUrl(path: string): string {
  return `${CONSOLE_API}live/${path.replace(/^\//, '')}`;
}

/** Splits an SSE byte stream into events' data (the `data:` lines joined by newlines). */
export class SseParser {
  private buffer = '';
  private data: string[] = [];

  /** Feeds text; answers the data of each event it completes. */
  push(text: string): string[] {
    this.buffer += text;
    const out: string[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith('\r\n', nl) ? 2 : 1;
      // A lone \r at the end may be the first half of \r\n: wait for more.
      if (width === 1 && this.buffer[nl] === '\r' && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + width);
      if (line === '') {
        if (this.data.length > 0) out.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line[5] === ' ' ? 6 : 5));
      }
      // Comments (`:` keep-alives), event:, id: and retry: carry nothing the page uses.
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

  const retry = () => {
    if (closed) return;
    timer = setTimeout(run, delay);
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  };

  async function run(): Promise<void> {
    if (closed) return;
    try {
      const res = await fetch(liveUrl(path), { headers: { Accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal, cache: 'no-store' });
      if (res.status === 401) {
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
      if (res.status === 404) {
        options.onUnavailable?.();
        return;
      }
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => {});
        retry();
        return;
      }
      options.onOpen?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const data of parser.push(value)) {
          let parsed: T;
          try {
            parsed = JSON.parse(data) as T;
          } catch {
            continue; // not JSON: nothing this page can draw
          }
          delay = FIRST_DELAY_MS;
          onData(parsed);
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
