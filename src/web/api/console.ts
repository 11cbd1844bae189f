// What every console route shares: one admin client, one group-less consumer
// for reading records, one producer (opened on the first produce or replay),
// the sampler, and the services' topics by name (for decoding). Clients open
// on first use; close() closes what was opened.
import { closeForce, createAdmin, createGroupLessConsumer, createProducer, type KafkaAdmin, type RawConsumer, type RawProducer } from '../../stream/kafka.js';
import type { KnownTopic } from '../../stream/decode.js';
import type { Service } from '../../services/service.js';
import { HttpError } from '../../http/errors.js';
import { Sampler } from './sampler.js';
import type { ClusterSnapshot, TopicState } from './snapshot.js';
import type { ConsoleSource } from './source.js';
import type { KafkaConfig } from '../../stream/kafka-config.js';

/** An admin client for views: one that cannot reach the cluster says so within a second rather than after the client's three tries. */
export function createConsoleAdmin(kafka: KafkaConfig): KafkaAdmin {
  return createAdmin(kafka, { retries: 1, retryDelay: 250 });
}

export class Console {
  readonly admin: KafkaAdmin;
  private readonly ownsAdmin: boolean;
  readonly sampler: Sampler;
  readonly services: Service[];
  private consumerClient: RawConsumer | undefined;
  private producerClient: RawProducer | undefined;
  private declared: Map<string, KnownTopic> | undefined;

  constructor(readonly source: ConsoleSource) {
    this.ownsAdmin = source.admin === undefined;
    this.admin = source.admin ?? createConsoleAdmin(source.kafka);
    this.sampler = new Sampler(this.admin, source.sampling);
    this.services = source.services ?? [];
  }

  get consumer(): RawConsumer {
    this.consumerClient ??= createGroupLessConsumer(this.source.kafka);
    return this.consumerClient;
  }

  get producer(): RawProducer {
    this.producerClient ??= createProducer(this.source.kafka, { idempotent: true });
    return this.producerClient;
  }

  /** The topic as a service declares it (its serde decodes protobuf values). */
  known(topic: string): KnownTopic | undefined {
    if (!this.declared) {
      this.declared = new Map();
      for (const s of this.services) for (const t of s.app.allTopics()) if (!this.declared.has(t.name)) this.declared.set(t.name, t);
    }
    return this.declared.get(topic);
  }

  /** A fresh snapshot and the topic in it, or 404 naming it. */
  async topic(name: string, maxAgeMs = 250): Promise<{ snapshot: ClusterSnapshot; topic: TopicState }> {
    const snapshot = await this.sampler.current(maxAgeMs);
    const topic = snapshot.topics.get(name);
    if (!topic) throw new HttpError(404, `topic ${name} does not exist`, 'params.topic');
    return { snapshot, topic };
  }

  async close(): Promise<void> {
    this.sampler.close();
    const consumer = this.consumerClient;
    const producer = this.producerClient;
    this.consumerClient = undefined;
    this.producerClient = undefined;
    await Promise.all([
      this.ownsAdmin ? this.admin.close().catch(() => {}) : undefined,
      consumer ? closeForce(consumer) : undefined,
      producer?.close().catch(() => {}),
    ]);
  }
}
