// Broker options under their Kafka server.properties names, so `tributary broker
// --config name=value` reads like a Kafka broker's configuration. Names Kafka
// does not have (max.partitions.per.request) follow the same style.
import type { BrokerOptions } from './config.js';
import { isSaslMechanism, SASL_MECHANISMS, type SaslMechanism } from './sasl/credentials.js';

type NumericOption = {
  [K in keyof BrokerOptions]-?: NonNullable<BrokerOptions[K]> extends number ? K : never;
}[keyof BrokerOptions];

const numeric: Record<string, NumericOption> = {
  'socket.request.max.bytes': 'maxRequestBytes',
  'queued.max.request.bytes': 'queuedMaxRequestBytes',
  'max.partitions.per.request': 'maxPartitionsPerRequest',
  'max.broker.partitions': 'maxBrokerPartitions',
  'fetch.max.bytes': 'fetchMaxBytes',
  'max.partition.fetch.bytes': 'fetchMaxPartitionBytes',
  'max.connections': 'maxConnections',
  'max.connections.per.ip': 'maxConnectionsPerIp',
  'connections.max.idle.ms': 'connectionsMaxIdleMs',
  'num.partitions': 'defaultPartitions',
  'log.retention.check.interval.ms': 'retentionCheckIntervalMs',
  'transaction.max.timeout.ms': 'transactionMaxTimeoutMs',
  'transactional.id.expiration.ms': 'transactionalIdExpirationMs',
  'producer.id.expiration.ms': 'producerIdExpirationMs',
  'group.initial.rebalance.delay.ms': 'groupInitialRebalanceDelayMs',
  'group.min.session.timeout.ms': 'groupMinSessionTimeoutMs',
  'group.max.session.timeout.ms': 'groupMaxSessionTimeoutMs',
  'group.consumer.heartbeat.interval.ms': 'groupConsumerHeartbeatIntervalMs',
  'group.consumer.session.timeout.ms': 'groupConsumerSessionTimeoutMs',
  'connections.max.reauth.ms': 'connectionsMaxReauthMs',
  'offsets.retention.minutes': 'offsetsRetentionMinutes',
  'offsets.retention.check.interval.ms': 'offsetsRetentionCheckIntervalMs',
};

/** Settings taken as Kafka writes them (lists of listeners, a protocol map). */
const text = {
  listeners: 'listeners',
  'advertised.listeners': 'advertisedListeners',
  'listener.security.protocol.map': 'listenerSecurityProtocolMap',
} as const satisfies Record<string, keyof BrokerOptions>;

/** Kafka config names accepted by brokerOptionsFromConfigs, for help texts. */
export const brokerConfigNames: readonly string[] = [...Object.keys(numeric), ...Object.keys(text), 'auto.create.topics.enable', 'group.consumer.assignors', 'sasl.enabled.mechanisms', 'authorizer.class.name', 'super.users', 'allow.everyone.if.no.acl.found'];

/** Turns `name=value` pairs (Kafka names) into broker options; throws naming an unknown name or a bad value. */
export function brokerOptionsFromConfigs(pairs: readonly string[]): Partial<BrokerOptions> {
  const out: Partial<Record<keyof BrokerOptions, unknown>> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--config expects name=value, got "${pair}"`);
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    if (name === 'auto.create.topics.enable') {
      if (value !== 'true' && value !== 'false') throw new Error(`${name} must be true or false, got "${value}"`);
      out.autoCreateTopics = value === 'true';
      continue;
    }
    if (name === 'authorizer.class.name') {
      // Any authorizer class turns on the broker's one authorizer; an empty value leaves it off, as in Kafka.
      out.authorizer = value !== '';
      continue;
    }
    if (name === 'super.users') {
      out.superUsers = value.split(';').map((p) => p.trim()).filter((p) => p !== '');
      continue;
    }
    if (name === 'allow.everyone.if.no.acl.found') {
      if (value !== 'true' && value !== 'false') throw new Error(`${name} must be true or false, got "${value}"`);
      out.allowEveryoneIfNoAclFound = value === 'true';
      continue;
    }
    if (name === 'group.consumer.assignors') {
      // A comma-separated list, as in Kafka (class names are not taken: only the built-in names).
      out.groupConsumerAssignors = value.split(',').map((a) => a.trim()).filter((a) => a !== '');
      continue;
    }
    if (name === 'sasl.enabled.mechanisms') {
      const mechanisms = value.split(',').map((m) => m.trim().toUpperCase()).filter((m) => m !== '');
      const unknown = mechanisms.find((m) => !isSaslMechanism(m));
      if (unknown) throw new Error(`${name}: unknown mechanism "${unknown}" (${SASL_MECHANISMS.join(', ')})`);
      out.sasl = { mechanisms: mechanisms as SaslMechanism[] };
      continue;
    }
    if (name in text) {
      out[text[name as keyof typeof text]] = value;
      continue;
    }
    const key = numeric[name];
    if (!key) throw new Error(`unknown broker config "${name}"; known: ${brokerConfigNames.join(', ')}`);
    const n = Number(value);
    if (value === '' || !Number.isInteger(n)) throw new Error(`${name} must be an integer, got "${value}"`);
    out[key] = n;
  }
  return out as Partial<BrokerOptions>;
}
