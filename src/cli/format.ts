// Shared by the Kafka tool commands (topics, produce, consume, groups): where to
// connect by default, aligned text tables, bigint-safe JSON, and error messages
// that name the Kafka error (TOPIC_ALREADY_EXISTS, ...) rather than the client
// library's generic "Received response with error".
import { kafkaConfigFromEnv, type KafkaConfig } from '../stream/kafka-config.js';
import { kafkaErrorNames, type ProtocolErrorLike } from '../stream/kafka-errors.js';
import { processIo, type Io } from './io.js';

export { kafkaErrorNames } from '../stream/kafka-errors.js';

/** KAFKA_BROKERS (or BOOTSTRAP_SERVERS, KAFKA_BOOTSTRAP_SERVERS) when set, else the local embedded broker. */
export function cliKafkaConfig(clientId = 'tributary-cli', env: NodeJS.ProcessEnv = process.env): KafkaConfig {
  return kafkaConfigFromEnv(env, { brokers: ['127.0.0.1:' + (env.BROKER_PORT ?? 9092)], clientId });
}

/** Prefix of `tributary consume`'s throwaway groups; `tributary groups list` hides them without --all. */
export const THROWAWAY_GROUP_PREFIX = 'tributary-consume-';

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: string[], rows: (string | number | bigint)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return cells
    .map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n');
}

/** JSON.stringify that writes bigints as decimal strings (int64 protobuf fields, offsets). */
export function toJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

/** One line for the user: the Kafka error names when there are some, else the innermost useful message. */
export function errorText(err: unknown): string {
  const names = kafkaErrorNames(err);
  if (names.length > 0) return names.join('; ');
  // The client library checks metadata itself and says only "Unknown topic x.".
  const message = err instanceof Error ? err.message : '';
  if (/^Unknown topic /.test(message)) return `UNKNOWN_TOPIC_OR_PARTITION: ${message}`;
  const messages: string[] = [];
  let e: unknown = err;
  while (e) {
    const m = e instanceof Error ? e.message : String(e);
    if (m && !messages.includes(m)) messages.push(m);
    const nested = (e as ProtocolErrorLike).errors?.[0];
    e = nested ?? (e as ProtocolErrorLike).cause;
  }
  return messages.join(': ') || 'unknown error';
}

/** "2024-05-01T12:00:00.000Z" for a Kafka timestamp in milliseconds (-1 when the record has none). */
export function formatTimestamp(ms: bigint | number): string {
  const n = Number(ms);
  return n < 0 || !Number.isFinite(n) ? '-' : new Date(n).toISOString();
}

/**
 * `tributary consume | head` closes stdout early: stop quietly (exit 0) rather
 * than crash with an unhandled EPIPE, as Unix tools do.
 */
export function exitOnClosedStdout(io: Io): void {
  // Only the process's own stdout can be closed under us; once is enough.
  if (io !== processIo || exitsOnClosedStdout) return;
  exitsOnClosedStdout = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}
let exitsOnClosedStdout = false;
