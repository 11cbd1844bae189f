// The embedded broker: TCP (or TLS) listeners speaking the Kafka protocol over the
// topic manager. `startBroker()` is the library entry point used by the CLI and tests.
import { BrokerConfigs, staticBrokerConfigs } from './broker-configs.js';
import net from 'node:net';
import tls from 'node:tls';
import type { ListenerConfig } from './listeners.js';
import { usesSasl, usesTls } from './listeners.js';
import { SaslSession } from './sasl/session.js';
import type { CredentialStore } from './sasl/credentials.js';
import { attachCredentialsFile, credentialsFileIn } from './sasl/credentials-file.js';
import { resolveConfig, type BrokerConfig, type BrokerOptions } from './config.js';
import { TopicManager, type Topic } from './topics/topic-manager.js';
import { Connection } from './server/connection.js';
import { createDispatcher } from './server/dispatcher.js';
import { RequestMemory, type RequestMemoryStats } from './server/request-memory.js';
import { ConnectionLimits } from './server/connection-limits.js';
import { PartitionBudget } from './partition-budget.js';
import { handlers } from './apis/index.js';
import type { ApiHandler, BrokerServices } from './apis/types.js';
import { topicMetrics, type TopicMetrics } from './metrics/topic-metrics.js';
import { TransactionCoordinator } from './txn/transaction-coordinator.js';
import { GroupCoordinator } from './groups/coordinator.js';
import { LogCleaner } from './log/cleaner-scheduler.js';
import { Authorizer } from './acl/authorizer.js';
import { AclStore, aclFileIn } from './acl/store.js';

export class Broker implements BrokerServices {
  readonly handlers: Map<number, ApiHandler>;
  private readonly servers: net.Server[];
  /** Each listener with the port it bound (known after listen()). */
  readonly listeners: BoundListener[];
  private readonly connections = new Set<Connection>();
  /** queued.max.request.bytes, shared by every connection. */
  readonly requestMemory: RequestMemory;
  private readonly connectionLimits: ConnectionLimits;
  /** max.partitions.per.request and max.broker.partitions. */
  readonly partitionBudget: PartitionBudget;
  private retentionTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;
  port = 0;
  /** Compacts cleanup.policy=compact topics in the background; `cleaner.cleanNow()` runs a round at once. */
  readonly cleaner: LogCleaner;

  constructor(
    readonly config: BrokerConfig,
    readonly topics: TopicManager,
    /** Consumer groups and committed offsets; `groups.describeAll()` for metrics. */
    readonly groups: GroupCoordinator,
    /** Producer ids and transactions; `txns.describeAll()` for metrics. */
    readonly txns: TransactionCoordinator,
    /** ACLs (kept in the data dir) and whether they are enforced. */
    readonly authorizer: Authorizer,
    /** Broker configs, static and dynamic (DescribeConfigs, AlterConfigs on BROKER resources). */
    readonly brokerConfigs: BrokerConfigs = BrokerConfigs.open(null, config.nodeId, staticBrokerConfigs(config), config.topicDefaults),
  ) {
    this.handlers = new Map(handlers.map((h) => [h.apiKey, h]));
    this.cleaner = new LogCleaner(
      () => topics.list().flatMap((t) => {
        const configs = topics.effectiveConfigs(t);
        return t.partitions.map((p) => ({ name: `${t.name}-${p.index}`, log: p.log, configs }));
      }),
      { backoffMs: config.logCleanerBackoffMs, log: config.log, onPhase: config.logCleanerOnPhase },
    );
    const dispatch = createDispatcher(this, this.handlers);
    this.partitionBudget = new PartitionBudget(topics, config.maxPartitionsPerRequest, config.maxBrokerPartitions);
    this.requestMemory = new RequestMemory(config.queuedMaxRequestBytes);
    this.connectionLimits = new ConnectionLimits(config.maxConnections, config.maxConnectionsPerIp);
    const applyLimits = () => this.connectionLimits.setLimits(Number(brokerConfigs.value('max.connections')), Number(brokerConfigs.value('max.connections.per.ip')));
    brokerConfigs.onChange.add(applyLimits);
    applyLimits();
    this.listeners = config.listeners.map((l) => new BoundListener(l));
    this.servers = this.listeners.map((listener) => {
      const secure = usesTls(listener.securityProtocol);
      const t = config.tls;
      const server = secure && t
        ? tls.createServer({ cert: t.cert, key: t.key, ca: t.ca, requestCert: t.requestCert, rejectUnauthorized: t.requestCert })
        : net.createServer();
      // Limits count TCP connections, so TLS handshakes in progress count too.
      server.on('connection', (socket: net.Socket) => this.admit(socket));
      server.on(secure ? 'secureConnection' : 'connection', (socket: net.Socket) => {
        if (!socket.destroyed) this.accept(socket, listener, dispatch);
      });
      if (secure) {
        server.on('tlsClientError', (err, socket) =>
          config.log('warn', 'TLS handshake failed', { listener: listener.name, client: `${socket.remoteAddress}:${socket.remotePort}`, error: err.message }),
        );
      }
      return server;
    });
  }

  /** max.connections and max.connections.per.ip: a connection beyond them is closed at once. */
  private admit(socket: net.Socket): void {
    const ip = socket.remoteAddress ?? '';
    const refused = this.connectionLimits.admit(ip);
    if (refused) {
      this.config.log('warn', `closing new connection: ${refused}`, { client: `${ip}:${socket.remotePort}` });
      socket.destroy();
      return;
    }
    socket.once('close', () => this.connectionLimits.leave(ip));
  }

  /** One admitted socket (after the TLS handshake on a TLS listener): its SASL state and framing. */
  private accept(socket: net.Socket, listener: BoundListener, dispatch: ReturnType<typeof createDispatcher>): void {
    const config = this.config;
    const sasl = usesSasl(listener.securityProtocol)
      ? new SaslSession({ credentials: config.sasl.credentials, maxReauthMs: config.connectionsMaxReauthMs, now: config.sasl.clock })
      : undefined;
    const scope = { listener, sasl };
    const conn = new Connection(socket, (frame, c) => dispatch(frame, c, scope), {
      maxRequestBytes: config.maxRequestBytes,
      memory: this.requestMemory,
      idleMs: config.connectionsMaxIdleMs,
      onIdle: (c) => config.log('info', 'closing idle connection', { client: `${c.remoteAddress}:${c.remotePort}` }),
      onError: (c, err) =>
        config.log('warn', 'closing connection after a bad request', {
          client: `${c.remoteAddress}:${c.remotePort}`,
          error: err instanceof Error ? err.message : String(err),
        }),
    });
    this.connections.add(conn);
    socket.on('close', () => this.connections.delete(conn));
  }

  get nodeId(): number {
    return this.config.nodeId;
  }

  get advertisedHost(): string {
    return this.listeners[0]!.advertisedHost;
  }

  get credentials(): CredentialStore {
    return this.config.sasl.credentials;
  }

  async listen(): Promise<void> {
    const listening: net.Server[] = [];
    try {
      for (const [i, server] of this.servers.entries()) {
        const listener = this.listeners[i]!;
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(listener.config.port, listener.config.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        listening.push(server);
        listener.port = (server.address() as net.AddressInfo).port;
      }
    } catch (err) {
      await Promise.all(listening.map((server) => new Promise((resolve) => server.close(resolve))));
      throw err;
    }
    this.port = this.listeners[0]!.port;
    this.retentionTimer = setInterval(() => {
      try {
        this.topics.enforceRetention();
      } catch (err) {
        this.config.log('error', 'retention check failed', { error: String(err) });
      }
    }, this.config.retentionCheckIntervalMs);
    this.retentionTimer.unref();
    if (this.config.logCleanerEnable) this.cleaner.start();
  }

  /** Open connections, request memory in use and bytes of half-read frames held. */
  serverStats(): { connections: number; partialFrameBytes: number; requestMemory: RequestMemoryStats } {
    let partialFrameBytes = 0;
    for (const c of this.connections) partialFrameBytes += c.partialFrameBytes;
    return { connections: this.connections.size, partialFrameBytes, requestMemory: this.requestMemory.stats() };
  }

  /** Offsets, sizes and append rates of every topic-partition. */
  topicMetrics(): TopicMetrics[] {
    return topicMetrics(this.topics);
  }

  /** Finds a topic, creating it when auto-creation is on (Metadata, Produce). */
  async autoCreate(name: string): Promise<Topic | undefined> {
    if (!this.config.autoCreateTopics) return this.topics.get(name);
    const topic = this.topics.get(name);
    if (topic) return topic;
    return this.partitionBudget.within(this.config.defaultPartitions, () => this.topics.getOrCreate(name, this.config.defaultPartitions));
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.retentionTimer);
      await this.cleaner.stop();
      const closed = Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      for (const c of this.connections) c.destroy();
      await closed;
      await this.txns.close(); // before the logs: it may still be writing markers
      await this.groups.close(); // after txns (they may complete transactional offsets), before the logs
      await this.topics.close();
    })();
    return this.closing;
  }
}

/** A listener and the port it bound: what its clients are told in Metadata. */
export class BoundListener {
  port = 0;
  constructor(readonly config: ListenerConfig) {}

  get name(): string {
    return this.config.name;
  }

  get securityProtocol() {
    return this.config.securityProtocol;
  }

  get advertisedHost(): string {
    return this.config.advertisedHost;
  }

  /** The advertised port, or the bound one when none was advertised. */
  get advertisedPort(): number {
    return this.config.advertisedPort || this.port;
  }

  /** host:port clients are told to use. */
  get address(): string {
    const host = this.advertisedHost.includes(':') ? `[${this.advertisedHost}]` : this.advertisedHost;
    return `${host}:${this.advertisedPort}`;
  }
}

export interface RunningListener {
  name: string;
  securityProtocol: ListenerConfig['securityProtocol'];
  /** The advertised host:port. */
  address: string;
  /** The port bound (differs from the advertised one behind a port mapping). */
  port: number;
}

export interface RunningBroker {
  /** host:port to give clients as their bootstrap server (the first listener's, as advertised). */
  address: string;
  /** Every listener, in the order configured. */
  listeners: RunningListener[];
  host: string;
  port: number;
  broker: Broker;
  close(): Promise<void>;
}

/** Opens the data directory (recovering every partition) and starts listening. */
export async function startBroker(options: BrokerOptions = {}): Promise<RunningBroker> {
  const config = resolveConfig(options);
  // SCRAM users changed at run time, over the ones of the options.
  attachCredentialsFile(config.sasl.credentials, credentialsFileIn(config.dataDir));
  const authorizer = new Authorizer(new AclStore(aclFileIn(config.dataDir)), config.authorizer);
  // Before the topics: dynamic broker defaults (log.retention.ms, ...) are in force when partitions open.
  const brokerConfigs = BrokerConfigs.open(config.dataDir, config.nodeId, staticBrokerConfigs(config), config.topicDefaults);
  const topics = await TopicManager.open(config.dataDir, {
    brokerDefaults: config.topicDefaults,
    clusterId: config.clusterId,
    flushPolicy: config.flushPolicy,
    maxOpenFiles: config.logMaxOpenFiles,
    onWarning: (message, error) => config.log('warn', message, error === undefined ? undefined : { error: String(error) }),
  });
  let groups: GroupCoordinator;
  try {
    // Before the transaction coordinator, whose recovery may complete transactional offsets.
    groups = await GroupCoordinator.open(topics, {
      initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
      minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
      maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
      offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
      offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
      consumer: {
        heartbeatIntervalMs: config.groupConsumerHeartbeatIntervalMs,
        sessionTimeoutMs: config.groupConsumerSessionTimeoutMs,
        assignors: config.groupConsumerAssignors,
      },
      log: config.log,
    });
  } catch (err) {
    await topics.close();
    throw err;
  }
  let txns: TransactionCoordinator;
  try {
    txns = await TransactionCoordinator.open({
      dir: TransactionCoordinator.dirFor(config.dataDir),
      topics,
      maxTimeoutMs: config.transactionMaxTimeoutMs,
      abortCheckIntervalMs: config.transactionAbortCheckIntervalMs,
      transactionalIdExpirationMs: config.transactionalIdExpirationMs,
      producerIdExpirationMs: config.producerIdExpirationMs,
      sync: config.flushPolicy === 'ack',
      groups,
      log: config.log,
    });
  } catch (err) {
    await groups.close();
    await topics.close();
    throw err;
  }
  brokerConfigs.onTopicDefaultsChanged = () => topics.reapplyConfigs();
  const broker = new Broker(config, topics, groups, txns, authorizer, brokerConfigs);
  try {
    await broker.listen();
  } catch (err) {
    await txns.close();
    await groups.close();
    await topics.close();
    throw err;
  }
  topics.openInBackground();
  for (const l of broker.listeners) {
    config.log('info', 'broker listening', { listener: l.name, securityProtocol: l.securityProtocol, host: l.config.host, port: l.port, advertised: l.address, dataDir: config.dataDir });
  }
  const first = broker.listeners[0]!;
  return {
    address: first.address,
    listeners: broker.listeners.map((l) => ({ name: l.name, securityProtocol: l.securityProtocol, address: l.address, port: l.port })),
    host: first.advertisedHost,
    port: first.port,
    broker,
    close: () => broker.close(),
  };
}
