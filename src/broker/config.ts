// Broker configuration: what `startBroker()` and `tributary broker` accept, with
// Kafka's defaults where Kafka has one of the same name.
import path from 'node:path';

export interface BrokerOptions {
  /** TCP port; 0 picks a free one. Default 9092. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Host advertised in Metadata; defaults to `host` (or 127.0.0.1 when listening on 0.0.0.0/::). */
  advertisedHost?: string;
  /** Where partitions and metadata live. Default ./data/broker. */
  dataDir?: string;
  nodeId?: number;
  clusterId?: string;
  /** auto.create.topics.enable */
  autoCreateTopics?: boolean;
  /** num.partitions: partitions of an auto-created topic. */
  defaultPartitions?: number;
  /** socket.request.max.bytes: the largest request frame accepted. */
  maxRequestBytes?: number;
  /** Broker-level defaults for topic configs (retention.ms, segment.bytes, ...). */
  topicDefaults?: Record<string, string>;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number;
  /**
   * When data reaches the disk: 'ack' (default) fsyncs before answering acks=-1
   * produces, one fsync shared by concurrent requests; 'interval' fsyncs every
   * flush.ms; 'none' leaves it to the OS (Kafka's own default).
   */
  flushPolicy?: 'ack' | 'interval' | 'none';
  /** transaction.max.timeout.ms: the largest transaction timeout a producer may ask for. Default 900000. */
  transactionMaxTimeoutMs?: number;
  /** How often open transactions are checked for timeouts (transaction.abort.timed.out.transaction.cleanup.interval.ms). Default 10000. */
  transactionAbortCheckIntervalMs?: number;
  /** transactional.id.expiration.ms: idle transactional ids are forgotten after this. Default 7 days. */
  transactionalIdExpirationMs?: number;
  /** producer.id.expiration.ms: a partition forgets an idle producer's sequence state after this. Default 1 day. */
  producerIdExpirationMs?: number;
  /** group.initial.rebalance.delay.ms: how long a new group waits for more members before its first rebalance. Default 3000. */
  groupInitialRebalanceDelayMs?: number;
  /** group.min.session.timeout.ms: JoinGroup with a shorter session timeout gets INVALID_SESSION_TIMEOUT. Default 6000. */
  groupMinSessionTimeoutMs?: number;
  /** group.max.session.timeout.ms: the longest session timeout accepted. Default 1800000. */
  groupMaxSessionTimeoutMs?: number;
  /** log.cleaner.enable: run the log cleaner for compacted topics. Default true. */
  logCleanerEnable?: boolean;
  /** log.cleaner.backoff.ms: pause between the cleaner's rounds. Default 15000. */
  logCleanerBackoffMs?: number;
  /** Called at each point of a cleaning pass (fault tests stop the process there). */
  logCleanerOnPhase?: (phase: string, info: { dir: string; baseOffset: number }) => void;
  /** Receives one line per notable event; silent when absent. */
  log?: (level: 'info' | 'warn' | 'error', msg: string, extra?: Record<string, unknown>) => void;
}

export interface BrokerConfig {
  port: number;
  host: string;
  advertisedHost: string;
  dataDir: string;
  nodeId: number;
  clusterId: string | undefined;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxRequestBytes: number;
  topicDefaults: Record<string, string>;
  retentionCheckIntervalMs: number;
  flushPolicy: 'ack' | 'interval' | 'none';
  transactionMaxTimeoutMs: number;
  transactionAbortCheckIntervalMs: number;
  transactionalIdExpirationMs: number;
  producerIdExpirationMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  logCleanerEnable: boolean;
  logCleanerBackoffMs: number;
  logCleanerOnPhase: BrokerOptions['logCleanerOnPhase'];
  log: NonNullable<BrokerOptions['log']>;
}

export function resolveConfig(opts: BrokerOptions = {}): BrokerConfig {
  const host = opts.host ?? '127.0.0.1';
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const config: BrokerConfig = {
    port: opts.port ?? 9092,
    host,
    advertisedHost: opts.advertisedHost ?? (wildcard ? '127.0.0.1' : host),
    dataDir: path.resolve(opts.dataDir ?? './data/broker'),
    nodeId: opts.nodeId ?? 1,
    clusterId: opts.clusterId,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    defaultPartitions: opts.defaultPartitions ?? 1,
    maxRequestBytes: opts.maxRequestBytes ?? 100 * 1024 * 1024,
    topicDefaults: opts.topicDefaults ?? {},
    retentionCheckIntervalMs: opts.retentionCheckIntervalMs ?? 5 * 60 * 1000,
    flushPolicy: opts.flushPolicy ?? 'ack',
    transactionMaxTimeoutMs: opts.transactionMaxTimeoutMs ?? 900_000,
    transactionAbortCheckIntervalMs: opts.transactionAbortCheckIntervalMs ?? 10_000,
    transactionalIdExpirationMs: opts.transactionalIdExpirationMs ?? 7 * 24 * 3600_000,
    producerIdExpirationMs: opts.producerIdExpirationMs ?? 24 * 3600_000,
    groupInitialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs ?? 3000,
    groupMinSessionTimeoutMs: opts.groupMinSessionTimeoutMs ?? 6000,
    groupMaxSessionTimeoutMs: opts.groupMaxSessionTimeoutMs ?? 1_800_000,
    logCleanerEnable: opts.logCleanerEnable ?? true,
    logCleanerBackoffMs: opts.logCleanerBackoffMs ?? 15_000,
    logCleanerOnPhase: opts.logCleanerOnPhase,
    log: opts.log ?? (() => {}),
  };
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) {
    throw new RangeError(`port must be an integer in 0..65535, got ${opts.port}`);
  }
  if (!['ack', 'interval', 'none'].includes(config.flushPolicy)) {
    throw new RangeError(`flushPolicy must be ack, interval or none, got ${opts.flushPolicy}`);
  }
  if (!Number.isInteger(config.defaultPartitions) || config.defaultPartitions < 1) {
    throw new RangeError(`defaultPartitions must be a positive integer, got ${opts.defaultPartitions}`);
  }
  for (const key of ['transactionMaxTimeoutMs', 'transactionAbortCheckIntervalMs', 'transactionalIdExpirationMs', 'producerIdExpirationMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  if (!Number.isInteger(config.logCleanerBackoffMs) || config.logCleanerBackoffMs < 1) {
    throw new RangeError(`logCleanerBackoffMs must be a positive integer, got ${config.logCleanerBackoffMs}`);
  }
  for (const key of ['groupInitialRebalanceDelayMs', 'groupMinSessionTimeoutMs', 'groupMaxSessionTimeoutMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 0) throw new RangeError(`${key} must be a non-negative integer, got ${config[key]}`);
  }
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new RangeError('groupMinSessionTimeoutMs must not exceed groupMaxSessionTimeoutMs');
  }
  return config;
}
