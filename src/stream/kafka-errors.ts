// The Kafka error names (TOPIC_ALREADY_EXISTS, INVALID_CONFIG, ...) inside an
// error of the client library, which wraps them in a generic "Received
// response with error": for messages that say what the broker refused.

export interface ProtocolErrorLike {
  apiId?: string;
  serverErrorMessage?: string | null;
  message?: string;
  errors?: unknown[];
  cause?: unknown;
}

/** The Kafka error names (with the broker's message) found in an error, its nested errors and causes. */
export function kafkaErrorNames(err: unknown): string[] {
  const found: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown) => {
    if (!e || typeof e !== 'object' || seen.has(e)) return;
    seen.add(e);
    const p = e as ProtocolErrorLike;
    if (typeof p.apiId === 'string') {
      const text = p.serverErrorMessage ? `${p.apiId}: ${p.serverErrorMessage}` : `${p.apiId}: ${p.message ?? ''}`.replace(/: $/, '');
      if (!found.includes(text)) found.push(text);
    }
    for (const nested of p.errors ?? []) walk(nested);
    walk(p.cause);
  };
  walk(err);
  return found;
}
