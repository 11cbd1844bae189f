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
  return config;
}
