// The state topic: KAFKA_TOPIC (default `state`), one partition, so "the last
// message" is well defined. Shared by the API's follower and `tributary state send`.
import { KafkaConfigError } from '../../stream/kafka-config.js';
import { Topic } from '../../stream/topic.js';
import { StateMessage } from './schemas.js';

export type StateTopic = Topic<StateMessage, string>;

export function stateTopicName(env: NodeJS.ProcessEnv): string {
  const name = env.KAFKA_TOPIC?.trim() || 'state';
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
    throw new KafkaConfigError('KAFKA_TOPIC', `"${name}" is not a legal Kafka topic name (letters, digits, . _ -, at most 249)`);
  }
  return name;
}

export function stateTopicOptions() {
  return { schema: StateMessage, partitions: 1, description: 'State changes {state, message_id?, text?}; the latest one is the state' };
}
