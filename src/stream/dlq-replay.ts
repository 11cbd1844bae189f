// What a replay (`tributary dlq replay`, the console's replay) makes of one record of a dead-letter topic: the
// record to send back (to the topic its headers name, with its own key, value,
// headers and timestamp, without the headers the DLQ added), or why it is
// skipped. Pure, so the rules are tested without a broker.
import { DLQ_HEADERS } from './dlq.js';
import type { ConsumedRecord } from './kafka.js';

const DLQ_HEADER_NAMES = new Set<string>(Object.values(DLQ_HEADERS));

export interface ReplayMessage {
  /** Where it goes: the source topic, or --to. */
  topic: string;
  /** The topic it was dead-lettered from (per-topic summary). */
  source: string;
  key: Buffer | undefined;
  value: Buffer | null;
  headers: Map<Buffer, Buffer>;
  /** The original record's timestamp, when the dead letter kept it. */
  timestamp: bigint | undefined;
  /** tributary.error, for --dry-run's listing. */
  error: string;
}

export type Skip = 'no-dlq-headers' | 'reason';

export type Verdict = { send: ReplayMessage } | { skip: Skip };

export interface ReplayRules {
  /** --to: every record goes there instead of its source topic. */
  to?: string;
  /** --reason: only records whose error or error type contains it (case, spaces and punctuation ignored). */
  reason?: string;
}

/** Lower case letters and digits only, so "database unavailable" matches "DatabaseUnavailableError". */
function normalize(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function reasonMatcher(reason: string | undefined): (error: string, type: string) => boolean {
  if (reason === undefined) return () => true;
  const wanted = normalize(reason);
  return (error, type) => normalize(error).includes(wanted) || normalize(type).includes(wanted);
}

export function replayVerdict(record: Pick<ConsumedRecord, 'key' | 'value' | 'headers'>, rules: ReplayRules, matches = reasonMatcher(rules.reason)): Verdict {
  const dlq = new Map<string, string>();
  const headers = new Map<Buffer, Buffer>();
  for (const [k, v] of record.headers ?? []) {
    const name = k.toString('utf8');
    if (DLQ_HEADER_NAMES.has(name)) dlq.set(name, v?.toString('utf8') ?? '');
    else headers.set(k, v);
  }
  const source = dlq.get(DLQ_HEADERS.topic);
  if (!source) return { skip: 'no-dlq-headers' };
  const error = dlq.get(DLQ_HEADERS.error) ?? '';
  if (!matches(error, dlq.get(DLQ_HEADERS.errorType) ?? '')) return { skip: 'reason' };
  const ts = dlq.get(DLQ_HEADERS.timestamp);
  return {
    send: {
      topic: rules.to ?? source,
      source,
      key: record.key && record.key.length > 0 ? record.key : undefined,
      value: record.value ?? null,
      headers,
      timestamp: ts && /^\d+$/.test(ts) ? BigInt(ts) : undefined,
      error,
    },
  };
}
