// One read for many concurrent callers: GET /analytics under load would
// otherwise run one query per request, and the database runs them one at a time
// (an embedded PGlite even runs each on this thread, synchronously, so a read
// is never "in flight" when the next request is parsed). A read starts on the
// next turn of the event loop (setImmediate), so every request parsed in the
// same turn joins it; a caller who arrives while a read runs joins the next one,
// never the one already on its way: no caller gets an answer older than its
// request.

export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  /** The read that has not started yet: whoever calls now joins it. */
  let next: Promise<T> | undefined;
  /** The read under way, if any; the next one starts after it. */
  let running: Promise<T> | undefined;

  const schedule = (): Promise<T> => {
    const after = running ? running.then(turn, turn) : turn();
    const p: Promise<T> = after.then(() => {
      if (next === p) next = undefined;
      const r: Promise<T> = read().finally(() => {
        if (running === r) running = undefined;
      });
      running = r;
      return r;
    });
    return p;
  };
  return () => (next ??= schedule());
}

/** Resolves on the next turn of the event loop, after the I/O already received. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
