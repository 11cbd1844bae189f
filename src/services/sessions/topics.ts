// The sessions system's topics: `input_topic` (user events as JSON, keyed by
// userId) and `output_topic` (one UserSummary per user, compacted, keyed by
// userId: the topic is the table, and its last record per user is the answer).
// Three partitions each by default, so up to three workers share the input.
import type { App } from '../../stream/app.js';
import { Topic, type TopicOptions } from '../../stream/topic.js';
import { UserEvent, UserSummary } from './schemas.js';

export const INPUT_TOPIC = 'input_topic';
export const OUTPUT_TOPIC = 'output_topic';
export const SESSIONS_PARTITIONS = 3;

const inputOptions: TopicOptions<UserEvent, string> = {
  schema: UserEvent,
  partitions: SESSIONS_PARTITIONS,
  description: 'User events, keyed by userId (metadata times in epoch ms)',
};

const outputOptions: TopicOptions<UserSummary, string> = {
  schema: UserSummary,
  partitions: SESSIONS_PARTITIONS,
  config: { 'cleanup.policy': 'compact' },
  description: "Each user's first and last event time, keyed by userId (compacted: the latest record per user is current)",
};

/** The input topic outside an app (the `events generate` command). */
export function inputTopic(): Topic<UserEvent, string> {
  return new Topic(INPUT_TOPIC, inputOptions);
}

export interface SessionsTopics {
  input: Topic<UserEvent, string>;
  output: Topic<UserSummary, string>;
}

export function declareSessionsTopics(app: App): SessionsTopics {
  return { input: app.topic(INPUT_TOPIC, inputOptions), output: app.topic(OUTPUT_TOPIC, outputOptions) };
}
