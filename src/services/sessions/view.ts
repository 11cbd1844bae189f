// The API's view of the summaries: output_topic is compacted and keyed by
// userId, so reading it from the beginning into a map (last record per user
// wins) rebuilds the table in any API process, with or without a worker in it,
// and following it (in no consumer group) keeps the map current.
import type { Logger } from 'pino';
import { viewTopic, type TopicView } from '../../stream/follower.js';
import type { KafkaConfig } from '../../stream/kafka-config.js';
import type { Topic } from '../../stream/topic.js';
import type { UserSummary } from './schemas.js';

export class SummariesView {
  private view: TopicView<UserSummary> | undefined;

  constructor(
    private readonly topic: Topic<UserSummary, string>,
    private readonly kafka: KafkaConfig,
    private readonly log: Logger,
  ) {}

  /** Follows the topic and resolves once what it held at start is read. */
  async start(): Promise<void> {
    this.view = await viewTopic(this.kafka, this.topic, {
      onInvalid: (err, at) => this.log.warn({ err, topic: this.topic.name, partition: at.partition, offset: String(at.offset) }, 'skipped an invalid summary'),
      onError: (err) => this.log.warn({ err, topic: this.topic.name }, 'following the summaries failed'),
    });
  }

  async stop(): Promise<void> {
    const view = this.view;
    this.view = undefined;
    await view?.stop();
  }

  all(): UserSummary[] {
    return [...(this.view?.entries.values() ?? [])].sort((a, b) => a.userId.localeCompare(b.userId, undefined, { numeric: true }));
  }

  get(userId: string): UserSummary | undefined {
    return this.view?.entries.get(userId);
  }
}
