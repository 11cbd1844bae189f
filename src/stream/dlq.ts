// Dead letters: a message an agent could not process (undecodable, failing its
// schema, or failing the handler on every try) is copied to `<topic>.dlq` with
// its key, value and headers as they came, plus headers saying why:
//   tributary.error            the error message
//   tributary.error.type       DeserializationError | ValidationError | the handler error's name
//   tributary.source.topic     where it came from
//   tributary.source.partition
//   tributary.source.offset
//   tributary.source.timestamp the record's own timestamp (ms), which a replay restores
//   tributary.attempts         how many times the handler ran (0 when it never could)
//   tributary.failed.at        ISO time of the last failure
import type { PendingWrite } from './context.js';
import type { ConsumedRecord } from './kafka.js';
import { bytes } from './serde.js';
import { Topic } from './topic.js';

export const DLQ_HEADERS = {
  error: 'tributary.error',
  errorType: 'tributary.error.type',
  topic: 'tributary.source.topic',
  partition: 'tributary.source.partition',
  offset: 'tributary.source.offset',
  timestamp: 'tributary.source.timestamp',
  attempts: 'tributary.attempts',
  failedAt: 'tributary.failed.at',
} as const;

export function dlqTopicName(topic: string): string {
  return `${topic}.dlq`;
}

const dlqTopics = new WeakMap<Topic<any, any>, Topic<Buffer, Buffer>>();

/** The dead-letter topic of an input topic: raw bytes, same partitions. */
export function dlqTopic(input: Topic<any, any>): Topic<Buffer, Buffer> {
  let t = dlqTopics.get(input);
  if (!t) {
    t = new Topic<Buffer, Buffer>(dlqTopicName(input.name), {
      serde: bytes(),
      key: bytes(),
      partitions: input.partitions,
      description: `Messages of ${input.name} that could not be processed`,
    });
    dlqTopics.set(input, t);
  }
  return t;
}

/** The write that copies a record to its dead-letter topic, with the headers saying why. */
export function deadLetterWrite(dlq: Topic<Buffer, Buffer>, record: ConsumedRecord, error: unknown, attempts: number): PendingWrite {
  const key = record.key ?? null;
  const value = record.value ?? null;
  return {
    topic: dlq.name,
    key: key ?? undefined,
    value,
    headers: deadLetterHeaders({ topic: record.topic, partition: record.partition, offset: record.offset, timestamp: record.timestamp, key, value, headers: record.headers ?? new Map(), error, attempts }),
  };
}

export interface DeadLetter {
  topic: string;
  partition: number;
  offset: bigint;
  /** The record's timestamp in ms (-1 or absent: none). */
  timestamp?: bigint;
  key: Buffer | null;
  value: Buffer | null;
  headers: Map<Buffer, Buffer>;
  error: unknown;
  attempts: number;
}

export function deadLetterHeaders(letter: DeadLetter, now = new Date()): Map<Buffer, Buffer> {
  const headers = new Map<Buffer, Buffer>();
  for (const [k, v] of letter.headers) headers.set(k, v);
  const err = letter.error;
  const add = (k: string, v: string) => headers.set(Buffer.from(k), Buffer.from(v));
  add(DLQ_HEADERS.error, err instanceof Error ? err.message : String(err));
  add(DLQ_HEADERS.errorType, err instanceof Error ? err.name : typeof err);
  add(DLQ_HEADERS.topic, letter.topic);
  add(DLQ_HEADERS.partition, String(letter.partition));
  add(DLQ_HEADERS.offset, String(letter.offset));
  if (letter.timestamp !== undefined && letter.timestamp >= 0n) add(DLQ_HEADERS.timestamp, String(letter.timestamp));
  add(DLQ_HEADERS.attempts, String(letter.attempts));
  add(DLQ_HEADERS.failedAt, now.toISOString());
  return headers;
}
