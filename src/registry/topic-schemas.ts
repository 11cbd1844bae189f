// The services' topics as schema registry subjects: each topic whose values
// have a contract (a zod schema: JSON Schema; a protobuf serde: its .proto
// file) is `<topic>-value`, as Confluent's default subject naming has it.
// Keys are UTF-8 strings throughout and get no subject. Registering them at
// start makes the code's contract visible to other languages' clients, and a
// change that breaks it (under the subject's compatibility level) stops the
// start-up instead of reaching the topic.
import { PROTO_SOURCES } from '../gen/proto-sources.js';
import type { Topic } from '../stream/topic.js';
import type { SchemaType } from './records.js';
import { ErrorCode, RegistryError } from './errors.js';

export interface TopicSchema {
  topic: string;
  subject: string;
  schemaType: Extract<SchemaType, 'JSON' | 'PROTOBUF'>;
  schema: string;
}

/** Where schemas are registered: the registry in this process, or one over HTTP (http-target.ts). */
export interface SchemaTarget {
  register(subject: string, request: { schema: string; schemaType: SchemaType }): Promise<{ id: number; version: number }>;
}

export interface RegisteredSchema extends TopicSchema {
  id: number;
  version: number;
}

/** A topic's schema the registry refused: names the topic, the subject and why. */
export class SchemaContractError extends Error {
  readonly code = 'SCHEMA_INCOMPATIBLE';
  constructor(
    readonly topic: string,
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`topic "${topic}": its value schema cannot be registered as ${subject}: ${reason}`);
    this.name = 'SchemaContractError';
  }
}

/** The .proto file that declares a message, found by its package. */
function protoFileOf(messageName: string): string | undefined {
  const pkg = messageName.slice(0, messageName.lastIndexOf('.'));
  const simple = messageName.slice(pkg.length + 1);
  return PROTO_SOURCES.find((p) => p.package === pkg && new RegExp(`^\\s*message\\s+${simple}\\b`, 'm').test(p.source))?.source;
}

/** The subjects of these topics, one per topic with a value contract, by topic name. */
export function topicSchemas(topics: Iterable<Topic<any, any>>): TopicSchema[] {
  const out = new Map<string, TopicSchema>();
  for (const t of topics) {
    const subject = `${t.name}-value`;
    if (t.serde.messageName) {
      const source = protoFileOf(t.serde.messageName);
      if (source) out.set(t.name, { topic: t.name, subject, schemaType: 'PROTOBUF', schema: source });
      continue;
    }
    const schema = t.jsonSchema();
    if (schema) out.set(t.name, { topic: t.name, subject, schemaType: 'JSON', schema: JSON.stringify(schema) });
  }
  return [...out.values()].sort((a, b) => a.subject.localeCompare(b.subject));
}

/**
 * Registers every schema (an unchanged one keeps its id and version) and
 * answers what each got; the first one refused as incompatible throws
 * SchemaContractError, any other failure as it came.
 */
export async function registerTopicSchemas(target: SchemaTarget, schemas: TopicSchema[]): Promise<RegisteredSchema[]> {
  const registered: RegisteredSchema[] = [];
  for (const s of schemas) {
    try {
      const { id, version } = await target.register(s.subject, { schema: s.schema, schemaType: s.schemaType });
      registered.push({ ...s, id, version });
    } catch (err) {
      if (err instanceof RegistryError && (err.errorCode === ErrorCode.INCOMPATIBLE_SCHEMA || err.errorCode === ErrorCode.INVALID_SCHEMA)) {
        throw new SchemaContractError(s.topic, s.subject, err.message);
      }
      throw err;
    }
  }
  return registered;
}
