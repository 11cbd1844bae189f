// Reads a Server-Sent Events stream over real HTTP (fetch), event by event, as
// a browser's EventSource would: id, event name and the parsed data.
export interface SseEvent {
  id: string | undefined;
  event: string;
  data: any;
}

export interface SseStream {
  status: number;
  contentType: string | null;
  /** The next event (comments such as `: ping` are skipped). */
  next(): Promise<SseEvent>;
  /** Comment lines seen so far (`ping` for `: ping`). */
  readonly comments: string[];
  close(): void;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const comments: string[] = [];
  return {
    comments,
    status: res.status,
    contentType: res.headers.get('content-type'),
    async next() {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields: Record<string, string> = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments.push(line.slice(1).trim());
              continue;
            }
            const i = line.indexOf(':');
            if (i < 0) continue;
            fields[line.slice(0, i)] = (fields[line.slice(0, i)] ? `${fields[line.slice(0, i)]}\n` : '') + line.slice(i + 1).replace(/^ /, '');
          }
          if (fields.data === undefined) continue; // a comment or `retry:` only
          return { id: fields.id, event: fields.event ?? 'message', data: JSON.parse(fields.data) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close() {
      abort.abort();
    },
  };
}
