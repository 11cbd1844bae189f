// A topic declared once: its name, partitions and configs (created at start),
// the serde of its values and keys, and a zod schema that gives the TypeScript
// type, validates what is produced and consumed, and yields JSON Schema for docs.
import { z } from 'zod';
import { json, string, DeserializationError, type Serde } from './serde.js';

export interface TopicOptions<V, K> {
  /** Validates values on produce and consume; its output type is the value type. */
  schema?: z.ZodType<V>;
  /** Value serde; JSON by default. */
  serde?: Serde<V>;
  /** Key serde; UTF-8 strings by default. */
  key?: Serde<K>;
  partitions?: number;
  /** Replicas; default -1, the cluster's default.replication.factor (1 on the embedded broker). */
  replicationFactor?: number;
  /** Topic configs set at creation (cleanup.policy, retention.ms, ...). */
  config?: Record<string, string>;
  description?: string;
}

/** A value that does not match the topic's schema; `issues` name each failing field. */
export class ValidationError extends Error {
  constructor(
    readonly topic: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(`${topic}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'ValidationError';
  }
}

export class Topic<V = unknown, K = string> {
  readonly name: string;
  readonly schema: z.ZodType<V> | undefined;
  readonly serde: Serde<V>;
  readonly keySerde: Serde<K>;
  readonly partitions: number | undefined;
  readonly replicationFactor: number;
  readonly config: Record<string, string>;
  readonly description: string | undefined;

  constructor(name: string, options: TopicOptions<V, K> = {}) {
    if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) throw new RangeError(`"${name}" is not a legal Kafka topic name`);
    this.name = name;
    this.schema = options.schema;
    this.serde = options.serde ?? json<V>();
    this.keySerde = options.key ?? (string() as unknown as Serde<K>);
    this.partitions = options.partitions;
    this.replicationFactor = options.replicationFactor ?? -1;
    this.config = options.config ?? {};
    this.description = options.description;
  }

  /** Checks a value against the schema (returning the parsed value) or throws ValidationError. */
  validate(value: unknown): V {
    if (!this.schema) return value as V;
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    throw new ValidationError(
      this.name,
      result.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    );
  }

  encodeValue(value: V): Buffer {
    return this.serde.encode(this.validate(value));
  }

  /** Decodes and validates; throws DeserializationError or ValidationError for a bad message. */
  decodeValue(data: Buffer | null): V {
    if (data === null) throw new DeserializationError(`${this.name}: a null value (tombstone) where a value was expected`);
    return this.validate(this.serde.decode(data));
  }

  encodeKey(key: K): Buffer {
    return this.keySerde.encode(key);
  }

  decodeKey(data: Buffer | null): K | null {
    return data === null ? null : this.keySerde.decode(data);
  }

  /** JSON Schema of the value, for the docs and AsyncAPI. */
  jsonSchema(): Record<string, unknown> | undefined {
    if (!this.schema) return undefined;
    return z.toJSONSchema(this.schema, { unrepresentable: 'any' }) as Record<string, unknown>;
  }
}

export function topic<V = unknown, K = string>(name: string, options: TopicOptions<V, K> = {}): Topic<V, K> {
  return new Topic(name, options);
}
