// One read for many concurrent callers: GET /analytics under load would
// otherwise queue one query per request on the database (PGlite runs one at a
// time), so 64 concurrent clients would wait 64 queries. A caller joins the next
// read that starts after it arrived, never one already on its way: no caller
// gets an answer older than its request.

export function sharedRead<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let queued: Promise<T> | undefined;
  const start = (): Promise<T> => {
    const p: Promise<T> = read().finally(() => {
      if (current === p) current = undefined;
    });
    current = p;
    return p;
  };
  return () => {
    if (!current) return start();
    queued ??= current
      .catch(() => undefined)
      .then(() => {
        queued = undefined;
        return start();
      });
    return queued;
  };
}
