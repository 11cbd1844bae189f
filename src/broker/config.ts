// Broker configuration: what `startBroker()` and `tributary broker` accept, with
// Kafka's defaults where Kafka has one of the same name.
import fs from 'node:fs';
import path from 'node:path';
import { parseListeners, parseProtocolMap, resolveListeners, usesSasl, usesTls, ListenerConfigError, type ListenerConfig, type ListenerSpec } from './listeners.js';
import { CredentialStore, SASL_MECHANISMS, type SaslMechanism, type SaslUser } from './sasl/credentials.js';

/** TLS for SSL and SASL_SSL listeners: each value a PEM file's path or the PEM text itself. */
export interface TlsOptions {
  cert: string;
  key: string;
  /** CA certificates client certificates are verified against (mutual TLS). */
  ca?: string;
  /** Ask clients for a certificate and refuse those the CA did not sign (ssl.client.auth=required). */
  requestCert?: boolean;
}

export interface SaslOptions {
  /** Users and their passwords; only salted credentials are kept. */
  users?: SaslUser[];
  /** sasl.enabled.mechanisms. Default PLAIN, SCRAM-SHA-256, SCRAM-SHA-512. */
  mechanisms?: SaslMechanism[];
  /** The clock sessions expire by (connections.max.reauth.ms); tests give their own. Default Date.now. */
  clock?: () => number;
}

/** TLS settings with the PEM text loaded. */
export interface TlsSettings {
  cert: string;
  key: string;
  ca: string | undefined;
  requestCert: boolean;
}

export interface BrokerOptions {
  /**
   * listeners: `PLAINTEXT://0.0.0.0:9092,SASL_SSL://127.0.0.1:9093` or the same as
   * objects. When given, `host` and `port` are not used. Default: one PLAINTEXT
   * listener on `host`:`port`.
   */
  listeners?: string | ListenerSpec[];
  /** advertised.listeners: what Metadata tells clients of each listener, by name; port 0 is the bound port. */
  advertisedListeners?: string | ListenerSpec[];
  /** listener.security.protocol.map for custom listener names: `INTERNAL:PLAINTEXT,EXTERNAL:SASL_SSL`. */
  listenerSecurityProtocolMap?: string | Record<string, string>;
  /** SASL users and mechanisms for SASL_PLAINTEXT and SASL_SSL listeners. */
  sasl?: SaslOptions;
  /** Certificate and key for SSL and SASL_SSL listeners. */
  tls?: TlsOptions;
  /**
   * Enforce ACLs (Kafka's authorizer.class.name set). Off by default: every request
   * is allowed and the ACL APIs answer SECURITY_DISABLED.
   */
  authorizer?: boolean;
  /** super.users: principals allowed everything, e.g. ['User:admin']. */
  superUsers?: string[];
  /** allow.everyone.if.no.acl.found: a resource without any ACL is open to all. Default false. */
  allowEveryoneIfNoAclFound?: boolean;
  /** connections.max.reauth.ms: SASL sessions last this long unless re-authenticated (KIP-368); 0 never expires. Default 0. */
  connectionsMaxReauthMs?: number;
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
  /** socket.request.max.bytes: the largest request frame accepted; a larger size prefix closes the connection. Default 104857600. */
  maxRequestBytes?: number;
  /**
   * queued.max.request.bytes: bytes of requests being read or waiting for an answer,
   * over all connections; a connection whose next frame does not fit stops being
   * read until memory is freed. -1 is unbounded (Kafka's default). Default 256 MiB.
   */
  queuedMaxRequestBytes?: number;
  /** Partitions one CreateTopics or CreatePartitions request may add (Kafka's controller fixes it at 10000). */
  maxPartitionsPerRequest?: number;
  /** max.broker.partitions: partitions this broker may hold in all, internal topics included. Default 100000. */
  maxBrokerPartitions?: number;
  /** fetch.max.bytes: the most bytes one Fetch answer carries, whatever the request asks. Default 57671680. */
  fetchMaxBytes?: number;
  /** max.partition.fetch.bytes: the most bytes one partition contributes to a Fetch answer. Default 10 MiB. */
  fetchMaxPartitionBytes?: number;
  /** max.connections: connections beyond this are closed at once. Default 2147483647. */
  maxConnections?: number;
  /** max.connections.per.ip: connections from one address beyond this are closed at once. Default 2147483647. */
  maxConnectionsPerIp?: number;
  /** connections.max.idle.ms: a connection with no traffic and no request in progress for this long is closed. Default 600000. */
  connectionsMaxIdleMs?: number;
  /** Broker-level defaults for topic configs (retention.ms, segment.bytes, ...). */
  topicDefaults?: Record<string, string>;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number;
  /** Most segment files the log keeps open at once (a bounded cache of descriptors). Default 4096. */
  logMaxOpenFiles?: number;
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
  /** group.consumer.heartbeat.interval.ms: heartbeat interval told to consumer-protocol (KIP-848) members. Default 5000. */
  groupConsumerHeartbeatIntervalMs?: number;
  /** group.consumer.session.timeout.ms: a consumer-protocol member silent this long is removed. Default 45000. */
  groupConsumerSessionTimeoutMs?: number;
  /** offsets.retention.minutes: committed offsets of a group without members (or of topics it no longer subscribes to) expire after this. Default 10080 (7 days). */
  offsetsRetentionMinutes?: number;
  /** offsets.retention.check.interval.ms: how often offsets expire and empty groups without offsets are deleted. Default 600000. */
  offsetsRetentionCheckIntervalMs?: number;
  /** group.consumer.assignors: server-side assignors ("uniform", "range"); the first is the default. */
  groupConsumerAssignors?: string[];
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
  /** Every listener with its protocol; the first one's address is the broker's `address`. */
  listeners: ListenerConfig[];
  /** SASL users by mechanism (Describe/AlterUserScramCredentials change the SCRAM ones), and the clock sessions expire by. */
  sasl: { credentials: CredentialStore; clock: () => number };
  tls: TlsSettings | undefined;
  /** Whether ACLs are enforced, who bypasses them, and what a resource without ACLs allows. */
  authorizer: { enabled: boolean; superUsers: string[]; allowEveryoneIfNoAclFound: boolean };
  connectionsMaxReauthMs: number;
  /** The first listener's. */
  port: number;
  host: string;
  advertisedHost: string;
  dataDir: string;
  nodeId: number;
  clusterId: string | undefined;
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxRequestBytes: number;
  /** Infinity when unbounded (-1). */
  queuedMaxRequestBytes: number;
  maxPartitionsPerRequest: number;
  maxBrokerPartitions: number;
  fetchMaxBytes: number;
  fetchMaxPartitionBytes: number;
  maxConnections: number;
  maxConnectionsPerIp: number;
  connectionsMaxIdleMs: number;
  topicDefaults: Record<string, string>;
  retentionCheckIntervalMs: number;
  logMaxOpenFiles: number;
  flushPolicy: 'ack' | 'interval' | 'none';
  transactionMaxTimeoutMs: number;
  transactionAbortCheckIntervalMs: number;
  transactionalIdExpirationMs: number;
  producerIdExpirationMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupConsumerHeartbeatIntervalMs: number;
  groupConsumerSessionTimeoutMs: number;
  offsetsRetentionMinutes: number;
  offsetsRetentionCheckIntervalMs: number;
  groupConsumerAssignors: string[];
  logCleanerEnable: boolean;
  logCleanerBackoffMs: number;
  logCleanerOnPhase: BrokerOptions['logCleanerOnPhase'];
  log: NonNullable<BrokerOptions['log']>;
}

const MiB = 1024 * 1024;
const INT32_MAX = 2 ** 31 - 1;
/**
 * Kafka leaves queued.max.request.bytes unbounded because its broker owns the
 * JVM heap; an embedded broker shares its process with the application, so by
 * default request bytes are bounded at 256 MiB: two largest-size (100 MiB)
 * requests can still be read at once, and a flood of half-sent frames costs at
 * most this much memory instead of everything the clients send.
 */
const DEFAULT_QUEUED_MAX_REQUEST_BYTES = 256 * MiB;

export function resolveConfig(opts: BrokerOptions = {}): BrokerConfig {
  const listeners = listenersOf(opts);
  const first = listeners[0]!;
  const needsSasl = listeners.some((l) => usesSasl(l.securityProtocol));
  const needsTls = listeners.some((l) => usesTls(l.securityProtocol));
  if (needsSasl && !opts.sasl) throw new ListenerConfigError('a SASL listener needs sasl options (users and mechanisms)');
  if (needsTls && !opts.tls) throw new ListenerConfigError('an SSL or SASL_SSL listener needs tls options (cert and key)');
  const config: BrokerConfig = {
    listeners,
    // Always a store: AlterUserScramCredentials may add users before any SASL listener needs them.
    sasl: { credentials: new CredentialStore(opts.sasl?.mechanisms ?? SASL_MECHANISMS, opts.sasl?.users ?? []), clock: opts.sasl?.clock ?? Date.now },
    tls: needsTls ? loadTls(opts.tls!) : undefined,
    authorizer: { enabled: opts.authorizer ?? false, superUsers: opts.superUsers ?? [], allowEveryoneIfNoAclFound: opts.allowEveryoneIfNoAclFound ?? false },
    connectionsMaxReauthMs: opts.connectionsMaxReauthMs ?? 0,
    port: first.port,
    host: first.host,
    advertisedHost: first.advertisedHost,
    dataDir: path.resolve(opts.dataDir ?? './data/broker'),
    nodeId: opts.nodeId ?? 1,
    clusterId: opts.clusterId,
    autoCreateTopics: opts.autoCreateTopics ?? true,
    defaultPartitions: opts.defaultPartitions ?? 1,
    maxRequestBytes: opts.maxRequestBytes ?? 100 * MiB,
    queuedMaxRequestBytes: opts.queuedMaxRequestBytes === -1 ? Infinity : (opts.queuedMaxRequestBytes ?? DEFAULT_QUEUED_MAX_REQUEST_BYTES),
    maxPartitionsPerRequest: opts.maxPartitionsPerRequest ?? 10_000,
    maxBrokerPartitions: opts.maxBrokerPartitions ?? 100_000,
    fetchMaxBytes: opts.fetchMaxBytes ?? 55 * MiB,
    fetchMaxPartitionBytes: opts.fetchMaxPartitionBytes ?? 10 * MiB,
    maxConnections: opts.maxConnections ?? INT32_MAX,
    maxConnectionsPerIp: opts.maxConnectionsPerIp ?? INT32_MAX,
    connectionsMaxIdleMs: opts.connectionsMaxIdleMs ?? 600_000,
    topicDefaults: opts.topicDefaults ?? {},
    retentionCheckIntervalMs: opts.retentionCheckIntervalMs ?? 5 * 60 * 1000,
    logMaxOpenFiles: opts.logMaxOpenFiles ?? 4096,
    flushPolicy: opts.flushPolicy ?? 'ack',
    transactionMaxTimeoutMs: opts.transactionMaxTimeoutMs ?? 900_000,
    transactionAbortCheckIntervalMs: opts.transactionAbortCheckIntervalMs ?? 10_000,
    transactionalIdExpirationMs: opts.transactionalIdExpirationMs ?? 7 * 24 * 3600_000,
    producerIdExpirationMs: opts.producerIdExpirationMs ?? 24 * 3600_000,
    groupInitialRebalanceDelayMs: opts.groupInitialRebalanceDelayMs ?? 3000,
    groupMinSessionTimeoutMs: opts.groupMinSessionTimeoutMs ?? 6000,
    groupMaxSessionTimeoutMs: opts.groupMaxSessionTimeoutMs ?? 1_800_000,
    groupConsumerHeartbeatIntervalMs: opts.groupConsumerHeartbeatIntervalMs ?? 5000,
    groupConsumerSessionTimeoutMs: opts.groupConsumerSessionTimeoutMs ?? 45_000,
    groupConsumerAssignors: opts.groupConsumerAssignors ?? ['uniform', 'range'],
    offsetsRetentionMinutes: opts.offsetsRetentionMinutes ?? 10_080,
    offsetsRetentionCheckIntervalMs: opts.offsetsRetentionCheckIntervalMs ?? 600_000,
    logCleanerEnable: opts.logCleanerEnable ?? true,
    logCleanerBackoffMs: opts.logCleanerBackoffMs ?? 15_000,
    logCleanerOnPhase: opts.logCleanerOnPhase,
    log: opts.log ?? (() => {}),
  };
  if (!Number.isInteger(config.connectionsMaxReauthMs) || config.connectionsMaxReauthMs < 0) {
    throw new RangeError(`connectionsMaxReauthMs must be a non-negative integer, got ${opts.connectionsMaxReauthMs}`);
  }
  for (const p of config.authorizer.superUsers) {
    if (!/^[^:]+:.+$/.test(p)) throw new RangeError(`superUsers: "${p}" is not a principal (User:name)`);
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
  for (const key of ['groupConsumerHeartbeatIntervalMs', 'groupConsumerSessionTimeoutMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  for (const name of config.groupConsumerAssignors) {
    if (name !== 'uniform' && name !== 'range') throw new RangeError(`groupConsumerAssignors: unknown assignor "${name}" (uniform, range)`);
  }
  if (config.groupConsumerAssignors.length === 0) throw new RangeError('groupConsumerAssignors must name at least one assignor');
  for (const key of ['maxRequestBytes', 'maxPartitionsPerRequest', 'maxBrokerPartitions', 'fetchMaxBytes', 'fetchMaxPartitionBytes', 'maxConnections', 'maxConnectionsPerIp', 'connectionsMaxIdleMs'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new RangeError(`${key} must be a positive integer, got ${config[key]}`);
  }
  const queued = config.queuedMaxRequestBytes;
  if (queued !== Infinity && (!Number.isInteger(queued) || queued < config.maxRequestBytes)) {
    throw new RangeError(`queuedMaxRequestBytes must be -1 or an integer of at least maxRequestBytes (${config.maxRequestBytes}), got ${opts.queuedMaxRequestBytes}`);
  }
  if (config.groupMinSessionTimeoutMs > config.groupMaxSessionTimeoutMs) {
    throw new RangeError('groupMinSessionTimeoutMs must not exceed groupMaxSessionTimeoutMs');
  }
  return config;
}

/** The listeners option, or one PLAINTEXT listener from host/port/advertisedHost. */
function listenersOf(opts: BrokerOptions): ListenerConfig[] {
  const protocols = parseProtocolMap(opts.listenerSecurityProtocolMap);
  const advertised = opts.advertisedListeners === undefined ? undefined : parseListeners(opts.advertisedListeners, 'advertised.listeners');
  if (opts.listeners !== undefined) return resolveListeners(parseListeners(opts.listeners), advertised, protocols);
  const port = opts.port ?? 9092;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in 0..65535, got ${opts.port}`);
  const spec = { name: 'PLAINTEXT', host: opts.host ?? '127.0.0.1', port };
  const own = opts.advertisedHost === undefined ? [] : [{ name: 'PLAINTEXT', host: opts.advertisedHost, port: 0 }];
  return resolveListeners([spec], advertised ?? own, protocols);
}

/** Reads the PEM files (a value holding PEM text is taken as it is). */
function loadTls(tls: TlsOptions): TlsSettings {
  const pem = (what: string, value: string): string => {
    if (value.includes('-----BEGIN')) return value;
    try {
      return fs.readFileSync(value, 'utf8');
    } catch (err) {
      throw new ListenerConfigError(`tls.${what}: cannot read ${value}: ${(err as Error).message}`);
    }
  };
  if (tls.requestCert && !tls.ca) throw new ListenerConfigError('tls.requestCert needs tls.ca to verify client certificates against');
  return {
    cert: pem('cert', tls.cert),
    key: pem('key', tls.key),
    ca: tls.ca === undefined ? undefined : pem('ca', tls.ca),
    requestCert: tls.requestCert ?? false,
  };
}
