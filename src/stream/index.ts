// Public entry of the stream-processing library. It loads no part of the
// embedded broker: the test helpers that start one are `tributary/stream/testing`.
export { App, createApp, type AppOptions, type ProcessingGraph } from './app.js';
export { Agent, type AgentContext, type AgentEvent, type AgentHandler, type AgentOptions } from './agent.js';
export { Table, type TableOptions } from './table.js';
export { Topic, topic, ValidationError, type TopicOptions } from './topic.js';
export { json, string, bytes, protobuf, DeserializationError, type Serde } from './serde.js';
export { WindowAggregator, tumbling, hopping, windowsFor, type WindowSpec, type ClosedWindow } from './windows.js';
export { tableView } from './table-view.js';
export { DLQ_HEADERS, dlqTopic, dlqTopicName } from './dlq.js';
export { kafkaConfigFromEnv, type KafkaConfig } from './kafka-config.js';
export { followTopic, viewTopic, type Follower, type FollowedRecord, type FollowOptions, type TopicView } from './follower.js';
export { confluent, confluentSchemaId, type ConfluentOptions, type ConfluentSerde } from './confluent-serde.js';
