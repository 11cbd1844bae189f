// The newest records of a topic, kept current: the live twin's first page,
// then the records it reports appended, on top (deduplicated by partition and
// offset, newest first, at most `keep`). The system panels show their topics
// through it.
import { useEffect, useState } from 'preact/hooks';
import type { ConsoleMessage, MessagesPage } from '../../api/types.ts';
import { useKeyVersion } from './hooks.ts';
import { query } from './http.ts';
import { openLive } from './live.ts';

export interface Tail {
  messages: ConsoleMessage[];
  /** The first page has been read. */
  loaded: boolean;
  error: string | undefined;
}

function merge(old: ConsoleMessage[], fresh: ConsoleMessage[], keep: number): ConsoleMessage[] {
  const seen = new Set<string>();
  const all = [...fresh, ...old].filter((m) => {
    const id = `${m.partition}:${m.offset}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  all.sort((a, b) => b.timestamp - a.timestamp || b.offset - a.offset);
  return all.slice(0, keep);
}

export function useTail(topic: string | null, keep = 50): Tail {
  const version = useKeyVersion();
  const [state, setState] = useState<Tail & { topic: string | null }>({ topic, messages: [], loaded: false, error: undefined });
  useEffect(() => {
    if (topic === null) return;
    setState({ topic, messages: [], loaded: false, error: undefined });
    const path = `topics/${encodeURIComponent(topic)}/messages${query({ from: 'end', limit: keep })}`;
    // The stream's first event is the last page; each next one what was appended since.
    return openLive<MessagesPage>(path, (p) => setState((s) => ({ ...s, messages: merge(s.messages, p.messages, keep), loaded: true, error: undefined })), {
      onError: (err) => setState((s) => ({ ...s, loaded: true, error: err.message })),
    });
  }, [topic, keep, version]);
  return state.topic === topic ? state : { messages: [], loaded: false, error: undefined };
}
