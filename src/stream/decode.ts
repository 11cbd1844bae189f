// Turns a record's bytes into something readable, for `tributary consume` and
// the console: the topic's own serde when a service declares the topic with
// protobuf (so BackendApiActivity on `Users` shows as fields, not noise), else
// JSON when the bytes parse as JSON, UTF-8 text when they are printable, and
// hex otherwise.
import { isUtf8 } from 'node:buffer';
import type { Topic } from './topic.js';

export type ValueFormat = 'null' | 'json' | 'protobuf' | 'text' | 'binary';

export interface DecodedValue {
  format: ValueFormat;
  /** JSON-safe: bigints as strings, bytes as base64 (protobuf) or hex (raw). */
  value: unknown;
  /** The protobuf message name, for protobuf values. */
  type?: string;
  /** Why the topic's serde could not decode the bytes (they are then shown as JSON, text or hex). */
  error?: string;
}

/** What the decoder needs of a topic: its serde. */
export type KnownTopic = Pick<Topic<any, any>, 'name' | 'serde'>;

const PROTOBUF = 'application/x-protobuf';

export function decodeValue(data: Buffer | null | undefined, topic?: KnownTopic): DecodedValue {
  if (data === null || data === undefined) return { format: 'null', value: null };
  let error: string | undefined;
  if (topic && topic.serde.contentType === PROTOBUF) {
    try {
      return { format: 'protobuf', value: toPlain(topic.serde.decode(data)), type: topic.serde.messageName };
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
  }
  const generic = decodeGeneric(data);
  return error ? { ...generic, error } : generic;
}

/** JSON, else UTF-8 text, else hex: for values of unknown topics, keys and headers alike. */
export function decodeGeneric(data: Buffer): DecodedValue {
  const text = textOf(data);
  if (text === undefined) return { format: 'binary', value: data.toString('hex') };
  const trimmed = text.trim();
  if (trimmed.length > 0) {
    try {
      return { format: 'json', value: JSON.parse(trimmed) };
    } catch {
      // not JSON: plain text
    }
  }
  return { format: 'text', value: text };
}

/** Keys and header values: text when printable UTF-8, else hex. */
export function decodeText(data: Buffer | null | undefined): string | null {
  if (data === null || data === undefined) return null;
  return textOf(data) ?? `0x${data.toString('hex')}`;
}

// Control characters other than tab, newline and carriage return mark binary data.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function textOf(data: Buffer): string | undefined {
  if (!isUtf8(data)) return undefined;
  const text = data.toString('utf8');
  return CONTROL.test(text) ? undefined : text;
}

/**
 * A decoded protobuf message as plain JSON-able data: `$typeName` dropped,
 * int64 (bigint) as decimal strings, bytes as base64, maps as objects.
 */
export function toPlain(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(toPlain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), toPlain(v)]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!k.startsWith('$')) out[k] = toPlain(v);
    return out;
  }
  return value;
}
