// The app as an AsyncAPI 3.0 document: a channel per topic (with its Kafka
// bindings and the JSON Schema of its messages), a receive operation per agent
// and a send operation per topic an agent writes.
import type { KafkaConfig } from './kafka-config.js';
import type { Topic } from './topic.js';

export interface AsyncApiInfo {
  title: string;
  version: string;
  description: string;
}

/** AsyncAPI ids allow letters, digits, '_' and '-' only. */
function idOf(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}

function messageFor(t: Topic<any, any>): Record<string, unknown> {
  const payload = t.jsonSchema() ?? (t.serde.messageName ? { type: 'string', format: 'binary', description: `protobuf ${t.serde.messageName}` } : {});
  return {
    name: `${t.name} message`,
    contentType: t.serde.contentType,
    payload,
    ...(t.serde.messageName ? { description: `Protocol Buffers message ${t.serde.messageName}` } : {}),
  };
}

/**
 * What the document is drawn from: an app's declaration (App satisfies it).
 * Structural, so this module needs nothing of app.ts.
 */
export interface AsyncApiSource {
  readonly id: string;
  allTopics(): Topic<any, any>[];
  readonly agents: readonly { name: string; group: string; input: { name: string }; outputs: Iterable<{ name: string }> }[];
  /** Throws when no cluster is configured. */
  readonly kafka: KafkaConfig;
}

export function asyncApiDocument(app: AsyncApiSource, info: Partial<AsyncApiInfo> = {}): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const t of app.allTopics()) {
    const id = idOf(t.name);
    messages[id] = messageFor(t);
    channels[id] = {
      address: t.name,
      ...(t.description ? { description: t.description } : {}),
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: {
        kafka: {
          ...(t.partitions ? { partitions: t.partitions } : {}),
          ...(t.replicationFactor > 0 ? { replicas: t.replicationFactor } : {}),
          ...(Object.keys(t.config).length > 0 ? { topicConfiguration: topicConfiguration(t.config) } : {}),
          bindingVersion: '0.5.0',
        },
      },
    };
  }
  const operations: Record<string, unknown> = {};
  for (const a of app.agents) {
    const agentId = idOf(a.name);
    operations[`${agentId}_receive`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${idOf(a.input.name)}` },
      summary: `${a.name} consumes ${a.input.name} in group ${a.group}`,
      bindings: { kafka: { groupId: { type: 'string', enum: [a.group] }, bindingVersion: '0.5.0' } },
    };
    for (const o of a.outputs) {
      operations[`${agentId}_send_${idOf(o.name)}`] = {
        action: 'send',
        channel: { $ref: `#/channels/${idOf(o.name)}` },
        summary: `${a.name} writes ${o.name}`,
      };
    }
  }
  const servers: Record<string, unknown> = {};
  let kafka: KafkaConfig | undefined;
  try {
    kafka = app.kafka;
  } catch {
    kafka = undefined; // no cluster configured: the document simply lists no servers
  }
  kafka?.brokers.forEach((b, i) => {
    servers[`broker${i}`] = { host: b, protocol: kafka!.ssl ? 'kafka-secure' : 'kafka' };
  });
  return {
    asyncapi: '3.0.0',
    info: {
      title: info.title ?? app.id,
      version: info.version ?? '0.1.0',
      ...(info.description ? { description: info.description } : {}),
    },
    defaultContentType: 'application/json',
    servers,
    channels,
    operations,
    components: { messages },
  };
}

/** Kafka binding's topicConfiguration: the keys it defines, typed as it wants them. */
function topicConfiguration(config: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k === 'cleanup.policy') out[k] = v.split(',');
    else if (['retention.ms', 'retention.bytes', 'delete.retention.ms', 'max.message.bytes'].includes(k)) out[k] = Number(v);
  }
  return out;
}
