// The players topic, named and sized from the environment:
// TOPICS_NAME (default soccer_players), TOPICS_PARTITIONS (3), TOPICS_REPLICAS (1).
// Bad values fail at start with the variable's name, not at the first request.
import { KafkaConfigError } from '../../stream/kafka-config.js';
import type { App } from '../../stream/app.js';
import type { Topic } from '../../stream/topic.js';
import { Player, type Position } from './player.js';

export interface PlayersTopicSettings {
  name: string;
  partitions: number;
  replicas: number;
}

function positiveInt(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new KafkaConfigError(variable, `"${env[variable]}" is not a positive integer`);
  }
  return Number(raw);
}

export function playersTopicSettings(env: NodeJS.ProcessEnv): PlayersTopicSettings {
  const name = env.TOPICS_NAME?.trim() || 'soccer_players';
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(name)) {
    throw new KafkaConfigError('TOPICS_NAME', `"${name}" is not a legal Kafka topic name (letters, digits, . _ -, at most 249)`);
  }
  return { name, partitions: positiveInt(env, 'TOPICS_PARTITIONS', 3), replicas: positiveInt(env, 'TOPICS_REPLICAS', 1) };
}

export type PlayersTopic = Topic<Player, Position>;

export function declarePlayersTopic(app: App, settings: PlayersTopicSettings): PlayersTopic {
  return app.topic<Player, Position>(settings.name, {
    schema: Player,
    partitions: settings.partitions,
    replicationFactor: settings.replicas,
    description: 'Generated soccer players, keyed by position',
  });
}
