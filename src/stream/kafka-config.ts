// Kafka connection settings from the environment, under the names Kafka tools
// commonly use, so a Confluent Cloud `.env` works unchanged:
//   KAFKA_BROKERS | BOOTSTRAP_SERVERS | KAFKA_BOOTSTRAP_SERVERS   host:port[,host:port]
//   KAFKA_CLIENT_ID                                               default "tributary"
//   SASL_MECHANISM (PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512), SASL_USERNAME, SASL_PASSWORD
//   KAFKA_SSL (true/false; on by default when SASL is set), KAFKA_SSL_CA_FILE (PEM)
// Library-neutral: src/stream/kafka.ts maps it onto the client library.
import fs from 'node:fs';

export type SaslMechanism = 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  sasl?: { mechanism: SaslMechanism; username: string; password: string };
  ssl?: { ca?: string };
}

export class KafkaConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'KafkaConfigError';
  }
}

/** A positive integer setting from the environment, or `fallback` when unset; anything else names the variable. */
export function envPositiveInt(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new KafkaConfigError(variable, `"${env[variable]}" is not a positive integer`);
  }
  return Number(raw);
}

const MECHANISMS: readonly SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'];
const BROKER_VARS = ['KAFKA_BROKERS', 'BOOTSTRAP_SERVERS', 'KAFKA_BOOTSTRAP_SERVERS'] as const;

/** The configured bootstrap servers, or undefined when none of the variables is set. */
export function brokersFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  for (const name of BROKER_VARS) {
    const value = env[name]?.trim();
    if (!value) continue;
    const brokers = value.split(',').map((s) => s.trim()).filter(Boolean);
    for (const b of brokers) {
      const hostPort = b.replace(/^[a-z_]+:\/\//i, '');
      if (!/^[^\s:]+:\d{1,5}$/.test(hostPort) && !/^\[[0-9a-f:]+\]:\d{1,5}$/i.test(hostPort)) {
        throw new KafkaConfigError(name, `"${b}" is not host:port`);
      }
    }
    return brokers.map((b) => b.replace(/^[a-z_]+:\/\//i, ''));
  }
  return undefined;
}

export function kafkaConfigFromEnv(env: NodeJS.ProcessEnv = process.env, defaults: Partial<KafkaConfig> = {}): KafkaConfig {
  const brokers = brokersFromEnv(env) ?? defaults.brokers;
  if (!brokers || brokers.length === 0) {
    throw new KafkaConfigError('KAFKA_BROKERS', 'no Kafka bootstrap servers configured (set KAFKA_BROKERS=host:port)');
  }
  const config: KafkaConfig = { brokers, clientId: env.KAFKA_CLIENT_ID?.trim() || defaults.clientId || 'tributary' };

  const mechanism = env.SASL_MECHANISM?.trim().toUpperCase();
  if (mechanism) {
    if (!MECHANISMS.includes(mechanism as SaslMechanism)) {
      throw new KafkaConfigError('SASL_MECHANISM', `"${env.SASL_MECHANISM}" is not one of ${MECHANISMS.join(', ')}`);
    }
    const username = env.SASL_USERNAME;
    const password = env.SASL_PASSWORD;
    if (!username) throw new KafkaConfigError('SASL_USERNAME', `required with SASL_MECHANISM=${mechanism}`);
    if (!password) throw new KafkaConfigError('SASL_PASSWORD', `required with SASL_MECHANISM=${mechanism}`);
    config.sasl = { mechanism: mechanism as SaslMechanism, username, password };
  } else if (defaults.sasl) {
    config.sasl = defaults.sasl;
  }

  const sslVar = env.KAFKA_SSL?.trim().toLowerCase();
  if (sslVar !== undefined && sslVar !== '' && !['true', 'false', '1', '0', 'yes', 'no'].includes(sslVar)) {
    throw new KafkaConfigError('KAFKA_SSL', `"${env.KAFKA_SSL}" is not true or false`);
  }
  // Managed clusters that take SASL credentials speak TLS: on unless switched off.
  const ssl = sslVar ? ['true', '1', 'yes'].includes(sslVar) : config.sasl !== undefined || defaults.ssl !== undefined;
  if (ssl) {
    const caFile = env.KAFKA_SSL_CA_FILE?.trim();
    if (caFile) {
      try {
        config.ssl = { ca: fs.readFileSync(caFile, 'utf8') };
      } catch (err) {
        throw new KafkaConfigError('KAFKA_SSL_CA_FILE', `cannot read ${caFile}: ${(err as Error).message}`);
      }
    } else {
      config.ssl = defaults.ssl ?? {};
    }
  }
  return config;
}
