// The hooks views read data through: a console resource kept current by its
// live twin (or fetched once), a form action's state, and the key version (a
// new key fetches everything again).
import { useEffect, useState } from 'preact/hooks';
import { consoleApi, messageOf } from './http.ts';
import { keyState, onKeyChange } from './key.ts';
import { openLive } from './live.ts';

export interface Resource<T> {
  data: T | undefined;
  error: string | undefined;
  /** Fetch again now (after a change the page made). */
  reload: () => void;
}

/** Re-renders when the API key changes; answers its version. */
export function useKeyVersion(): number {
  const [version, setVersion] = useState(keyState().version);
  useEffect(() => onKeyChange(() => setVersion(keyState().version)), []);
  return version;
}

/**
 * GET /api/console/<path> kept current: with `live` (the default) its live
 * twin, whose first event is the resource and each next one its new value;
 * without, one GET (reload() fetches again). `path` null waits (a parameter is
 * not known yet).
 */
export function useLive<T>(path: string | null, options: { live?: boolean } = {}): Resource<T> {
  const live = options.live ?? true;
  const version = useKeyVersion();
  // Each value remembers its path: the last topic's rows never show under the next one's name.
  const [state, setState] = useState<{ path: string | null; data?: T; error?: string }>({ path });
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (path === null) return;
    const setData = (data: T) => setState({ path, data });
    const setError = (error: string) => setState((s) => (s.path === path ? { ...s, error } : { path, error }));
    if (live) return openLive<T>(path, setData, { onError: (err) => setError(err.message) });
    const controller = new AbortController();
    consoleApi<T>(path, { signal: controller.signal }).then(setData, (err: unknown) => {
      if (!controller.signal.aborted) setError(messageOf(err));
    });
    return () => controller.abort();
  }, [path, version, tick, live]);

  const mine = state.path === path;
  return { data: mine ? state.data : undefined, error: mine ? state.error : undefined, reload: () => setTick((t) => t + 1) };
}

/** A form's submit state: run an action, remember its result or error. */
export function useAction<A extends unknown[], R>(action: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<R | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  /** Answers whether the action succeeded (its error is shown by the form). */
  const run = async (...args: A): Promise<boolean> => {
    setBusy(true);
    setError(undefined);
    try {
      setResult(await action(...args));
      return true;
    } catch (err) {
      setError(messageOf(err));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { run, busy, result, error, reset: () => (setResult(undefined), setError(undefined)) };
}
